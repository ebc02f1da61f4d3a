"""fixtures/numpy/: numpy objects pickled by CPython with numpy 1.24, and numpy 2.x module paths."""

import contextlib
import io
import pickle
import pickletools
import struct
import sys
import types

from .walker import walk_json
from .inert import inert_json
from .output import FX, dumps_checked

# ------------------------------------------------------------------------------------------------
# NumPy (fixtures/numpy/): arrays of every dtype class, layouts, subclasses, sharing, scalars,
# standalone dtypes, protocol 5 out-of-band, and numpy 2.x module paths


# numpy 2.x pickles its functions from numpy._core.* (numpy 1.x: numpy.core.*). Only numpy 1.24 is
# installed, so the numpy 2 variants are written by a Pickler whose reducer_override returns
# numpy's own reduce tuple with the function replaced by a stand-in named with the numpy 2 path.
NUMPY2_MODULES = {"numpy.core.multiarray": "numpy._core.multiarray", "numpy.core.numeric": "numpy._core.numeric"}


def _numpy2_standins():
    import numpy
    real = {"numpy._core.multiarray": [numpy.core.multiarray._reconstruct, numpy.core.multiarray.scalar],
            "numpy._core.numeric": [numpy.core.numeric._frombuffer]}
    standins, modules = {}, {}
    for module, fns in real.items():
        mod = types.ModuleType(module)
        for fn in fns:
            # One str object per module, as numpy 1.24's functions of one module share theirs
            # (the STACK_GLOBAL module str is memoized by identity).
            assert fn.__module__ == {v: k for k, v in NUMPY2_MODULES.items()}[module]

            def stand_in(*args, _fn=fn):
                return _fn(*args)
            stand_in.__module__ = module
            stand_in.__name__ = stand_in.__qualname__ = fn.__name__
            setattr(mod, fn.__name__, stand_in)
            standins[fn] = stand_in
        modules[module] = mod
    pkg = types.ModuleType("numpy._core")
    pkg.__path__ = []
    modules["numpy._core"] = pkg
    return standins, modules


NUMPY2 = {}


@contextlib.contextmanager
def numpy2_modules(purpose):
    """purpose 'dump': numpy._core.* are stand-in modules (pickling writes those names);
    'load': numpy._core.* are numpy 1.24's numpy.core.* (what numpy >= 1.26.1 does to read them)."""
    import numpy
    if not NUMPY2:
        NUMPY2["standins"], NUMPY2["modules"] = _numpy2_standins()
    if purpose == "dump":
        mods = NUMPY2["modules"]
    else:
        mods = {"numpy._core": numpy.core, "numpy._core.multiarray": numpy.core.multiarray,
                "numpy._core.numeric": numpy.core.numeric}
    assert not any(m in sys.modules for m in mods)
    sys.modules.update(mods)
    try:
        yield
    finally:
        for m in mods:
            del sys.modules[m]


def numpy2_reduce(proto):
    """A reducer_override (and Walker reduce_hook) giving numpy's reduce with numpy 2 names."""
    import numpy

    def hook(obj):
        if isinstance(obj, (numpy.ndarray, numpy.generic)):
            rv = obj.__reduce_ex__(proto)
            fn = NUMPY2["standins"].get(rv[0])
            if fn is not None:
                return (fn,) + tuple(rv[1:])
        return NotImplemented
    return hook


class Numpy2Pickler(pickle.Pickler):
    def __init__(self, f, proto, **kw):
        super().__init__(f, proto, **kw)
        self._hook = numpy2_reduce(proto)

    def reducer_override(self, obj):
        return self._hook(obj)


def numpy2_dumps(obj, proto, buffer_callback=None):
    with numpy2_modules("dump"):
        f = io.BytesIO()
        Numpy2Pickler(f, proto, buffer_callback=buffer_callback).dump(obj)
        return f.getvalue()


