"""fixtures/pickler/ and fixtures/PICKLER.tsv: what CPython's C pickler writes for the values the
pickler's unit tests build with the Builder (tests/unit/pickle/pickler_*_test.cc,
tests/unit/numpy/numpy_builder_test.cc), and the other Python-made inputs of the unit tests
(other_inputs).

Each case is a Python value the test builds the same way (same insertion orders, same sharing:
strs and bytes of two or more characters are made at run time, so two of them are distinct objects,
as two Builder values are), pickled at protocols 0-5 with the options the test passes. User classes
live in __main__ while the cases are pickled, as the tests' globals name them. Set orders under other
hash seeds come from a child interpreter run with that PYTHONHASHSEED.
"""

import collections
import copyreg
import io
import math
import os
import pickle
import shutil
import subprocess
import sys

from .common import FIX
from .common import classes_in_main as common_classes_in_main

PICKLER = os.path.join(FIX, "pickler")
PICKLER_HEADER = "case\tprotocol\thash_seed\texpect"


def S(s):
    """A str made at run time (two of them are distinct objects unless CPython caches it)."""
    return "".join(list(s))


def B(b):
    """bytes made at run time; b'' and 1-byte values stay CPython's cached objects (bytes(bytearray(x))
    would make a new 1-byte object, which pickles unshared)."""
    return b if len(b) < 2 else bytes(bytearray(b))


def mkset(*items, frozen=False):
    """A set filled in this order (the order the Builder adds items in)."""
    if frozen:
        return frozenset(items)
    s = set()
    for x in items:
        s.add(x)
    return s


# ---- the user classes of the object cases, pickled as __main__.<name>

class Outer:
    class Inner:
        pass


class Red:
    def __init__(self, a=None, b=None):
        pass

    def __reduce__(self):
        return (Red, (1, 2), {"x": 1})


class Red2:
    def __init__(self, a=None):
        pass

    def __reduce__(self):
        return (Red2, ("a",))


class Plain:
    pass


class Empty:
    pass


class NA:
    def __new__(cls, *a):
        return super().__new__(cls)

    def __getnewargs__(self):
        return (1, "x")


class KW:
    def __new__(cls, *a, **k):
        return super().__new__(cls)

    def __getnewargs_ex__(self):
        return ((1,), {"k": 2})


class RR:
    def __init__(self, l=None):
        self.l = l

    def __reduce__(self):
        return (RR, (self.l,))


class NR:
    def __new__(cls, *a):
        return super().__new__(cls)

    def __getnewargs__(self):
        return (self.l,)

    def __getstate__(self):
        return None


Cafe = type("Caf\xe9", (), {})
MAIN_CLASSES = {"Outer": Outer, "Red": Red, "Red2": Red2, "Plain": Plain, "Empty": Empty, "NA": NA, "KW": KW,
                "RR": RR, "NR": NR, "Caf\xe9": Cafe}


def classes_in_main():
    return common_classes_in_main(MAIN_CLASSES, (Outer.Inner,))


# ---- values

def plain(**state):
    o = Plain()
    o.__dict__.update(state)
    return o


def self_list():
    x = []
    x.append(x)
    return x


def self_dict():
    d = {}
    d[S("me")] = d
    return d


def recursive_tuple(*rest):
    x = []
    t = (x,) + rest
    x.append(t)
    return t


def object_self_state():
    o = Plain()
    o.me = o
    return o


def reduce_recursive():
    r = RR([])
    r.l.append(r)
    return r


def newobj_recursive():
    n = NR()
    n.__dict__["l"] = [n]
    return n


def frozenset_recursive():
    o = Plain()
    fs = frozenset([o])
    o.fs = fs
    return fs


def set_recursive():
    o = Plain()
    st = mkset(o)
    o.s = st
    return st


def long_bin_get():
    v = ["x%d" % i for i in range(300)]
    v.append(v[0])
    v.append(v[299])
    return v


