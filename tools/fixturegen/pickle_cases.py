"""fixtures/pickle/: values pickled by CPython at every protocol, persistent ids, PickleBuffers,
frames, Python 2 streams, malformed streams and the tutorial's my_data.pickle."""

import collections
import copyreg
import functools
import io
import pickle
import queue
import struct

from .common import fc
from .walker import walk_json
from .inert import inert_json
from .output import FX, add_case, dumps_checked

# ------------------------------------------------------------------------------------------------
# The cases

INTS = [0, 1, -1, 255, 256, -255, -256, 65535, 65536, -65536, 2**31 - 1, -2**31, 2**31, -2**31 - 1,
        2**63 - 1, -2**63, 2**63, 2**64, 2**1000, -(2**1000) + 7, 2**2040 - 1, 2**2047, -(2**2047),
        2**3000]
FLOATS = [0.0, -0.0, 1.5, -1.5, 3.0, 1e16, 1e-5, 1e300, 5e-324, 2.2250738585072014e-308,
          1.7976931348623157e308, float("nan"), float("inf"), float("-inf"), 0.1, 1 / 3]
STRS = ["", "ascii", "caf\xe9", "\xff\x80", "\u20ac \u4e2d\u6587", "\U0001F600", "\ud800", "\udfff",
        "x\ud800y", "\ud83d\ude00", "a\nb", "back\\slash", "\\u0041 is not an escape", "\\U0001f600 neither",
        "nul\x00", "cr\r", "ctrl-z\x1a", "del\x7f", "tab\t", "quotes '\"", "x" * 255, "y" * 256,
        "\u00e9" * 128, "\U0001F600" * 64]


def same_float_list(orig, loaded):
    assert len(orig) == len(loaded)
    for a, b in zip(orig, loaded):
        assert (a != a and b != b) or (repr(a) == repr(b)), (a, b)


def sets_check(orig, loaded):
    # CPython rebuilds sets by hashing; compare as sets, orders need not match.
    assert len(orig) == len(loaded)
    for a, b in zip(orig, loaded):
        assert type(a) is type(b) and a == b


def recursive_check(orig, loaded):
    # identity structure was already compared by the printed forms of walker and inert unpickler
    assert type(orig) is type(loaded)


def make_nested():
    deep = "bottom"
    for i in range(100):
        deep = [deep] if i % 2 else {"d": deep}
    return {"a": [1, {"b": (2, [3, {"c": None}])}], "t": ((1, (2, (3,))), []), "deep": deep}


def make_shared():
    lst = [1, 2]
    d = {"k": "v"}
    t = (lst, 3)
    s = {7, 8}
    fs = frozenset([9])
    ba = bytearray(b"shared")
    obj = fc.Plain(lst, d)
    return [lst, lst, d, {"again": d, "list": lst}, t, t, (t,), s, s, fs, fs, ba, ba, obj, obj, b"atom", b"atom"]


def make_self_list():
    a = []
    a.append(a)
    a.append([a, 1])
    return a


def make_self_dict():
    d = {}
    d["self"] = d
    d["list"] = [d]
    return d


def make_recursive_tuple():
    t = ([],)
    t[0].append(t)
    return t


def make_recursive_tuple4():
    t = ([], 1, 2, 3)
    t[0].append(t)
    return [t, t[0]]


def make_self_object():
    p = fc.Plain(None, 2)
    p.a = p
    return p


def make_self_mylist():
    ml = fc.MyList([1])
    ml.append(ml)
    return ml


def mylist():
    a = fc.MyList([1, "two", [3]])
    a.tag = "with state"
    return [a, fc.MyList(), fc.MyList(range(1001))]


def mydict():
    d = fc.MyDict(a=1, b=[2])
    d.tag = "with state"
    return [d, fc.MyDict(), fc.MyDict((i, str(i)) for i in range(1001))]


def ordered_dicts():
    od = collections.OrderedDict([("b", 1), ("a", 2), (3, "c")])
    return [od, collections.OrderedDict()]


def globals_list():
    return [len, collections.OrderedDict, fc.Plain, fc.some_function, fc.Outer, fc.Outer.Inner,
            functools.reduce, int, type, object]


