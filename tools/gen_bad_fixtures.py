#!/usr/bin/python3
"""Writes fixtures/bad/: hostile pickles, each with the error picklejar must give for it.

    /usr/bin/python3 tools/gen_bad_fixtures.py

Deterministic (two runs write identical bytes). Each case is `<name>.pkl` plus `<name>.expect`:

    kLimitExceeded              first line: the picklejar::ErrorCode name load() must throw, or
                                `ok` for an input that must load
    limit max_input_bytes=100   any number of lines: a picklejar::Limits field to set for the load
    offset 99                   optional: the Error::offset() the error must have

tests/errors/bad_fixtures_test.cc loads every case (from memory and from the file) with those
limits and checks the code (and offset); tests/errors/fuzz_replay_test.cc also runs them through
the fuzz entry points. The cases:

- `limit_<field>*`: one (or more) per picklejar::Limits field, each hitting exactly that limit;
- `huge_*`: declared lengths far past the input (must fail before allocating anything);
- `fuzz_*`: inputs the fuzzers (tools/fuzz.sh) found crashing or misbehaving, minimised, kept
  as regression tests (the comment at each says what was wrong and where it was fixed).
- `cpython_*`: odd inputs where picklejar must do what CPython's C unpickler (pickle.loads) does,
  decided here by running pickle.loads: `ok` plus a `json NNN` line (the tagged JSON of what it
  returned, tools/fixturegen/walker.py), or an error code plus a `python ExceptionName` line;
- `joblib_*.joblib`: joblib files joblib.load refuses (run here; a `joblib ExceptionName` line),
  which picklejar::joblib::load must refuse with the code given.

Only files named by this script are written or removed; nothing else in fixtures/bad/ is touched.
"""

import os
import pickle
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BAD = os.path.join(ROOT, "fixtures", "bad")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixturegen.walker import walk_json  # noqa: E402  (tools/fixturegen: the golden fixtures' JSON)


def le4(n):
    return struct.pack("<I", n & 0xFFFFFFFF)


def le8(n):
    return struct.pack("<Q", n)


CASES = []  # (name, bytes, code, {limit: value}, offset or None, extra .expect lines)


def case(name, data, code, limits=None, offset=None, extra=()):
    CASES.append((name, data, code, dict(limits or {}), offset, list(extra)))


def cpython_case(name, data, code, offset=None):
    """An odd input judged by CPython's C unpickler (pickle.loads): `code` "ok" asserts that it
    loads, and the .expect gets the tagged JSON of what it returned; an error code asserts that
    pickle.loads refuses it, and the .expect names the exception it raised."""
    try:
        value = pickle.loads(data)
    except Exception as e:  # noqa: BLE001 - which exception is recorded, not judged
        assert code != "ok", "%s: pickle.loads refuses it (%r)" % (name, e)
        case(name, data, code, None, offset, ["python %s" % type(e).__name__])
    else:
        assert code == "ok", "%s: pickle.loads accepts it (%r)" % (name, value)
        case(name, data, code, None, offset, ["json %s" % walk_json(value, 2)])


# ---- Limits: one case per field -------------------------------------------------------------

# max_input_bytes: a list of 50 appended ints, 154 bytes, read with a 100-byte budget. Opcodes
# sit at 3 + 3k ('K', its byte, 'a'); byte 100 is the argument of the 'K' at offset 99.
case("limit_max_input_bytes", b"\x80\x02]" + b"K\x01a" * 50 + b".", "kLimitExceeded",
     {"max_input_bytes": 100}, 99)
# ... and a declared length past the budget, refused before reading (or allocating) the payload.
case("limit_max_input_bytes_declared", b"\x80\x04\x8e" + le8(200) + b"x" * 200 + b".", "kLimitExceeded",
     {"max_input_bytes": 100}, 2)

# max_memory_bytes: 20,000 empty lists appended to one list: every 1-byte EMPTY_LIST is a 32-byte
# node, so the document passes 256 KiB long before the input (40 KB) ends. Where exactly depends
# on how the arena grows, so no offset is pinned.
case("limit_max_memory_bytes", b"\x80\x02]" + b"]a" * 20000 + b".", "kLimitExceeded",
     {"max_memory_bytes": 262144})
