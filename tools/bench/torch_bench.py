#!/usr/bin/python3
"""torch.load against picklejar's torch::load on state_dicts torch.save wrote (zip, stored).

Makes two state_dicts of 64 float32 tensors in /tmp (by default ~1 GiB: 4096 x 1024 each, and
~64 MiB: 256 x 1024 each; the same tensors and pickle, so a mapped load's time is compared at
equal work but for the tensor bytes), then times, each run a fresh process with the file just read (page
cache warm):
  - torch.load in process: only the torch.load call (python3 -c, after `import torch`);
  - torch.load whole process: `python3 -c "import torch; torch.load(...)"`, start to exit;
  - picklejar torch::load, file read into memory (pj_bench torch_load), and mapped (--mmap r),
    in process (pj_bench's timer) and whole process;
  - picklejar mapped + --touch: the load, then reading every tensor byte (what a caller pays when
    it uses the tensors).
Prints Markdown tables: medians, ratios against torch.load, and each run's peak RSS (VmHWM of the
process, whole-process figures; ru_maxrss for Python).

  /usr/bin/python3 tools/bench/torch_bench.py --bin build/bin [--runs 5] [--dir /tmp/pj-torch-bench]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

PYTHON = "/usr/bin/python3"

# VmHWM and VmRSS as pj_bench reads them (after `import torch`, the high-water mark reset through
# /proc/self/clear_refs, so hwm_kb - rss_before_kb is what torch.load added at its peak).
TORCH_LOAD = r"""
import sys, time, torch
def kb(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = kb("VmRSS")
t0 = time.perf_counter()
sd = torch.load(sys.argv[1])
t1 = time.perf_counter()
n = sum(t.numel() * t.element_size() for t in sd.values())
print('{"seconds": %.9f, "rss_before_kb": %d, "hwm_kb": %d, "bytes": %d}' % (t1 - t0, before, kb("VmHWM"), n))
"""


def make_state_dict(path, tensors, rows=4096, cols=1024):
    if os.path.exists(path):
        return
    import torch
    torch.manual_seed(0)
    sd = {"layer%02d.weight" % i: torch.randn(rows, cols) for i in range(tensors)}
    torch.save(sd, path + ".tmp")
    os.rename(path + ".tmp", path)


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def measure(args, path):
    rows = {}
    cases = [
        ("torch.load", [PYTHON, "-c", TORCH_LOAD, path]),
        ("picklejar (read)", [os.path.join(args.bin, "pj_bench"), "torch_load", path]),
        ("picklejar (mmap)", [os.path.join(args.bin, "pj_bench"), "torch_load", path, "--mmap", "r"]),
        ("picklejar (mmap) + touch", [os.path.join(args.bin, "pj_bench"), "torch_load", path, "--mmap", "r", "--touch"]),
    ]
    for label, _ in cases:
        rows[label] = {"in": [], "whole": [], "rss": [], "added": []}
    for _ in range(args.runs):
        for label, argv in cases:  # alternating, so that machine noise hits every case alike
            warm(path)
            t0 = time.perf_counter()
            p = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
            wall = time.perf_counter() - t0
            if p.returncode:
                sys.exit("%s failed" % label)
            out = p.stdout
            j = json.loads(out.strip().splitlines()[-1])
            inproc = j["seconds"] if isinstance(j["seconds"], float) else j["seconds"][0]
            if "touch_seconds" in j:
                inproc += j["touch_seconds"][0]
            rows[label]["in"].append(inproc)
            rows[label]["whole"].append(wall)
            rows[label]["rss"].append(j["hwm_kb"])
            rows[label]["added"].append(j["hwm_kb"] - j["rss_before_kb"])
    return rows


def table(title, size, rows):
    base_in = statistics.median(rows["torch.load"]["in"])
    base_whole = statistics.median(rows["torch.load"]["whole"])
    print("\n### %s (%.0f MiB file)\n" % (title, size / 2**20))
    print("| load | in process (median) | vs torch.load | whole process (median) | vs torch.load "
          "| peak RSS | added by the load |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, r in rows.items():
        i, w = statistics.median(r["in"]), statistics.median(r["whole"])
        print("| %s | %.4f s | %.2fx | %.3f s | %.2fx | %.0f MiB | %.0f MiB |"
              % (label, i, base_in / i, w, base_whole / w, max(r["rss"]) / 1024, max(r["added"]) / 1024))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="build/bin")
    ap.add_argument("--dir", default="/tmp/pj-torch-bench")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tensors", type=int, default=64, help="float32 tensors in each file")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    files = [("state_dict, %d tensors of 4096 x 1024" % args.tensors, os.path.join(args.dir, "big.pt"), 4096),
             ("state_dict, %d tensors of 256 x 1024" % args.tensors, os.path.join(args.dir, "small64.pt"), 256)]
    for _, path, rows in files:
        make_state_dict(path, args.tensors, rows)
    print("%d runs each, medians; ratios > 1 mean picklejar is faster. nproc=%d, load average %.2f"
          % (args.runs, os.cpu_count(), os.getloadavg()[0]))
    for title, path, _ in files:
        table(title, os.path.getsize(path), measure(args, path))


if __name__ == "__main__":
    main()
