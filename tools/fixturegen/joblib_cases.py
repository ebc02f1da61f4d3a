"""fixtures/joblib/ and fixtures/JOBLIB.tsv: files joblib.dump wrote and what joblib.load makes of them."""

import collections
import hashlib
import os
import pickle
import shutil

from .common import FIX, JL, replace_tree, write_tsv

# ================================================================================================
# joblib: fixtures/joblib/ and fixtures/JOBLIB.tsv
#
# Files joblib.dump itself wrote (every compressor at several levels, protocols 0-5, object
# arrays, mixed graphs, the tutorial's files), and for each what CPython and joblib make of it
# after joblib.load: pickle.dumps(joblib.load(f), protocol=2), and joblib.dump(joblib.load(f),
# out, protocol=P, compress=C). Self-contained: joblib_fixtures() makes, writes and verifies its
# own files (fixtures/joblib/README.md documents them); nothing else in the generator uses them.
# ================================================================================================

JL_HEADER = "file\tcodec\tlevel\tprotocol\tpickle2\tjoblib\texact\tdescription"
# joblib's registration order, which is also the order _detect_compressor tries the magics in.
JL_MAGICS = (("zlib", b"\x78"), ("gzip", b"\x1f\x8b"), ("bz2", b"BZ"), ("lzma", b"\x5d\x00"),
             ("xz", b"\xfd7zXZ"), ("lz4", b"\x04\x22\x4d\x18"))
# What a compressed row's level column holds when the file was written with compress='NAME'.
JL_DEFAULT = "default"
JL_UNMATCHABLE_SKLEARN = (
    "no: sklearn's DistanceMetric (a Cython extension type) re-pickles through its own __getstate__, "
    "which rebuilds its vec/mat arrays from typed memoryviews with a new dtype object; the stream "
    "shares one dtype with _fit_X, CPython's re-dump does not")


def jl_codec_of(data):
    for name, magic in JL_MAGICS:
        if data.startswith(magic):
            return name
    return "none"


def jl_decompress(data):
    import bz2
    import lzma
    import zlib
    import lz4.frame
    codec = jl_codec_of(data)
    if codec == "zlib":
        return zlib.decompress(data)
    if codec == "gzip":
        return zlib.decompress(data, 31)
    if codec == "bz2":
        return bz2.decompress(data)
    if codec in ("lzma", "xz"):
        return lzma.decompress(data)
    if codec == "lz4":
        return lz4.frame.decompress(data)
    return data


def jl_compress_arg(codec, level):
    """joblib.dump's compress= for a (codec, level) row: 0, 'NAME' (default level) or a tuple."""
    if codec == "none":
        return 0
    return codec if level == JL_DEFAULT else (codec, level)


def jl_dump(obj, protocol, compress, name="out"):
    """The bytes joblib.dump(obj, <tmp>/name, compress, protocol) writes (twice: must agree)."""
    import tempfile
    import warnings
    import joblib
    outs = []
    for _ in range(2):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                joblib.dump(obj, path, compress=compress, protocol=protocol)
            with open(path, "rb") as f:
                outs.append(f.read())
    assert outs[0] == outs[1], "joblib.dump is not repeatable"
    return outs[0]


def jl_load(data, name="in"):
    """joblib.load of `data` written to a file (joblib loads by path, as the C++ tests do)."""
    import tempfile
    import warnings
    import joblib
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return joblib.load(path)


def jl_expectations(data, protocol, compress):
    """(pickle.dumps(joblib.load(f), 2), joblib.dump(joblib.load(f), out, protocol, compress)),
    each from two independent loads that must agree (joblib.load leaves the padding bytes of
    structured arrays uninitialised; a fixture holding one would not be repeatable)."""
    p2 = [pickle.dumps(jl_load(data), protocol=2) for _ in range(2)]
    assert p2[0] == p2[1], "pickle.dumps(joblib.load(f), 2) is not repeatable"
    redump = [jl_dump(jl_load(data), protocol, compress) for _ in range(2)]
    assert redump[0] == redump[1], "joblib.dump(joblib.load(f)) is not repeatable"
    return p2[0], redump[0]


# ---- the object graphs (fresh objects on every call)

