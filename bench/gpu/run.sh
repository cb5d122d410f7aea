#!/usr/bin/env bash
# Runs on the GPU machine, from the folder prepare.sh filled: registers NVIDIA's OpenCL library as
# an ICD, then, in one run: the OpenCL benchmark (a correctness check of every GEMM shape against
# the CPU kernels, GEMM n³ and CNN-S's convolutions fwd+bwd at batch 256, per shape), a CNN-S
# training-step profile on the OpenCL backend (with and without the on-device hand-over of each
# convolution's output to its max pooling), CNN-S training steps resident on the device (weights,
# activations, gradients and Adam's moments kept there) at batch 256 and 1024, whole epochs over
# 8,000 Fashion-MNIST test images (tested on the other 2,000) with the resident steps against the
# CPU kernels (one JVM, the engine's Trainer: Spark's jars and the training set do not fit in the
# 64 MiB a device run carries), and PyTorch (CUDA) doing the same GEMM,
# convolutions and training step for comparison. Writes everything to $OUT (or ./out).
# Usage: run.sh [gemmSize=4096] [batch=256] [reps=5]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here/out}"; mkdir -p "$out"
size="${1:-4096}"; batch="${2:-256}"; reps="${3:-5}"
nv=$( (ldconfig -p 2>/dev/null | awk '/libnvidia-opencl\.so/ {print $NF}';
       find /usr/local/nvidia /usr/lib /usr/lib64 /lib -name 'libnvidia-opencl.so*' 2>/dev/null) | head -n 1)
mkdir -p "$here/vendors"
if [ -n "$nv" ]; then
  echo "$nv" > "$here/vendors/nvidia.icd"
  export LD_LIBRARY_PATH="$(dirname "$nv"):${LD_LIBRARY_PATH:-}"
fi
export OCL_ICD_VENDORS="$here/vendors"
export LD_LIBRARY_PATH="$here/ocl/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
{ echo "nvidia OpenCL: ${nv:-not found}"; nvidia-smi -L 2>&1 | head -3
  [ -n "$nv" ] || ls /usr/local/nvidia/lib64 2>&1 | head -40; } | tee "$out/device.txt"
java=("$here/jre/bin/java" -Xmx24g -cp "$here/lib/*")
timeout 240 "${java[@]}" -Dcom.aparapi.enableProfiling=true org.sparkdl.bench.OpenClBenchmark "$size" "$batch" "$reps" 2>&1 | grep -v '^WARNING' | tee "$out/opencl.txt"
echo "--- the same without prefetching the next slices (-Dsparkdl.opencl.prefetch=false)" | tee -a "$out/opencl.txt"
timeout 240 "${java[@]}" -Dcom.aparapi.enableProfiling=true -Dsparkdl.opencl.prefetch=false org.sparkdl.bench.OpenClBenchmark "$size" "$batch" "$reps" 2>&1 \
  | grep -v '^WARNING' | grep 'sgemm\|conv' | tee -a "$out/opencl.txt"
timeout 120 "${java[@]}" org.sparkdl.bench.LayerTimes 1 "$batch" 20 opencl 2>&1 | grep -v '^WARNING\|INFO\|InstanceBuilder\|Blas get' \
  | tee "$out/layertimes.txt"
echo "--- the same with each convolution's output going down and back up (-Dsparkdl.opencl.handOver=false)" \
  | tee -a "$out/layertimes.txt"
timeout 120 "${java[@]}" -Dsparkdl.opencl.handOver=false org.sparkdl.bench.LayerTimes 1 "$batch" 20 opencl 2>&1 \
  | grep -v '^WARNING\|INFO\|InstanceBuilder\|Blas get' | tee -a "$out/layertimes.txt"
for b in "$batch" 1024; do
  timeout 120 "${java[@]}" org.sparkdl.bench.ResidentStepTimes "$b" 100 16 2>&1 | grep -v '^WARNING\|INFO' \
    | tee -a "$out/resident.txt"
done
timeout 120 "${java[@]}" org.sparkdl.bench.ResidentStepTimes "$batch" 50 16 "lstm(128) last dense(10)" 28,28 2>&1 \
  | grep -v '^WARNING\|INFO' | tee -a "$out/resident.txt"
