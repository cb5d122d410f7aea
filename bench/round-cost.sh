#!/usr/bin/env bash
# What one averaging round costs besides training (empty job, + state broadcast, + states back and
# merged), on local[2] unless -Dspark.master=... is in SPARK_DL_JAVA_OPTS.
# Usage: bench/round-cost.sh [floats=2600000] [rounds=30] [partitions=2]
#   SPARK_DL_JAVA_OPTS=-Dspark.broadcast.compress=false bench/round-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f spark-dl-estimators/target/test-classes/org/sparkdl/spark/train/RoundCost.class ]; then
  mvn -q -B test-compile -Djacoco.skip=true -Dspotless.check.skip=true -pl spark-dl-estimators -am
fi
SPARK_DL_MAIN=org.sparkdl.spark.train.RoundCost SPARK_DL_EXTRA_CP=spark-dl-estimators/target/test-classes \
  bin/spark-dl "$@" 2>&1 | grep -v ' WARN \| INFO \|^WARNING'