def jl_object_array(items, shape=None):
    import numpy as np
    a = np.empty(len(items), dtype=object)
    for i, v in enumerate(items):
        a[i] = v
    return a.reshape(shape) if shape else a


def jl_mixed():
    """Builtin values and arrays of many dtypes and layouts in one graph."""
    import numpy as np
    shared = np.arange(6, dtype="<f8").reshape(2, 3)
    return {
        "name": "joblib fixture", "caf\xe9": "\u20ac \U0001F600", "none": None, "flags": [True, False],
        "ints": [0, -1, 255, 65536, -2**31, 2**63, -2**100], "floats": [0.0, -0.0, 1.5, 1e300, float("inf")],
        "bytes": b"\x00\xff" * 8, "tuple": (1, ("nested", 2.5)), "set": {"a", "b", "c"},
        "frozenset": frozenset({1, 2}), "nested": {"list": [[], {}, ()], "key": {"deeper": [1, 2, 3]}},
        "f8": np.arange(10, dtype="<f8") / 4, "i4": np.array([-2**31, -1, 0, 1, 2**31 - 1], dtype="<i4"),
        "u1": np.arange(0, 256, 51, dtype="u1"), "b1": np.array([True, False, True]),
        "c16": np.array([1 + 2j, -0.5j], dtype="<c16"), "f2": np.array([0.5, -2.0, 65504.0], dtype="<f2"),
        "U3": np.array(["abc", "", "\xe9\u20ac\U0001F600"], dtype="<U3"), "S4": np.array([b"ab", b"\x00x", b""]),
        "M8": np.array(["2024-01-02T03:04:05.123456789", "NaT"], dtype="<M8[ns]"),
        "m8": np.array([1, -3], dtype="<m8[2s]"),
        "fortran": np.asfortranarray(np.arange(12, dtype="<i8").reshape(3, 4)),
        "bigendian": [np.array([1, -2, 0x01020304], dtype=">i4"), np.array([1.5, -0.0], dtype=">f8")],
        "zero_d": np.array(3.25), "empty": [np.zeros((0, 3)), np.zeros((3, 0), dtype="<i4")],
        "shared": [shared, shared, {"again": shared}], "matrix": np.matrix([[1, 2], [3, 4]], dtype="<i8"),
        "objects": jl_object_array([1, "a", None, [1, 2], {"k": (1,)}]),
        "scalars": [np.float64(1.5), np.int64(-7), np.bool_(True), np.float32(0.25)], "dtype": np.dtype("<i2"),
    }


def jl_object_arrays():
    """Object arrays: 1-D, 2-D, Fortran-ordered, holding arrays (numeric and object) and shared items."""
    import numpy as np
    inner = np.arange(3, dtype="<i8")
    item = {"shared": True}
    two_d = jl_object_array(["a", ["b", None], None, ("t", 1)], (2, 2))
    return {
        "flat": jl_object_array([1, "abc", {"a": 1, "b": 2}, None, 2.5, b"x"]),
        "two_d": two_d, "fortran": np.asfortranarray(jl_object_array(list(range(6)), (2, 3))),
        "holds_arrays": jl_object_array([inner, inner, jl_object_array(["deep", inner]), np.float64(2.0)]),
        "shared_items": jl_object_array([item, item, [item]]),
        "same_object_array_twice": [two_d, two_d],
        "empty": np.empty((0,), dtype=object),
    }


