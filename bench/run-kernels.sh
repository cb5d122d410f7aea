#!/usr/bin/env bash
# JMH kernel benchmarks (GEMM 1024³, CNN-S convolutions, a CNN-S training step) with a GFLOP/s
# report. Usage: bench/run-kernels.sh [JMH include regexp] [batches: 64,256] [threads: 1,2]
# (builds the bench module if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f bench/target/classpath.txt ] || [ ! -f bench/target/bench-0.1.0-SNAPSHOT.jar ]; then
  mvn -q -B install -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true -pl bench -am
fi
CP="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
exec java -Xmx4g -cp "$CP" org.sparkdl.bench.KernelReport "$@"
