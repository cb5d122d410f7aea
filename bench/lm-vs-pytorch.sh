#!/usr/bin/env bash
# Side by side in one run: a character LSTM on the fortune texts trained by spark-dl on local[2]
# (bin/spark-dl train-lm) and by PyTorch (bench/pytorch_rnn.py lm, 2 threads in its fastest setting),
# the same network (embedding(E) lstm(H) dense(vocab)), split (CRC-32 of 7:record, 5% validation),
# vocabulary, windows of 256 characters, truncated BPTT every 64, Adam lr, batch 64 per replica;
# alternated A B A B ... Prints each run's final validation loss per character and tokens/s (last,
# warm epoch for PyTorch; the whole fit for spark-dl), then medians.
# Usage: bench/lm-vs-pytorch.sh [runs=2] [epochs=3] [hidden=128] [embedding=64] [lr=0.002]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-2}"; epochs="${2:-3}"; hidden="${3:-128}"; emb="${4:-64}"; lr="${5:-0.002}"
out=bench/results/lm-ab; mkdir -p "$out"
echo "load before: $(cat /proc/loadavg)"
: > "$out/runs.txt"
for i in $(seq 1 "$runs"); do
  json=$(bin/spark-dl train-lm --data fortunes --output "$out/spark-$i" --overwrite --epochs "$epochs" --lr "$lr" \
    --spec "embedding($emb, vocab={vocab}) lstm($hidden) dense({vocab})" 2>"$out/spark-$i.log" | tail -n 1)
  echo "$json" > "$out/spark-$i.json"
  echo "spark-dl $i $(echo "$json" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("validation_loss %.4f tokens/s %.0f" % (r["validation_loss"], r["tokens_per_second"]))')" | tee -a "$out/runs.txt"
  json=$(cd bench && OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 pytorch_rnn.py lm \
    --epochs "$epochs" --hidden "$hidden" --embedding "$emb" --lr "$lr")
  echo "$json" > "$out/pytorch-$i.json"
  echo "pytorch $i $(echo "$json" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("validation_loss %.4f tokens/s %.0f" % (r["validation_loss"][-1], r["tokens_per_second"][-1]))')" | tee -a "$out/runs.txt"
done
echo "load after: $(cat /proc/loadavg)"
python3 - "$out/runs.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for key, col in (("validation_loss", 3), ("tokens/s", 5)):
    for side in ("spark-dl", "pytorch"):
        v = [float(r[col]) for r in rows if r[0] == side]
        print(f"{key:16s} {side:9s} median {statistics.median(v):.4f} (min {min(v):.4f}, max {max(v):.4f})")
PY
grep -h '"sample"' "$out"/spark-*.json | head -1 | python3 -c 'import json,sys; print("sample:", json.load(sys.stdin)["sample"])'
