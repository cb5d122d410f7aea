#!/usr/bin/env bash
# Profiles a core training run with Java Flight Recorder and prints where the time goes: the share
# of samples in BLAS (native) and the hottest Java methods (self time), as docs/PERFORMANCE.md shows.
# Usage: bench/profile-jfr.sh [threads=1] [limit=20000] [batch=64]     Results: bench/results/jfr/
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-1}"; limit="${2:-20000}"; batch="${3:-64}"
out=bench/results/jfr; mkdir -p "$out"
CP="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
java -Xmx4g -Djava.awt.headless=true \
  -XX:StartFlightRecording=filename="$out/train.jfr",settings=profile \
  -cp "$CP" org.sparkdl.bench.TrainFashionMnist --epochs 1 --batch "$batch" --threads "$threads" --limit "$limit" \
  --output "$out/run" --overwrite 2>/dev/null | tail -n 1
jfr print --events jdk.ExecutionSample "$out/train.jfr" > "$out/java-samples.txt"
jfr print --events jdk.NativeMethodSample "$out/train.jfr" > "$out/native-samples.txt"
/usr/bin/python3 bench/jfr_top.py "$out/java-samples.txt" "$out/native-samples.txt" | tee "$out/top.txt"
