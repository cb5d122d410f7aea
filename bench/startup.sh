#!/usr/bin/env bash
# Start-up of `bin/spark-dl train --data fashion-mnist` (4,000 rows, one epoch): the seconds from the
# command to the first training step (the first averaging round's Spark job), and to the Spark
# context and the packed data on the way, with the class-data archive (the default) and without
# (SPARK_DL_CDS=off), alternated, the load average printed before each run; medians and spreads.
# Usage: bench/startup.sh [runs=5]       Results: bench/results/startup/
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
out=bench/results/startup; mkdir -p "$out"; : > "$out/runs.tsv"
# One run with the archive first, so that it exists (the first run of a build writes it).
bin/spark-dl train --data fashion-mnist --epochs 1 --limit 4000 --output "$out/run" --overwrite > /dev/null 2>&1
for r in $(seq 1 "$runs"); do
  for cds in off on; do
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); run $r, class-data archive $cds" >&2
    t0=$(date +%s.%N)
    SPARK_DL_CDS=$cds SPARK_DL_JAVA_OPTS="-Dlog4j2.configurationFile=bench/startup-log4j2.properties" \
      bin/spark-dl train --data fashion-mnist --epochs 1 --limit 4000 --output "$out/run" --overwrite \
      2> "$out/log-$cds.txt" > /dev/null
    day=$(date -d @"${t0%.*}" +%F)
    at() { # seconds from the start to the first log line matching $1
      local t; t=$(grep -m1 -E "$1" "$out/log-$cds.txt" | cut -c1-12)
      echo "$(date -d "$day $t" +%s.%N) - $t0" | bc
    }
    printf "%s\t%s\t%s\t%s\t%s\n" "$cds" "$(at 'SparkContext: Running Spark')" \
      "$(at 'CNNFit: spark-dl fit:')" "$(at 'Starting job: treeReduce')" "$r" >> "$out/runs.tsv"
  done
done
/usr/bin/python3 - "$out/runs.tsv" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]) if l.strip()]
print("%-22s %-34s %-34s %s" % ("class-data archive", "Spark context (s)", "data packed (s)", "first step (s)"))
for cds in ("off", "on"):
    cols = [[float(r[i]) for r in rows if r[0] == cds] for i in (1, 2, 3)]
    print("%-22s " % cds + " ".join("%-34s" % ("%.2f (%.2f-%.2f)" % (statistics.median(c), min(c), max(c))) for c in cols))
PY
