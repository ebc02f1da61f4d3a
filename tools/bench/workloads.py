#!/usr/bin/env python3
"""picklejar's standard benchmark inputs, written deterministically into a directory.

    /usr/bin/python3 tools/bench/workloads.py OUTDIR [--scale S] [--only A,B] [--compressors C,D]

Run it with Debian's /usr/bin/python3 (3.11, numpy 1.24, joblib 1.2), not the first python3 on
PATH. Keep OUTDIR outside the repository (the full set is about 3 GiB).

Files written into OUTDIR, per workload NAME:

    NAME.p2.pkl NAME.p4.pkl NAME.p5.pkl   pickle.dump (the C pickler), in-band, protocols 2, 4, 5
    NAME.p5oob/                           array workloads only: protocol 5 with out-of-band buffers:
        pickle.pkl                          the pickle,
        buffer-0000.bin ...                 one file per buffer, in the order the pickle uses them,
        manifest.json                       {"pickle": ..., "buffers": [{"file","nbytes","readonly"}]}
    NAME.raw.joblib                       array workloads only: joblib.dump(obj, compress=0)
    NAME.CODEC-3.joblib                   array workloads only: joblib.dump(obj, compress=(CODEC, 3))
                                          for CODEC in zlib gzip bz2 xz lzma (--compressors)
    manifest.json                         every file or directory: bytes, sha256, workload, kind,
                                          protocol or compressor/level/ratio

Workloads (element counts at --scale 1; --scale multiplies them, 0.1 is the quick set):

    ints           list of 1,000,000 ints: 35% in [-5, 255], 20% 16-bit (256..65535), 25% signed
                   32-bit, ~20% 64-bit with 5..8 significant bytes, 0.1% wider than 64 bits, of
                   which a handful are wider than 2040 bits (LONG4 in the pickle)
    floats         list of 1,000,000 floats: 60% scaled normals, 25% prices with 2 decimals, 14.9%
                   integral values, 0.1% specials (inf, -inf, nan, -0.0, subnormals, max)
    strs           list of 500,000 short str (1..40 chars): ~85% ASCII, the rest with Latin-1
                   accents, Greek or Cyrillic, CJK, or emoji (astral code points)
    records        list of 200,000 JSON-like dicts of 16 keys; every record uses the same key str
                   objects (as dict literals give them); categorical values (country, plan, tags)
                   are shared objects from small pools
    nested         dict holding ~20,000 random trees of dict/list/tuple/set/frozenset (depth 2..7)
                   with shared sub-objects, int and tuple dict keys, bytes, bytearray, complex,
                   plus int-keyed and tuple-keyed dicts, a matrix of ints, and five 200-level chains
    bytes_blobs    list of 1,000 bytes objects of 64 KiB: random, log-text and binary records
    ndarray_f64    one float64 array of 32 Mi elements (256 MiB): sum of slow sines + random-walk
                   drift + Gaussian noise, rounded to 4 decimals (compresses like real features)
    ndarray_mixed  dict of arrays (~40 MiB): float32 weights, Fortran-order float64, int64 ids,
                   int32 labels, 4-D uint8 images, bool, float16, complex128, big-endian int16, a
                   non-contiguous view, a structured dtype, '<U8', object (str), datetime64[ns],
                   a 0-d and an empty array
    sklearn_like   dict like a fitted random forest plus preprocessing state: 100 tree state dicts
                   (sklearn 1.2's node struct dtype + value arrays), a float32 embedding of 40,000 x
                   64, a 40,000-entry vocabulary dict, numpy scalars, plain ints/floats/strs/None

The output is byte-for-byte reproducible for one Python/numpy/joblib version: every workload has
its own seeded random streams (independent of --only), and the script re-executes itself with
PYTHONHASHSEED=0 because set iteration order (and so the pickle bytes) follows str hashes.

As a module:  from workloads import load_oob_pickle, WORKLOADS, ARRAY_WORKLOADS
"""

import argparse
import hashlib
import json
import math
import os
import pickle
import random
import sys
import time

import numpy as np

GENERATOR = "picklejar tools/bench/workloads.py"
GENERATOR_VERSION = 1
BASE_SEED = 0x5EED_B3C4
PROTOCOLS = (2, 4, 5)
COMPRESSORS = ("zlib", "gzip", "bz2", "xz", "lzma")
LEVEL = 3