def shared(make, arrange):
    x = make()
    return arrange(x)


def dict_of(n):
    return {i: i for i in range(n)}


def buffers():
    return [pickle.PickleBuffer(B(b"abc")), pickle.PickleBuffer(bytearray(b"xyz"))]


def persisted():
    return [1, B(b"xx"), "y", (1, 2)]


SPECIAL = "a\\b\nc\rd\x00e\x1af\tg\x7fh\x80\xe9\xff\u0100\u20ac\U0001F600\ud800z"

# (name, options, value maker): the order and names of kCases in the pickler's unit tests.
CASES = [
    ("None", "default", lambda: None),
    ("True", "default", lambda: True),
    ("False", "default", lambda: False),
    ("Int0", "default", lambda: 0),
    ("Int1", "default", lambda: 1),
    ("Int255", "default", lambda: 255),
    ("Int256", "default", lambda: 256),
    ("Int65535", "default", lambda: 65535),
    ("Int65536", "default", lambda: 65536),
    ("Int2147483647", "default", lambda: 2147483647),
    ("IntMinus1", "default", lambda: -1),
    ("IntMinus255", "default", lambda: -255),
    ("IntMinus256", "default", lambda: -256),
    ("IntMinus65536", "default", lambda: -65536),
    ("IntMinus2147483648", "default", lambda: -2147483648),
    ("IntMinus2147483649", "default", lambda: -2147483649),
    ("Int2147483648", "default", lambda: 2147483648),
    ("Int4294967296", "default", lambda: 4294967296),
    ("Int9223372036854775807", "default", lambda: 9223372036854775807),
    ("IntMinus9223372036854775808", "default", lambda: -9223372036854775808),
    ("Int9223372036854775808", "default", lambda: 2**63),
    ("IntMinus9223372036854775809", "default", lambda: -9223372036854775809),
    ("Int18446744073709551616", "default", lambda: 2**64),
    ("IntPow2_100", "default", lambda: 2**100),
    ("IntMinusPow2_100", "default", lambda: -2**100),
    ("IntPow2_2031", "default", lambda: 2**2031),
    ("IntPow2_2039", "default", lambda: 2**2039),
    ("IntMinusPow2_2039", "default", lambda: -2**2039),
    ("FloatZero", "default", lambda: 0.0),
    ("FloatNegZero", "default", lambda: -0.0),
    ("FloatOneAndHalf", "default", lambda: 1.5),
    ("FloatTenth", "default", lambda: 0.1),
    ("FloatE16", "default", lambda: 1e16),
    ("FloatEm5", "default", lambda: 1e-5),
    ("FloatE300", "default", lambda: 1e300),
    ("FloatDenormal", "default", lambda: 5e-324),
    ("FloatInf", "default", lambda: math.inf),
    ("FloatNegInf", "default", lambda: -math.inf),
    ("FloatNaN", "default", lambda: math.nan),
    ("FloatThird", "default", lambda: 1.0 / 3.0),
    ("FloatE22", "default", lambda: 1e22),
    ("FloatWhole", "default", lambda: 123456789.0),
    ("FloatEm4", "default", lambda: 0.0001),
    ("FloatEm7", "default", lambda: 1e-7),
    ("FloatMax", "default", lambda: sys.float_info.max),
    ("FloatNegHalf", "default", lambda: -0.5),
    ("StrEmpty", "default", lambda: S("")),
    ("StrA", "default", lambda: S("a")),
    ("StrEAcute", "default", lambda: S("\xe9")),
    ("StrAB", "default", lambda: S("ab")),
    ("StrSpecial", "default", lambda: S(SPECIAL)),
    ("StrA255", "default", lambda: "a" * 255),
    ("StrA256", "default", lambda: "a" * 256),
    ("StrEAcute127", "default", lambda: "\xe9" * 127),
    ("StrEAcute128", "default", lambda: "\xe9" * 128),
    ("StrEuro85", "default", lambda: "\u20ac" * 85),
    ("StrEmoji64", "default", lambda: "\U0001F600" * 64),
    ("StrLoneSurrogate", "default", lambda: S("\ud800")),
    ("StrSurrogates", "default", lambda: S("\udfff\ud800")),
    ("StrQuotes", "default", lambda: S("it's \"q\"")),
    ("BytesEmpty", "default", lambda: B(b"")),
    ("BytesA", "default", lambda: B(b"a")),
    ("BytesFF", "default", lambda: B(b"\xff")),
    ("BytesMixed", "default", lambda: B(b"abc\xff\x00")),
    ("BytesAll256", "default", lambda: bytes(range(256))),
    ("BytesX80_255", "default", lambda: b"\x80" * 255),
    ("ByteArrayEmpty", "default", lambda: bytearray()),
    ("ByteArrayShort", "default", lambda: bytearray(b"ab\xff")),
    ("ByteArrayFour", "default", lambda: bytearray(b"abcd")),
    ("ByteArrayFive", "default", lambda: bytearray(b"abcde")),
    ("ByteArrayAll256", "default", lambda: bytearray(range(256))),
    ("Tuple0", "default", lambda: ()),
    ("Tuple1", "default", lambda: (1,)),
    ("Tuple2", "default", lambda: (1, 2)),
    ("Tuple3", "default", lambda: (1, 2, 3)),
    ("Tuple4", "default", lambda: (1, 2, 3, 4)),
    ("TupleNested", "default", lambda: ((), (1,), [])),
    ("TupleAtoms", "default", lambda: (None, True, 1.5, S("s"), B(b"b"))),
    ("List0", "default", lambda: []),
    ("List1", "default", lambda: [1]),
    ("List2", "default", lambda: [1, 2]),
    ("ListNested", "default", lambda: [[], [[]]]),
    ("ListMixed", "default", lambda: [None, S("x"), (1,)]),
    ("Dict0", "default", lambda: {}),
    ("Dict1", "default", lambda: {1: 2}),
    ("Dict3", "default", lambda: {S("a"): 1, S("b"): [], S("c"): {}}),
    ("DictKeys", "default", lambda: {(1, 2): None, 3.5: S("f"), B(b"k"): False, None: -7}),
    ("Set0", "default", lambda: set()),
    ("Set1", "default", lambda: mkset(1)),
    ("Set3", "default", lambda: mkset(3, 1, 2)),
    ("SetMixedHashes", "default", lambda: mkset((1, 2), 5, -1, 2.5, 1000)),
    ("FrozenSet0", "default", lambda: frozenset()),
    ("FrozenSet1", "default", lambda: mkset(1, frozen=True)),
    ("FrozenSet3", "default", lambda: mkset(3, 1, 2, frozen=True)),
    ("SetInList", "default", lambda: [mkset(1), mkset(2, frozen=True)]),
    ("ListRange999", "default", lambda: list(range(999))),
    ("ListRange1000", "default", lambda: list(range(1000))),
    ("ListRange1001", "default", lambda: list(range(1001))),
    ("ListRange2000", "default", lambda: list(range(2000))),
    ("ListRange2001", "default", lambda: list(range(2001))),
    ("DictRange1000", "default", lambda: dict_of(1000)),
    ("DictRange1001", "default", lambda: dict_of(1001)),
    ("DictRange2000", "default", lambda: dict_of(2000)),
    ("SetRange999", "default", lambda: mkset(*range(999))),
    ("SetRange1000", "default", lambda: mkset(*range(1000))),
    ("SetRange1001", "default", lambda: mkset(*range(1001))),
    ("SetRange2000", "default", lambda: mkset(*range(2000))),
    ("SharedList", "default", lambda: shared(list, lambda x: [x, x])),
    ("SharedTuple", "default", lambda: shared(lambda: (1, 2), lambda t: [t, t, (t,)])),
    ("SharedStr", "default", lambda: shared(lambda: S("hello"), lambda s: [s, s])),
    ("SharedBytes", "default", lambda: shared(lambda: B(b"xyz"), lambda x: [x, x])),
    ("SharedByteArray", "default", lambda: shared(lambda: bytearray(b"xy"), lambda x: [x, x])),
    ("SharedSet", "default", lambda: shared(lambda: (mkset(1), mkset(2, frozen=True)), lambda p: [p[0], p[1], p[0], p[1]])),
    ("SharedDictValue", "default", lambda: shared(dict, lambda d: {S("a"): d, S("b"): d})),
    ("SharedInt", "default", lambda: shared(lambda: (70000, 1.5), lambda p: [p[0], p[0], p[1], p[1]])),
    ("SelfList", "default", self_list),
    ("SelfDict", "default", self_dict),
    ("RecursiveTuple1", "default", recursive_tuple),
    ("RecursiveTuple4", "default", lambda: recursive_tuple(1, 2, 3)),
    ("RecursiveTupleTwice", "default", lambda: shared(recursive_tuple, lambda t: [t, t])),
    ("SingletonStrA", "default", lambda: [S("a"), S("a")]),
    ("SingletonStrLatin1", "default", lambda: [S("\xe9"), S("\xe9")]),
    ("SingletonEmpties", "default", lambda: [S(""), S(""), B(b""), B(b"")]),
    ("SingletonBytesA", "default", lambda: [B(b"a"), B(b"a")]),
    ("DistinctStrAB", "default", lambda: [S("ab"), S("ab")]),
    ("DistinctStrU0100", "default", lambda: [S("\u0100"), S("\u0100")]),
    ("DistinctBytesAB", "default", lambda: [B(b"ab"), B(b"ab")]),
    ("GlobalSet", "default", lambda: set),
    ("GlobalSetNoFix", "no_fix_imports", lambda: set),
    ("GlobalRange", "default", lambda: range),
    ("GlobalValueError", "default", lambda: ValueError),
    ("GlobalReconstructor", "default", lambda: copyreg._reconstructor),
    ("GlobalOrderedDict", "default", lambda: collections.OrderedDict),
    ("GlobalsShared", "default", lambda: [set, frozenset, set]),
    ("GlobalsSameModule", "default", lambda: [collections.OrderedDict, collections.Counter, collections.OrderedDict]),
    ("GlobalsBuiltinFunctions", "default", lambda: [len, set, len, print]),
    ("GlobalNested", "default", lambda: [Outer.Inner, Outer, Outer.Inner]),
    ("GlobalNestedNoFix", "no_fix_imports", lambda: Outer.Inner),
    ("GlobalNonAscii", "default", lambda: Cafe),
    ("ReduceWithState", "default", Red),
    ("ReduceNoState", "default", Red2),
    ("NewObjState", "default", lambda: plain(a=1)),
    ("NewObjEmpty", "default", Empty),
    ("NewObjArgs", "default", NA),
    ("NewObjEx", "default", KW),
    ("ObjectShared", "default", lambda: shared(lambda: plain(a=1), lambda o: [o, o])),
    ("ObjectSelfState", "default", object_self_state),
    ("ReduceRecursive", "default", reduce_recursive),
    ("NewObjRecursive", "default", newobj_recursive),
    ("FrozenSetRecursive", "default", frozenset_recursive),
    ("SetRecursive", "default", set_recursive),
    ("LongBinGet", "default", long_bin_get),
    ("PersistentStr", "pers_str", persisted),
    ("PersistentTuple", "pers_tuple", persisted),
    ("PersistentInt", "pers_int", persisted),
    ("PersistentNested", "pers_nested", persisted),
    ("BufferReadonlyInBand", "default", lambda: pickle.PickleBuffer(B(b"abc"))),
    ("BufferWritableInBand", "default", lambda: pickle.PickleBuffer(bytearray(b"xyz"))),
    ("BuffersInBand", "default", buffers),
    ("BuffersOutOfBand", "buf_out_of_band", buffers),
    ("BuffersMixed", "buf_writable_in_band", buffers),
    ("BufferTwiceInBand", "default", lambda: shared(lambda: pickle.PickleBuffer(B(b"abc")), lambda x: [x, x])),
    ("BufferTwiceOutOfBand", "buf_out_of_band",
     lambda: shared(lambda: pickle.PickleBuffer(B(b"abc")), lambda x: [x, x])),
    ("BufferLargeInBand", "default",
     lambda: [pickle.PickleBuffer(b"a" * 70000), pickle.PickleBuffer(bytearray(b"a" * 70000))]),
    ("FrameTwoFrames", "default", lambda: [b"a" * 60000, b"b" * 60000, b"c" * 10]),
    ("FrameLargeBytesUnframed", "default", lambda: [b"a" * 70000]),
    ("FrameBoundary", "default", lambda: [b"a" * 65535, b"b" * 65536, "c" * 65536]),
    ("FrameLargeStrUnframed", "default", lambda: ["\xe9" * 35000, 1]),
    ("FrameLargeByteArray", "default", lambda: [bytearray(b"z" * 70000), bytearray(b"z" * 70000)]),
    ("FrameManySmallStrs", "default", lambda: ["x%d" % i for i in range(10000)]),
]


