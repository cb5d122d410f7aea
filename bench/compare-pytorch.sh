#!/usr/bin/env bash
# CNN-S on Fashion-MNIST, Adam 1e-3, side by side on one quiet machine:
#   1. PyTorch's fastest configuration here: each candidate (thread settings, interop threads,
#      channels-last) trains 2 epochs on 16,000 rows, twice, alternated; the fastest median of the
#      second epochs wins, and every candidate's figures are printed;
#   2. then `runs` alternated rounds of PyTorch (that configuration), spark-dl's core in one JVM
#      (2 threads) and CNNClassifier on local[2] (P C S P C S ...), `epochs` epochs each, the load
#      average printed before each run;
#   3. per run, the mean images/s of epochs 2..E (the first epoch carries start-up and JIT) and the
#      test accuracy after the last epoch; reported: the median and min-max over the runs, and the
#      ratios of the medians to PyTorch's.
# Usage: bench/compare-pytorch.sh [runs=3] [epochs=5] [batch=64]      Results: bench/results/compare/
#   TUNE_ROWS (16000): rows of each tuning run; ROWS: train every side on the first ROWS images only
#   (a quick check of the script: spark-dl then tests on ROWS/6 test images, the others on all)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"; epochs="${2:-5}"; batch="${3:-64}"
tune_rows="${TUNE_ROWS:-16000}"; limit=(); [ -n "${ROWS:-}" ] && limit=(--limit "$ROWS")
out=bench/results/compare; mkdir -p "$out"
lines="$out/lines.jsonl"; : > "$lines"
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2; }

# 1. PyTorch's fastest configuration: "environment | flags" per candidate
candidates=(
  "OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1|--threads 2"
  "OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1|--threads 2 --interop-threads 1"
  "OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1|--threads 2 --channels-last"
  "OMP_NUM_THREADS=2|--threads 2"
  "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1|--threads 1"
)
tune="$out/tune.jsonl"; : > "$tune"
for pass in 1 2; do
  for i in "${!candidates[@]}"; do
    IFS='|' read -r envs flags <<< "${candidates[$i]}"
    load; echo "== tuning pass $pass: $envs pytorch_cnn_s.py $flags" >&2
    env $envs /usr/bin/python3 bench/pytorch_cnn_s.py --epochs 2 --limit "$tune_rows" --batch "$batch" $flags \
      | tail -n 1 | sed "s/^{/{\"candidate\": $i, /" >> "$tune"
  done
done
best=$(/usr/bin/python3 - "$tune" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r["candidate"], []).append(r["images_per_second"][-1])
for c, v in sorted(by.items()):
    print("candidate %d: %s images/s (second epoch), config %s" % (
        c, " / ".join("%.0f" % x for x in v), [r["config"] for r in rows if r["candidate"] == c][0]), file=sys.stderr)
print(max(by, key=lambda c: statistics.median(by[c])))
PY
)
IFS='|' read -r best_env best_flags <<< "${candidates[$best]}"
echo "== PyTorch's fastest here: $best_env, $best_flags" >&2

# 2. alternated runs
for r in $(seq 1 "$runs"); do
  load; echo "== run $r: PyTorch" >&2
  env $best_env /usr/bin/python3 bench/pytorch_cnn_s.py --epochs "$epochs" --batch "$batch" "${limit[@]}" $best_flags \
    | tail -n 1 | sed "s/^{/{\"side\": \"pytorch\", \"run\": $r, /" >> "$lines"
  load; echo "== run $r: spark-dl core, one JVM" >&2
  bin/train-core --epochs "$epochs" --batch "$batch" --threads 2 "${limit[@]}" --output "$out/core" 2>/dev/null \
    | /usr/bin/python3 -c '
import json, re, sys
rates, accs = [], []
for line in sys.stdin:
    m = re.match(r"epoch \d+/\d+ .* test acc ([0-9.]+) .* ([0-9]+) images/s", line)
    if m:
        accs.append(float(m.group(1))); rates.append(float(m.group(2)))
print(json.dumps({"side": "core", "run": int(sys.argv[1]), "images_per_second": rates, "test_accuracy": accs}))
' "$r" >> "$lines"
  load; echo "== run $r: CNNClassifier on local[2]" >&2
  bin/spark-dl train --data fashion-mnist --epochs "$epochs" --batch "$batch" "${limit[@]}" --output "$out/spark" --overwrite \
    > /dev/null 2>&1
  /usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(json.dumps({"side": "spark", "run": int(sys.argv[2]),
                  "images_per_second": [e["samplesPerSecond"] for e in s["epochs"]],
                  "test_accuracy": [e["validationAccuracy"] for e in s["epochs"]]}))
' "$out/spark/summary.json" "$r" >> "$lines"
done

# 3. medians and spreads
/usr/bin/python3 - "$lines" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def steady(r):
    v = r["images_per_second"][1:] or r["images_per_second"]
    return sum(v) / len(v)
med = {}
print("%-8s %-28s %-12s %-22s %s" % ("side", "images/s per run (ep. 2..E)", "median", "test acc per run", "vs PyTorch"))
for side in ("pytorch", "core", "spark"):
    rs = [r for r in rows if r["side"] == side]
    rates = [steady(r) for r in rs]
    med[side] = statistics.median(rates)
    accs = [r["test_accuracy"][-1] for r in rs]
    print("%-8s %-28s %-12s %-22s %.2fx" % (
        side, " / ".join("%.0f" % x for x in rates), "%.0f (%.0f-%.0f)" % (med[side], min(rates), max(rates)),
        " / ".join("%.4f" % a for a in accs), med[side] / med["pytorch"]))
PY