def count(n, scale, at_least=1):
    """n elements at --scale 1, scaled and rounded, never below at_least."""
    return max(at_least, int(n * scale + 0.5))


def streams(name):
    """A Python and a numpy random stream for one workload, seeded from its name only."""
    digest = hashlib.sha256(("%d/%s" % (BASE_SEED, name)).encode()).digest()
    seed = int.from_bytes(digest[:8], "little")
    return random.Random(seed), np.random.Generator(np.random.PCG64(seed))


# ---- text ------------------------------------------------------------------------------------

PARTS = ("ba be bi bo da de di do fa fe fi ga go ka ke ki ko la le li lo lu ma me mi mo "
         "na ne ni no pa pe pi ra re ri ro sa se si so ta te ti to va ve vi za zu "
         "an en in on ar er ir or al el il ul st tr sch th ch").split()
LATIN1 = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÄÖÜÉÈÇÑ"
GREEK = "".join(chr(c) for c in range(0x3B1, 0x3CA) if c != 0x3C2)
CYRILLIC = "".join(chr(c) for c in range(0x430, 0x450))
CJK = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2500))
EMOJI = "".join(chr(c) for c in range(0x1F300, 0x1F340)) + "".join(
    chr(c) for c in range(0x1F600, 0x1F640))


def syllables(r, lo=1, hi=4):
    return "".join(r.choice(PARTS) for _ in range(r.randint(lo, hi)))


def text_str(r):
    """One short str (1..40 chars); about 85% pure ASCII."""
    u = r.random()
    if u < 0.50:
        s = syllables(r)
    elif u < 0.65:
        s = "%s %s" % (syllables(r).title(), syllables(r))
    elif u < 0.85:
        s = "%s%s%d" % (syllables(r, 1, 2), r.choice("_-."), r.randrange(100000))
    elif u < 0.91:
        chars = list(syllables(r, 2, 5))
        for _ in range(r.randint(1, 3)):
            chars[r.randrange(len(chars))] = r.choice(LATIN1)
        s = "".join(chars)
    elif u < 0.95:
        alphabet = GREEK if r.random() < 0.5 else CYRILLIC
        s = "".join(r.choices(alphabet, k=r.randint(3, 14)))
    elif u < 0.98:
        s = "".join(r.choices(CJK, k=r.randint(1, 8)))
    else:
        s = syllables(r, 1, 3) + " " + "".join(r.choices(EMOJI, k=r.randint(1, 3)))
    return s[:40]


# ---- workloads --------------------------------------------------------------------------------

WORKLOADS = {}         # name -> builder(scale)
ARRAY_WORKLOADS = []   # names of the workloads that hold numpy arrays


def register(name, arrays=False):
    def wrap(builder):
        WORKLOADS[name] = builder
        if arrays:
            ARRAY_WORKLOADS.append(name)
        return builder
    return wrap


@register("ints")
def build_ints(scale):
    r, g = streams("ints")
    n = count(1_000_000, scale)
    bucket = g.choice(5, size=n, p=[0.35, 0.20, 0.25, 0.199, 0.001])
    out = np.zeros(n, dtype=np.int64)
    where = [np.flatnonzero(bucket == b) for b in range(5)]
    out[where[0]] = g.integers(-5, 256, len(where[0]))
    out[where[1]] = g.integers(256, 65536, len(where[1]))
    out[where[2]] = g.integers(-2**31, 2**31, len(where[2]))
    # 64-bit: bit length uniform in 33..63 (5..8 bytes as two's complement), random sign.
    k = len(where[3])
    top = g.integers(32, 63, k)                                   # index of the highest set bit
    low = g.integers(0, 2**62, k, dtype=np.int64) >> (62 - top)    # top bits of randomness
    mag = (np.int64(1) << top) | low
    out[where[3]] = np.where(g.integers(0, 2, k) == 1, -mag, mag)
    values = out.tolist()
    # Wider than 64 bits: 65..320 bits; every 150th from 2100..16000 bits (LONG4, > 255 bytes).
    for j, i in enumerate(where[4].tolist()):
        bits = r.randint(2100, 16000) if j % 150 == 0 else r.randint(65, 320)
        v = (1 << (bits - 1)) | r.getrandbits(bits - 1)
        values[i] = v if r.random() < 0.5 else -v
    return values


