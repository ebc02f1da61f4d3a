#!/usr/bin/python3
"""Writes fixtures/bad/: hostile pickles, each with the error picklejar must give for it.

    /usr/bin/python3 tools/gen_bad_fixtures.py

Deterministic (two runs write identical bytes). Each case is `<name>.pkl` plus `<name>.expect`:

    kLimitExceeded              first line: the picklejar::ErrorCode name load() must throw
    limit max_input_bytes=100   any number of lines: a picklejar::Limits field to set for the load
    offset 99                   optional: the Error::offset() the error must have

tests/errors/bad_fixtures_test.cc loads every case (from memory and from the file) with those
limits and checks the code (and offset); tests/errors/fuzz_replay_test.cc also runs them through
the fuzz entry points. The cases:

- `limit_<field>*`: one (or more) per picklejar::Limits field, each hitting exactly that limit;
- `huge_*`: declared lengths far past the input (must fail before allocating anything);
- `fuzz_*`: inputs the fuzzers (tools/fuzz.sh) found crashing or misbehaving, minimised, kept
  as regression tests (the comment at each says what was wrong and where it was fixed).

Only files named by this script are written or removed; nothing else in fixtures/bad/ is touched.
"""

import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BAD = os.path.join(ROOT, "fixtures", "bad")


def le4(n):
    return struct.pack("<I", n & 0xFFFFFFFF)


def le8(n):
    return struct.pack("<Q", n)


CASES = []  # (name, bytes, code, {limit: value}, offset or None)


def case(name, data, code, limits=None, offset=None):
    CASES.append((name, data, code, dict(limits or {}), offset))


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
# whose next 4 bytes ask for a 640 MiB dictionary, which liblzma would allocate up front: refused
# under the default limits (256 MiB). Found by fuzz_load once load_stream decompressed.
case("limit_max_decoder_bytes_lzma_dictionary",
     b"]\x00q\x00(c__builtin__\nlen\nq\x01c__builtin__\nset\nq\x02h\x01c__builtin__\nprint\nq\x03e.",
     "kLimitExceeded")
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
- `fuzz_*`: inputs the fuzzers found (minimised), kept as regression tests.
"""


def main():
    os.makedirs(BAD, exist_ok=True)
    with open(os.path.join(BAD, "README.md"), "w") as f:
        f.write(README)
    names = set()
    for name, data, code, limits, offset in CASES:
        assert name not in names, name
        names.add(name)
        with open(os.path.join(BAD, name + ".pkl"), "wb") as f:
            f.write(data)
        lines = [code] + ["limit %s=%d" % (k, v) for k, v in sorted(limits.items())]
        if offset is not None:
            lines.append("offset %d" % offset)
        with open(os.path.join(BAD, name + ".expect"), "w") as f:
            f.write("\n".join(lines) + "\n")
    print("gen_bad_fixtures.py: wrote %d cases to %s" % (len(CASES), os.path.relpath(BAD, ROOT)))


if __name__ == "__main__":
    sys.exit(main())
