#!/usr/bin/env python3
"""A round's cost outside compute, fitted to bench/round-cost-cluster.sh's measurements and projected.

Usage: bench/scaling_model.py [results.tsv] [projection.tsv] > model.md
  results.tsv: bench/round-cost-cluster.sh's (default bench/results/round-cost-cluster/results.tsv);
  projection.tsv, if given, receives the projected rounds (model, executors, broadcast+tree s, ring s) for
  org.sparkdl.bench.ScalingProjectionChart.

Measured on loopback, every JVM on the machine's 2 cores: for n executors and a state of S bytes, the
median of an empty job E(n), then of a job that also reads a broadcast state, then of one that also
returns a state per partition merged by treeReduce; B and R are the differences. The model, fitted by
non-negative least squares, so that each term is a cost:

  E(n)   = a0 + a1 n                              scheduling a job and its n tasks (the driver's work)
  B(n,S) = cb n + S (db + xb n / 2)               broadcast: the driver writes S once (db); each executor
                                                  fetches and deserialises it (xb), n of them on 2 cores
  R(n,S) = cr n + S (xr n / 2 + dr (r + m))       results: each executor serialises its state (xr); the
                                                  driver deserialises and merges the r results that reach
                                                  it and a tree level's reducers the m results they merge
                                                  (dr each); Spark's treeAggregate(depth 2) decides r, m

On a cluster each executor has a core and a network card of its own: the executors' work (xb, xr, and
their fixed costs cb, cr) runs in parallel and counts once, the driver's (a, db, dr r) does not
parallelise, and the bytes cross a network at the bandwidth below: S to every executor (BitTorrent-style
pieces: the driver need not send many copies), a tree level's fan-in into one reducer, r S into the
driver. Ring all-reduce (as Horovod does) moves 2 (n-1)/n S in and out of every executor in 2 (n-1)
steps, none through the driver; it still needs the job that starts the round.
"""
import itertools
import math
import sys

import numpy as np

BANDWIDTH = 1.25e9  # bytes/s: a 10 Gbit/s network card per executor and for the driver
STEP_LATENCY = 1e-4  # s per ring step: one TCP exchange in a data centre


def tree_fan_in(n, depth=2):
    """Spark's treeAggregate(depth=2) over n partitions: (results reaching the driver, results merged
    on a tree level's reducers in all, results per such reducer)."""
    scale = max(math.ceil(n ** (1.0 / depth)), 2)
    parts = n
    while parts > scale + math.ceil(parts / scale):
        parts //= scale
    return (parts, n, n / parts) if parts < n else (n, 0, 1)


def load(path):
    rows = {}
    for line in open(path):
        f = line.split()
        if f[0] == "executors":
            continue
        n, floats, step, median = int(f[0]), int(f[1]), f[2], float(f[4]) / 1e3
        rows[(n, floats * 4, step)] = median
    return rows


def nnls(x, y):
    """Least squares with every coefficient >= 0: the best of the unconstrained fits on each subset of columns."""
    best = (None, float("inf"))
    k = x.shape[1]
    for m in range(1, k + 1):
        for cols in itertools.combinations(range(k), m):
            c, *_ = np.linalg.lstsq(x[:, cols], y, rcond=None)
            if (c < 0).any():
                continue
            coef = np.zeros(k)
            coef[list(cols)] = c
            err = float(np.sum((x @ coef - y) ** 2))
            if err < best[1]:
                best = (coef, err)
    return best[0], math.sqrt(best[1] / len(y))