def compat_globals():
    return [len, range, str, int, object, set, functools.reduce, copyreg._reconstructor,
            collections.UserDict, collections.OrderedDict, FileNotFoundError, ZeroDivisionError,
            pickle.Pickler, queue.Queue, io.StringIO, fc.Plain]


def compat_shapes():
    return [fc.Plain(1, 2), {1, 2}, frozenset(["f"]), b"", b"ab", bytearray(b"x"), bytearray(), [b"", b""]]


class ExtPickler(pickle.Pickler):
    def __init__(self, f, proto):
        super().__init__(f, proto)
        self.proto_ = proto

    def persistent_id(self, obj):
        return ext_pid(obj, self.proto_)


def ext_pid(obj, proto):
    if isinstance(obj, fc.External):
        return "key%d" % obj.n if proto == 0 else ("key", obj.n)
    return None


class ExtUnpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        if isinstance(pid, str):
            return fc.External(int(pid[3:]))
        assert pid[0] == "key"
        return fc.External(pid[1])


def persistent_cases():
    e1 = fc.External(1)
    for p in range(6):
        obj = [e1, "x", fc.External(2), e1, {"k": fc.External(3)}, (e1,)]
        outs = []
        for _ in range(2):
            f = io.BytesIO()
            ExtPickler(f, p).dump(obj)
            outs.append(f.getvalue())
        assert outs[0] == outs[1]
        data = outs[0]

        def pid(o, p=p):
            return ext_pid(o, p)
        expected = walk_json(obj, p, persistent_id=pid)
        assert expected == inert_json(data)
        loaded = ExtUnpickler(io.BytesIO(data)).load()
        assert walk_json(loaded, p, persistent_id=pid) == expected
        FX.checks["roundtrip"] += 1
        FX.add("pickle/persistent_id.p%d.pkl" % p, data, p, [], "json",
               "persistent ids (PERSID at protocol 0, else BINPERSID of a tuple); never memoized", expected)


