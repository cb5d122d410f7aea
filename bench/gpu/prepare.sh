#!/usr/bin/env bash
# Prepares what a GPU machine without Java or network needs to run spark-dl's OpenCL benchmark:
#   shared/gpu-carry/jre      a jlink'ed Java runtime with only the modules needed
#   shared/gpu-carry/lib      the bench classpath (jars)
#   shared/gpu-carry/ocl      Debian's OpenCL ICD loader (libOpenCL.so.1), unpacked
#   shared/gpu-carry/fashion-mnist  the 10,000 test images and labels (the training set would
#                             not fit in the 64 MiB a device run carries)
#   shared/gpu-carry/run.sh   the script to run there (copied from bench/gpu/run.sh)
# Usage: bench/gpu/prepare.sh [out-dir]   (default: gpu-carry/ in the repository root, git-ignored)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-gpu-carry}"
rm -rf "$out" && mkdir -p "$out/lib" "$out/ocl"
mvn -q -B install -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true -pl bench -am
cp bench/target/bench-0.1.0-SNAPSHOT.jar "$out/lib/"
tr ':' '\n' < bench/target/classpath.txt | while read -r j; do cp "$j" "$out/lib/"; done
# aparapi-jni bundles its native library for every platform (19 MB): keep only linux x86_64.
jni=$(ls "$out"/lib/aparapi-jni-*.jar)
zip -q -d "$jni" 'win/*' 'osx/*' 'linux/libaparapi_armhf.so' 'linux/libaparapi_aarch64.so' 'linux/libaparapi_x86.so' \
  'linux/libaparapi_ppc64*' >/dev/null || true
# Only what Aparapi, netlib and the benchmark use; jdeps would miss reflective uses, so list them.
jlink --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.xml \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
(cd "$out/ocl" && apt-get download ocl-icd-libopencl1 >/dev/null && dpkg-deb -x ocl-icd-libopencl1_*.deb . \
  && rm ocl-icd-libopencl1_*.deb)
mkdir -p "$out/fashion-mnist"
cp /usr/share/datasets/fashion-mnist/t10k-* "$out/fashion-mnist/"
cp bench/gpu/run.sh "$out/run.sh"
du -sh "$out"
