#!/usr/bin/env bash
# Same-run A/B of CNNClassifier's end-to-end training between two checkouts (each already built:
# its spark-dl-estimators/target holds the jar and classpath.txt), alternating A B A B ... on the
# full Fashion-MNIST through each checkout's bin/spark-dl, then the median and range of each side.
# Usage: bench/ab-fashion-mnist.sh <checkout A> <checkout B> <runs per side> [bin/spark-dl train options...]
#   git worktree add ../before <commit> && (cd ../before && mvn -q -o package -DskipTests -pl spark-dl-estimators -am)
#   bench/ab-fashion-mnist.sh ../before . 3 --epochs 1
# Writes bench/results/ab-<side><run>/ and prints one line per run, then the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
a="$(cd "$1" && pwd)"; b="$(cd "$2" && pwd)"; runs="$3"; shift 3
echo "load before: $(cat /proc/loadavg)"
results=()
for i in $(seq 1 "$runs"); do
  for side in A B; do
    root=$a; [ "$side" = B ] && root=$b
    out="$PWD/bench/results/ab-$side$i"
    rm -rf "$out"; mkdir -p "$out"
    "$root/bin/spark-dl" train --data fashion-mnist --output "$out" --overwrite "$@" 2>"$out/log.txt" | tail -n 1 > "$out/metrics.json"
    line="$side $i $(cat "$out/metrics.json")"
    echo "$line"
    results+=("$line")
  done
done
echo "load after: $(cat /proc/loadavg)"
printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
rows = {}
for line in sys.stdin:
    side, run, js = line.split(" ", 2)
    rows.setdefault(side, []).append(json.loads(js))
for key in ("test_accuracy", "images_per_second", "train_seconds", "averaging_overhead"):
    for side in sorted(rows):
        v = [r[key] for r in rows[side] if r.get(key) is not None]
        if v:
            print(f"{key:20s} {side}: median {statistics.median(v):.4f}  min {min(v):.4f}  max {max(v):.4f}  ({len(v)} runs)")
'
