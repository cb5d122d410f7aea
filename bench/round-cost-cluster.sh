#!/usr/bin/env bash
# What an averaging round costs outside compute on a standalone cluster on loopback: a Master and one
# Worker hosting N one-core executors (separate JVMs), for N in 2 4 8, each with RoundCost's three steps
# (empty job; + broadcast of the state; + a state back from every partition, merged by treeReduce) for
# each state size. Communication only: 8 executors fit on 2 cores because no step trains.
# Usage: bench/round-cost-cluster.sh [sizes=100000,1000000,2600000,10000000] [rounds=10] [executors="2 4 8"]
#   Needs the assembly and integration-tests/target/spark-home (mvn -DskipTests install).
#   Results: bench/results/round-cost-cluster/results.tsv (executors, floats, step, mean/median/best ms)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-100000,1000000,2600000,10000000}"; rounds="${2:-10}"; executors="${3:-2 4 8}"
export SPARK_HOME="$PWD/integration-tests/target/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
assembly=assembly/target/spark-dl-assembly-0.1.0-SNAPSHOT-spark4.2_2.13.jar
out=bench/results/round-cost-cluster; mkdir -p "$out"
classes=spark-dl-estimators/target/test-classes
[ -f "$classes/org/sparkdl/spark/train/RoundCost.class" ] ||
  mvn -q -B test-compile -Djacoco.skip=true -Dspotless.check.skip=true -pl spark-dl-estimators -am
(cd "$classes" && jar cf "$OLDPWD/$out/round-cost.jar" org/sparkdl/spark/train/RoundCost*.class)
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port); url="spark://127.0.0.1:$port"
java -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port "$(free_port)" > "$out/master.log" 2>&1 &
pids=($!)
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
until grep -q "I have been elected leader\|Starting Spark master" "$out/master.log"; do sleep 0.5; done
java -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 8 \
  --memory 10g --webui-port "$(free_port)" "$url" > "$out/worker.log" 2>&1 &
pids+=($!)
until grep -q "Successfully registered with master" "$out/worker.log"; do sleep 0.5; done
printf "executors\tfloats\tstep\tmean_ms\tmedian_ms\tbest_ms\n" > "$out/results.tsv"
for n in $executors; do
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $n executors" >&2
  java -Xmx3g -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit --master "$url" --deploy-mode client \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 --conf spark.ui.enabled=false \
    --conf spark.task.maxDirectResultSize=64m --conf spark.executor.cores=1 --conf spark.cores.max="$n" \
    --conf spark.executor.memory=1g --driver-memory 3g --class org.sparkdl.spark.train.RoundCost \
    --jars "$out/round-cost.jar" "$assembly" "$sizes" "$rounds" "$n" 2> "$out/driver-$n.log" |
    tee -a "$out/driver-$n.out" | grep '^RESULT' | cut -d' ' -f2- | tr ' ' '\t' >> "$out/results.tsv"
done
column -t "$out/results.tsv"
