#!/usr/bin/env bash
# Epoch time and the share spent outside local compute, against averagingFrequency and partitions:
# CNN-S on a Fashion-MNIST subset, 2 epochs per point on local[2] (the second epoch is reported).
# Usage: bench/scaling.sh [limit=12000]       Results: bench/results/scaling/table.txt
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-12000}"
out=bench/results/scaling; mkdir -p "$out"
printf "%-12s %-10s %10s %10s %12s\n" averaging partitions "epoch s" images/s overhead | tee "$out/table.txt"
run() {
  local k=$1 p=$2
  bin/spark-dl train --data fashion-mnist --limit "$limit" --epochs 2 --averaging "$k" --partitions "$p" \
    --output "$out/k$k-p$p" --overwrite 2> "$out/k$k-p$p.log" > /dev/null
  grep -o 'epoch 2: .*' "$out/k$k-p$p.log" | sed -E 's/.*, ([0-9.]+) s, ([0-9]+) images\/s, averaging overhead ([0-9.]+%).*/\1 \2 \3/' \
    | { read -r s ips ov; printf "%-12s %-10s %10s %10s %12s\n" "$k" "$p" "$s" "$ips" "$ov"; } | tee -a "$out/table.txt"
}
for k in 1 4 16 64; do run "$k" 2; done
for p in 1 4; do run 16 "$p"; done
CP="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
java -Djava.awt.headless=true -cp "$CP" org.sparkdl.bench.ScalingChart "$out/table.txt" "$out/scaling.png"
echo "chart: $out/scaling.png"