def numpy2_rewrite_check(np1, np2):
    """np2 must be np1 with only the module names of numpy's functions changed: byte for byte a
    rewrite of the GLOBAL lines below protocol 4, opcode for opcode (FRAME sizes aside) at 4-5."""
    if np1[:2] in (b"\x80\x04", b"\x80\x05"):
        a, b = list(pickletools.genops(np1)), list(pickletools.genops(np2))
        assert len(a) == len(b)
        for (oa, xa, _), (ob, xb, _) in zip(a, b):
            assert oa is ob
            if oa.name != "FRAME":
                if type(xa) is str:
                    assert NUMPY2_MODULES.get(xa, xa) == xb, (xa, xb)
                    assert xa not in NUMPY2_MODULES.values()
                else:
                    assert xa == xb
    else:
        want = np1
        for k, v in NUMPY2_MODULES.items():
            want = want.replace(b"c%s\n" % k.encode(), b"c%s\n" % v.encode())
        assert want == np2
    FX.checks["numpy 2 path rewrite"] += 1


def np_same(a, b, path="root"):
    """What numpy gives back after a load: same types, dtypes (byte-swapped to native on load by
    _reconstruct), shapes, values (NaN == NaN), memory order; containers recursively."""
    import numpy
    assert type(a) is type(b), "%s: %s != %s" % (path, type(a), type(b))
    if isinstance(a, numpy.ndarray):
        assert a.shape == b.shape, path
        assert a.dtype == b.dtype or a.dtype.newbyteorder("=") == b.dtype, (path, a.dtype, b.dtype)
        assert a.flags.f_contiguous == b.flags.f_contiguous or not a.flags.forc, path
        if a.dtype.hasobject:
            np_same(a.tolist(), b.tolist(), path)
        elif a.dtype.kind in "fc":
            assert numpy.array_equal(a, b, equal_nan=True), path
        else:
            assert a.tobytes() == (b if a.dtype == b.dtype else b.astype(a.dtype)).tobytes(), path
    elif isinstance(a, numpy.generic):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), path
    elif isinstance(a, numpy.dtype):
        assert a == b and a.str == b.str and a.fields == b.fields, path
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            np_same(x, y, "%s[%d]" % (path, i))
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            np_same(a[k], b[k], "%s[%r]" % (path, k))
    elif isinstance(a, float) and a != a:
        assert b != b, path
    else:
        assert a == b, (path, a, b)


def add_numpy_case(name, make, protocols=range(6), desc=""):
    for p in protocols:
        obj = make()
        data = dumps_checked(obj, p)
        expected = walk_json(obj, p)
        got = inert_json(data)
        assert expected == got, "numpy %s p%d: walker and inert unpickler disagree\n%s\n%s" % (name, p, expected[:3000], got[:3000])
        np_same(obj, pickle.loads(data))
        FX.checks["roundtrip"] += 1
        FX.add("numpy/%s.p%d.pkl" % (name, p), data, p, [], "json", desc, expected)


def add_numpy2_case(name, make, protocols=(2, 4, 5), desc=""):
    for p in protocols:
        obj = make()
        data = numpy2_dumps(obj, p)
        assert data == numpy2_dumps(obj, p), "numpy 2 dump is not repeatable"
        numpy2_rewrite_check(dumps_checked(obj, p), data)
        with numpy2_modules("dump"):
            expected = walk_json(obj, p, reduce_hook=numpy2_reduce(p))
        got = inert_json(data)
        assert expected == got, "numpy2 %s p%d: walker and inert unpickler disagree\n%s\n%s" % (name, p, expected[:3000], got[:3000])
        assert '"numpy._core.' in expected and '"numpy.core.' not in expected
        with numpy2_modules("load"):
            np_same(obj, pickle.loads(data))
        FX.checks["roundtrip"] += 1
        FX.numpy2.add("numpy/%s.p%d.pkl" % (name, p))
        FX.add("numpy/%s.p%d.pkl" % (name, p), data, p, [], "json",
               desc + "; numpy 2.x module paths (numpy._core.*)", expected)