def jl_layouts():
    """Array layouts and classes: orders, views, byte orders, structured dtypes, subclasses, sharing."""
    import numpy as np
    be_struct = np.zeros(3, dtype=[("a", ">i4"), ("b", ">f8"), ("c", ">c8"), ("d", ">U2"), ("t", ">M8[s]")])
    be_struct["a"], be_struct["b"], be_struct["c"] = [1, -2, 3], [1.5, -0.0, 1e300], [1 + 2j, -1j, 0]
    be_struct["d"], be_struct["t"] = ["ab", "\xe9", ""], [0, 86400, -1]
    mixed_struct = np.zeros(2, dtype=[("a", ">i4"), ("s", "S3"), ("b", "<f8")])  # a '|' field: kept as is
    mixed_struct["a"], mixed_struct["s"], mixed_struct["b"] = [7, -7], [b"ab", b"xyz"], [0.5, 2.0]
    packed = np.zeros(2, dtype=[("id", "<i4"), ("m", "<f4", (2, 3))])  # a subarray field, no padding
    packed["id"], packed["m"] = [1, 2], np.arange(12, dtype="<f4").reshape(2, 2, 3)
    rec = np.rec.array([(1, 2.5, b"ab"), (3, -1.0, b"c")], dtype=[("a", "<i4"), ("b", "<f8"), ("c", "S2")])
    titled_dt = np.dtype({"names": ["x", "y"], "formats": [">i2", ">f4"], "offsets": [0, 2], "titles": ["T1", None],
                          "itemsize": 6})  # packed: no padding
    titled = np.zeros(3, dtype=titled_dt)
    titled["x"], titled["y"] = [1, -2, 3], [1.5, 2.0, -3.0]
    shared = np.arange(4, dtype="<u2")
    be_dtype = np.dtype(">i8")
    return {
        "fortran_2d": np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4)),
        "fortran_3d": np.asfortranarray(np.arange(24, dtype="<i2").reshape(2, 3, 4)),
        "views": [np.arange(20, dtype="<i8")[::3], np.arange(12, dtype="<f8").reshape(3, 4)[:, 1:3],
                  np.arange(12, dtype="<i4").reshape(3, 4).T],
        "bigendian": [np.array([1, -2, 0x01020304], dtype=">i4"), np.array([1 + 2j], dtype=">c16"),
                      np.array(["\xe9t\xe9"], dtype=">U3"), np.array([1, 2], dtype=be_dtype),
                      np.array([3], dtype=be_dtype), be_dtype],
        "bigendian_struct": be_struct, "mixed_order_struct": mixed_struct, "subarray_field": packed,
        "bigendian_titled": [titled, titled_dt], "memmap": jl_memmap(),
        "zero_d": [np.array(7, dtype="<i8"), np.array(b"xy"), np.array(-1.5, dtype=">f4")],
        "empty": [np.zeros(0), np.zeros((2, 0, 3), dtype="<i2"), np.asfortranarray(np.zeros((0, 2)))],
        "shared": [shared, shared, (shared,)], "matrix": np.matrix([[0, 1, 2]], dtype="<i8"), "recarray": rec,
        "longdouble": jl_longdouble(),
        "void": np.array([b"\x00\x01\x02\x03", b"\xff\xfe\xfd\xfc"], dtype="V4"),
    }


def jl_longdouble():
    """x86-64 long double (10 bytes of value in 16): the padding bytes set (zero), so files repeat."""
    import numpy as np
    vals = np.array([1.5, -2.25, 1e-300], dtype=np.longdouble)
    raw = bytearray(vals.tobytes())
    size = vals.dtype.itemsize
    for i in range(len(vals)):
        raw[size * i + 10:size * (i + 1)] = bytes(size - 10)
    return np.frombuffer(bytes(raw), dtype=np.longdouble).copy()


def jl_memmap():
    """A numpy.memmap (joblib writes its subclass, loads a plain ndarray), over a deleted file."""
    import tempfile
    import numpy as np
    tmp = tempfile.mkdtemp()
    try:
        m = np.memmap(os.path.join(tmp, "m.dat"), dtype="<f4", mode="w+", shape=(2, 3))
        m[:] = np.arange(6, dtype="<f4").reshape(2, 3)
        m.flush()
    finally:
        shutil.rmtree(tmp)  # the mapping stays readable
    return m


def jl_big():
    """Larger than a pickle frame (64 KiB) and than the readers' 64 KiB chunks: arrays, bytes, a str,
    and a list longer than a 1000-item batch."""
    import numpy as np
    return {"floats": np.arange(10000, dtype="<f8") / 2, "ints": np.arange(20000, dtype="<i4").reshape(200, 100),
            "bytes": bytes(range(256)) * 300, "str": "joblib \u20ac " * 7000, "list": list(range(2500)),
            "fortran": np.asfortranarray(np.arange(10000, dtype="<i8").reshape(50, 200))}