if [ -d "$here/fashion-mnist" ]; then
  for backend in opencl cpu; do
    timeout 240 "${java[@]}" org.sparkdl.bench.TrainFashionMnist --data "$here/fashion-mnist" --split-test 8000 \
      --epochs 5 --batch "$batch" \
      --backend "$backend" --threads "$(nproc)" --output "$out/epochs-$backend" 2>&1 | grep -v '^WARNING\|INFO' \
      | tee "$out/epochs-$backend.txt"
  done
fi
SIZE="$size" BATCH="$batch" timeout 120 python3 - <<'PY' 2>&1 | tee "$out/torch.txt"
import os, time, torch
import torch.nn.functional as F
if not torch.cuda.is_available():
    print("torch: no CUDA device"); raise SystemExit
torch.backends.cuda.matmul.allow_tf32 = False   # plain FP32, as the OpenCL kernels compute
torch.backends.cudnn.allow_tf32 = False
size, batch = int(os.environ["SIZE"]), int(os.environ["BATCH"])
def best(f, reps=10):
    for _ in range(3): f()
    torch.cuda.synchronize(); b = 1e9
    for _ in range(reps):
        t = time.perf_counter(); f(); torch.cuda.synchronize(); b = min(b, time.perf_counter() - t)
    return b
a = torch.randn(size, size, device="cuda"); b = torch.randn(size, size, device="cuda")
t = best(lambda: a @ b)
print("torch.matmul fp32 %d^3: %.3f ms %.1f GFLOP/s" % (size, t * 1e3, 2 * size**3 / t / 1e9))
for (c, h, f) in [(1, 28, 32), (32, 14, 64)]:
    x = torch.randn(batch, c, h, h, device="cuda", requires_grad=True)
    w = torch.randn(f, c, 5, 5, device="cuda", requires_grad=True)
    bias = torch.randn(f, device="cuda", requires_grad=True)
    dy = torch.randn(batch, f, h, h, device="cuda")
    def step():
        y = F.conv2d(x, w, bias, padding=2); y.backward(dy)
    t = best(step)
    flops = 2.0 * 3 * batch * f * h * h * c * 25
    print("torch conv %d->%d %dx%d batch %d fwd+bwd: %.3f ms %.1f GFLOP/s" % (c, f, h, h, batch, t * 1e3, flops / t / 1e9))
# CNN-S training step (Adam), as LayerTimes measures it for spark-dl
net = torch.nn.Sequential(
    torch.nn.Conv2d(1, 32, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(32, 64, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
    torch.nn.Linear(3136, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)).cuda()
opt = torch.optim.Adam(net.parameters(), 1e-3)
xb = torch.randn(batch, 1, 28, 28, device="cuda"); yb = torch.randint(0, 10, (batch,), device="cuda")
def train_step():
    opt.zero_grad(); torch.nn.functional.cross_entropy(net(xb), yb).backward(); opt.step()
t = best(train_step, 20)
print("torch CNN-S training step batch %d: %.3f ms, %.0f images/s" % (batch, t * 1e3, batch / t))
# the recurrent row classifier (lstm(128) last dense(10) on 28 steps of 28), as ResidentStepTimes runs it
class Rows(torch.nn.Module):
    def __init__(self):
        super().__init__(); self.lstm = torch.nn.LSTM(28, 128, batch_first=True); self.fc = torch.nn.Linear(128, 10)
    def forward(self, x):
        return self.fc(self.lstm(x)[0][:, -1])
rnet = Rows().cuda(); ropt = torch.optim.Adam(rnet.parameters(), 1e-3)
xs = torch.randn(batch, 28, 28, device="cuda")
def rnn_step():
    ropt.zero_grad(); torch.nn.functional.cross_entropy(rnet(xs), yb).backward(); ropt.step()
t = best(rnn_step, 20)
print("torch lstm(128) row classifier training step batch %d: %.3f ms, %.0f samples/s" % (batch, t * 1e3, batch / t))
PY