def numpy_cases():
    import numpy as np

    inf, nan = float("inf"), float("nan")

    def arr(values, dtype):
        return lambda: np.array(values, dtype=dtype)

    add_numpy_case("bool", arr([True, False, True, True], "?"), desc="bool array")
    for bits in (8, 16, 32, 64):
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        add_numpy_case("int%d" % bits, arr([lo, -1, 0, 1, hi], "<i%d" % (bits // 8)),
                       desc="int%d array: min, -1, 0, 1, max" % bits)
        add_numpy_case("uint%d" % bits, arr([0, 1, hi, hi + 1, (1 << bits) - 1], "<u%d" % (bits // 8)),
                       desc="uint%d array: 0, 1, 2^%d-1, 2^%d, max" % (bits, bits - 1, bits - 1))
    add_numpy_case("float16", arr([0.0, -0.0, 1.5, -2.0, 65504.0, 6.103515625e-05, inf, nan], "<f2"),
                   desc="float16 array: signed zero, max, smallest normal, inf, nan")
    add_numpy_case("float32", arr([0.0, -0.0, 1.5, -2.25, 3.4028234663852886e38, 1e-45, inf, nan], "<f4"),
                   desc="float32 array: signed zero, max, subnormal, inf, nan")
    add_numpy_case("float64", arr([0.0, -0.0, 1.5, -2.25, 1e300, 5e-324, inf, -inf, nan, 0.1], "<f8"),
                   desc="float64 array: signed zero, subnormal, inf, nan")
    add_numpy_case("complex64", arr([1 + 2j, -0.5 + 0.25j, 0j, complex(inf, -1)], "<c8"), desc="complex64 array")
    add_numpy_case("complex128", arr([1 + 2j, complex(-1e300, 5e-324), 0j, complex(nan, inf)], "<c16"),
                   desc="complex128 array")

    def longdouble():
        # x86-64 long double: 10 bytes of value in 16; the 6 padding bytes are whatever memory held,
        # so they are set here: zeros, except 0xab... in the last element (kept byte for byte).
        vals = np.array([1.5, -2.25, 0.0], dtype=np.longdouble)
        vals[2] = np.longdouble(1) / np.longdouble(3)
        raw = bytearray(vals.tobytes())
        assert vals.dtype.itemsize == 16
        for i in range(3):
            raw[16 * i + 10:16 * i + 16] = b"\xab\xcd\xef\x01\x23\x45" if i == 2 else bytes(6)
        return np.frombuffer(bytes(raw), dtype=np.longdouble).copy()
    add_numpy_case("longdouble", longdouble,
                   desc="longdouble (<f16, x86-64 80-bit in 16 bytes): 1.5, -2.25, 1/3; padding bytes set")
    add_numpy_case("datetime64_ns", arr(["2024-01-02T03:04:05.123456789", "NaT", "1970-01-01"], "<M8[ns]"),
                   desc="datetime64[ns] array with NaT")
    add_numpy_case("datetime64_D", arr(["2024-02-29", "1969-12-31", "NaT"], "<M8[D]"),
                   desc="datetime64[D] array")
    add_numpy_case("datetime64_generic", lambda: np.array([0, -(1 << 63), 5], dtype="<i8").view("<M8"),
                   desc="datetime64 without unit (generic): 0, NaT, 5")
    add_numpy_case("timedelta64_2s", arr([1, -3, 0], "<m8[2s]"), desc="timedelta64[2s] array (unit count 2)")
    add_numpy_case("bytes_S5", arr([b"abc", b"", b"hello", b"a\x00b"], "S5"), desc="bytes S5 array")
    add_numpy_case("str_U3", arr(["abc", "", "\xe9\u20ac\U0001F600"], "<U3"), desc="unicode U3 array")
    add_numpy_case("void_V4", arr([b"\x00\x01\x02\x03", b"\xff\xfe\xfd\xfc"], "V4"), desc="void V4 array")

    def structured(dtype, rows):
        def make():
            a = np.zeros(len(rows), dtype=dtype)  # zeros: padding bytes are deterministic
            for i, r in enumerate(rows):
                a[i] = r
            return a
        return make
    titled = {"names": ["x", "y"], "formats": ["<i2", "<f4"], "offsets": [0, 4], "titles": ["T1", None],
              "itemsize": 12}
    add_numpy_case("struct_titles", structured(titled, [(1, 1.5), (-2, 2.5)]),
                   desc="structured: explicit offsets, a titled field, itemsize 12 (padding)")
    aligned = np.dtype([("a", "u1"), ("b", "<f8"), ("c", "<i2")], align=True)
    add_numpy_case("struct_aligned", structured(aligned, [(1, 0.5, -1), (255, -2.0, 7)]),
                   desc="aligned structured dtype (align=True: offsets 0, 8, 16; itemsize 24)")
    add_numpy_case("struct_subarray",
                   structured([("id", "<i4"), ("m", "<f4", (2, 3))],
                              [(1, [[1, 2, 3], [4, 5, 6]]), (2, [[-1, -2, -3], [0.5, 0.25, 0.125]])]),
                   desc="structured with a subarray field ('<f4', (2, 3))")
    add_numpy_case("struct_object", structured([("n", "<i4"), ("o", "O")], [(1, "x"), (2, [1, None])]),
                   desc="structured with an object field (pickled as a list of tuples)")

    add_numpy_case("struct_object_nested",
                   structured([("n", "<i4"), ("o", "O"), ("m", ">f4", (2,)), ("s", [("x", ">i2"), ("t", ">U2")])],
                              [(1, None, [1.5, -2.0], (3, "ab")), (2, ["x"], [0.25, 8.0], (-4, "z"))]),
                   desc="structured with an object field, a big-endian subarray field and a nested structure: "
                        "elements pickled as tuples holding arrays (re-pickled from the array, not byte-swapped)")

    def struct_object_readonly():
        a = structured([("o", "O"), ("m", "<i2", (2,))], [("x", [1, 2]), (None, [3, 4])])()
        a.flags.writeable = False
        return a
    add_numpy_case("struct_object_readonly", struct_object_readonly, protocols=(5,),
                   desc="read-only structured array with an object field: its subarray field values are "
                        "read-only views (BYTES) in the stream, writable ones (BYTEARRAY8) in the re-dump")

    add_numpy_case("struct_datetime_nested",
                   structured([("a", "<i4"), ("s", [("t", "<M8[s]")])], [(1, (5,)), (2, (-5,))]),
                   desc="structured with a nested datetime64 field: numpy cannot export it as a buffer, so "
                        "protocol 5 falls back to _reconstruct")

    def small_readonly():
        arrays = [np.array([5], dtype="u1"), np.array([5], dtype="u1"), np.zeros(0, dtype="<f8")]
        for a in arrays:
            a.flags.writeable = False
        return [b"", b"\x05"] + arrays
    add_numpy_case("small_readonly", small_readonly, protocols=(5,),
                   desc="read-only 1-byte and empty arrays at protocol 5: PickleBuffers written as BYTES and "
                        "memoized as themselves, never CPython's shared b'' / b'\\x05'")

    def object_datetime():
        import datetime
        import time
        a = np.empty(4, dtype=object)
        a[0], a[1], a[2], a[3] = datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.date(2024, 1, 2), time.time, \
            np.array([1, 2], dtype="<M8[s]").astype(object)[0]
        return a
    add_numpy_case("object_datetime", object_datetime,
                   desc="object array of datetime.datetime, datetime.date, time.time: C globals whose qualname "
                        "str is not their (interned) module name")

    # (No numpy scalar here: one would share the swapped arrays' singleton dtype in the re-dump but
    # not in a re-dump of that, as its arrays then have loaded, non-singleton dtypes: CPython's
    # re-dump is not stable after one round trip, which tests/errors' round-trip checks assume.)
    def bigendian_shared():
        return [np.array([1, 2], dtype=">i4"), np.array([3], dtype=">i4"), np.array(["ab"], dtype=">U2"),
                np.array([1, 2], dtype=">M8[s]"), np.array([0.5], dtype=">f8"), np.array([-1], dtype=">i4")]
    add_numpy_case("bigendian_shared", bigendian_shared,
                   desc="big-endian arrays: loading byte-swaps them to numpy's native singleton dtypes (shared by "
                        "the >i4 arrays), str and datetime to new dtypes")

    def object_array():
        a = np.empty(7, dtype=object)
        for i, v in enumerate([1, "a", None, [1, [2, None], "x"], "xyz", 2.5, {"k": [None]}]):
            a[i] = v
        return a
    add_numpy_case("object_array", object_array, desc="object array: ints, strs, None, nested lists, a dict")

    def object_2d():
        a = np.empty((2, 2), dtype=object)
        a[0, 0], a[0, 1], a[1, 0], a[1, 1] = "a", ["b", None], None, ("t", 1)
        return a
    add_numpy_case("object_2d", object_2d, desc="2-D object array")
    add_numpy_case("zero_d", lambda: np.array(3.5, dtype="<f8"), desc="0-d float64 array")
    add_numpy_case("empty_0x3", lambda: np.zeros((0, 3), dtype="<f8"), desc="empty (0, 3) float64 array")
    add_numpy_case("empty_3x0", lambda: np.zeros((3, 0), dtype="<i4"), desc="empty (3, 0) int32 array")
    add_numpy_case("c_order_2d", lambda: np.arange(12, dtype="<i4").reshape(3, 4), desc="2-D int32 (3, 4), C order")
    add_numpy_case("fortran_2d", lambda: np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4)),
                   desc="2-D float64 (3, 4), Fortran order (is_fortran; order 'F' at protocol 5)")
    add_numpy_case("fortran_3d", lambda: np.asfortranarray(np.arange(24, dtype="<i2").reshape(2, 3, 4)),
                   desc="3-D int16 (2, 3, 4), Fortran order")
    add_numpy_case("noncontiguous",
                   lambda: [np.arange(20, dtype="<i8")[::3], np.arange(12, dtype="<f8").reshape(3, 4)[:, 1:3]],
                   desc="non-contiguous views (a strided slice, a column slice): pickled as C-order copies")
    add_numpy_case("bigendian_i4", arr([1, -2, 0x01020304], ">i4"),
                   desc="big-endian >i4 (numpy byte-swaps _reconstruct arrays to native order on load)")
    add_numpy_case("bigendian_f8", arr([1.5, -0.0, inf], ">f8"), desc="big-endian >f8")
    add_numpy_case("matrix", lambda: np.matrix([[1, 2], [3, 4]], dtype="<i8"), desc="numpy.matrix subclass")
    add_numpy_case("recarray",
                   lambda: np.rec.array([(1, 2.5, b"ab"), (3, -1.0, b"c")],
                                        dtype=[("a", "<i4"), ("b", "<f8"), ("c", "S2")]),
                   desc="numpy.recarray subclass, dtype (numpy.record, [...])")

    def shared_array():
        a = np.arange(4, dtype="<f8")
        return [a, a, {"again": a}]
    add_numpy_case("shared_array", shared_array, desc="one array three times (memo)")

    def shared_dtype():
        dt = np.dtype([("a", "<i4"), ("b", "<f8")])
        return [np.zeros(2, dt), np.zeros(1, dt), dt, np.arange(3, dtype="<f8"), np.ones(2, dtype="<f8")]
    add_numpy_case("shared_dtype", shared_dtype,
                   desc="arrays sharing a dtype object: a structured one, and numpy's float64 singleton")

    def scalars():
        dt = np.dtype([("a", "<i4"), ("b", "<f8")])
        v = np.zeros(1, dt)
        v[0] = (7, -1.5)
        return [np.arange(2, dtype="<f8"), np.float64(1.5), np.float64(-0.0), np.int64(-7), np.bool_(True),
                np.float16(0.5), np.complex64(1 + 2j), np.str_("h\xe9llo"), np.bytes_(b"ab"),
                np.datetime64("2024-01-02T03:04:05.123456789", "ns"), np.datetime64("2024-01-02", "D"), v[0]]
    add_numpy_case("scalars", scalars,
                   desc="numpy scalars: float64, int64, bool_, float16, complex64, str_, bytes_, datetime64, "
                        "structured void (after a float64 array)")

    def dtypes():
        return [np.dtype(x) for x in ("?", "i1", "<i2", ">i4", "<u8", "<f2", ">f8", "<c8", "g", "S5", "<U3", "V4",
                                      "O", "<M8[ns]", "<M8", "<m8[2s]")] \
            + [np.dtype(titled), aligned, np.dtype([("id", "<i4"), ("m", "<f4", (2, 3))]),
               np.dtype([("n", "<i4"), ("o", "O")]), np.dtype(("<f4", (2, 3)))]
    add_numpy_case("dtypes", dtypes, desc="standalone dtype objects of every kind")

    numpy_oob_cases()
    numpy_scalar_shapes_case()

    def np2_2d():
        return np.arange(6, dtype="<f8").reshape(2, 3)
    add_numpy2_case("np2_float64_2d", np2_2d, desc="2-D float64")

    def np2_mixed():
        a = np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3))
        return [np.arange(3, dtype="<i8"), a, object_array(), np.float64(2.5), np.arange(10, dtype="<i2")[::2], a]
    add_numpy2_case("np2_mixed", np2_mixed,
                    desc="arrays (C, Fortran, object, strided; one shared) and a float64 scalar")


