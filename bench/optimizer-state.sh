#!/usr/bin/env bash
# averageOptimizerState true (the default: Adam's moments averaged with the weights) against false (each
# partition keeps its own moments): CNN-S, 5 epochs, local[2], alternated twice; per run the test
# accuracy, the averaging overhead over the run and per epoch, and images/s.
# Usage: bench/optimizer-state.sh        Results: bench/results/optimizer-state/runs.tsv
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results/optimizer-state; mkdir -p "$out"; : > "$out/runs.tsv"
for r in 1 2; do
  for v in true false; do
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); run $r, averageOptimizerState $v" >&2
    bin/spark-dl train --data fashion-mnist --epochs 5 --average-optimizer-state $v --output "$out/run-$v" --overwrite > "$out/last-$v.json" 2>/dev/null
    /usr/bin/python3 - "$out/run-$v/summary.json" "$v" "$r" >> "$out/runs.tsv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
e = s["epochs"]
secs = sum(x["seconds"] for x in e)
over = sum(x["averagingOverhead"] * x["seconds"] for x in e) / secs
imgs = sum(x["samplesPerSecond"] * x["seconds"] for x in e) / secs
print("%s\t%s\t%.4f\t%.1f\t%.0f\t%s" % (sys.argv[2], sys.argv[3], e[-1]["validationAccuracy"], 100 * over, imgs,
      " ".join("%.1f" % (100 * x["averagingOverhead"]) for x in e)))
PY
  done
done
cat "$out/runs.tsv"