# ... which also bounds the VM's own tables, while the document stays at its first ~2 KiB. The VM
# stack: 3000 NONEs never consumed; its table doubles from 64 4-byte entries, and growing 2048
# entries (8 KiB) to 4096 would pass 16 KiB: the NONE pushed 2049th (offset 2 + 2048).
case("limit_max_memory_bytes_stack", b"\x80\x02" + b"N" * 3000 + b".", "kLimitExceeded",
     {"max_memory_bytes": 16384}, 2050)
# ... and the memo: one None memoized 3000 times; the same doubling from 64 slots, so MEMOIZE
# number 2049 (offset 3 + 2048) fails.
case("limit_max_memory_bytes_memo", b"\x80\x04N" + b"\x94" * 3000 + b".", "kLimitExceeded",
     {"max_memory_bytes": 16384}, 2051)

# max_decoder_bytes: a protocol-1 looking pickle that starts `]\x00` is an .lzma (alone) header,
# whose next 4 bytes ask for a 640 MiB dictionary, which liblzma would allocate up front. Found
# by fuzz_load once load_stream decompressed. 640 MiB is no size liblzma's picky header check (the
# one Python's lzma module runs) takes, nor is its uncompressed size (the next 8 bytes, past 2^38):
# refused as corrupt data, as Python refuses it. With a 768 MiB dictionary (2^29 + 2^28) and an
# unknown size, the check passes and the limit (256 MiB by default) refuses it.
FUZZ_LZMA_PICKLE = b"]\x00q\x00(c__builtin__\nlen\nq\x01c__builtin__\nset\nq\x02h\x01c__builtin__\nprint\nq\x03e."
case("fuzz_lzma_header_dictionary_not_picky", FUZZ_LZMA_PICKLE, "kCompression")
case("limit_max_decoder_bytes_lzma_dictionary",
     FUZZ_LZMA_PICKLE[:1] + le4(0x30000000) + b"\xff" * 8 + FUZZ_LZMA_PICKLE[13:], "kLimitExceeded")
# ... and a smaller limit refuses a real joblib lzma dictionary (8 MiB, preset 3).
case("limit_max_decoder_bytes_small", b"]\x00\x00\x80\x00" + b"\xff" * 8 + b"\x00" * 8, "kLimitExceeded",
     {"max_decoder_bytes": 1 << 20})

# max_memo_entries: BINPUT 0..10 with room for 10 entries: the 11th (offset 3 + 2*10) fails.
case("limit_max_memo_entries", b"\x80\x02N" + b"".join(b"q" + bytes([i]) for i in range(11)) + b".",
     "kLimitExceeded", {"max_memo_entries": 10}, 23)

# max_container_items: 11 APPENDs to one list with room for 10: the 11th 'a' (offset 5 + 3*10).
case("limit_max_container_items", b"\x80\x02]" + b"K\x01a" * 11 + b".", "kLimitExceeded",
     {"max_container_items": 10}, 35)
# ... which also bounds the VM stack: 11 values pushed with room for 10 (the 11th 'N', offset 12).
case("limit_max_container_items_stack", b"\x80\x02(" + b"N" * 11 + b"t.", "kLimitExceeded",
     {"max_container_items": 10}, 13)

# max_depth: a dict key that is a 6-deep tuple, hashed under max_depth=5: SETITEM (offset 11)
# fails (hashing a key is a walk, bounded like printing and dumping).
case("limit_max_depth", b"\x80\x02}N" + b"\x85" * 6 + b"Ns.", "kLimitExceeded", {"max_depth": 5}, 11)

# max_int_digits: an 11-digit text INT with room for 10.
case("limit_max_int_digits", b"I" + b"1" * 11 + b"\n.", "kLimitExceeded", {"max_int_digits": 10}, 0)
# ... and a text LONG (protocol 0/1 spelling, with its 'L'), at offset 1 after a MARK.
case("limit_max_int_digits_long", b"(L" + b"9" * 11 + b"L\nl.", "kLimitExceeded", {"max_int_digits": 10}, 1)

# ---- Huge declared lengths: an error, never an allocation of that size --------------------------

