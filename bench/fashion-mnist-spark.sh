#!/usr/bin/env bash
# End-to-end benchmark: CNNClassifier on the full Fashion-MNIST on local[2] through bin/spark-dl,
# the test set riding along as validation rows (test accuracy after every epoch).
# Usage: bench/fashion-mnist-spark.sh [label] [extra bin/spark-dl train options...]
#   bench/fashion-mnist-spark.sh cnn-s --epochs 5
#   bench/fashion-mnist-spark.sh cnn-s-bn --epochs 10 --schedule cosine --spec "conv(32,5,pad=2) batchnorm relu ..."
# Writes bench/results/<label>/{log.txt,metrics.json,training-curves.png,model/}.
set -euo pipefail
cd "$(dirname "$0")/.."
label="${1:-cnn-s}"; shift || true
out="bench/results/$label"
mkdir -p "$out"
bin/spark-dl train --data fashion-mnist --output "$out" --overwrite "$@" 2> >(tee "$out/log.txt" >&2) | tee "$out/stdout.txt"
tail -n 1 "$out/stdout.txt" > "$out/metrics.json"
echo "per epoch:"; grep -o 'epoch [0-9]*:.*' "$out/log.txt"
