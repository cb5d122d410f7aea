"""Summarises `jfr print` output: share of wall time in Java vs native (BLAS) code, the hottest Java
methods by self time, and the spark-dl methods by inclusive time.

JFR's `profile` settings sample Java threads every 10 ms and threads in native code every 20 ms, so
native samples are weighted twice. Usage: jfr_top.py java-samples.txt native-samples.txt
"""
import collections
import re
import sys

FRAME = re.compile(r"^\s+([\w.$<>]+)\(.*?line:", re.M)


def stacks(path):
    text = open(path).read()
    for event in text.split("jdk.")[1:]:
        frames = FRAME.findall(event)
        if frames:
            yield frames


java = list(stacks(sys.argv[1]))
native = list(stacks(sys.argv[2]))
java_ms, native_ms = 10 * len(java), 20 * len(native)
total = java_ms + native_ms
print("sampled time: %.1f s, Java %.0f%%, native %.0f%%" % (total / 1e3, 100 * java_ms / total, 100 * native_ms / total))
native_top = collections.Counter(next((f for f in s if "sparkdl" in f), s[0]) for s in native)
print("native time by spark-dl caller:")
for name, count in native_top.most_common(5):
    print("  %5.1f%%  %s" % (100 * 20 * count / total, name))
self_time = collections.Counter(s[0] for s in java)
print("Java self time (share of all sampled time):")
for name, count in self_time.most_common(12):
    print("  %5.1f%%  %s" % (100 * 10 * count / total, name))
inclusive = collections.Counter()
for s in java:
    for name in set(s):
        if "sparkdl" in name:
            inclusive[name] += 1
print("spark-dl methods, Java time including callees:")
for name, count in inclusive.most_common(15):
    print("  %5.1f%%  %s" % (100 * 10 * count / total, name))