class OptionsPickler(pickle.Pickler):
    """The C pickler with the persistent_id a case's options name."""

    def __init__(self, f, protocol, pid, **kw):
        super().__init__(f, protocol, **kw)
        self.pid = pid

    def persistent_id(self, obj):
        return self.pid(obj)


PIDS = {
    "pers_str": lambda o: "ext" if type(o) is bytes else None,
    "pers_tuple": lambda o: ("t", 7) if type(o) is bytes else None,
    "pers_int": lambda o: 42 if type(o) is bytes else None,
    "pers_nested": lambda o: "B" if type(o) is bytes else (("wrap", B(b"zz")) if type(o) is tuple and o == (1, 2) else None),
}


def dumps_with(obj, protocol, options):
    """CPython's bytes for obj with a case's options, or None when CPython refuses."""
    kw = {}
    if options == "no_fix_imports":
        kw["fix_imports"] = False
    elif options == "buf_out_of_band":
        kw["buffer_callback"] = lambda b: False
    elif options == "buf_writable_in_band":
        kw["buffer_callback"] = lambda b: not b.raw().readonly
    f = io.BytesIO()
    try:
        if options not in PIDS:
            return pickle.dumps(obj, protocol, **kw)
        OptionsPickler(f, protocol, PIDS[options], **kw).dump(obj)
    except (pickle.PicklingError, TypeError, ValueError):
        return None
    return f.getvalue()


