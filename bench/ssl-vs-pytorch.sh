#!/usr/bin/env bash
# Side by side in one run: SimCLR pretraining on the 60,000 Fashion-MNIST training images (no labels)
# by spark-dl on local[2] (bin/spark-dl pretrain) and by PyTorch on 2 threads
# (OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1, its fastest setting here; bench/pytorch_simclr.py):
# same encoder, head, augmentations, NT-Xent at temperature $TEMPERATURE (0.2 unless set: the default), Adam 1e-3,
# batch 256, epochs.
# Both end with the same linear probe: logistic regression (L-BFGS, 100 iterations) on the frozen
# embeddings of the training images, accuracy on the 10,000 test images.
# Runs alternate A B A B ...; each prints the load average before it, its images/s (the median over
# its epochs after the first, both sides warm) and its probe accuracy; then medians and spreads.
# MATCHED=1 runs spark-dl as PyTorch runs: one model replica (--partitions 1) whose kernels use both cores
# (spark.task.cpus=2), so every batch of 256 updates one model, and PyTorch's initialiser
# (--initializer pytorch). By default spark-dl runs its defaults: two replicas averaged every 16 steps,
# he_normal. SEED sets both sides' seed (42 unless set).
# Usage: bench/ssl-vs-pytorch.sh [runs=3] [epochs=5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"; epochs="${2:-5}"; temperature="${TEMPERATURE:-0.2}"; seed="${SEED:-42}"
out=bench/results/ssl-vs-pytorch-t$temperature${MATCHED:+-matched}-s$seed; mkdir -p "$out"
spark_flags=(); java_opts="${SPARK_DL_JAVA_OPTS:-}"
if [ -n "${MATCHED:-}" ]; then
  spark_flags=(--partitions 1 --initializer pytorch); java_opts="$java_opts -Dspark.task.cpus=2"
fi
echo "spark-dl flags: ${spark_flags[*]:-(defaults)} ${java_opts:+JVM: $java_opts}; seed $seed"
: > "$out/runs.txt"
for i in $(seq 1 "$runs"); do
  echo "load before spark-dl $i: $(cat /proc/loadavg)"
  SPARK_DL_JAVA_OPTS="$java_opts" bin/spark-dl pretrain --data fashion-mnist --method simclr --epochs "$epochs" \
    --temperature "$temperature" --seed "$seed" "${spark_flags[@]}" --output "$out/spark-$i" \
    --overwrite 2>"$out/spark-$i.log" >"$out/spark-$i.json"
  ips=$(grep -o 'samplesPerSecond [0-9.]*' "$out/spark-$i.log" | tail -n +2 | cut -d' ' -f2 | sort -n |
    awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  probe=$(tail -1 "$out/spark-$i.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["probe_accuracy"])')
  echo "spark-dl $i images/s $ips probe_accuracy $probe" | tee -a "$out/runs.txt"
  echo "load before pytorch $i: $(cat /proc/loadavg)"
  (cd bench && OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 pytorch_simclr.py --epochs "$epochs" --temperature "$temperature" --seed "$seed") \
    > "$out/pytorch-$i.json"
  echo "pytorch $i $(python3 -c '
import json, statistics, sys
r = json.load(open(sys.argv[1]))
print("images/s %.0f probe_accuracy %.4f" % (statistics.median(r["images_per_second"][1:] or r["images_per_second"]), r["probe_accuracy"]))' "$out/pytorch-$i.json")" | tee -a "$out/runs.txt"
done
echo "load after: $(cat /proc/loadavg)"
python3 - "$out/runs.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for side in ("spark-dl", "pytorch"):
    v = [float(r[3]) for r in rows if r[0] == side]
    a = [float(r[5]) for r in rows if r[0] == side]
    print(f"{side:9s} images/s median {statistics.median(v):.0f} (min {min(v):.0f}, max {max(v):.0f});"
          f" probe accuracy median {statistics.median(a):.4f} (min {min(a):.4f}, max {max(a):.4f})")
s = statistics.median(float(r[3]) for r in rows if r[0] == "spark-dl")
p = statistics.median(float(r[3]) for r in rows if r[0] == "pytorch")
print(f"ratio spark-dl / pytorch images/s: {s / p:.2f}")
PY