def fit(rows):
    ns = sorted({k[0] for k in rows})
    sizes = sorted({k[1] for k in rows})
    e_rows, b_rows, r_rows = [], [], []
    for n in ns:
        r, m, _ = tree_fan_in(n)
        for s in sizes:
            empty = rows[(n, s, "empty_job")]
            bcast = rows[(n, s, "_broadcast_state")] - empty
            back = rows[(n, s, "_states_back_merged")] - rows[(n, s, "_broadcast_state")]
            e_rows.append(([1, n], empty))
            b_rows.append(([n, s, s * n / 2], bcast))
            r_rows.append(([n, s * n / 2, s * (r + m)], back))

    def solve(data):
        return nnls(np.array([d[0] for d in data], float), np.array([d[1] for d in data], float))

    return solve(e_rows), solve(b_rows), solve(r_rows), ns, sizes


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/round-cost-cluster/results.tsv"
    rows = load(path)
    (a, ea), (b, eb), (g, eg), ns, sizes = fit(rows)
    cb, db, xb = b
    cr, xr, dr = g
    print("## Fitted on loopback (%s executors; states of %s MB)\n" % (
        ", ".join(map(str, ns)), ", ".join("%.1f" % (s / 1e6) for s in sizes)))
    print("| part | fit | rms error |")
    print("|---|---|---|")
    print("| empty job E(n) | %.1f ms + %.2f ms × n | %.1f ms |" % (a[0] * 1e3, a[1] * 1e3, ea * 1e3))
    print("| broadcast B(n,S) | %.2f ms × n + S × (%.2f + %.2f × n/2) ms/MB | %.1f ms |" % (
        cb * 1e3, db * 1e9, xb * 1e9, eb * 1e3))
    print("| results R(n,S) | %.2f ms × n + S × (%.2f × n/2 + %.2f × (r + m)) ms/MB | %.1f ms |\n" % (
        cr * 1e3, xr * 1e9, dr * 1e9, eg * 1e3))

    def loopback(n, s):
        r, m, _ = tree_fan_in(n)
        return a[0] + a[1] * n + cb * n + s * (db + xb * n / 2) + cr * n + s * (xr * n / 2 + dr * (r + m))

    print("Measured against fitted (median ms of a whole round: job, broadcast, results):\n")
    print("| executors | state MB | measured | fitted |")
    print("|---|---|---|---|")
    for n in ns:
        for s in sizes:
            print("| %d | %.1f | %.1f | %.1f |" % (
                n, s / 1e6, rows[(n, s, "_states_back_merged")] * 1e3, loopback(n, s) * 1e3))
    print()

    def cluster(n, s):
        """A round on n executors with their own core and network: (sched, driver CPU, executors' CPU, network)."""
        r, m, fan = tree_fan_in(n)
        sched = a[0] + a[1] * n
        driver = s * (db + dr * r)
        executors = cb + cr + s * (xb + xr + (dr * fan if m else 0))
        network = s / BANDWIDTH * (1 + (fan if m else 0) + r)
        return sched, driver, executors, network, r

    def ring(n, s):
        return a[0] + a[1] * n + cb + s * xb + 2 * (n - 1) / n * s / BANDWIDTH + 2 * (n - 1) * STEP_LATENCY

    models = [
        ("CNN-S with Adam's moments (2.6 M floats)", 2.6e6 * 4, 64 / (2346 / 2)),
        ("CNN-S, weights only (0.86 M floats)", 0.86e6 * 4, 64 / (2346 / 2)),
        ("25 M parameters with Adam, one CPU core each", 75e6 * 4, 6.0),
        ("25 M parameters with Adam, one GPU each", 75e6 * 4, 0.05),
    ]
    print("## Projected to a cluster (%.0f Gbit/s per network card, %.1f ms a ring step)\n" % (
        BANDWIDTH * 8 / 1e9, STEP_LATENCY * 1e3))
    print("| model | step s | executors | round s = scheduling + driver CPU + executors' CPU + network |"
          " into the driver MB | driver memory MB | averagingFrequency for ≤ 5% | ring all-reduce round s |"
          " its averagingFrequency |")
    print("|---|---|---|---|---|---|---|---|---|")
    projection = ["model\texecutors\ttree_s\tring_s"]
    for name, s, step in models:
        for n in (2, 8, 16, 64, 256):
            sched, driver, executors, network, r = cluster(n, s)
            total = sched + driver + executors + network
            ring_total = ring(n, s)
            if "GPU" not in name:  # the same rounds as on CPU cores: only the steps differ
                projection.append("%s\t%d\t%.4f\t%.4f" % (name, n, total, ring_total))
            print("| %s | %.3f | %d | %.3f = %.3f + %.3f + %.3f + %.3f | %.0f | %.0f | %d | %.3f | %d |" % (
                name, step, n, total, sched, driver, executors, network, r * s / 1e6, (3 + r) * s / 1e6,
                math.ceil(19 * total / step), ring_total, math.ceil(19 * ring_total / step)))
    print()
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write("\n".join(projection) + "\n")


if __name__ == "__main__":
    main()