def picklebuffer_cases():
    def make():
        return [pickle.PickleBuffer(b"read-only bytes"), pickle.PickleBuffer(bytearray(b"writable")), "tail",
                pickle.PickleBuffer(bytearray(b"")), pickle.PickleBuffer(b"\x00\xff")]
    obj = make()
    bufs = []
    data = dumps_checked(obj, 5, buffer_callback=lambda b: bufs.append(b) or None)
    bufs = bufs[:len(bufs) // 2]  # dumps_checked ran twice
    raw = [bytes(b.raw()) for b in bufs]
    expected = walk_json(obj, 5, oob=True)
    assert expected == inert_json(data, buffers=raw)
    loaded = pickle.loads(data, buffers=[bytearray(r) for r in raw])
    assert [bytes(x) for i, x in enumerate(loaded) if i != 2] == [bytes(b.raw()) for b in bufs] and loaded[2] == "tail"
    assert isinstance(loaded[0], memoryview) and loaded[0].readonly and isinstance(loaded[1], bytearray)
    FX.checks["roundtrip"] += 1
    FX.add("pickle/picklebuffer_oob.p5.pkl", data, 5, ["buffers=%d" % len(raw)], "json",
           "PickleBuffer out-of-band (NEXT_BUFFER; READONLY_BUFFER for read-only ones)", expected, buffers=raw)
    FX.add("pickle/picklebuffer_oob_nobuffers.p5.pkl", data, 5, ["buffers=none"], "error:kMissingBuffer",
           "same stream, no buffers given")
    FX.add("pickle/picklebuffer_oob_fewbuffers.p5.pkl", data, 5, ["buffers=2"], "error:kMissingBuffer",
           "same stream, only 2 of %d buffers given" % len(raw), buffers=raw[:2])
    for opts, nb in ((["buffers=none"], None), (["buffers=2"], raw[:2])):
        try:
            pickle.loads(data, buffers=nb)
        except pickle.UnpicklingError:
            FX.checks["python rejects"] += 1
        else:
            raise AssertionError("CPython loaded %s" % opts)

    obj = make()
    data = dumps_checked(obj, 5)
    expected = walk_json(obj, 5)
    assert expected == inert_json(data)
    loaded = pickle.loads(data)
    assert loaded == [b"read-only bytes", bytearray(b"writable"), "tail", bytearray(), b"\x00\xff"]
    FX.checks["roundtrip"] += 1
    FX.add("pickle/picklebuffer_inband.p5.pkl", data, 5, [], "json",
           "PickleBuffer in-band: read-only -> bytes, writable -> BYTEARRAY8", expected)


def frames_cases():
    def make():
        return ["%04d" % i + "x" * 196 for i in range(700)] + [{"k%d" % i: i for i in range(300)}]
    add_case("frames_multi", make, protocols=(4, 5), desc="> 64 KiB of small opcodes: several FRAMEs")
    data = pickle.dumps(make(), 4)
    assert data.count(b"\x95") >= 3

    # An opcode's argument crosses the end of a frame; a second frame follows.
    part1 = b"]\x94(\x8c\x05he"
    part2 = b"llo\x94"
    part3 = b"K\x01K\x02e."
    data = (b"\x80\x04\x95" + struct.pack("<Q", len(part1)) + part1 + part2 + b"\x95" + struct.pack("<Q", len(part3))
            + part3)
    loaded = pickle.loads(data)
    assert loaded == ["hello", 1, 2]
    expected = walk_json(loaded, 4)
    assert expected == inert_json(data)
    try:
        pickle._loads(data)
    except pickle.UnpicklingError:
        pass
    else:
        raise AssertionError("pure-Python pickle accepted frame_crossing")
    FX.checks["hand-made python-checked"] += 1
    FX.add("pickle/frame_crossing.pkl", data, None, [], "json",
           "SHORT_BINUNICODE argument crosses the FRAME end (C unpickler accepts; pure-Python pickle rejects)",
           expected)

    # A FRAME opcode inside an unfinished frame.
    inner = b"K\x02K\x03\x87."
    outer = b"K\x01\x95" + struct.pack("<Q", len(inner)) + inner
    data = b"\x80\x04\x95" + struct.pack("<Q", len(outer)) + outer
    loaded = pickle.loads(data)
    assert loaded == (1, 2, 3)
    expected = walk_json(loaded, 4)
    assert expected == inert_json(data)
    FX.checks["hand-made python-checked"] += 1
    FX.add("pickle/frame_nested.pkl", data, None, [], "json",
           "FRAME starts inside an unfinished frame (C unpickler accepts; pure-Python pickle rejects)", expected)

    body = b"\x8c\x05hello\x94."
    data = b"\x80\x04\x95" + struct.pack("<Q", 100) + body
    try:
        pickle.loads(data)
    except pickle.UnpicklingError:
        FX.checks["python rejects"] += 1
    else:
        raise AssertionError("C unpickler accepted frame_overrun")
    FX.add("pickle/frame_overrun.pkl", data, None, [], "error:kBadFrame",
           "FRAME declares 100 bytes, 8 remain (C unpickler: 'pickle data was truncated')")


def expect_value(got, want):
    assert type(got) is type(want) and got == want, (got, want)
    return True


def add_handmade(name, data, options, description, loads_kw=None, py_expected=None, via="loads"):
    """Hand-made stream with an expected value: from pickle.loads (builtin values) or the inert unpickler."""
    kw = dict(loads_kw or {})
    inert_kw = {"encoding": kw.get("encoding", "ASCII"), "fix_imports": kw.get("fix_imports", True)}
    ij = inert_json(data, **inert_kw)
    if via == "loads":
        loaded = pickle.loads(data, **kw)
        if py_expected is not None:
            assert loaded == py_expected and type(loaded) is type(py_expected), (name, loaded)
        expected = walk_json(loaded, 3)  # builtin values only: protocol only matters for reduce shapes
        assert expected == ij, (name, expected, ij)
        FX.checks["hand-made python-checked"] += 1
    else:
        expected = ij
        if via == "inert+loads":
            loaded = pickle.loads(data, **kw)
            if py_expected is not None:
                assert py_expected(loaded), (name, loaded)
            FX.checks["hand-made python-checked"] += 1
        else:
            try:
                pickle.loads(data, **kw)
            except ImportError:
                FX.checks["hand-made inert-only (CPython cannot import the names)"] += 1
            else:
                raise AssertionError("%s: CPython loads it; compare with pickle.loads instead" % name)
    FX.add("pickle/%s.pkl" % name, data, None, options, "json", description, expected)


def add_bad(name, data, code, description, options=(), loads_kw=None):
    try:
        pickle.loads(data, **(loads_kw or {}))
    except Exception as e:  # noqa: BLE001 - any rejection will do
        if code == "kDecode":
            assert isinstance(e, UnicodeDecodeError), (name, e)
        FX.checks["python rejects"] += 1
    else:
        raise AssertionError("CPython loaded bad pickle %s" % name)
    FX.add("pickle/%s.pkl" % name, data, None, list(options), "error:" + code, description)


# Python 2 str payloads: (label, raw bytes)
PY2_CONTENTS = [
    ("ascii", [b"hello", b"it's \\ \"q\"\n\ttab"]),
    ("latin1", [b"caf\xe9", b"\xff\x80 high"]),
    ("utf8", [b"caf\xc3\xa9", b"\xe2\x82\xac euro"]),
]
ENCODINGS = [("ASCII", "ASCII"), ("latin1", "latin1"), ("bytes", "bytes"), ("utf-8", "utf-8")]


def py2_string_literal(b, quote="'"):
    """Python 2 style quoted str for the STRING opcode (repr() used single quotes)."""
    out = []
    for c in b:
        ch = chr(c)
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + quote)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif 32 <= c < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % c)
    return (quote + "".join(out) + quote).encode("ascii")


