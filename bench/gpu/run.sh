#!/usr/bin/env bash
# Runs on the GPU machine, from the folder prepare.sh filled: registers NVIDIA's OpenCL library as
# an ICD, then runs the OpenCL benchmark (GEMM 4096³, CNN-S convolutions at batch 256) and, in the
# same run, torch.matmul for comparison. Writes everything to $OUT (or ./out).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here/out}"; mkdir -p "$out"
nv=$(ls /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so* /usr/lib64/libnvidia-opencl.so* /usr/local/nvidia/lib64/libnvidia-opencl.so* 2>/dev/null | head -n 1)
mkdir -p "$here/vendors"
if [ -n "$nv" ]; then echo "$nv" > "$here/vendors/nvidia.icd"; fi
export OCL_ICD_VENDORS="$here/vendors"
export LD_LIBRARY_PATH="$here/ocl/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
{ echo "nvidia OpenCL: ${nv:-not found}"; nvidia-smi -L 2>&1 | head -3; } | tee "$out/device.txt"
"$here/jre/bin/java" -Xmx16g -cp "$here/lib/*" org.sparkdl.bench.OpenClBenchmark 4096 256 5 2>&1 | tee "$out/opencl.txt"
python3 - <<'PY' 2>&1 | tee "$out/torch.txt"
import time, torch
if not torch.cuda.is_available():
    print("torch: no CUDA device"); raise SystemExit
a = torch.randn(4096, 4096, device="cuda"); b = torch.randn(4096, 4096, device="cuda")
torch.backends.cuda.matmul.allow_tf32 = False
for _ in range(3): a @ b
torch.cuda.synchronize(); best = 1e9
for _ in range(10):
    t = time.perf_counter(); a @ b; torch.cuda.synchronize(); best = min(best, time.perf_counter() - t)
print("torch.matmul fp32 4096^3: %.3f ms %.1f GFLOP/s" % (best * 1e3, 2 * 4096**3 / best / 1e9))
PY