huge8 = 0x7FFFFFFFFFFFFFF0
case("huge_binbytes8", b"\x80\x04\x8e" + le8(huge8) + b"abc.", "kTruncated", None, 2)
case("huge_binunicode8", b"\x80\x04\x8d" + le8(huge8) + b"abc.", "kTruncated", None, 2)
case("huge_bytearray8", b"\x80\x05\x96" + le8(huge8) + b"abc.", "kTruncated", None, 2)
case("huge_binbytes8_max", b"\x80\x04\x8e" + le8(0xFFFFFFFFFFFFFFFF) + b".", "kTruncated", None, 2)
case("huge_frame", b"\x80\x04\x95" + le8(huge8) + b"N.", "kBadFrame", None, 2)
case("huge_binunicode", b"\x80\x03X" + le4(0xFFFFFFFF) + b"abc.", "kTruncated", None, 2)
case("huge_binbytes", b"\x80\x03B" + le4(0xFFFFFFFF) + b"abc.", "kTruncated", None, 2)
case("huge_binstring", b"T" + le4(0x7FFFFFFF) + b"abc.", "kTruncated", None, 0)
case("huge_long4", b"\x80\x02\x8b" + le4(0x7FFFFFFF) + b"\x01.", "kTruncated", None, 2)
case("negative_long4", b"\x80\x02\x8b" + le4(0xFFFFFFFF) + b"\x01.", "kBadLength", None, 2)
case("negative_binstring", b"T" + le4(0x80000000) + b"abc.", "kBadLength", None, 0)

# ---- Memo bombs ---------------------------------------------------------------------------------

# LONG_BINPUT at 4 billion and GET of an index never PUT: one sparse entry, then kMemoMissing.
case("memo_huge_index_then_missing_get", b"\x80\x02Nr" + le4(0xFFFFFFFE) + b"j" + le4(0xFFFFFFFD) + b".",
     "kMemoMissing", None, 8)

# ---- Fuzz findings ------------------------------------------------------------------------------

# fuzz_roundtrip, UBSan "null pointer passed as argument 2" in hash_bytes
# (src/model/document_impl.cc): an empty str made before the document's first arena block has a
# null payload pointer, and hashing it (as a dict key) called memcpy(&tail, nullptr, 0). Fixed by
# skipping the memcpy for an empty tail. The stream then underflows on its second SETITEM.
case("fuzz_hash_empty_str_null_payload", b"(dp0\nV\np1\ng0\nss.", "kStackUnderflow", None, 14)

# ---- Parity with CPython's C unpickler (pickle.loads) on odd input ------------------------------
# Each expectation comes from running pickle.loads here (cpython_case); picklejar's error code is
# the only thing chosen by hand.

# INT: strtol(text, 0) first (octal "010", hex, a NUL ends the text; a 2-byte line of 0 or 1 is a
# bool), then int(text, 0) (underscores, spaces, 0b/0o, big values), else an error.
for name, data, code in [
        ("int_nul_ends_text", b"I1\x00junk\n.", "ok"),
        ("int_octal", b"I010\n.", "ok"),
        ("int_hex", b"I0x10\n.", "ok"),
        ("int_binary", b"I0b10\n.", "ok"),
        ("int_bool_space", b"I 1\n.", "ok"),
        ("int_bool_plus", b"I+1\n.", "ok"),
        ("int_bool_nul", b"I\x001\n.", "ok"),
        ("int_nul_only", b"I\x00\n.", "ok"),
        ("int_underscore", b"I1_0\n.", "ok"),
        ("int_trailing_space", b"I1 \n.", "ok"),
        ("int_big_hex", b"I0x7fffffffffffffffff\n.", "ok"),
        ("int_big_negative_octal", b"I-0o7777777777777777777777\n.", "ok"),
        ("int_big_nul_ends_text", b"I99999999999999999999\x00x\n.", "ok"),
        ("int_bad_octal_digit", b"I08\n.", "kBadArgument"),
        ("int_octal_overflow", b"I0777777777777777777777777\n.", "kBadArgument"),
        ("int_hex_without_digits", b"I0x\n.", "kBadArgument"),
        ("int_long_suffix", b"I1L\n.", "kBadArgument"),
        ("int_space_only", b"I \n.", "kBadArgument"),
        ]:
    cpython_case("cpython_" + name, data, code, 0 if code != "ok" else None)

