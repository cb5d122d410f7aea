#!/usr/bin/env bash
# Same-run comparison for CNN-S on Fashion-MNIST, Adam 1e-3, one epoch each at batch 64 and 256:
# PyTorch on the CPU with 2 threads (the reference), spark-dl's core in one JVM (2 threads), and
# CNNClassifier on local[2]. Prints images/s, test accuracy and the ratios to PyTorch.
# Usage: bench/compare-pytorch.sh [epochs]     Results: bench/results/compare/
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${1:-1}"
out=bench/results/compare; mkdir -p "$out"; : > "$out/lines.jsonl"
for batch in 64 256; do
  echo "== batch $batch: PyTorch" >&2
  /usr/bin/python3 bench/pytorch_cnn_s.py --epochs "$epochs" --batch "$batch" --threads 2 \
    | tail -n 1 | sed "s/^{/{\"run\": \"pytorch\", /" >> "$out/lines.jsonl"
  echo "== batch $batch: spark-dl core, one JVM" >&2
  bin/train-core --epochs "$epochs" --batch "$batch" --threads 2 --output "$out/core-$batch" 2>/dev/null \
    | tail -n 1 | sed "s/^{/{\"run\": \"core\", /" >> "$out/lines.jsonl"
  echo "== batch $batch: CNNClassifier on local[2]" >&2
  bin/spark-dl train --data fashion-mnist --epochs "$epochs" --batch "$batch" --output "$out/spark-$batch" --overwrite 2>/dev/null \
    | tail -n 1 | sed "s/^{/{\"run\": \"spark\", \"batch_size\": $batch, /" >> "$out/lines.jsonl"
done
/usr/bin/python3 - "$out/lines.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def rate(r):
    v = r["images_per_second"]
    return sum(v) / len(v) if isinstance(v, list) else v
def acc(r):
    v = r["test_accuracy"]
    return v[-1] if isinstance(v, list) else v
print("%-8s %6s %12s %10s %10s" % ("run", "batch", "images/s", "test acc", "vs PyTorch"))
for batch in (64, 256):
    ref = [r for r in rows if r["run"] == "pytorch" and r["batch"] == batch][0]
    for r in rows:
        b = r.get("batch", r.get("batch_size"))
        if b == batch:
            print("%-8s %6d %12.0f %10.4f %9.2fx" % (r["run"], batch, rate(r), acc(r), rate(r) / rate(ref)))
PY
