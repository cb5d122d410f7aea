#!/usr/bin/env bash
# Label efficiency: with only the first 1,000 labelled Fashion-MNIST training images, CNNClassifier
# fine-tuning a SimCLR-pretrained encoder (pretrained on the 60,000 training images without labels)
# against the same network trained from scratch on the same 1,000 images; test accuracy on the 10,000
# test images. The network: the encoder (CNN-S's convolutions, dense(128); ENCODER_SPEC for another,
# the spec the encoder was pretrained with), then relu dense(10).
# Usage: [ENCODER_SPEC=...] bench/ssl-label-efficiency.sh <saved encoder dir> [epochs=30] [rows=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
encoder="$1"; epochs="${2:-30}"; rows="${3:-1000}"
out=bench/results/ssl-label-efficiency; mkdir -p "$out"
encoder_spec="${ENCODER_SPEC:-conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(128)}"
echo "load before scratch: $(cat /proc/loadavg)"
bin/spark-dl train --data fashion-mnist --train-rows "$rows" --spec "$encoder_spec relu dense(10)" \
  --epochs "$epochs" --batch 32 --output "$out/scratch" --overwrite 2>"$out/scratch.log" | tail -1 | tee "$out/scratch.json"
echo "load before pretrained: $(cat /proc/loadavg)"
bin/spark-dl train --data fashion-mnist --train-rows "$rows" --initial-encoder "$encoder" --spec "relu dense(10)" \
  --epochs "$epochs" --batch 32 --output "$out/pretrained" --overwrite 2>"$out/pretrained.log" | tail -1 |
  tee "$out/pretrained.json"
python3 - "$out" "$rows" <<'PY'
import json, sys
s = json.load(open(sys.argv[1] + "/scratch.json"))["test_accuracy"]
p = json.load(open(sys.argv[1] + "/pretrained.json"))["test_accuracy"]
print(f"test accuracy with {int(sys.argv[2]):,} labels: from scratch {s:.4f}, from the pretrained encoder {p:.4f}, gain {100 * (p - s):.1f} points")
PY