# LONG: a last "L" is dropped, then int(text, 0) up to a NUL.
for name, data, code in [
        ("long_nul_ends_text", b"L1\x00junk\n.", "ok"),
        ("long_without_suffix", b"L12\n.", "ok"),
        ("long_hex", b"L0x10L\n.", "ok"),
        ("long_space_underscore", b"L 1_0L\n.", "ok"),
        ("long_octal_refused", b"L010L\n.", "kBadArgument"),
        ("long_double_suffix", b"L1LL\n.", "kBadArgument"),
        ("long_suffix_before_nul", b"L1L\x00x\n.", "kBadArgument"),
        ]:
    cpython_case("cpython_" + name, data, code, 0 if code != "ok" else None)

# FLOAT: PyOS_string_to_double up to a NUL: no spaces or underscores; inf/nan in any case; a value
# past the double range is an error, one below it 0.0.
for name, data, code in [
        ("float_nul_ends_text", b"F1\x00junk\n.", "ok"),
        ("float_nan", b"FNaN\n.", "ok"),
        ("float_infinity", b"F-infinity\n.", "ok"),
        ("float_underflow", b"F1e-500\n.", "ok"),
        ("float_point_forms", b"(F.5\nF1.\nF+1E2\nl.", "ok"),
        ("float_exponent_cut", b"F1e\n.", "kBadArgument"),
        ("float_leading_space", b"F 1.5\n.", "kBadArgument"),
        ("float_trailing_space", b"F1.5 \n.", "kBadArgument"),
        ("float_underscore", b"F1_0\n.", "kBadArgument"),
        ("float_overflow", b"F1e500\n.", "kBadArgument"),
        ("float_nan_payload", b"Fnan(1)\n.", "kBadArgument"),
        ("float_hex", b"F0x10\n.", "kBadArgument"),
        ]:
    cpython_case("cpython_" + name, data, code, 0 if code != "ok" else None)

# PUT and GET: int(text, 10) up to a NUL (spaces, sign, underscores, leading zeros).
for name, data, code, offset in [
        ("put_nul_ends_text", b"I5\np1\x00junk\n0g1\n.", "ok", None),
        ("get_nul_ends_text", b"I5\np1\n0g1\x00junk\n.", "ok", None),
        ("put_leading_zero_underscore", b"I5\np 01_0\n0g10\n.", "ok", None),
        ("put_minus_zero", b"I5\np-0\n0g+0\n.", "ok", None),
        ("put_hex_refused", b"Np0x10\n.", "kBadArgument", 1),
        ("put_long_suffix_refused", b"Np1L\n.", "kBadArgument", 1),
        ("put_negative", b"Np-1\n.", "kBadMemoIndex", 1),
        ]:
    cpython_case("cpython_" + name, data, code, offset)

# SETITEM(S) on a list is list[index] = value (PyObject_SetItem); on a tuple or set, an error.
for name, data, code in [
        ("setitem_list", b"(lI0\naI1\naI0\nI9\ns.", "ok"),
        ("setitem_list_negative_index", b"(lI0\naI1\naI-1\nI9\ns.", "ok"),
        ("setitem_list_bool_index", b"\x80\x02](K\x00K\x01e\x88K\x07s.", "ok"),
        ("setitems_list", b"\x80\x02](K\x00K\x01e(K\x00K\x07K\x01K\x08u.", "ok"),
        ("setitem_list_index_past_end", b"\x80\x02](K\x00eK\x01K\x07s.", "kBadOperand"),
        ("setitem_list_big_index", b"\x80\x02](K\x00e\x8a\x09" + b"\x00" * 8 + b"\x01K\x07s.", "kBadOperand"),
        ("setitem_list_str_index", b"\x80\x02](K\x00eX\x01\x00\x00\x00aK\x07s.", "kBadOperand"),
        ("setitem_tuple", b"\x80\x02K\x00\x85K\x00K\x07s.", "kBadOperand"),
        ("setitem_set", b"\x80\x04\x8f(K\x01\x90K\x00K\x07s.", "kBadOperand"),
        ]:
    cpython_case("cpython_" + name, data, code, len(data) - 2 if code != "ok" else None)

# An empty MARK batch is no call: APPENDS, SETITEMS and ADDITEMS take any value below the MARK.
for name, data, code in [
        ("appends_empty_onto_none", b"N(e.", "ok"),
        ("setitems_empty_onto_none", b"N(u.", "ok"),
        ("additems_empty_onto_none", b"\x80\x04N(\x90.", "ok"),
        ("appends_empty_onto_int", b"K\x01(e.", "ok"),
        ("appends_onto_none", b"N(K\x01e.", "kBadOperand"),
        ("additems_onto_list", b"\x80\x04](K\x01\x90.", "kBadOperand"),
        ]:
    cpython_case("cpython_" + name, data, code, len(data) - 2 if code != "ok" else None)