@register("floats")
def build_floats(scale):
    _, g = streams("floats")
    n = count(1_000_000, scale)
    bucket = g.choice(4, size=n, p=[0.60, 0.25, 0.149, 0.001])
    out = np.empty(n)
    idx = [np.flatnonzero(bucket == b) for b in range(4)]
    out[idx[0]] = g.standard_normal(len(idx[0])) * np.power(10.0, g.integers(-4, 7, len(idx[0])))
    out[idx[1]] = np.round(g.lognormal(2.5, 1.2, len(idx[1])), 2)
    out[idx[2]] = g.integers(-5000, 5000, len(idx[2])).astype(np.float64)
    specials = np.array([math.inf, -math.inf, math.nan, -0.0, 4.9e-324, 1e-310,
                         2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308])
    out[idx[3]] = specials[g.integers(0, len(specials), len(idx[3]))]
    return out.tolist()


@register("strs")
def build_strs(scale):
    r, _ = streams("strs")
    return [text_str(r) for _ in range(count(500_000, scale))]


@register("records")
def build_records(scale):
    r, _ = streams("records")
    countries = "DE US FR GB JP CN BR IN ES IT NL SE PL KR MX CA AU CH AT BE NO DK FI PT".split()
    plans = ["free", "basic", "pro", "team", "enterprise"]
    tag_pool = [syllables(r, 1, 3) for _ in range(60)]
    hosts = ["example.com", "mail.net", "corp.org", "uni.edu", "web.de", "inbox.io"]
    n = count(200_000, scale)
    out = []
    for i in range(n):
        given, family = syllables(r, 1, 2).title(), syllables(r, 1, 3).title()
        if r.random() < 0.1:
            family = text_str(r)                                   # some non-ASCII names
        out.append({
            "id": 100_000 + i,
            "uuid": "%08x-%04x-%04x-%04x-%012x" % (r.getrandbits(32), r.getrandbits(16),
                                                 r.getrandbits(16), r.getrandbits(16),
                                                 r.getrandbits(48)),
            "name": given + " " + family,
            "email": "%s.%s%d@%s" % (given.lower(), syllables(r, 1, 2), r.randrange(1000),
                                     r.choice(hosts)),
            "age": r.randint(16, 95) if r.random() < 0.93 else None,
            "country": r.choice(countries),
            "plan": r.choice(plans),
            "active": r.random() < 0.75,
            "verified": r.random() < 0.45,
            "score": r.normalvariate(60.0, 12.5),
            "balance": round(r.lognormvariate(5.5, 2.0), 2),
            "ratio": r.random() if r.random() < 0.8 else None,
            "tags": r.sample(tag_pool, r.randint(0, 5)),
            "history": [round(r.uniform(0, 1000), 3) for _ in range(r.randint(2, 8))],
            "signup": "20%02d-%02d-%02dT%02d:%02d:%02dZ" % (
                r.randint(8, 24), r.randint(1, 12), r.randint(1, 28),
                r.randrange(24), r.randrange(60), r.randrange(60)),
            "referrer": r.randint(100_000, 100_000 + i) if r.random() < 0.25 else None,
        })
    return out


