#!/usr/bin/env bash
# Side by side in one run: the Fashion-MNIST row classifier (28 steps of 28 pixels, LSTM(hidden) ->
# dense(10), Adam 1e-3, batch 64) trained by spark-dl on local[2] and by PyTorch on 2 threads
# (OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1, its fastest setting here), alternated A B A B ...
# Prints each run's sequences/s of its LAST epoch (both sides warm) and test accuracy, then medians.
# Usage: bench/rnn-rows-vs-pytorch.sh [runs=3] [epochs=2] [hidden=128]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"; epochs="${2:-2}"; hidden="${3:-128}"
out=bench/results/rnn-rows-ab; mkdir -p "$out"
echo "load before: $(cat /proc/loadavg)"
: > "$out/runs.txt"
for i in $(seq 1 "$runs"); do
  bin/spark-dl train --data fashion-mnist --input-shape 28,28 --spec "lstm($hidden) last dense(10)" \
    --epochs "$epochs" --output "$out/spark-$i" --overwrite 2>"$out/spark-$i.log" >/dev/null
  sps=$(grep -o 'samplesPerSecond [0-9]*' "$out/spark-$i.log" | tail -1 | cut -d' ' -f2)
  acc=$(grep -o 'validationAccuracy [0-9.]*' "$out/spark-$i.log" | tail -1 | cut -d' ' -f2)
  echo "spark-dl $i sequences/s $sps test_accuracy $acc" | tee -a "$out/runs.txt"
  json=$(cd bench && OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 pytorch_rnn.py rows \
    --epochs "$epochs" --hidden "$hidden")
  echo "pytorch $i $(echo "$json" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("sequences/s %.0f test_accuracy %.4f" % (r["sequences_per_second"][-1], r["test_accuracy"][-1]))')" | tee -a "$out/runs.txt"
done
echo "load after: $(cat /proc/loadavg)"
python3 - "$out/runs.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for side in ("spark-dl", "pytorch"):
    v = [float(r[3]) for r in rows if r[0] == side]
    print(f"{side:9s} sequences/s median {statistics.median(v):.0f} (min {min(v):.0f}, max {max(v):.0f})")
s = statistics.median(float(r[3]) for r in rows if r[0] == "spark-dl")
p = statistics.median(float(r[3]) for r in rows if r[0] == "pytorch")
print(f"ratio spark-dl / pytorch: {s / p:.2f}")
PY