def jl_tutorial_model():
    """The KNeighborsClassifier of fixtures/sklearn/model.pkl (same data, split and parameters)."""
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KNeighborsClassifier
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42, stratify=y)
    model = KNeighborsClassifier(n_neighbors=3, weights="distance", algorithm="kd_tree", leaf_size=40, p=1,
                                 metric="euclidean")
    model.fit(X_train, y_train)
    return model


def jl_tutorial_array():
    import numpy as np
    return np.arange(100).reshape(10, 10)


JL_LEVELS = (("zlib", 1), ("zlib", 3), ("zlib", 9), ("zlib", JL_DEFAULT), ("gzip", 1), ("gzip", 9),
             ("gzip", JL_DEFAULT), ("bz2", 1), ("bz2", 9), ("lzma", 1), ("lzma", 6), ("lzma", 9), ("xz", 1),
             ("xz", 6), ("xz", 9), ("lz4", JL_DEFAULT), ("lz4", 9))


def jl_cases():
    """(file name, graph maker, protocol, codec, level, description, exact) for every fixture."""
    import numpy as np
    cases = []
    graphs = (("mixed", jl_mixed, "mixed graph: builtins (str, int, float, bytes, tuple, set, dict) and arrays of "
                                  "many dtypes, Fortran, big-endian, 0-d, empty, shared, matrix, object, scalars"),
              ("object_arrays", jl_object_arrays, "object arrays: 1-D, 2-D, Fortran, holding arrays, shared items"),
              ("layouts", jl_layouts, "array layouts: Fortran, views, big-endian (plain, structured, titled), "
                                      "structured, subarray field, 0-d, empty, shared, matrix, recarray, "
                                      "memmap, longdouble, void"))
    for name, make, desc in graphs:
        for p in range(6):
            cases.append(("%s.p%d.joblib" % (name, p), make, p, "none", "-", "%s; protocol %d" % (desc, p), "yes"))
    for codec, level in JL_LEVELS:
        tag = "%s%s" % (codec, "" if level == JL_DEFAULT else level)
        how = "compress='%s' (its default level)" % codec if level == JL_DEFAULT else \
            "compress=('%s', %d)" % (codec, level)
        cases.append(("mixed.p4.%s.joblib" % tag, jl_mixed, 4, codec, level,
                      "mixed graph; %s, protocol 4" % how, "yes"))
    for codec, level in (("gzip", 3), ("bz2", 9), ("xz", 6), ("lz4", JL_DEFAULT), ("zlib", 1)):
        cases.append(("object_arrays.p2.%s%s.joblib" % (codec, "" if level == JL_DEFAULT else level),
                      jl_object_arrays, 2, codec, level,
                      "object arrays; compress=%r, protocol 2" % (jl_compress_arg(codec, level),), "yes"))
    for p in (4, 5):
        cases.append(("big.p%d.joblib" % p, jl_big, p, "none", "-",
                      "arrays, bytes and a str larger than a frame, a 2500-item list; protocol %d" % p, "yes"))
    for codec, level in (("gzip", 3), ("bz2", 9), ("xz", 6), ("lz4", JL_DEFAULT)):
        cases.append(("big.p4.%s%s.joblib" % (codec, "" if level == JL_DEFAULT else level), jl_big, 4, codec, level,
                      "big graph; compress=%r, protocol 4" % (jl_compress_arg(codec, level),), "yes"))
    # The tutorial's files, dumped exactly as the tutorial does (default protocol, file names as given).
    assert pickle.DEFAULT_PROTOCOL == 4
    cases.append(("model.joblib", jl_tutorial_model, 4, "none", "-",
                  "the tutorial's joblib.dump(model, 'model.joblib'): fixtures/sklearn/model.pkl's fitted "
                  "KNeighborsClassifier", JL_UNMATCHABLE_SKLEARN))
    cases.append(("array.joblib", jl_tutorial_array, 4, "none", "-",
                  "the tutorial's joblib.dump(np.arange(100).reshape(10, 10), 'array.joblib')", "yes"))
    cases.append(("array_compressed.joblib", jl_tutorial_array, 4, "zlib", 3,
                  "the tutorial's joblib.dump(array, 'array_compressed.joblib', compress=3) (zlib level 3)", "yes"))
    cases.append(("array_finely_compressed.joblib", jl_tutorial_array, 4, "gzip", 9,
                  "the tutorial's joblib.dump(array, 'array_finely_compressed.joblib', compress=('gzip', 9))",
                  "yes"))
    assert np.arange(1).dtype == np.int64
    return cases