# REDUCE, OBJ, NEWOBJ and NEWOBJ_EX of a value no call can take (CPython: "'int' object is not
# callable", "NEWOBJ class argument isn't a type object").
NOT_CALLABLE = [  # (label, protocol, the opcodes that push it)
    ("none", 2, b"N"), ("bool", 2, b"\x88"), ("int", 2, b"K\x01"), ("float", 2, b"G?\xf0" + b"\x00" * 6),
    ("str", 2, b"X\x01\x00\x00\x00a"), ("bytes", 3, b"C\x01a"), ("bytearray", 5, b"\x96\x01" + b"\x00" * 7 + b"a"),
    ("tuple", 2, b")"), ("list", 2, b"]"), ("dict", 2, b"}"), ("set", 4, b"\x8f"), ("frozenset", 4, b"(\x91"),
]
for label, proto, push in NOT_CALLABLE:
    head = b"\x80" + bytes([proto])
    data = head + push + b")R."
    cpython_case("cpython_reduce_" + label, data, "kBadOperand", len(data) - 2)
    data = head + push + b")\x81."
    cpython_case("cpython_newobj_" + label, data, "kBadOperand", len(data) - 2)
    if proto >= 4 or label in ("none", "int", "str"):
        data = b"\x80\x04" + push + b")}\x92."
        cpython_case("cpython_newobj_ex_" + label, data, "kBadOperand", len(data) - 2)
    data = head + b"(" + push + b"K\x01o."
    cpython_case("cpython_obj_" + label, data, "kBadOperand", len(data) - 2)

# ---- joblib files joblib.load refuses ---------------------------------------------------------
# `<name>.joblib`, loaded by picklejar::joblib::load; the expectation is decided by running
# joblib.load on the file here.

JOBLIB_CASES = []  # (name, bytes, code, exception name)


def joblib_case(name, data, code):
    import joblib  # only here: the pickle cases need no joblib
    path = os.path.join(BAD, ".%s.tmp.joblib" % name)
    with open(path, "wb") as f:
        f.write(data)
    try:
        joblib.load(path)
    except Exception as e:  # noqa: BLE001 - which exception is recorded, not judged
        exc = type(e).__name__
    else:
        raise AssertionError("%s: joblib.load accepts it" % name)
    finally:
        os.remove(path)
    JOBLIB_CASES.append((name, data, code, exc))


def wrapper_stream(state, data, alignment=False):
    """A protocol-2 joblib stream of one NumpyArrayWrapper with these state items (name: opcodes
    pushing the value), and `data` after its BUILD (a padding-length byte first when the state has
    numpy_array_alignment_bytes, as joblib 1.2 writes)."""
    items = b"".join(b"X" + le4(len(k)) + k.encode() + v for k, v in state.items())
    pad = b"\x00" if alignment else b""
    return (b"\x80\x02cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81}(" + items + b"ub" + pad + data + b".")


I8_DTYPE = (b"cnumpy\ndtype\nX\x02\x00\x00\x00i8\x89\x88\x87R(K\x03X\x01\x00\x00\x00<NNNJ\xff\xff\xff\xff"
            b"J\xff\xff\xff\xffK\x00tb")
FULL_STATE = {"subclass": b"cnumpy\nndarray\n", "shape": b"K\x03\x85", "order": b"X\x01\x00\x00\x00C",
              "dtype": I8_DTYPE, "allow_mmap": b"\x88"}
THREE_I8 = struct.pack("<3q", 1, 2, 3)


def without(key):
    return {k: v for k, v in FULL_STATE.items() if k != key}


