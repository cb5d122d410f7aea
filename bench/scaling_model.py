#!/usr/bin/env python3
"""A round's cost outside compute, fitted to bench/round-cost-cluster.sh's measurements and projected.

Usage: bench/scaling_model.py [bench/results/round-cost-cluster/results.tsv] > model.md

Measured (loopback, all JVMs on the machine's 2 cores): for n executors and a state of S bytes, the median
of an empty job E(n), of a job that also reads a broadcast state (+B(n,S)) and of one that also returns a
state per partition merged by treeReduce (+R(n,S)). Fitted by least squares:

  E(n)   = a0 + a1 n                                   Spark's job and task scheduling
  B(n,S) = e0 + e1 n + S (b0 + b1 n)                   broadcast: driver's share b0, each executor's b1
  R(n,S) = f0 + f1 n + S (g0 + gE n + gD r(n))         results: each executor's gE, the driver's gD per
                                                       result it merges, r(n) = results reaching it

On loopback the n executors share 2 cores, so their per-byte work adds up: a slope per executor of w/2
means w of work each. On a cluster each executor has its own core and network, so that work runs in
parallel and counts once, while the driver's per-result work (gD r(n)) and the transfers into it do not.
The projection adds the network at a stated bandwidth: the broadcast's S (each executor receives S; with
BitTorrent-style pieces the driver need not send more than a few copies), the tree level's fan-in into one
reducer ((n / r) S) and the r results into the driver (r S). Ring all-reduce (as Horovod does) moves
2 (n-1)/n S per executor in 2 (n-1) steps, none through the driver.
"""
import math
import sys

import numpy as np

BANDWIDTH = 1.25e9  # bytes/s: a 10 Gbit/s NIC per machine
STEP_LATENCY = 1e-4  # s per ring step: one TCP round on a data-centre network


def tree_fan_in(n, depth=2):
    """Spark's treeAggregate(depth=2): (results reaching the driver, results per level-1 reducer or 1)."""
    scale = max(math.ceil(n ** (1.0 / depth)), 2)
    parts = n
    while parts > scale + math.ceil(parts / scale):
        parts //= scale
    return parts, (n / parts if parts < n else 1)


def load(path):
    rows = {}
    for line in open(path):
        f = line.split()
        if f[0] == "executors":
            continue
        n, floats, step, median = int(f[0]), int(f[1]), f[2], float(f[4]) / 1e3
        rows[(n, floats * 4, step)] = median
    return rows


def fit(rows):
    ns = sorted({k[0] for k in rows})
    sizes = sorted({k[1] for k in rows})
    e_rows, b_rows, r_rows = [], [], []
    for n in ns:
        for s in sizes:
            empty = rows[(n, s, "empty_job")]
            bcast = rows[(n, s, "_broadcast_state")] - empty
            back = rows[(n, s, "_states_back_merged")] - rows[(n, s, "_broadcast_state")]
            r, _ = tree_fan_in(n)
            e_rows.append(([1, n], empty))
            b_rows.append(([1, n, s, s * n], bcast))
            r_rows.append(([1, n, s, s * n, s * r], back))

    def lsq(data):
        x = np.array([d[0] for d in data], float)
        y = np.array([d[1] for d in data], float)
        coef, *_ = np.linalg.lstsq(x, y, rcond=None)
        rms = float(np.sqrt(np.mean((x @ coef - y) ** 2)))
        return coef, rms

    return lsq(e_rows), lsq(b_rows), lsq(r_rows), ns, sizes


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/round-cost-cluster/results.tsv"
    rows = load(path)
    (a, ea), (b, eb), (g, eg), ns, sizes = fit(rows)
    print("## Fitted on loopback (%s executors; states of %s MB)\n" % (
        ", ".join(map(str, ns)), ", ".join("%.1f" % (s / 1e6) for s in sizes)))
    print("| part | fit | rms error |")
    print("|---|---|---|")
    print("| empty job E(n) | %.1f ms + %.2f ms × n | %.1f ms |" % (a[0] * 1e3, a[1] * 1e3, ea * 1e3))
    print("| broadcast B(n,S) | %.1f ms + %.2f ms × n + S × (%.2f + %.2f × n) ms/MB | %.1f ms |" % (
        b[0] * 1e3, b[1] * 1e3, b[2] * 1e9, b[3] * 1e9, eb * 1e3))
    print("| results R(n,S) | %.1f ms + %.2f ms × n + S × (%.2f + %.2f × n + %.2f × r(n)) ms/MB | %.1f ms |\n" % (
        g[0] * 1e3, g[1] * 1e3, g[2] * 1e9, g[3] * 1e9, g[4] * 1e9, eg * 1e3))

    print("Measured against fitted (median ms of a round, all three parts):\n")
    print("| executors | state MB | measured | fitted |")
    print("|---|---|---|---|")
    for n in ns:
        for s in sizes:
            r, _ = tree_fan_in(n)
            fitted = a[0] + a[1] * n + b[0] + b[1] * n + s * (b[2] + b[3] * n) + g[0] + g[1] * n + s * (
                g[2] + g[3] * n + g[4] * r)
            print("| %d | %.1f | %.1f | %.1f |" % (n, s / 1e6, rows[(n, s, "_states_back_merged")] * 1e3, fitted * 1e3))
    print()

    def cluster_round(n, s):
        """Projected seconds of a round on n one-core executors with their own network, and its parts."""
        r, fan = tree_fan_in(n)
        sched = a[0] + a[1] * n
        cpu = b[0] + g[0] + s * (b[2] + 2 * max(b[3], 0) + g[2] + 2 * max(g[3], 0) + g[4] * r)
        net = s / BANDWIDTH * (1 + (fan if r < n else 0) + r)
        ring = 2 * (n - 1) / n * s / BANDWIDTH + 2 * (n - 1) * STEP_LATENCY + s * 2 * max(b[3], 0)
        return sched, cpu, net, ring, r

    models = [
        ("CNN-S, weights and Adam moments (2.6 M floats)", 2.6e6 * 4, 64 / (2148 / 2)),
        ("CNN-S, weights only (0.86 M floats)", 0.86e6 * 4, 64 / (2148 / 2)),
        ("25 M parameters with Adam, CPU core executor", 75e6 * 4, 6.0),
        ("25 M parameters with Adam, GPU executor", 75e6 * 4, 0.02),
    ]
    print("## Projected to a cluster (%.0f Gbit/s per machine, %.1f ms per ring step)\n" % (
        BANDWIDTH * 8 / 1e9, STEP_LATENCY * 1e3))
    print("| model | step s | executors | results into driver | round s (sched + CPU + network) | driver MB in, out |"
          " driver memory MB | averagingFrequency for ≤ 5% | ring all-reduce s | ring's averagingFrequency |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, s, step in models:
        for n in (2, 8, 16, 64, 256):
            sched, cpu, net, ring, r = cluster_round(n, s)
            total = sched + cpu + net
            ring_total = sched + ring
            k = math.ceil(19 * total / step)
            k_ring = math.ceil(19 * ring_total / step)
            print("| %s | %.3f | %d | %d | %.3f (%.3f + %.3f + %.3f) | %.0f, %.0f–%.0f | %.0f | %d | %.3f | %d |" % (
                name, step, n, r, total, sched, cpu, net, r * s / 1e6, s / 1e6, min(n, 4) * s / 1e6,
                (3 + r) * s / 1e6, k, ring_total, k_ring))
    print()


if __name__ == "__main__":
    main()