# ---- set orders under other PYTHONHASHSEEDs (DumpOptions::hash_seed)

SEEDS = (0, 123, 4294967295)
SEED_PROTOCOLS = (0, 2, 4)
SEED_SCRIPT = r'''
import pickle, sys
fruits = ["apple", "banana", "cherry", "date", "elderberry", "fig", "grape", "kiwi"]
S = lambda s: "".join(list(s))
B = lambda b: bytes(bytearray(b))
def mkset(items):
    s = set()
    for x in items:
        s.add(x)
    return s
values = {
    "StrSet": lambda: mkset([S(f) for f in fruits]),
    "StrFrozenSet": lambda: frozenset([S(f) for f in fruits]),
    "BytesSet": lambda: mkset([B(f.encode()) for f in fruits[:5]]),
    "FrozenSetsInSet": lambda: mkset([frozenset([1, 2]), frozenset([S("ab"), S("cd")]), 3.25, -7, S("zz"),
                                      frozenset()]),
    "MixedSet": lambda: mkset([1, S("a1"), B(b"b2"), 2.5, (1, S("xy")), S("\u20ac\u20ac"), S("\U0001F600!")]),
}
for name in sys.argv[1:]:
    for p in (0, 2, 4):
        print(name, p, pickle.dumps(values[name](), p).hex())
'''
SEED_CASES = ("StrSet", "StrFrozenSet", "BytesSet", "FrozenSetsInSet", "MixedSet")