def joblib_cases():
    # The whole state, for reference: joblib.load must accept it (or the cases below prove nothing).
    import joblib
    import numpy
    path = os.path.join(BAD, ".reference.tmp.joblib")
    with open(path, "wb") as f:
        f.write(wrapper_stream(FULL_STATE, THREE_I8))
    try:
        assert list(joblib.load(path)) == [1, 2, 3] and isinstance(joblib.load(path), numpy.ndarray)
    finally:
        os.remove(path)
    # Array data shorter than the shape says: joblib reads 24 bytes and finds 16 and the STOP.
    joblib_case("joblib_array_data_short", wrapper_stream(FULL_STATE, THREE_I8[:16]), "kTruncated")
    # ... and with more stream after it, 24 bytes are there, but then no STOP.
    joblib_case("joblib_array_data_short_then_more",
                wrapper_stream(FULL_STATE, THREE_I8[:16]) + b"N" * 8, "kNoStop")
    # The state without a field read_array or read uses (NumpyArrayWrapper's attributes).
    for key in ("subclass", "shape", "order", "dtype"):
        joblib_case("joblib_wrapper_state_without_" + key, wrapper_stream(without(key), THREE_I8), "kBadArgument")
    # A shape that is an int, not a tuple: joblib takes len(self.shape).
    # A subclass that is no class: read() hands it to numpy's _reconstruct, which refuses it.
    joblib_case("joblib_wrapper_subclass_none", wrapper_stream(dict(FULL_STATE, subclass=b"N"), THREE_I8),
                "kBadArgument")
    joblib_case("joblib_wrapper_shape_int", wrapper_stream(dict(FULL_STATE, shape=b"K\x03"), THREE_I8), "kBadArgument")
    # An .lzma (alone) header liblzma's picky check (lzma_auto_decoder, which Python's lzma module
    # uses for FORMAT_AUTO) refuses: a dictionary size (10 MiB)
    # neither 2^n nor 2^n + 2^(n-1).
    import lzma
    good = lzma.compress(wrapper_stream(FULL_STATE, THREE_I8), format=lzma.FORMAT_ALONE)
    joblib_case("joblib_lzma_dictionary_size_not_picky", good[:1] + le4(0x00A00000) + good[5:], "kCompression")


README = """# fixtures/bad: hostile pickles and the error each must give

Written by `tools/gen_bad_fixtures.py` (run it with `/usr/bin/python3`; deterministic); do not
edit by hand. Each case is `<name>.pkl` and `<name>.expect`: the first line of `.expect` is the
`picklejar::ErrorCode` name `load()` must throw; `limit NAME=VALUE` lines set `picklejar::Limits`
fields for that load; an `offset N` line pins `Error::offset()`.
`tests/errors/bad_fixtures_test.cc` checks every case (from memory and from the file), and
`tests/errors/fuzz_replay_test.cc` runs every file here through the fuzz entry points.

- `limit_<field>*`: one or more cases per `Limits` field, each hitting exactly that limit;
- `huge_*`, `negative_*`: declared lengths past the input, refused before anything is allocated;
- `memo_*`: memo bombs;
- `fuzz_*`: inputs the fuzzers found (minimised), kept as regression tests;
- `cpython_*`: odd inputs where picklejar does what CPython's C unpickler (`pickle.loads`) does,
  decided by running it: `ok` and a `json` line (the tagged JSON of what `pickle.loads`
  returned, which `load()` must give), or the error code for an input `pickle.loads` refuses,
  with a `python` line naming the exception it raised;
- `joblib_*.joblib`: joblib files `joblib.load` refuses (decided by running it; a `joblib` line
  names its exception), each with the error `picklejar::joblib::load` must give.
"""


def main():
    os.makedirs(BAD, exist_ok=True)
    with open(os.path.join(BAD, "README.md"), "w") as f:
        f.write(README)
    names = set()
    for name, data, code, limits, offset, extra in CASES:
        assert name not in names, name
        names.add(name)
        with open(os.path.join(BAD, name + ".pkl"), "wb") as f:
            f.write(data)
        lines = [code] + ["limit %s=%d" % (k, v) for k, v in sorted(limits.items())]
        if offset is not None:
            lines.append("offset %d" % offset)
        lines += extra
        with open(os.path.join(BAD, name + ".expect"), "w") as f:
            f.write("\n".join(lines) + "\n")
    joblib_cases()
    for name, data, code, exc in JOBLIB_CASES:
        assert name not in names, name
        names.add(name)
        with open(os.path.join(BAD, name + ".joblib"), "wb") as f:
            f.write(data)
        with open(os.path.join(BAD, name + ".expect"), "w") as f:
            f.write("%s\njoblib %s\n" % (code, exc))
    print("gen_bad_fixtures.py: wrote %d cases to %s" % (len(CASES) + len(JOBLIB_CASES), os.path.relpath(BAD, ROOT)))


if __name__ == "__main__":
    sys.exit(main())