def py2_stream(form, payloads):
    a, b = payloads
    if form == "string":  # protocol 0: STRING, one with a double-quoted spelling
        return (b"(lp0\nS" + py2_string_literal(a) + b"\np1\naS" + py2_string_literal(b, '"')
                + b"\np2\nag1\na(dp3\nS'key'\np4\ng1\nsa.")
    if form == "binstring":  # protocol 1: SHORT_BINSTRING and BINSTRING
        return (b"]q\x00(U" + bytes([len(a)]) + a + b"q\x01T" + struct.pack("<i", len(b)) + b + b"q\x02h\x01}q\x03"
                b"U\x03keyq\x04h\x01se.")
    if form == "binstring_p2":  # protocol 2 header, TUPLE2, dict
        return (b"\x80\x02}q\x00(U\x01aq\x01U" + bytes([len(a)]) + a + b"q\x02T" + struct.pack("<i", len(b)) + b
                + b"q\x03\x86q\x04U\x01bq\x05h\x02u.")
    raise AssertionError(form)


def py2_cases():
    for form, desc in (("string", "protocol 0 STRING (quoted, escaped)"),
                       ("binstring", "protocol 1 SHORT_BINSTRING/BINSTRING"),
                       ("binstring_p2", "protocol 2 SHORT_BINSTRING/BINSTRING")):
        for label, payloads in PY2_CONTENTS:
            data = py2_stream(form, payloads)
            for enc_label, enc in ENCODINGS:
                name = "py2_%s_%s__%s" % (form, label, enc_label.replace("-", ""))
                fails = (enc == "ASCII" and label != "ascii") or (enc == "utf-8" and label == "latin1")
                d = "Python 2 str, %s bytes, %s, encoding=%s" % (label, desc, enc)
                if fails:
                    add_bad(name, data, "kDecode", d, options=["encoding=" + enc], loads_kw={"encoding": enc})
                else:
                    add_handmade(name, data, ["encoding=" + enc], d, loads_kw={"encoding": enc})

    add_handmade("py2_ints", b"(lp0\nI01\naI00\naI42\naI-7\naI99999999999999999999\naL123L\naL-99999999999999999999L\n"
                             b"aL5\naI2147483648\na.", [],
                 "Python 2 INT (I01/I00 bools, big INT) and LONG with and without the trailing L",
                 py_expected=[True, False, 42, -7, 99999999999999999999, 123, -99999999999999999999, 5, 2**31])
    add_handmade("py2_builtin_globals",
                 b"(lp0\nc__builtin__\nlen\np1\nac__builtin__\nxrange\np2\nac__builtin__\nunicode\np3\n"
                 b"acUserDict\nIterableUserDict\np4\nacexceptions\nOSError\np5\nacStringIO\nStringIO\np6\na"
                 b"ccopy_reg\n_reconstructor\np7\na.", [],
                 "Python 2 module names (__builtin__, copy_reg, exceptions, UserDict, StringIO) mapped by fix_imports",
                 via="inert+loads", py_expected=lambda v: expect_value(v, [len, range, str, collections.UserDict, OSError,
                                                                           io.StringIO, copyreg._reconstructor]))
    raw = (b"(lp0\nc__builtin__\nlen\np1\nac__builtin__\nxrange\np2\naccopy_reg\n_reconstructor\np3\na"
           b"c__builtin__\nset\np4\n((lp5\nI1\naI2\natp6\nRp7\na.")
    add_handmade("py2_builtin_globals_nofix", raw, ["fix_imports=0"],
                 "Python 2 names loaded with fix_imports=0: kept as written; __builtin__.set is not a known shape",
                 loads_kw={"fix_imports": False}, via="inert")
    add_handmade("py2_set_reduce", b"c__builtin__\nset\np0\n((lp1\nI1\naI2\naS'x'\natp2\nRp3\n.", [],
                 "Python 2 set: __builtin__.set(list) reduce; printed in pickled order", via="inert+loads",
                 py_expected=lambda v: expect_value(v, {1, 2, "x"}))
    add_handmade("py2_copy_reg_object",
                 b"ccopy_reg\n_reconstructor\np0\n(cfixture_classes\nPlain\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n"
                 b"(dp5\nS'a'\np6\nI1\nsS'b'\np7\nS'two'\np8\nsb.", [],
                 "Python 2 new-style object: copy_reg._reconstructor(cls, object, None) + BUILD",
                 via="inert+loads", py_expected=lambda v: expect_value(v, fc.Plain(1, "two")))
    add_handmade("py2_inst",
                 b"(I1\nS'two'\np0\nifixture_classes\nPlain\np1\n(dp2\nS'a'\np3\nI5\nsb.", [],
                 "old-style INST with args, then BUILD", via="inert+loads",
                 py_expected=lambda v: expect_value(v, fc.Plain(5, "two")))
    add_handmade("py2_inst_noargs", b"(ifixture_classes\nEmpty\np0\n(dp1\nS'z'\np2\nI3\nsb.", [],
                 "old-style INST without args, then BUILD", via="inert+loads",
                 py_expected=lambda v: expect_value(v, fc.Empty()) and v.z == 3)
    add_handmade("py2_obj",
                 b"(cfixture_classes\nPlain\nq\x00K\x01K\x02oq\x01}q\x02U\x01bq\x03K\x07sb.", [],
                 "protocol 1 OBJ with args, then BUILD", via="inert+loads",
                 py_expected=lambda v: expect_value(v, fc.Plain(1, 7)))
    add_handmade("py2_unicode", b"(lp0\nVcaf\xe9\np1\naV\\u20ac\\U0001f600\np2\naV\\\\u0041\np3\naX\x02\x00\x00\x00\xc3\xa9"
                                b"p4\na.", [],
                 "Python 2 unicode: UNICODE raw-unicode-escape (latin-1 byte, \\u, \\U, escaped backslash), BINUNICODE",
                 py_expected=["caf\xe9", "\u20ac\U0001F600", "\\\\u0041", "\xe9"])