def seed_dumps(seed):
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    out = subprocess.run([sys.executable, "-c", SEED_SCRIPT] + list(SEED_CASES), env=env, check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        name, p, data = line.split()
        yield name, int(p), bytes.fromhex(data)


# ---- numpy values the Builder makes (tests/unit/numpy/numpy_builder_test.cc)

def numpy_cases():
    import numpy as np

    def object_2x2():
        a = np.empty(4, dtype=object)
        for i, x in enumerate(["a", None, [1, 2], 2.5]):
            a[i] = x
        return a.reshape(2, 2)

    def obj_array(x):
        a = np.empty(1, dtype=object)
        a[0] = x
        return a

    return [
        ("f8_2d", lambda: np.array([[1.5, -2.0, 3.0], [4.0, 5.0, 6.0]], dtype="<f8")),
        ("i4_fortran", lambda: np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3))),
        ("u1_bool_i2", lambda: [np.array([1, 2, 255], dtype="u1"), np.array([True, False], dtype="?"),
                                np.array([-1, 300], dtype="<i2")]),
        ("f8_0d", lambda: np.array(7.0, dtype="<f8")),
        ("c16_f4_f2", lambda: [np.array([1 + 2j, -3j], dtype="<c16"), np.array([0.5, -1.0], dtype="<f4"),
                               np.array([1.0, 0.5], dtype="<f2")]),
        ("datetime", lambda: [np.array([0, 86400 * 10**9], dtype="<i8").view("<M8[ns]"),
                              np.array([3, -1], dtype="<i8").view("<m8[2s]")]),
        ("strings", lambda: [np.array([b"ab", b"xyz"], dtype="S3"), np.array(["h\xe9", "z"], dtype="<U2"),
                             np.array([b"\x01\x02"], dtype="V2")]),
        ("bigendian", lambda: np.array([1.5, -2.0], dtype=">f8")),
        ("object", object_2x2),
        ("scalars", lambda: [np.float64(2.5), np.int64(-3), np.bool_(True), np.float32(0.25)]),
        ("dtype", lambda: np.dtype(">i2")),
        ("shared", lambda: [np.arange(3, dtype="<f8"), np.ones(2, dtype="<f8"), np.float64(1.5), obj_array("x"),
                            obj_array(None)]),
    ]