JL_TUTORIAL_COMPRESS = {"array_compressed.joblib": 3, "array_finely_compressed.joblib": ("gzip", 9)}


def joblib_fixtures():
    """Writes fixtures/joblib/ (sources, expect/<hash>.pkl|.joblib, README.md) and fixtures/JOBLIB.tsv,
    then re-reads and checks them. Returns joblib's version."""
    import joblib
    files, rows, checks = {}, [], collections.Counter()

    def store(data, ext):
        rel = "joblib/expect/%s%s" % (hashlib.sha256(data).hexdigest()[:16], ext)
        assert files.get(rel, data) == data
        files[rel] = data
        return rel

    for name, make, protocol, codec, level, desc, exact in jl_cases():
        compress = JL_TUTORIAL_COMPRESS.get(name, jl_compress_arg(codec, level))
        data = jl_dump(make(), None if name in ("model.joblib", "array.joblib") or name in JL_TUTORIAL_COMPRESS
                       else protocol, compress, name=name)
        assert jl_codec_of(data) == codec, name
        if codec != "none":  # compressed = joblib's uncompressed stream through the compressor
            assert jl_decompress(data) == jl_dump(make(), protocol, 0), name
            checks["compressed source decompresses to joblib's uncompressed output"] += 1
        rel = "joblib/" + name
        assert rel not in files
        files[rel] = data
        p2, redump = jl_expectations(data, protocol, jl_compress_arg(codec, level))
        assert jl_codec_of(redump) == codec
        if codec != "none":
            assert jl_decompress(redump) == jl_dump(jl_load(data), protocol, 0), name
        rows.append((rel, codec, str(level), str(protocol), store(p2, ".pkl"),
                     rel if redump == data else store(redump, ".joblib"), exact, desc))
        checks["rows"] += 1
        checks["rows whose re-dump is the source itself"] += redump == data

    replace_tree(JL, ["expect"], files)
    with open(os.path.join(JL, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(JL_README.format(joblib=joblib.__version__))
    write_tsv("JOBLIB.tsv", JL_HEADER, rows)
    checks.update(jl_verify())
    total = sum(len(d) for d in files.values())
    print("joblib: %d rows, %d files, %.2f MB (joblib %s)" % (len(rows), len(files) + 2, total / 1e6,
                                                             joblib.__version__))
    for k, v in sorted(checks.items()):
        print("joblib: %s: %d" % (k, v))
    assert total < 3e6, "fixtures/joblib/ must stay under 3 MB"
    return joblib.__version__


def jl_verify():
    """Re-reads JOBLIB.tsv and fixtures/joblib/ from disk: every file referenced exists, nothing is
    unreferenced, names match contents, and joblib still makes the recorded expectations."""
    counts = collections.Counter()
    with open(os.path.join(FIX, "JOBLIB.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == JL_HEADER and lines[-1] == ""
    referenced = {"joblib/README.md"}
    for line in lines[1:-1]:
        rel, codec, level, protocol, p2_rel, redump_rel, exact, _ = line.split("\t")
        assert exact == "yes" or exact.startswith("no: "), line
        assert (codec == "none") == (level == "-"), line
        data, p2, redump = (open(os.path.join(FIX, r), "rb").read() for r in (rel, p2_rel, redump_rel))
        for r, d in ((p2_rel, p2), (redump_rel, redump)):
            if r.startswith("joblib/expect/"):
                assert hashlib.sha256(d).hexdigest()[:16] == os.path.basename(r).split(".")[0], r
        assert jl_codec_of(data) == codec and jl_codec_of(redump) == codec, rel
        lv = level if level in ("-", JL_DEFAULT) else int(level)
        assert jl_expectations(data, int(protocol), jl_compress_arg(codec, lv)) == (p2, redump), rel
        referenced.update((rel, p2_rel, redump_rel))
        counts["verified from disk: rows"] += 1
        counts["verified from disk: exact rows"] += exact == "yes"
    on_disk = set()
    for dirpath, _, names in os.walk(JL):
        on_disk.update(os.path.relpath(os.path.join(dirpath, n), FIX) for n in names)
    assert on_disk == referenced, sorted(on_disk ^ referenced)[:5]
    return counts


JL_README = """\
# joblib fixtures

Generated by `tools/gen_fixtures.py` (`tools/fixturegen/joblib_cases.py`); do not edit by
hand. Written by joblib {joblib} (Debian 12's python3-joblib) with python3-lz4 for lz4; the tutorial
model with scikit-learn. Every file here is what `joblib.dump` itself wrote.

## JOBLIB.tsv

`fixtures/JOBLIB.tsv`, tab-separated, a header line then one row per file:

| column | meaning |
|---|---|
| `file` | the joblib file, relative to `fixtures/` |
| `codec` | `none`, `zlib`, `gzip`, `bz2`, `lzma`, `xz` or `lz4` (joblib's magic-byte detection agrees) |
| `level` | `-` (uncompressed), the level of `compress=(codec, level)`, or `default` for `compress='codec'` (the codec's default: zlib/gzip 3, bz2 9, lzma/xz preset 6, lz4 0) |
| `protocol` | the pickle protocol of the stream (joblib's default, 4, for the tutorial files) |
| `pickle2` | `pickle.dumps(joblib.load(file), protocol=2)`, CPython's C pickler |
| `joblib` | `joblib.dump(joblib.load(file), out, protocol=protocol, compress=<as written>)`; the file itself when identical |
| `exact` | `yes`: picklejar must write these very bytes (below); `no: <reason>`: it cannot, for the reason given |
| `description` | short text |

Expectations are stored once each as `expect/<hash>.pkl` / `expect/<hash>.joblib` (`<hash>`: the
first 16 hex digits of the content's SHA-256). Every expectation is made twice from two independent
`joblib.load`s, and every `joblib.dump` is run twice; all must agree.

What `tests/unit/joblib_test.cc` checks per row (`exact` = `yes`):

- `picklejar::dump(joblib::load(file).root(), {{.protocol = 2}})` is byte-identical to `pickle2`;
  the same for a load from memory and (uncompressed files) with `MmapMode::kReadOnly`;
- `joblib::dump(root, {{.protocol = P, .compression = {{codec, level}}}})`: for `codec` none,
  byte-identical to `joblib`; compressed, its decompressed bytes equal `joblib`'s decompressed bytes
  (which the generator checked are joblib's uncompressed output).

## Why some rows are not exact

- `model.joblib`: sklearn's `DistanceMetric` is a Cython extension type whose `__getstate__`
  rebuilds its `vec`/`mat` arrays from typed memoryviews, with a dtype object that is new (the
  stream shares one dtype object with `_fit_X`; CPython's re-dump writes a second one). The bytes
  depend on sklearn's code, not on the stream; no reader of the stream can reproduce them (the same
  reason as `sklearn/model.pkl` in REDUMP.tsv). The test checks that the two differ only in sharing:
  both load to values that are equal when shared references are expanded.

Not in the fixtures, because joblib's own output is not repeatable: a structured array whose
fields do not cover every byte of the item (padding between or after fields, e.g. `align=True`
dtypes). `joblib.load` makes it with `np.empty` and assigns the data field by field, so the padding
bytes of the loaded array are uninitialised memory, and `pickle.dumps(joblib.load(f))` differs from
run to run. picklejar keeps the bytes the file holds.

## joblib behaviour these files pin down

- Arrays (numpy.ndarray, numpy.matrix, numpy.memmap) are `NumpyArrayWrapper`s followed by their raw
  bytes, aligned to 16 in the uncompressed stream; object arrays are nested protocol-2 pickles.
- After `joblib.load` every array is in native byte order: non-native plain dtypes and structured
  dtypes whose fields are *all* non-native are byte-swapped with a new native dtype
  (`array.byteswap().newbyteorder('=')`: a new dtype object per array, never numpy's builtin
  singleton, which numpy's own unpickling uses when it swaps; for a structured dtype, newbyteorder
  makes a new dtype per field and drops title entries from the fields dict). Structured dtypes
  with any `|` field, a nested structure or a subarray field are left as they are.
- `numpy.memmap` is loaded as a plain ndarray; numpy scalars re-pickle with numpy's dtype singletons.
"""
