#!/usr/bin/env python3
"""Times one CPython/joblib operation, like pj_bench does for picklejar; prints one JSON line.

    cpython_op.py load FILE [--from memory|file]       pickle.loads(bytes) / pickle.load(open(FILE))
    cpython_op.py load_oob DIR [--buffers preread|read|mmap]
    cpython_op.py dump SRC --protocol P [--oob]        pickle.dumps(obj, P[, buffer_callback=])
    cpython_op.py joblib_load FILE [--mmap r|c] [--touch]
    cpython_op.py joblib_dump SRC --compress CODEC[:LEVEL] --out PATH [--threads N]

Same operations, options and JSON fields as tools/bench/pj_bench.cc (see its header): only the
operation is timed (wall: perf_counter, CPU: process_time); reading inputs, building the object
to dump, imports and freeing the result are outside the timer. The C pickler and unpickler
(_pickle) are used, with the garbage collector on as in any program. Run with /usr/bin/python3.
"""

import argparse
import gc
import json
import mmap
import os
import pickle
import resource
import sys
import time

import numpy  # noqa: F401  (imported before timing: pickles of arrays import it on first use)

HERE = os.path.dirname(os.path.abspath(__file__))


def page_faults():
    """Minor + major page faults of this process so far (as pj_bench counts them)."""
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_minflt + u.ru_majflt


def status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def reset_hwm():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def path_bytes(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(path, x)) for x in os.listdir(path))
    return os.path.getsize(path)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def oob_manifest(directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        return json.load(f)


def oob_buffers(directory, desc, how):
    out = []
    for item in desc["buffers"]:
        with open(os.path.join(directory, item["file"]), "rb") as f:
            if how == "mmap" and item["nbytes"]:
                out.append(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
            else:
                buf = bytearray(item["nbytes"])
                f.readinto(buf)
                out.append(buf)
    return out


def load_source(path):
    if os.path.isdir(path):
        desc = oob_manifest(path)
        bufs = oob_buffers(path, desc, "read")
        return pickle.loads(read(os.path.join(path, desc["pickle"])), buffers=bufs), bufs
    if path.endswith(".joblib"):
        import joblib
        return joblib.load(path), None
    with open(path, "rb") as f:
        return pickle.load(f), None


def touch_arrays(obj):
    """Reads every byte of every numpy array reachable through dicts, lists, tuples and sets."""
    import numpy as np
    total, checksum, todo, seen = 0, 0, [obj], set()
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, dict):
            todo.extend(x.keys())
            todo.extend(x.values())
        elif isinstance(x, (list, tuple, set, frozenset)):
            todo.extend(x)
        elif isinstance(x, np.ndarray):
            if x.dtype.hasobject:
                todo.extend(x.ravel().tolist())
            elif x.nbytes:
                flat = np.ascontiguousarray(x).reshape(-1).view(np.uint8)
                words = flat[: len(flat) // 8 * 8].view(np.uint64)
                checksum ^= int(words.sum()) if len(words) else 0
                total += x.nbytes
    return total, checksum


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("op", choices=["load", "load_oob", "dump", "joblib_load", "joblib_dump"])
    ap.add_argument("path")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--from", dest="src", default="memory", choices=["memory", "file"])
    ap.add_argument("--buffers", default="preread", choices=["preread", "read", "mmap"])
    ap.add_argument("--protocol", type=int, default=4)
    ap.add_argument("--oob", action="store_true")
    ap.add_argument("--mmap", default="", choices=["", "r", "c"])
    ap.add_argument("--touch", action="store_true")
    ap.add_argument("--compress", default="none")
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=1,
                    help="ignored: joblib.dump compresses on one thread (pj_bench's option)")
    a = ap.parse_args()

    res = {"impl": "cpython", "op": a.op, "path": a.path, "seconds": [], "cpu_seconds": [],
           "page_faults": [], "in_bytes": path_bytes(a.path), "out_bytes": 0, "buffers": 0}
    state = {}

    def timed(run, fn):
        if run == 0:
            state["reset"] = reset_hwm()
            state["rss_before_kb"] = status_kb("VmRSS")
        f0 = page_faults()
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        t1, c1 = time.perf_counter(), time.process_time()
        res["page_faults"].append(page_faults() - f0)
        res["seconds"].append(t1 - t0)
        res["cpu_seconds"].append(c1 - c0)
        if run == 0:
            state["hwm_kb"] = status_kb("VmHWM")
        return out

    for run in range(max(1, a.runs)):
        result = None
        if a.op == "load":
            if a.src == "memory":
                data = read(a.path)
                result = timed(run, lambda: pickle.loads(data))
            else:
                def from_file():
                    with open(a.path, "rb") as f:
                        return pickle.load(f)
                result = timed(run, from_file)
        elif a.op == "load_oob":
            desc = oob_manifest(a.path)
            res["buffers"] = len(desc["buffers"])
            pkl = os.path.join(a.path, desc["pickle"])
            if a.buffers == "preread":
                data, bufs = read(pkl), oob_buffers(a.path, desc, "read")
                result = timed(run, lambda: pickle.loads(data, buffers=bufs))
            else:
                def with_buffers():
                    bufs = oob_buffers(a.path, desc, a.buffers)
                    return pickle.loads(read(pkl), buffers=bufs), bufs
                result = timed(run, with_buffers)
        elif a.op == "dump":
            obj, keep = load_source(a.path)
            kwargs = {}
            if a.oob:
                collected = []
                kwargs["buffer_callback"] = collected.append
            result = timed(run, lambda: pickle.dumps(obj, protocol=a.protocol, **kwargs))
            res["out_bytes"] = len(result)
            if a.oob:
                res["buffers"] = len(collected)
                res["out_bytes"] += sum(b.raw().nbytes for b in collected)
            del obj, keep
        elif a.op == "joblib_load":
            import joblib
            result = timed(run, lambda: joblib.load(a.path, mmap_mode=a.mmap or None))
            if a.touch:
                t0 = time.perf_counter()
                nbytes, checksum = touch_arrays(result)
                res.setdefault("touch_seconds", []).append(time.perf_counter() - t0)
                res["array_bytes"], res["checksum"] = nbytes, checksum
        elif a.op == "joblib_dump":
            import joblib
            if not a.out:
                ap.error("joblib_dump needs --out")
            obj, keep = load_source(a.path)
            if a.compress == "none":
                compress = 0
            else:
                codec, _, level = a.compress.partition(":")
                compress = (codec, int(level or 3))
            timed(run, lambda: joblib.dump(obj, a.out, compress=compress))
            res["out_bytes"] = os.path.getsize(a.out)
            del obj, keep
        del result
        gc.collect()

    res.update(rss_before_kb=state["rss_before_kb"], hwm_kb=state["hwm_kb"],
               hwm_reset=state["reset"], peak_kb=state["hwm_kb"] - state["rss_before_kb"])
    sys.stdout.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