# ---- other inputs of the unit tests (tests/unit/joblib/joblib_api_test.cc,
# tests/unit/numpy/numpy_scalar_zero_copy_test.cc)

def other_inputs():
    """(case, protocol, bytes) for PICKLER.tsv: joblib wrapper objects that joblib.load cannot give
    back, one inside an object array, and numpy's protocol 5 pickle of 1 GiB of zeros out-of-band."""
    import numpy as np
    import joblib
    from joblib.numpy_pickle import NumpyArrayWrapper
    from joblib.numpy_pickle_compat import NDArrayWrapper

    def wrapper(cls, state):
        w = cls.__new__(cls)
        w.__dict__.update(state)
        return w

    f = io.BytesIO()
    joblib.dump(np.array([wrapper(NumpyArrayWrapper, {"a": 1})], dtype=object), f, protocol=2)
    zeros = np.zeros(2**27)  # calloc'd: the out-of-band dump never touches the 1 GiB
    return [
        ("joblib/wrapper_no_dtype", 2, pickle.dumps(wrapper(NumpyArrayWrapper, {"shape": (3,), "order": "C"}), 2)),
        ("joblib/wrapper_8tib", 2, pickle.dumps(wrapper(NumpyArrayWrapper, {
            "subclass": np.ndarray, "shape": (2**40,), "order": "C", "dtype": np.dtype("float64"), "allow_mmap": True,
            "numpy_array_alignment_bytes": 16}), 2)),
        ("joblib/ndarraywrapper_side_file", 2, pickle.dumps(wrapper(NDArrayWrapper, {
            "filename": "a.npy", "subclass": np.ndarray, "allow_mmap": True}), 2)),
        ("joblib/object_array_with_wrapper", 2, f.getvalue()),
        ("joblib/dict_a1", 2, pickle.dumps({"a": 1}, 2)),
        ("numpy/zeros_2_27_oob", 5, pickle.dumps(zeros, 5, buffer_callback=lambda b: False)),
    ]


