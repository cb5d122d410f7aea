#!/usr/bin/env bash
# Averaging overhead and accuracy of CLI configurations side by side: CNN-S on all of Fashion-MNIST,
# local[2], each configuration run in turn (A B C A B C ...), the load average printed before each; per run
# the test accuracy after the last epoch, the averaging overhead over the run and per epoch, images/s; then
# per configuration the median and range.
# Usage: bench/overhead.sh <runs> <epochs> <label>=<flags> [<label>=<flags> ...]
#   e.g. bench/overhead.sh 2 5 k16="--averaging 16" k32="--averaging 32"
#   Results: bench/results/overhead/runs.tsv
set -euo pipefail
cd "$(dirname "$0")/.."
runs="$1"; epochs="$2"; shift 2
out=bench/results/overhead; mkdir -p "$out"
printf "run\tconfig\tload\ttest_acc\toverhead_pct\timages_s\tper_epoch_overhead_pct\n" > "$out/runs.tsv"
for r in $(seq 1 "$runs"); do
  for config in "$@"; do
    label="${config%%=*}"; flags="${config#*=}"
    load=$(cut -d' ' -f1 /proc/loadavg)
    # shellcheck disable=SC2086
    bin/spark-dl train --data fashion-mnist --epochs "$epochs" $flags --output "$out/run-$label" --overwrite \
      > /dev/null 2> "$out/run-$label.log"
    /usr/bin/python3 - "$out/run-$label/summary.json" "$r" "$label" "$load" >> "$out/runs.tsv" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["epochs"]
secs = sum(x["seconds"] for x in e)
over = sum(x["averagingOverhead"] * x["seconds"] for x in e) / secs
imgs = sum(x["samplesPerSecond"] * x["seconds"] for x in e) / secs
print("%s\t%s\t%s\t%.4f\t%.1f\t%.0f\t%s" % (sys.argv[2], sys.argv[3], sys.argv[4], e[-1]["validationAccuracy"],
      100 * over, imgs, " ".join("%.1f" % (100 * x["averagingOverhead"]) for x in e)))
PY
    tail -1 "$out/runs.tsv"
  done
done
/usr/bin/python3 - "$out/runs.tsv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for label in dict.fromkeys(r["config"] for r in rows):
    mine = [r for r in rows if r["config"] == label]
    def span(key):
        v = [float(r[key]) for r in mine]
        return "%s (%s-%s)" % (statistics.median(v), min(v), max(v))
    print("%s: test accuracy %s, overhead %% %s, images/s %s" % (label, span("test_acc"), span("overhead_pct"), span("images_s")))
PY
