#!/usr/bin/env bash
# Training data larger than storage memory against the same fit with memory to spare: CNN-S on
# Fashion-MNIST (train and test rows packed: 55 MB as bytes), local[2], 1,500 MB heap, default
# maxBlockSizeInMB; B sets spark.memory.fraction so small that storage memory is a fraction of the
# data. Alternated A B A B ...; per run the load average before it, test accuracy, images/s, and
# where the packed data went.
# Usage: bench/larger-than-memory.sh [runs=3] [epochs=1] [fraction=0.01]
#   Results: bench/results/larger-than-memory/runs.tsv
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"; epochs="${2:-1}"; fraction="${3:-0.01}"
out=bench/results/larger-than-memory; mkdir -p "$out"
printf "run\tside\tload\ttest_acc\timages_s\tpacked_MB\tstorage_MB\tdisk_MB\n" > "$out/runs.tsv"
for r in $(seq 1 "$runs"); do
  for side in A B; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    opts=""; [ "$side" = B ] && opts="-Dspark.memory.fraction=$fraction"
    SPARK_DL_HEAP=1500m SPARK_DL_JAVA_OPTS="$opts" bin/spark-dl train --data fashion-mnist --epochs "$epochs" \
      --output "$out/run-$side" --overwrite 2> "$out/run-$side.log" | tail -1 > "$out/run-$side.json"
    /usr/bin/python3 - "$out/run-$side.json" "$r" "$side" "$load" >> "$out/runs.tsv" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print("%s\t%s\t%s\t%.4f\t%.0f\t%.1f\t%.1f\t%.1f" % (sys.argv[2], sys.argv[3], sys.argv[4], j["test_accuracy"],
      j["images_per_second"], j["data_packed_bytes"] / 1e6, j["storage_memory_bytes"] / 1e6, j["data_disk_bytes"] / 1e6))
PY
    tail -1 "$out/runs.tsv"
  done
done
/usr/bin/python3 - "$out/runs.tsv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for side in "AB":
    v = [float(r["images_s"]) for r in rows if r["side"] == side]
    a = sorted({r["test_acc"] for r in rows if r["side"] == side})
    print("%s: images/s median %.0f (%.0f-%.0f), test accuracy %s" % (side, statistics.median(v), min(v), max(v), ", ".join(a)))
PY