# ---- a million nested lists (PicklerDeep): too big to keep, so its size, FNV-1a-64 and ends

DEEP_PROTOCOLS = (0, 1, 2, 4)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for c in data:
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def deep_list_rows(depth=1000000):
    """CPython's dumps of top = l = []; for _ in range(depth - 1): n = []; l.append(n); l = n, made in a
    thread with a 1 GiB stack and no practical recursion limit."""
    import threading
    result = {}

    def run():
        top = cur = []
        for _ in range(depth - 1):
            n = []
            cur.append(n)
            cur = n
        for p in DEEP_PROTOCOLS:
            result[p] = pickle.dumps(top, p)

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(10 * depth)
    threading.stack_size(1 << 30)
    try:
        t = threading.Thread(target=run)
        t.start()
        t.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    rows = ["protocol\tsize\tfnv1a64\thead\ttail"]
    for p in DEEP_PROTOCOLS:
        data = result[p]
        head = data[:24]
        rows.append("%d\t%d\t%016x\t%s\t%s" % (p, len(data), fnv1a64(data), head.hex(), data[-24:].hex()))
    return rows


def pickler_fixtures():
    """Writes fixtures/pickler/ and fixtures/PICKLER.tsv; returns (rows, refused)."""
    files = {}
    rows = []

    def put(case, protocol, seed, data, rel):
        if data is None:
            rows.append((case, str(protocol), str(seed), "unsupported"))
            return
        assert rel not in files, rel
        files[rel] = data
        rows.append((case, str(protocol), str(seed), rel))

    names = [c[0] for c in CASES]
    assert len(set(names)) == len(names)
    with classes_in_main():
        for name, options, make in CASES:
            for p in range(6):
                a, b = dumps_with(make(), p, options), dumps_with(make(), p, options)
                assert a == b, "%s p%d: pickling is not repeatable" % (name, p)
                put(name, p, 0, a, "pickler/%s.p%d.pkl" % (name, p))
    for seed in SEEDS:
        for name, p, data in seed_dumps(seed):
            put("seed/" + name, p, seed, data, "pickler/seed%d/%s.p%d.pkl" % (seed, name, p))
    for name, make in numpy_cases():
        for p in range(6):
            a, b = pickle.dumps(make(), p), pickle.dumps(make(), p)
            assert a == b, name
            put("numpy/" + name, p, 0, a, "pickler/numpy/%s.p%d.pkl" % (name, p))

    for name, p, data in other_inputs():
        put(name, p, 0, data, "pickler/%s.p%d.pkl" % (name, p))

    if os.path.isdir(PICKLER):
        shutil.rmtree(PICKLER)
    for rel, data in sorted(files.items()):
        path = os.path.join(FIX, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(os.path.join(PICKLER, "deep_list.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(deep_list_rows()) + "\n")
    with open(os.path.join(FIX, "PICKLER.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join([PICKLER_HEADER] + ["\t".join(r) for r in rows]) + "\n")
    refused = sum(1 for r in rows if r[3] == "unsupported")
    print("pickler: %d rows (%d CPython refuses), %d files, %d bytes"
          % (len(rows), refused, len(files), sum(map(len, files.values()))))
    return rows