class MadeReduce:
    """Pickles as the reduce tuple it is given (for streams numpy itself does not write)."""

    def __init__(self, rv):
        self.rv = rv

    def __reduce__(self):
        return self.rv


def numpy_scalar_shapes_case():
    """scalar(dtype, bytes) calls numpy does not write but loads, and re-pickles differently: what the
    loaded scalar reports is numpy's canonical form (native order, no trailing NULs, bool 0/1,
    np.True_ a singleton, a dtype of its own per datetime64 scalar)."""
    import numpy as np
    scalar = np.core.multiarray.scalar
    dt = np.dtype("<M8[s]")

    def make():
        return [MadeReduce((scalar, (np.dtype("S5"), b"ab\x00\x00\x00"))),
                MadeReduce((scalar, (np.dtype("<U3"), "a".encode("utf-32-le") + bytes(8)))),
                MadeReduce((scalar, (np.dtype(">f8"), struct.pack(">d", 1.5)))),
                MadeReduce((scalar, (np.dtype(">c8"), struct.pack(">ff", 1.5, -2.0)))),
                MadeReduce((scalar, (np.dtype("?"), b"\x02"))),
                MadeReduce((scalar, (np.dtype("?"), b"\x01"))),
                MadeReduce((scalar, (dt, struct.pack("<q", 5)))),
                MadeReduce((scalar, (dt, struct.pack("<q", -5))))]
    for p in range(6):
        obj = make()
        data = dumps_checked(obj, p)
        expected = walk_json(obj, p)
        assert expected == inert_json(data)
        loaded = pickle.loads(data)
        want = [np.bytes_(b"ab"), np.str_("a"), np.float64(1.5), np.complex64(1.5 - 2j), np.True_, np.True_,
                np.datetime64(5, "s"), np.datetime64(-5, "s")]
        np_same(want, loaded)
        assert loaded[4] is loaded[5]
        FX.checks["roundtrip"] += 1
        FX.add("numpy/scalar_shapes.p%d.pkl" % p, data, p, [], "json",
               "scalar(dtype, bytes) as numpy does not write it: S5 with NULs, >f8, >c8, bool 2, two "
               "separate True, two datetime64 sharing a dtype", expected)


