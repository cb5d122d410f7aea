#!/usr/bin/env bash
# The five pretraining methods on the 60,000 Fashion-MNIST training images (no labels), each for the
# same epochs, on local[2]; per method the linear probe (logistic regression on the frozen embeddings,
# trained on the training labels, accuracy on the 10,000 test images), the k-NN accuracy of the
# embeddings on 2,000 labelled test rows, epochs and wall time. With BASELINES=1 the first run also
# probes raw pixels and the untrained encoder (--baselines). Results: bench/results/ssl-methods/table.txt.
# Usage: [BASELINES=1] bench/ssl-methods.sh [epochs=10] [methods="simclr dcl moco dino rotation"]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${1:-10}"; methods="${2:-simclr dcl moco dino rotation}"
out=bench/results/ssl-methods; mkdir -p "$out"
baselines=""; [ "${BASELINES:-0}" = 1 ] && baselines=--baselines
for m in $methods; do
  echo "load before $m: $(cat /proc/loadavg)"
  start=$(date +%s)
  extra=""; [ "$m" = dino ] && extra="--local-crops 2"  # 2 global + 2 local views: twice SimCLR's work
  bin/spark-dl pretrain --data fashion-mnist --method "$m" --epochs "$epochs" --output "$out/$m" --overwrite \
    $extra $baselines 2>"$out/$m.log" | tail -1 > "$out/$m.json"
  echo "$m wall_seconds $(( $(date +%s) - start )) $(cat "$out/$m.json")" | tee -a "$out/table.txt"
  baselines=""
done