def bad_cases():
    add_bad("bad_empty", b"", "kTruncated", "empty input")
    add_bad("bad_truncated_binunicode", b"\x80\x02X\x05\x00\x00\x00ab", "kTruncated",
            "BINUNICODE declares 5 bytes, 2 remain")
    add_bad("bad_truncated_binint", b"\x80\x02J\x01\x00", "kTruncated", "BININT argument cut short")
    add_bad("bad_truncated_frame_header", b"\x80\x04\x95\x05\x00", "kTruncated", "FRAME size cut short")
    add_bad("bad_no_stop", b"\x80\x02]q\x00K\x01a", "kNoStop", "stream ends without STOP")
    add_bad("bad_unknown_opcode", b"\x80\x02\xff.", "kUnknownOpcode", "opcode byte 0xff")
    add_bad("bad_stop_empty_stack", b"\x80\x02.", "kStackUnderflow", "STOP on an empty stack")
    add_bad("bad_memo_missing", b"\x80\x02]q\x00h\x05.", "kMemoMissing", "BINGET of memo index 5, never PUT")
    add_bad("bad_utf8", b"\x80\x02X\x02\x00\x00\x00\xc3\x28.", "kBadUtf8", "BINUNICODE holding invalid UTF-8")
    add_bad("bad_appends_no_mark", b"\x80\x02]q\x00K\x01K\x02e.", "kMarkMisuse", "APPENDS without a MARK")
    add_bad("bad_binstring_negative", b"T\xff\xff\xff\xff.", "kBadLength",
            "BINSTRING with negative length (C unpickler says 'pickle data was truncated')")
    add_bad("bad_put_negative", b"Np-1\n.", "kBadMemoIndex", "PUT with a negative index")