def numpy_oob_cases():
    import numpy as np

    def make():
        w = np.arange(6, dtype="<f8")                                  # writable
        r = np.arange(12, dtype="<i4").reshape(3, 4)
        r.flags.writeable = False                                      # read-only
        f = np.asfortranarray(np.arange(6, dtype="<c16").reshape(2, 3))  # Fortran order
        b = np.array([1, 2], dtype=">i4")                              # big-endian (kept by _frombuffer)
        z = np.array(7, dtype="<i8")
        z.flags.writeable = False                                      # 0-d, read-only
        return [w, r, f, r, b, z, "tail"]
    obj = make()
    bufs = []
    data = dumps_checked(obj, 5, buffer_callback=lambda b: bufs.append(b) or None)
    bufs = bufs[:len(bufs) // 2]  # dumps_checked ran twice
    raw = [bytes(b.raw()) for b in bufs]
    expected = walk_json(obj, 5, oob=True)
    assert expected == inert_json(data, buffers=raw)
    loaded = pickle.loads(data, buffers=[bytearray(x) for x in raw])
    np_same(obj, loaded)
    FX.checks["roundtrip"] += 1
    FX.add("numpy/oob.p5.pkl", data, 5, ["buffers=%d" % len(raw)], "json",
           "arrays out-of-band (NEXT_BUFFER; READONLY_BUFFER for read-only arrays): writable, read-only "
           "(twice), Fortran, big-endian, 0-d", expected, buffers=raw)
    FX.add("numpy/oob_nobuffers.p5.pkl", data, 5, ["buffers=none"], "error:kMissingBuffer",
           "same stream, no buffers given")
    try:
        pickle.loads(data, buffers=None)
    except pickle.UnpicklingError:
        FX.checks["python rejects"] += 1
    else:
        raise AssertionError("CPython loaded numpy/oob_nobuffers")

    obj = make()
    data = dumps_checked(obj, 5)
    expected = walk_json(obj, 5)
    assert expected == inert_json(data)
    np_same(obj, pickle.loads(data))
    FX.checks["roundtrip"] += 1
    FX.add("numpy/inband_readonly.p5.pkl", data, 5, [], "json",
           "the same arrays in-band: read-only -> BYTES, writable -> BYTEARRAY8", expected)