@register("nested")
def build_nested(scale):
    r, _ = streams("nested")

    def atom():
        u = r.random()
        if u < 0.30:
            return r.randint(-2000, 2_000_000)
        if u < 0.50:
            return r.normalvariate(0.0, 250.0)
        if u < 0.80:
            return text_str(r)
        if u < 0.87:
            return r.random() < 0.5
        if u < 0.93:
            return None
        if u < 0.97:
            return r.randbytes(r.randint(0, 40))
        if u < 0.99:
            return complex(r.normalvariate(0, 1), r.normalvariate(0, 1))
        return bytearray(r.randbytes(r.randint(0, 24)))

    def key():
        u = r.random()
        if u < 0.70:
            return syllables(r, 1, 3)
        if u < 0.82:
            return r.randint(-1000, 1_000_000)
        if u < 0.92:
            return text_str(r)
        if u < 0.98:
            return (r.randint(0, 500), syllables(r, 1, 2))
        return frozenset(r.randint(0, 60) for _ in range(r.randint(0, 5)))

    def member():                       # set and frozenset elements (hashable, no containers)
        u = r.random()
        if u < 0.45:
            return r.randint(-1000, 1_000_000)
        if u < 0.85:
            return text_str(r)
        return (r.randint(0, 100), syllables(r, 1, 2))

    shared = [[atom() for _ in range(r.randint(2, 6))] for _ in range(120)]

    def child(depth):
        u = r.random()
        if depth <= 0 or u < 0.40:
            return atom()
        if u < 0.43:
            return r.choice(shared)     # the same object again: a memo reference
        return tree(depth - 1)

    def tree(depth):
        kind = r.choices("dltsf", weights=(35, 30, 15, 10, 10))[0]
        width = r.randint(0, 8)
        if kind == "d":
            return {key(): child(depth) for _ in range(width)}
        if kind == "l":
            return [child(depth) for _ in range(width)]
        if kind == "t":
            return tuple(child(depth) for _ in range(width))
        members = {member() for _ in range(width)}
        return members if kind == "s" else frozenset(members)

    def chain(levels):
        node = None
        for level in range(levels):
            shape = level % 3
            if shape == 0:
                node = [level, node]
            elif shape == 1:
                node = {"level": level, "next": node}
            else:
                node = (node,)
        return node

    n = count(20_000, scale)
    return {
        "trees": [tree(r.randint(2, 7)) for _ in range(n)],
        "by_id": {i * 11 + 3: (syllables(r), r.random()) for i in range(n // 4)},
        "by_pair": {(r.randrange(20_000), syllables(r, 1, 2)): r.randrange(10)
                    for _ in range(n // 4)},
        "grid": [[r.randrange(1000) for _ in range(48)] for _ in range(max(1, n // 20))],
        "refs": [r.choice(shared) for _ in range(n // 4)],
        "chains": [chain(200) for _ in range(5)],
    }


@register("bytes_blobs")
def build_bytes_blobs(scale):
    r, g = streams("bytes_blobs")
    blob = 64 * 1024
    lines = []
    for _ in range(30_000):
        lines.append("%04d-%02d-%02d %02d:%02d:%02d.%03d %-5s [%s] %s" % (
            r.randint(2019, 2024), r.randint(1, 12), r.randint(1, 28), r.randrange(24),
            r.randrange(60), r.randrange(60), r.randrange(1000),
            r.choice(("INFO", "WARN", "DEBUG", "ERROR")), syllables(r, 2, 3),
            " ".join(syllables(r) for _ in range(r.randint(3, 14)))))
    log = "\n".join(lines).encode()
    record = np.dtype([("seq", "<u4"), ("value", "<f4")])
    out = []
    for _ in range(count(1000, scale)):
        u = r.random()
        if u < 0.4:                                   # incompressible, like media
            out.append(g.bytes(blob))
        elif u < 0.7:                                 # log text
            start = r.randrange(len(log) - blob)
            out.append(log[start:start + blob])
        else:                                         # packed binary records
            rec = np.empty(blob // record.itemsize, dtype=record)
            rec["seq"] = np.cumsum(g.integers(0, 4, len(rec)))
            rec["value"] = np.round(np.cumsum(g.normal(0.0, 1.0, len(rec))), 2)
            out.append(rec.tobytes())
    return out


def signal(g, n, decimals=4):
    """Sines of slow random frequencies + random-walk drift + noise, rounded to `decimals`.

    Rounded decimal values stored as float64 compress about like real feature columns
    (zlib about 1.9x); unrounded noise would not compress at all.
    """
    out = np.zeros(n)
    step = 1 << 22                                   # bounded temporaries for the 256 MiB array
    waves = [(g.uniform(2e-5, 4e-3), g.uniform(0.5, 25.0), g.uniform(0, 2 * math.pi))
             for _ in range(5)]
    for lo in range(0, n, step):
        t = np.arange(lo, min(n, lo + step), dtype=np.float64)
        for freq, amp, phase in waves:
            out[lo:lo + len(t)] += amp * np.sin((2 * math.pi * freq) * t + phase)
    out += np.cumsum(g.normal(0.0, 0.04, n))
    out += g.normal(0.0, 0.5, n)
    return np.round(out, decimals, out=out)


def weights(g, shape, dtype=np.float32):
    """Heavy-tailed small values like trained weights (they barely compress)."""
    return (g.standard_t(4, size=shape) * 0.03).astype(dtype)


@register("ndarray_f64", arrays=True)
def build_ndarray_f64(scale):
    _, g = streams("ndarray_f64")
    return signal(g, count(32 * 1024 * 1024, scale))


@register("ndarray_mixed", arrays=True)
def build_ndarray_mixed(scale):
    r, g = streams("ndarray_mixed")
    n = count(1 << 20, scale, at_least=64)                 # elements of the 1-D arrays
    side = count(1024, math.sqrt(scale), at_least=8)       # side of the 2-D arrays
    images = count(4, scale)
    gradient = (np.linspace(0, 160, 512)[:, None, None] + np.linspace(0, 90, 512)[None, :, None]
                + np.array([0.0, 20.0, 40.0]))
    pixels = np.clip(gradient[None] + g.normal(0, 10, (images, 512, 512, 3)), 0, 255)
    rows = count(65536, scale)
    table = np.zeros(rows, dtype=[("id", "<i8"), ("x", "<f4"), ("y", "<f4"), ("flag", "u1")])
    table["id"] = 5000 + 7 * np.arange(rows)
    table["x"] = g.normal(0, 1, rows)
    table["y"] = g.normal(5, 2, rows)
    table["flag"] = g.integers(0, 3, rows)
    pairs = signal(g, 2 * n).reshape(n, 2)
    stamps = np.cumsum(g.integers(1, 2_000_000_000, rows)).astype("timedelta64[ns]")
    return {
        "f32_weights": weights(g, (side, side)),
        "f64_fortran": np.asfortranarray(signal(g, side * side).reshape(side, side)),
        "i64_ids": np.cumsum(g.integers(1, 25, n)),
        "i32_labels": g.integers(0, 12, n, dtype=np.int32),
        "u8_images": pixels.astype(np.uint8),
        "bool_mask": g.random(n) < 0.25,
        "f16_half": signal(g, n, 2).astype(np.float16),
        "c128": g.normal(size=n // 16) + 1j * g.normal(size=n // 16),
        "i16_bigendian": np.clip(signal(g, n, 0) * 50, -32768, 32767).astype(">i2"),
        "f64_strided": pairs[:, 1],                       # a view with stride 16
        "structured": table,
        "unicode_u8": np.array([text_str(r)[:8] for _ in range(rows)], dtype="<U8"),
        "object_strs": np.array([text_str(r) for _ in range(count(10_000, scale))], dtype=object),
        "datetime64_ns": np.datetime64("2023-06-01T00:00:00", "ns") + stamps,
        "zero_d": np.array(-7.5),
        "empty_2d": np.zeros((0, 4), dtype=np.float32),
    }


# sklearn 1.2's sklearn.tree._tree.NODE_DTYPE
TREE_NODE = np.dtype([("left_child", "<i8"), ("right_child", "<i8"), ("feature", "<i8"),
                      ("threshold", "<f8"), ("impurity", "<f8"), ("n_node_samples", "<i8"),
                      ("weighted_n_node_samples", "<f8")])


def grow_tree(r, samples, n_features, n_classes, max_depth=40):
    """A classification tree grown depth-first, shaped like sklearn's Tree.__getstate__()."""
    nodes, values = [], []
    todo = [(samples, 0, -1, 0)]                  # (samples, depth, parent, which child slot)
    deepest = 0
    while todo:
        m, depth, parent, slot = todo.pop()
        me = len(nodes)
        if parent >= 0:
            nodes[parent][slot] = me
        deepest = max(deepest, depth)
        counts = [0.0] * n_classes
        for _ in range(min(m, 10)):
            counts[r.randrange(n_classes)] += 1
        scale = m / sum(counts)
        counts = [round(c * scale) for c in counts]
        gini = 1.0 - sum((c / m) ** 2 for c in counts)
        if m < 3 or depth >= max_depth or r.random() < 0.004 * depth:
            nodes.append([-1, -1, -2, -2.0, gini, m, float(m)])
        else:
            nodes.append([0, 0, r.randrange(n_features), round(r.normalvariate(0, 2), 4), gini,
                          m, float(m)])
            left = min(m - 1, max(1, int(m * r.uniform(0.15, 0.85))))
            todo.append((m - left, depth + 1, me, 1))
            todo.append((left, depth + 1, me, 0))
        values.append(counts)
    return {"max_depth": deepest, "node_count": len(nodes),
            "nodes": np.array([tuple(x) for x in nodes], dtype=TREE_NODE),
            "values": np.array(values, dtype=np.float64).reshape(len(nodes), 1, n_classes)}


@register("sklearn_like", arrays=True)
def build_sklearn_like(scale):
    r, g = streams("sklearn_like")
    n_features, n_classes = 64, 10
    trees = []
    for _ in range(count(100, scale)):
        state = grow_tree(r, r.randint(1500, 3000), n_features, n_classes)
        state.update(random_state=r.getrandbits(31), n_features=n_features,
                     n_classes=np.array([n_classes], dtype=np.intp))
        trees.append(state)
    words = count(40_000, scale)
    return {
        "model": "RandomForestClassifier",
        "sklearn_version": "1.2.1",
        "params": {"n_estimators": 100, "criterion": "gini", "max_depth": None,
                   "min_samples_split": 2, "min_samples_leaf": 1, "max_features": "sqrt",
                   "bootstrap": True, "oob_score": True, "n_jobs": None, "random_state": 42,
                   "ccp_alpha": 0.0, "class_weight": None, "verbose": 0},
        "n_features_in_": n_features,
        "feature_names_in_": np.array(["f_%s_%02d" % (syllables(r, 1, 2), i)
                                       for i in range(n_features)], dtype=object),
        "classes_": np.arange(n_classes, dtype=np.int64),
        "n_classes_": n_classes,
        "n_outputs_": 1,
        "estimators_": trees,
        "oob_score_": np.float64(0.9173),
        "oob_count_": np.int64(118_212),
        "feature_importances_": np.abs(g.normal(0, 1, n_features)) / 40.0,
        "scaler": {"mean_": g.normal(0, 4, n_features), "scale_": np.abs(g.normal(2, 0.4, n_features)),
                   "var_": np.abs(g.normal(4, 1, n_features)), "n_samples_seen_": np.int64(150_000),
                   "with_mean": True, "with_std": True},
        "linear": {"coef_": g.normal(0, 0.25, (n_classes, n_features)),
                   "intercept_": g.normal(0, 0.1, n_classes),
                   "n_iter_": np.array([93], dtype=np.int32)},
        "embedding_": weights(g, (words, 64)),
        "vocabulary_": {"%s%d" % (syllables(r, 1, 3), i): i for i in range(words)},
    }


# ---- writing -----------------------------------------------------------------------------------

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def describe(outdir, rel, **fields):
    """A manifest entry; a directory's sha256 is over 'name sha256' lines of its sorted files."""
    full = os.path.join(outdir, rel)
    if os.path.isdir(full):
        names = sorted(os.listdir(full))
        size = sum(os.path.getsize(os.path.join(full, x)) for x in names)
        sha = hashlib.sha256("".join("%s %s\n" % (x, sha256_file(os.path.join(full, x)))
                                     for x in names).encode()).hexdigest()
    else:
        size, sha = os.path.getsize(full), sha256_file(full)
    entry = {"path": rel, "bytes": size, "sha256": sha}
    entry.update(fields)
    return entry


def write_out_of_band(obj, directory):
    """Protocol 5, every PickleBuffer out of band: pickle.pkl + buffer-NNNN.bin + manifest.json."""
    os.makedirs(directory, exist_ok=True)
    for stale in os.listdir(directory):
        os.remove(os.path.join(directory, stale))
    buffers = []
    data = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    with open(os.path.join(directory, "pickle.pkl"), "wb") as f:
        f.write(data)
    listed = []
    for i, pb in enumerate(buffers):
        view = pb.raw()
        name = "buffer-%04d.bin" % i
        with open(os.path.join(directory, name), "wb") as f:
            f.write(view)
        listed.append({"file": name, "nbytes": view.nbytes, "readonly": view.readonly})
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump({"format": "pickle protocol 5 with out-of-band buffers",
                   "load": "pickle.loads(pickle.pkl bytes, buffers=[each buffer file, in order])",
                   "pickle": "pickle.pkl", "buffers": listed}, f, indent=1)


def load_oob_pickle(directory, mmap_buffers=False):
    """Loads a NAME.p5oob directory: buffers read into bytearrays, or mapped read-only."""
    import mmap
    with open(os.path.join(directory, "manifest.json")) as f:
        desc = json.load(f)
    buffers = []
    for item in desc["buffers"]:
        with open(os.path.join(directory, item["file"]), "rb") as f:
            if mmap_buffers and item["nbytes"]:
                buffers.append(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
            else:
                buf = bytearray(item["nbytes"])
                f.readinto(buf)
                buffers.append(buf)
    with open(os.path.join(directory, desc["pickle"]), "rb") as f:
        return pickle.loads(f.read(), buffers=buffers)


def generate(outdir, scale, names, compressors):
    import joblib
    os.makedirs(outdir, exist_ok=True)
    manifest_path = os.path.join(outdir, "manifest.json")
    entries = []
    if os.path.exists(manifest_path):            # keep what was built before for other workloads
        with open(manifest_path) as f:
            previous = json.load(f)
        if (previous.get("scale") == scale and previous.get("generator") == GENERATOR
                and previous.get("generator_version") == GENERATOR_VERSION):
            entries = [e for e in previous.get("files", []) if e["workload"] not in names]

    for name in names:
        t0 = time.perf_counter()
        obj = WORKLOADS[name](scale)
        print("%-14s built    %7.1f s" % (name, time.perf_counter() - t0), flush=True)
        for protocol in PROTOCOLS:
            rel = "%s.p%d.pkl" % (name, protocol)
            with open(os.path.join(outdir, rel), "wb") as f:
                pickle.dump(obj, f, protocol=protocol)
            entries.append(describe(outdir, rel, workload=name, kind="pickle", protocol=protocol))
        if name in ARRAY_WORKLOADS:
            rel = name + ".p5oob"
            write_out_of_band(obj, os.path.join(outdir, rel))
            entries.append(describe(outdir, rel, workload=name, kind="pickle-oob", protocol=5))
            rel = name + ".raw.joblib"
            joblib.dump(obj, os.path.join(outdir, rel), compress=0)
            raw_bytes = os.path.getsize(os.path.join(outdir, rel))
            entries.append(describe(outdir, rel, workload=name, kind="joblib", compressor=None,
                                    level=0, ratio=1.0))
            for codec in COMPRESSORS:
                if codec not in compressors:
                    continue
                rel = "%s.%s-%d.joblib" % (name, codec, LEVEL)
                t1 = time.perf_counter()
                joblib.dump(obj, os.path.join(outdir, rel), compress=(codec, LEVEL))
                size = os.path.getsize(os.path.join(outdir, rel))
                entries.append(describe(outdir, rel, workload=name, kind="joblib",
                                        compressor=codec, level=LEVEL,
                                        ratio=round(raw_bytes / size, 3)))
                print("%-14s %-5s-%d  ratio %5.2f  %7.1f s" % (
                    name, codec, LEVEL, raw_bytes / size, time.perf_counter() - t1), flush=True)
        del obj
        print("%-14s written  %7.1f s" % (name, time.perf_counter() - t0), flush=True)

    order = list(WORKLOADS)
    entries.sort(key=lambda e: (order.index(e["workload"]), e["path"]))
    manifest = {"generator": GENERATOR, "generator_version": GENERATOR_VERSION,
                "seed": BASE_SEED, "scale": scale, "python": sys.version.split()[0],
                "numpy": np.__version__, "joblib": joblib.__version__,
                "array_workloads": ARRAY_WORKLOADS, "files": entries}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description="Write picklejar's standard benchmark inputs.")
    ap.add_argument("outdir")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="element counts multiplier (default 1; 0.1 is the quick set)")
    ap.add_argument("--only", default=",".join(WORKLOADS),
                    help="comma-separated workloads (default all): " + ",".join(WORKLOADS))
    ap.add_argument("--compressors", default=",".join(COMPRESSORS),
                    help="joblib codecs to write at level 3 (default all): " + ",".join(COMPRESSORS))
    args = ap.parse_args()
    if args.scale <= 0:
        ap.error("--scale must be positive")
    names = [x for x in args.only.split(",") if x]
    bad = [x for x in names if x not in WORKLOADS]
    if bad:
        ap.error("unknown workload(s): " + ", ".join(bad))
    codecs = {x for x in args.compressors.split(",") if x}
    bad = sorted(codecs - set(COMPRESSORS))
    if bad:
        ap.error("unknown compressor(s): " + ", ".join(bad))

    if os.environ.get("PYTHONHASHSEED") != "0":   # set order follows str hashes
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)

    generate(args.outdir, args.scale, names, codecs)


if __name__ == "__main__":
    main()