def my_data_case():
    obj = {"name": "Python", "version": 3.8, "features": ["Speed", "Flexibility", "Community"], "rank": 1}
    f = io.BytesIO()
    pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
    data = f.getvalue()
    expected = walk_json(obj, 5)
    assert expected == inert_json(data) and pickle.loads(data) == obj
    FX.checks["roundtrip"] += 1
    FX.add("pickle/my_data.pickle", data, 5, [], "json", "the tutorial's my_data.pickle (HIGHEST_PROTOCOL)", expected)


def value_cases():
    """Python values pickled at each protocol (add_case)."""
    add_case("root_none", lambda: None, desc="None as the root")
    add_case("root_true", lambda: True, desc="True as the root")
    add_case("root_int", lambda: -123456, desc="an int as the root")
    add_case("root_str", lambda: "root", desc="a str as the root")
    add_case("root_empty_tuple", lambda: (), desc="() as the root")
    add_case("ints", lambda: list(INTS), desc="ints at every opcode boundary, LONG1 and LONG4 sizes")
    add_case("int_huge", lambda: [2**79999 - 1, 2**80000, -(2**80000) - 1], protocols=(2, 3, 4, 5),
             desc="ints of 10000 and 10001+ bytes ($int hex form above 10000); protocols 0/1 would need "
                  "> 4300 decimal digits")
    add_case("bools_none", lambda: [True, False, None, [None], (True,)], desc="True, False, None")
    add_case("floats", lambda: list(FLOATS), desc="floats incl. -0.0, subnormal, nan, inf", check=same_float_list)
    add_case("strs", lambda: list(STRS), desc="str: empty, latin-1, BMP, astral, lone surrogates, escapes, 255/256 bytes")
    add_case("str_long", lambda: ["a\u20ac" * 300, "z" * 70000], desc="str > 255 bytes and > 65535 bytes")
    add_case("bytes", lambda: [b"", b"\x00", b"\xff" * 255, bytes(range(256)), b"\\\n\r\x1a"],
             desc="bytes: empty, 1, 255, 256 bytes")
    add_case("bytes_large", lambda: b"0123456789abcdef" * 4375, desc="70000 bytes (unframed at protocol 4/5)")
    add_case("bytearrays", lambda: [bytearray(), bytearray(b"\x00\x01\xff"), bytearray(range(256))],
             desc="bytearray: empty, small, 256")
    add_case("bytearray_large", lambda: bytearray(b"fedcba9876543210" * 4375), desc="bytearray of 70000 bytes")
    add_case("lists", lambda: [[], [1], ["a", "b"], list(range(1000)), list(range(1001)), [[[]]]],
             desc="lists: empty, 1, 2, 1000, 1001 items (APPEND/APPENDS batching)")
    add_case("tuples", lambda: [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), tuple(range(1001)), ((),)],
             desc="tuples of 0..4 and 1001 items")
    add_case("dict_empty", lambda: {}, desc="empty dict")
    add_case("dict_one", lambda: {"a": 1}, desc="dict with one item (SETITEM)")
    add_case("dict_1000", lambda: {"k%d" % i: i for i in range(1000)},
             desc="dict with 1000 str keys (C pickler adds an empty MARK SETITEMS)")
    add_case("dict_1001", lambda: {i: -i for i in range(1001)}, desc="dict with 1001 int keys")
    # deliberate key collisions: 1 == 1.0 == True and 0 == False keep the first key, the last value
    add_case("dict_mixed_keys",
             lambda: {1: "a", 2.0: "b", True: "c", 0: "zero", "s": 1, None: 2, (1, 2): 3, b"k": 4, 1.5: 5,
                      -3: 6, frozenset([1]): 7, False: 8},
             desc="non-str keys; 1/True and 0/False collide in Python")
    add_case("dict_dollar_keys", lambda: {"$id": 1, "$ref": 2, "plain": 3}, desc="str keys starting with $")
    add_case("nested", make_nested, desc="nested containers, 100 levels of alternating list/dict")
    add_case("shared", make_shared, desc="shared list/dict/tuple/set/frozenset/bytearray/object ($id/$ref)")
    add_case("self_list", make_self_list, desc="list containing itself", check=recursive_check)
    add_case("self_dict", make_self_dict, desc="dict containing itself", check=recursive_check)
    add_case("recursive_tuple", make_recursive_tuple, desc="t = ([],); t[0].append(t)", check=recursive_check)
    add_case("recursive_tuple4", make_recursive_tuple4, desc="4-tuple reached through its own list item",
             check=recursive_check)
    add_case("sets", lambda: [{3, 1, 2}, {"apple", "banana", "cherry"}, set(), frozenset(), frozenset([5, 4]),
                              frozenset(["x", "y"]), {(1, 2), None}],
             desc="sets/frozensets of ints and strs, empty", check=sets_check)
    add_case("set_1000", lambda: set(range(1000)), desc="set of 1000 (C pickler adds an empty MARK ADDITEMS)",
             check=lambda a, b: a == b)
    add_case("set_1001", lambda: [set(range(1001)), frozenset(range(1001))], desc="set and frozenset of 1001",
             check=sets_check)
    add_case("obj_plain", lambda: fc.Plain(1, "x"), desc="default reduce with __dict__ state")
    add_case("obj_empty", lambda: [fc.Empty(), fc.Empty()], desc="default reduce, no state")
    add_case("obj_slotted", lambda: fc.Slotted(1, [2]), protocols=(2, 3, 4, 5),
             desc="__slots__: state (None, {slots}); protocols 0/1 refuse")
    add_case("obj_newargs", lambda: fc.WithNewArgs(7), desc="__getnewargs__: NEWOBJ args")
    add_case("obj_newargs_ex", lambda: fc.WithNewArgsEx(7, tag="t"), protocols=(4, 5),
             desc="__getnewargs_ex__: NEWOBJ_EX with kwargs")
    add_case("obj_reduce", lambda: [fc.Point(1, 2), fc.Point(3.5, "y")], desc="custom __reduce__ (callable, args)")
    add_case("obj_setstate", lambda: fc.WithSetState(5), desc="__getstate__ returns a tuple")
    add_case("obj_nested_class", lambda: [fc.Outer.Inner(), fc.Outer.Inner], desc="instance of Outer.Inner and the class")
    add_case("obj_self", make_self_object, desc="object whose state refers to itself", check=recursive_check)
    add_case("list_subclass", mylist, desc="list subclass: listitems, state; empty; 1001 items")
    add_case("list_subclass_self", make_self_mylist, desc="list subclass containing itself", check=recursive_check)
    add_case("dict_subclass", mydict, desc="dict subclass: dictitems, state; empty; 1001 items")
    add_case("ordered_dict", ordered_dicts, desc="collections.OrderedDict: dictitems")
    add_case("globals", globals_list, desc="functions and classes by reference; Outer.Inner nested")
    add_case("globals_compat", compat_globals, fix_imports_rows=True,
             desc="globals renamed by fix_imports at protocols 0-2")
    add_case("shapes_compat", compat_shapes, fix_imports_rows=True,
             desc="reduce shapes spelled with Python 2 names at protocols 0-2")
