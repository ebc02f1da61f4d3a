"""The rows of fixtures/SCAN.tsv, family by family (scan_cases.Catalogue.add checks each one).

Advisories mirrored (cited per family in fixtures/scan/README.md): picklescan GHSA-w8jq-xcqf-f792
(zip flag bits), GHSA-7q5r-7gvp-wc82 / CVE-2025-1944 (local and central zip names differ),
GHSA-769v-p64c-89pr (pickles in members other than data.pkl), GHSA-655q-fx9r-782v and
CVE-2025-1716 (callables missing from a blocklist: pip.main and others), GHSA-9gvj-pp9x-gcfr
(parsing logic: a second pickle, memo and STRING names), GHSA-gx77-x2pv-48v7 (JFrog: CRC errors,
extensions, dangerous names inside allowed packages), CVE-2025-1889 / CVE-2025-10155 (payloads
under extensions a scanner does not open: .p, .bin).
"""

import base64
import functools
import io
import os
import pickle
import tarfile
import zlib

from . import scan_payloads as P
from .common import FIX
from .scan_containers import (Member, compress, joblib_bytes, legacy_pickles, legacy_replace, npy_bytes, npz_bytes,
                              tiny_state_dict, torch_reads, torch_records, torch_save_zip,
                              torch_tar_bytes, torch_zip_records, write_zip, zip_members)
from .scan_payloads import CMD, Name, Reduce, call

SYSTEM = "posix.system"  # os.system's true module on Linux: what Python's pickler writes
CODECS = ("zlib", "gzip", "bz2", "xz", "lzma", "lz4")
EXT = {"zlib": "zlib", "gzip": "gz", "bz2": "bz2", "xz": "xz", "lzma": "lzma", "lz4": "lz4"}


def sys_call():
    return Reduce(os.system, (CMD,))


def evil_dict():
    return {"weights": [0.5, 1.5], "x": sys_call()}


def evil(protocol=2):
    """A dict whose second value is os.system(CMD), written by Python's C pickler."""
    a, b = pickle.dumps(evil_dict(), protocol), pickle.dumps(evil_dict(), protocol)
    assert a == b
    return a


def benign_data():
    import collections
    return {"name": "picklejar", "values": [1, 2.5, None, True, -7, 10 ** 20], "pair": (1, "two"),
            "raw": b"\x00\x01bytes", "set": {3, 1, 2}, "frozen": frozenset({"a"}), "buf": bytearray(b"ab"),
            "complex": complex(1, -2), "ordered": collections.OrderedDict([("b", 1), ("a", 2)])}


def numpy_data():
    import numpy
    return {"f8": numpy.linspace(0, 1, 5), "i4": numpy.arange(6, dtype=numpy.int32).reshape(2, 3),
            "bool": numpy.array([True, False]), "scalar": numpy.float32(1.5), "dtype": numpy.dtype("<i8"),
            "fortran": numpy.asfortranarray(numpy.arange(4.0).reshape(2, 2))}


def catalogue(cat):
    direct(cat)
    stack_global(cat)
    second_pickle(cat)
    joblib_rows(cat)
    compressed(cat)
    numpy_rows(cat)
    torch_rows(cat)
    zip_rows(cat)
    broken(cat)
    pop_dropped(cat)
    gadgets(cat)
    nested(cat)
    as_argument(cat)
    opcodes(cat)
    benign(cat)


def direct(cat):
    for p in range(6):
        cat.add("direct_posix_system.p%d.pkl" % p, "plain", "direct", "unsafe", [SYSTEM],
                "os.system('%s') as the value of a dict key, written by Python's pickler at protocol %d "
                "(GLOBAL/STACK_GLOBAL 'posix system')" % (CMD, p), evil(p))
    for p in (0, 2, 4):
        cat.add("direct_os_system.p%d.pkl" % p, "plain", "direct", "unsafe", ["os.system"],
                "hand-written os.system('%s') at protocol %d, the classic payload" % (CMD, p),
                P.whole(P.system_ops(p, "os"), p))
    cat.add("direct_nt_system.p2.pkl", "plain", "direct", "unsafe", ["nt.system"],
            "nt.system: os.system's module on Windows", P.whole(P.system_ops(2, "nt"), 2))
    cat.add("direct_py2_builtin_eval.p0.pkl", "plain", "direct", "unsafe", ["builtins.eval"],
            "GLOBAL '__builtin__ eval' at protocol 0: fix_imports makes Python import builtins.eval",
            P.whole(P.reduce_ops("__builtin__", "eval", 0, "print('picklejar-scan-test')"), 0))
    singles = [
        ("builtins", "eval", 2, ("print('picklejar-scan-test')",)),
        ("builtins", "exec", 4, ("print('picklejar-scan-test')",)),
        ("builtins", "compile", 4, ("1", "<picklejar>", "eval")),
        ("builtins", "open", 3, ("/nonexistent/picklejar-scan-test",)),
        ("builtins", "__import__", 1, ("os",)),
        ("os", "popen", 2, (CMD,)),
        ("posix", "execv", 2, ("/bin/echo", ["echo", "picklejar-scan-test"])),
        ("os", "execvp", 4, ("echo", ["echo", "picklejar-scan-test"])),
        ("subprocess", "Popen", 4, (["echo", "picklejar-scan-test"],)),
        ("subprocess", "check_output", 2, (["echo", "picklejar-scan-test"],)),
        ("subprocess", "run", 5, (CMD,)),
        ("pty", "spawn", 4, (["echo", "picklejar-scan-test"],)),
        ("socket", "create_connection", 4, (("127.0.0.1", 9),)),
        ("webbrowser", "open", 2, ("http://127.0.0.1:9/picklejar-scan-test",)),
        ("shutil", "rmtree", 4, ("/nonexistent/picklejar-scan-test",)),
    ]
    for module, name, p, args in singles:
        cat.add("direct_%s_%s.p%d.pkl" % (module, name.strip("_"), p), "plain", "direct", "unsafe",
                ["%s.%s" % (module, name)], "%s.%s(%s) at protocol %d"
                % (module, name, ", ".join(map(repr, args)), p), P.dumps(call(module, name, *args), p))
    chain = call("builtins", "getattr", call("builtins", "__import__", "os"), "system")
    cat.add("direct_getattr_import.p4.pkl", "plain", "direct", "unsafe", ["builtins.getattr", "builtins.__import__"],
            "getattr(__import__('os'), 'system')('%s')" % CMD, P.dumps(Reduce(chain, (CMD,)), 4))


def stack_global(cat):
    put = b"\x94"  # MEMOIZE
    head = (b"}" + put + b"(" + P.ustr("module", 4) + put + P.ustr("posix", 4) + put
            + P.ustr("name", 4) + put + P.ustr("system", 4) + put + b"u")
    call_ = P.ustr(CMD, 4) + b"\x85R"
    cat.add("memo_stack_global.p4.pkl", "plain", "memo-stack-global", "unsafe", [SYSTEM],
            "STACK_GLOBAL whose module and name are BINGETs of strings memoized earlier as dict values",
            P.whole(head + P.ustr("out", 4) + b"h\x02h\x04\x93" + call_ + b"s", 4))
    body = (b"]q\x00(X\x05\x00\x00\x00posixq\x01X\x06\x00\x00\x00systemq\x02e0"
            b"j\x01\x00\x00\x00j\x02\x00\x00\x00\x93" + call_)
    cat.add("memo_stack_global_long.p5.pkl", "plain", "memo-stack-global", "unsafe", [SYSTEM],
            "names BINPUT inside a list that is then POPped, fetched back by LONG_BINGET for STACK_GLOBAL",
            P.whole(body, 5))
    text = (b"Vposix\np0\n0Vsystem\np1\n0g0\ng1\n\x93(" + P.string(CMD, "STRING") + b"tR.")
    cat.add("memo_stack_global_text.p0.pkl", "plain", "memo-stack-global", "unsafe", [SYSTEM],
            "protocol 0 text opcodes (UNICODE, PUT, POP, GET) feeding a STACK_GLOBAL; no PROTO header", text)
    cat.add("memo_stack_global_p2_header.pkl", "plain", "memo-stack-global", "unsafe", [SYSTEM],
            "the same under a PROTO 2 header (CPython runs protocol 4 opcodes whatever PROTO said)",
            P.whole(body, 2))
    mixed = (P.ustr("posix", 4) + put + b"0" + b"h\x00" + P.string("system", "STRING") + b"\x93" + call_)
    cat.add("memo_string_stack_global.p4.pkl", "plain", "memo-stack-global", "unsafe", [SYSTEM],
            "module from the memo, name from a STRING opcode", P.whole(mixed, 4))
    for how in ("STRING", "SHORT_BINSTRING", "BINSTRING", "UNICODE", "BINUNICODE", "BINUNICODE8"):
        body = P.string("posix", how) + P.string("system", how) + b"\x93" + call_
        cat.add("string_stack_global_%s.p4.pkl" % how.lower(), "plain", "string-stack-global", "unsafe", [SYSTEM],
                "STACK_GLOBAL whose module and name are pushed by %s (not SHORT_BINUNICODE)" % how,
                P.whole(body, 4))


def second_pickle(cat):
    benign2 = pickle.dumps({"weights": [0.5, 1.5]}, 2)
    benign4 = pickle.dumps({"weights": [0.5, 1.5], "name": "x" * 80}, 4)
    cat.add("second_pickle.p2.pkl", "concat", "second-pickle", "unsafe", [SYSTEM],
            "a benign protocol 2 dict, STOP, then a second pickle calling os.system",
            benign2 + P.whole(P.system_ops(2), 2))
    cat.add("second_pickle_framed.p4.pkl", "concat", "second-pickle", "unsafe", ["os.system"],
            "a framed protocol 4 pickle, then a protocol 0 pickle with os.system",
            benign4 + P.whole(P.system_ops(0, "os"), 0))
    cat.add("third_pickle.p5.bin", "concat", "second-pickle", "unsafe", [SYSTEM],
            "two benign pickles then the payload in a third (protocol 5); named .bin",
            benign2 + benign4 + evil(5))


def joblib_rows(cat):
    import numpy
    obj = {"w": numpy.arange(32, dtype=numpy.float64), "x": sys_call()}
    for codec in ("none",) + CODECS:
        suffix = "" if codec == "none" else "." + codec
        cat.add("after_array%s.joblib" % suffix, "joblib", "after-array", "unsafe", [SYSTEM],
                "joblib.dump (codec %s) of {'w': 32 float64, 'x': os.system(...)}: the payload comes after the "
                "array's raw bytes, which stop opcode listers" % codec, joblib_bytes(obj, codec))
    cat.add("object_array_nested.joblib", "joblib", "joblib-object-array", "unsafe", [SYSTEM],
            "a joblib object array: joblib unpickles its elements with a second pickle.load of the file, "
            "where os.system is", joblib_bytes({"o": numpy.array([1, sys_call()], dtype=object)}))
    cat.add("after_array.pkl", "joblib", "after-array", "unsafe", [SYSTEM],
            "after_array.joblib gzip-compressed by joblib and named .pkl", joblib_bytes(obj, "gzip"))
    first = joblib_bytes({"x": sys_call(), "w": numpy.arange(64, dtype=numpy.float64)})
    cat.add("broken_joblib_cut.joblib", "joblib", "broken-after-payload", "unsafe", [SYSTEM],
            "joblib file with os.system before a 64-float64 array whose data is cut in half", first[:-280])
    plain = joblib_bytes({"w": numpy.arange(64, dtype=numpy.float64)})
    cat.add("unreadable_joblib_cut.joblib", "joblib", "unreadable", "unreadable", [],
            "benign joblib file whose array data is cut in half (its size is declared by the wrapper)",
            plain[:-280])
    decoy = numpy.frombuffer(evil(2) * 3, dtype=numpy.uint8).copy()
    cat.add("decoy_array_bytes.joblib", "joblib", "decoy", "safe", [],
            "benign: a uint8 array whose raw data is three copies of a malicious pickle (data, never loaded)",
            joblib_bytes({"bytes": decoy, "n": 3}))


def compressed(cat):
    for codec in CODECS:
        cat.add("compressed.p4.pkl.%s" % EXT[codec], codec, "compressed", "unsafe", [SYSTEM],
                "os.system payload (protocol 4) compressed with %s" % codec, compress(codec, evil(4)))
    cat.add("compressed_gzip_named.pkl", "gzip", "compressed", "unsafe", [SYSTEM],
            "a gzip'd payload named .pkl", compress("gzip", evil(2)))
    cat.add("compressed_lz4_named.bin", "lz4", "compressed", "unsafe", [SYSTEM],
            "an lz4 frame payload named .bin", compress("lz4", evil(5)))
    cat.add("compressed_bz2_named.pt", "bz2", "compressed", "unsafe", ["os.system"],
            "a bz2 protocol 0 payload named .pt", compress("bz2", P.whole(P.system_ops(0, "os"), 0)))
    cat.add("compressed_concat.pkl.xz", "xz", "second-pickle", "unsafe", [SYSTEM],
            "xz of a benign pickle followed by the payload pickle",
            compress("xz", pickle.dumps([1, 2], 4) + evil(4)))


def numpy_rows(cat):
    import numpy
    cat.add("object_array.npy", "npy", "direct", "unsafe", [SYSTEM],
            "np.save of an object array holding os.system(...) (np.load(allow_pickle=True) runs it)",
            npy_bytes(numpy.array([1, "two", sys_call()], dtype=object)))
    cat.add("object_array.npz", "npz", "direct", "unsafe", [SYSTEM],
            "npz: a benign float member, then an object array member holding os.system(...)",
            npz_bytes([("w", numpy.arange(4.0)), ("o", numpy.array([sys_call(), None], dtype=object))]))
    cat.add("object_array_npy_named.pkl", "npy", "direct", "unsafe", [SYSTEM],
            "object_array.npy named .pkl", npy_bytes(numpy.array([sys_call()], dtype=object)))
    cut = npy_bytes(numpy.array([sys_call(), "tail" * 20], dtype=object))
    cat.add("broken_object_array_cut.npy", "npy", "broken-after-payload", "unsafe", [SYSTEM],
            "object .npy whose pickle is cut after os.system's element", cut[:-40])
    cat.add("decoy_array_bytes.npy", "npy", "decoy", "safe", [],
            "benign: a uint8 .npy whose data is a malicious pickle (not an object array: never unpickled)",
            npy_bytes(numpy.frombuffer(evil(2), dtype=numpy.uint8).copy()))


def torch_rows(cat):
    sd = tiny_state_dict()
    good = torch_save_zip(sd, "state_dict")
    recs = torch_records(good)
    data_pkl = dict(recs)["data.pkl"]
    payload = P.system_ops(2)
    evil_recs = [(n, P.inject(d, payload) if n == "data.pkl" else d) for n, d in recs]
    cat.add("torch_data_pkl.pt", "torch-zip", "direct", "unsafe", [SYSTEM],
            "torch.save zip whose data.pkl first calls os.system and POPs the result, then loads the state_dict",
            torch_zip_records(evil_recs, "torch_data_pkl"))
    cat.add("torch_data_pkl_named.bin", "torch-zip", "direct", "unsafe", [SYSTEM],
            "the same torch zip named .bin", torch_zip_records(evil_recs, "pytorch_model"))
    cut = P.inject(data_pkl, payload)[:len(payload) + 3]
    cat.add("torch_broken.pt", "torch-zip", "broken-after-payload", "unsafe", [SYSTEM],
            "torch zip whose data.pkl is cut right after the payload's POP (no STOP)",
            torch_zip_records([(n, cut if n == "data.pkl" else d) for n, d in recs], "torch_broken"))
    zip_quirks(cat, good, payload)
    # torch.save's legacy keys are heap addresses: the committed fixture (made with address-space
    # randomisation off by torch_cases) is the base, so the bytes repeat.
    with open(os.path.join(FIX, "torch", "linear_legacy.pt"), "rb") as f:
        legacy = f.read()
    spans = legacy_pickles(legacy)
    for index, what in ((3, "object"), (0, "magic number"), (2, "sys_info"), (4, "storage keys")):
        start, end = spans[index]
        cat.add("torch_legacy_%s.pt" % what.replace(" ", "_"), "torch-legacy", "direct", "unsafe", [SYSTEM],
                "legacy torch.save stream (magic, protocol, sys_info, object, storage keys, storages) with "
                "os.system injected into its %s pickle" % what,
                legacy_replace(legacy, index, P.inject(legacy[start:end], payload)))
    tar_pickle = torch_tar_bytes(sd)
    with tarfile.open(fileobj=io.BytesIO(tar_pickle), mode="r:") as tar:
        blobs = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    for member in ("pickle", "sys_info"):
        cat.add("torch_tar_%s.pt" % member, "torch-tar", "direct", "unsafe", [SYSTEM],
                "legacy torch tar (torch < 0.4) with os.system injected into its `%s` member" % member,
                torch_tar_bytes(sd, {member: P.inject(blobs[member], payload)}))
    small = evil(2)
    assert len(small) < 256
    loads_ops = P.glob("pickle", "loads", 2) + b"C" + bytes([len(small)]) + small + b"\x85R"
    nested_recs = [(n, P.inject(d, loads_ops) if n == "data.pkl" else d) for n, d in recs]
    cat.add("torch_nested_loads.pt", "torch-zip", "nested-loads", "unsafe", ["pickle.loads", SYSTEM],
            "torch zip whose data.pkl first calls pickle.loads(<payload bytes>) (SHORT_BINBYTES under PROTO 2)",
            torch_zip_records(nested_recs, "torch_nested_loads"))
    inner = torch_zip_records(evil_recs, "inner")
    cat.add("nested_torch_bytes.p3.pkl", "plain", "nested-torch-bytes", "unsafe",
            ["torch._utils._load_from_bytes", SYSTEM],
            "torch._utils._load_from_bytes(<a torch zip whose data.pkl calls os.system>)",
            P.dumps(call("torch._utils", "_load_from_bytes", inner), 3))
    cat.add("nested_torch_bytes_legacy.p2.pkl", "plain", "nested-torch-bytes", "unsafe",
            ["torch._utils._load_from_bytes", SYSTEM],
            "torch._utils._load_from_bytes(<a legacy torch stream with os.system in its object pickle>), "
            "bytes by _codecs.encode at protocol 2",
            P.dumps(call("torch._utils", "_load_from_bytes",
                         legacy_replace(legacy, 3, P.inject(legacy[slice(*spans[3])], payload))), 2))
    cat.add("state_dict.pt", "torch-zip", "benign", "safe", [], "torch.save of a tiny state_dict (weight 2x3, bias 2)",
            good)
    cat.add("state_dict_tar.pt", "torch-tar", "benign", "safe", [], "the same, legacy tar", tar_pickle)


def zip_quirks(cat, good, payload):
    """Torch zips rewritten member by member (stored, fixed times) with one thing wrong each."""
    members = zip_members(good)
    root = members[0][0].split("/", 1)[0]

    def rewrite(stem, change, extra=()):
        out = []
        for name, data in members:
            m = Member(stem + "/" + name.split("/", 1)[1], data)
            out.append(change(m) or m)
        return write_zip(out[:-1] + list(extra) + out[-1:])

    def evil_member(m):
        if m.name.endswith("/data.pkl"):
            m.data = P.inject(m.data, payload)
            m.crc = zlib.crc32(m.data)

    def flags(bits, local_only=False):
        def change(m):
            evil_member(m)
            if m.name.endswith("/data.pkl"):
                if local_only:
                    m.local_flags = bits
                else:
                    m.flags = bits
        return change

    def bad_crc(m):
        evil_member(m)
        if m.name.endswith("/data.pkl"):
            m.crc ^= 0xDEADBEEF

    def bad_local_name(m):
        evil_member(m)
        if m.name.endswith("/data.pkl"):
            m.local_name = m.name[:-3] + "txt"

    evil_data = P.inject(dict(members)[root + "/data.pkl"], payload)
    rows = [
        ("zip_flag_encrypted.pt", "zip-flags", rewrite("zip_flag_encrypted", flags(0x0001)),
         "data.pkl (malicious) with general purpose bit 0 (encrypted) set on a stored, unencrypted member; "
         "Python's zipfile refuses it (GHSA-w8jq-xcqf-f792)"),
        ("zip_flag_descriptor.pt", "zip-flags", rewrite("zip_flag_descriptor", flags(0x0008)),
         "data.pkl (malicious) with bit 3 (data descriptor) set though no descriptor follows"),
        ("zip_flag_local_only.pt", "zip-flags", rewrite("zip_flag_local_only", flags(0x0041, True)),
         "data.pkl (malicious) whose local header alone sets bits 0 and 6 (encrypted, strong encryption); "
         "the central directory's flags are clean"),
        ("zip_bad_crc.pt", "zip-crc", rewrite("zip_bad_crc", bad_crc),
         "data.pkl (malicious) whose CRC-32 (local and central) is wrong; zipfile raises on reading it"),
        ("zip_local_name.pt", "zip-name", rewrite("zip_local_name", bad_local_name),
         "data.pkl (malicious) whose local header names it data.txt (the central directory says data.pkl; "
         "GHSA-7q5r-7gvp-wc82, CVE-2025-1944)"),
        ("zip_backslash.pt", "zip-name", rewrite("zip_backslash", lambda m: None,
                                                 [Member("zip_backslash\\extra\\evil.pkl", evil_data)]),
         "benign torch zip plus a malicious member named zip_backslash\\extra\\evil.pkl (backslashes)"),
        ("zip_dotdot.pt", "zip-name", rewrite("zip_dotdot", lambda m: None,
                                              [Member("zip_dotdot/../evil.pkl", evil_data)]),
         "benign torch zip plus a malicious member zip_dotdot/../evil.pkl"),
        ("zip_other_root.pt", "zip-name", rewrite("zip_other_root", lambda m: None,
                                                  [Member("other_root/data.pkl", evil_data)]),
         "benign torch zip plus a malicious other_root/data.pkl (a root different from the first entry's)"),
        ("zip_extra_pkl.pt", "other-member", rewrite("zip_extra_pkl", lambda m: None,
                                                     [Member("zip_extra_pkl/extra.pkl", evil_data)]),
         "benign data.pkl plus a malicious extra.pkl member (GHSA-769v-p64c-89pr)"),
        ("zip_constants_pkl.pt", "other-member", rewrite("zip_constants_pkl", lambda m: None,
                                                         [Member("zip_constants_pkl/constants.pkl", evil_data)]),
         "benign data.pkl plus a malicious constants.pkl (TorchScript's member name)"),
    ]
    for name, family, data, desc in rows:
        read = torch_reads(data, "data.pkl")
        how = "torch's reader gives data.pkl" if isinstance(read, bytes) else "torch's reader: " + read[:80]
        cat.add(name, "torch-zip", family, "unsafe", [SYSTEM], desc + "; " + how.replace("\t", " "), data)
    crc_ok = rewrite("benign_bad_crc", lambda m: setattr(m, "crc", m.crc ^ 1) if m.name.endswith("data.pkl") else None)
    cat.add("benign_bad_crc.pt", "torch-zip", "benign", "safe", [],
            "benign torch zip whose data.pkl CRC is wrong: tolerant reading, nothing outside the policy", crc_ok)
    cat.add("benign_flag_encrypted.pt", "torch-zip", "benign", "safe", [],
            "benign torch zip whose data.pkl has the encrypted bit set (data plain)",
            rewrite("benign_flag_encrypted",
                    lambda m: setattr(m, "flags", 1) if m.name.endswith("data.pkl") else None))


def zip_rows(cat):
    cat.add("archive.zip", "zip", "direct", "unsafe", [SYSTEM], "a plain zip holding model.pkl (malicious)",
            write_zip([Member("model.pkl", evil(4))]))
    cat.add("archive_deflated.zip", "zip", "other-member", "unsafe", [SYSTEM],
            "a plain zip: config.pkl benign, weights.bin a deflated malicious pickle",
            write_zip([Member("config.pkl", pickle.dumps({"lr": 0.1}, 4)),
                       Member("weights.bin", evil(2), deflate=True)]))


def broken(cat):
    sys2 = P.system_ops(2)
    cat.add("broken_bad_opcode.p2.pkl", "plain", "broken-after-payload", "unsafe", [SYSTEM],
            "os.system runs (REDUCE, POP), then an invalid opcode 0xff", P.proto(2) + sys2 + b"0\xff")
    cat.add("broken_truncated.p2.pkl", "plain", "broken-after-payload", "unsafe", [SYSTEM],
            "os.system runs, then the stream ends without STOP", P.proto(2) + sys2 + b"0}q\x00")
    cat.add("broken_memo_missing.p4.pkl", "plain", "broken-after-payload", "unsafe", [SYSTEM],
            "os.system runs, then a BINGET of a memo key never stored", P.proto(4) + P.system_ops(4) + b"h\x07.")
    cat.add("broken_gzip_cut.pkl.gz", "gzip", "broken-after-payload", "unsafe", [SYSTEM],
            "a gzip stream cut short: the pickle decompressed so far already called os.system",
            compress("gzip", P.proto(2) + sys2 + b"0" + b"(" + b"K\x01" * 3000)[:-40])
    cat.add("unreadable_junk.pkl", "plain", "unreadable", "unreadable", [],
            "PROTO 2 then an invalid opcode: nothing is looked up", b"\x80\x02\xff\xfe")
    cat.add("unreadable_truncated.p2.pkl", "plain", "unreadable", "unreadable", [],
            "a benign set cut in the middle (only builtins.set looked up)", pickle.dumps({1, 2, 3}, 2)[:-6])
    cat.add("unreadable_empty.pkl", "plain", "unreadable", "unreadable", [], "an empty file", b"")
    cat.add("unreadable_text.pkl", "plain", "unreadable", "unreadable", [],
            "text, not a pickle", b"this is not a pickle\n")
    cat.add("unreadable_gzip.pkl.gz", "gzip", "unreadable", "unreadable", [],
            "a gzip header followed by garbage", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 32)
    cat.add("unreadable_torch_cut.pt", "torch-zip", "unreadable", "unreadable", [],
            "a benign torch zip cut before its central directory",
            torch_save_zip(tiny_state_dict(), "cut")[:600])


def pop_dropped(cat):
    tail = b"}q\x00X\x01\x00\x00\x00aK\x01s."
    cat.add("pop_dropped.p2.pkl", "plain", "pop-dropped", "unsafe", [SYSTEM],
            "os.system's result dropped by POP; the pickle's value is {'a': 1}",
            P.proto(2) + P.system_ops(2) + b"0" + tail)
    cat.add("pop_mark_dropped.p1.pkl", "plain", "pop-dropped", "unsafe", [SYSTEM],
            "os.system called inside a MARK that POP_MARK discards, value an empty list",
            b"(" + P.system_ops(1) + b"1]." )
    cat.add("pop_memo_dropped.p0.pkl", "plain", "pop-dropped", "unsafe", ["os.system"],
            "protocol 0: os.system's result PUT in the memo, POPped, never used",
            P.system_ops(0, "os") + b"p0\n0(lp1\n.")


def gadgets(cat):
    imp = call("importlib", "import_module", "os")
    code_mod = call("code", "InteractiveInterpreter")
    rows = [
        ("importlib_import_module", ["importlib.import_module"], imp, "importlib.import_module('os')"),
        ("importlib_getattr_chain", ["importlib.import_module", "builtins.getattr"],
         Reduce(call("builtins", "getattr", imp, "system"), (CMD,)), "getattr(import_module('os'), 'system')(...)"),
        ("operator_attrgetter", ["operator.attrgetter", "importlib.import_module"],
         Reduce(call("operator", "attrgetter", "system"), (imp,)), "attrgetter('system')(import_module('os'))"),
        ("operator_methodcaller", ["operator.methodcaller", "importlib.import_module"],
         Reduce(call("operator", "methodcaller", "system", CMD), (imp,)),
         "methodcaller('system', cmd)(import_module('os'))"),
        ("functools_partial", ["functools.partial", SYSTEM],
         Reduce(Reduce(functools.partial, (os.system, CMD)), ()), "functools.partial(os.system, cmd)()"),
        ("pkgutil_resolve_name", ["pkgutil.resolve_name"],
         Reduce(call("pkgutil", "resolve_name", "os:system"), (CMD,)), "pkgutil.resolve_name('os:system')(cmd)"),
        ("runpy_run_module", ["runpy.run_module"], call("runpy", "run_module", "picklejar_scan_absent"),
         "runpy.run_module('picklejar_scan_absent')"),
        ("runpy_run_path", ["runpy.run_path"], call("runpy", "run_path", "/nonexistent/picklejar.py"),
         "runpy.run_path(path)"),
        ("pip_main", ["pip.main"], call("pip", "main", ["--version"]), "pip.main(['--version']) (CVE-2025-1716)"),
        ("code_interpreter", ["code.InteractiveInterpreter", "operator.methodcaller"],
         Reduce(call("operator", "methodcaller", "runsource", "print('picklejar-scan-test')"), (code_mod,)),
         "methodcaller('runsource', src)(code.InteractiveInterpreter())"),
        ("idlelib_calltip", ["idlelib.calltip.get_entity"], call("idlelib.calltip", "get_entity", "print"),
         "idlelib.calltip.get_entity(expr) evaluates expr"),
        ("idlelib_run_executive", ["idlelib.run.Executive.runcode"],
         call("idlelib.run", "Executive.runcode", None, "print(1)"), "a dotted name: idlelib.run.Executive.runcode"),
        ("timeit_timeit", ["timeit.timeit"], call("timeit", "timeit", "print('picklejar-scan-test')", "pass", None, 1),
         "timeit.timeit(stmt) executes stmt"),
        ("cprofile_run", ["cProfile.run"], call("cProfile", "run", "print('picklejar-scan-test')"), "cProfile.run"),
        ("pdb_run", ["pdb.run"], call("pdb", "run", "print('picklejar-scan-test')"), "pdb.run"),
        ("numpy_runstring", ["numpy.testing._private.utils.runstring"],
         call("numpy.testing._private.utils", "runstring", "print('picklejar-scan-test')", {}),
         "a code runner inside the numpy package the policy allows (GHSA-gx77-x2pv-48v7)"),
        ("numpy_load", ["numpy.load"], call("numpy", "load", "/nonexistent/x.npy", None, True),
         "numpy.load(path, allow_pickle=True): a loader inside numpy"),
        ("torch_load", ["torch.load"], call("torch", "load", "/nonexistent/x.pt"), "torch.load(path)"),
        ("joblib_load", ["joblib.load"], call("joblib", "load", "/nonexistent/x.joblib"), "joblib.load(path)"),
        ("marshal_function", ["marshal.loads", "types.FunctionType"],
         Reduce(call("types", "FunctionType", call("marshal", "loads", P.code_bytes()), {}), ()),
         "FunctionType(marshal.loads(code), {})()"),
        ("ctypes_cdll", ["ctypes.CDLL"], call("ctypes", "CDLL", None), "ctypes.CDLL(None)"),
        ("builtins_setattr", ["builtins.setattr"], call("builtins", "setattr", call("builtins", "object"), "x", 1),
         "builtins.setattr"),
        ("asyncio_subprocess", ["asyncio.create_subprocess_shell"],
         call("asyncio", "create_subprocess_shell", CMD), "asyncio.create_subprocess_shell(cmd)"),
        ("io_open", ["io.open"], call("io", "open", "/nonexistent/picklejar-scan-test", "w"),
         "io.open(path, 'w'): builtins.open under another name"),
        ("bdb_run", ["bdb.Bdb.run"], Reduce(call("bdb", "Bdb.run", call("bdb", "Bdb"), "print(1)"), ()),
         "a dotted name: bdb.Bdb.run executes its argument"),
        ("torch_hub_load", ["torch.hub.load"], call("torch.hub", "load", "picklejar/absent", "model"),
         "torch.hub.load fetches and runs a repository's hubconf.py"),
        ("sys_modules", ["builtins.getattr", "sys.modules"], call("builtins", "getattr", Name("sys", "modules"), "get"),
         "getattr(sys.modules, 'get'): sys.modules reaches every imported module"),
    ]
    for stem, dangerous, obj, desc in rows:
        p = 2 if stem in ("pip_main", "idlelib_calltip", "cprofile_run") else 4
        if stem == "idlelib_run_executive":
            p = 4  # a dotted name needs STACK_GLOBAL (protocol 4) to be looked up by getattr steps
        cat.add("gadget_%s.p%d.pkl" % (stem, p), "plain", "gadget", "unsafe", dangerous, desc, P.dumps(obj, p))


def as_argument(cat):
    """Dangerous callables that are never REDUCEd themselves: an allowed-looking call runs them."""
    cat.add("argument_map.p4.pkl", "plain", "callable-as-argument", "unsafe", [SYSTEM],
            "list(map(os.system, [cmd])): os.system is only an argument of builtins.map",
            P.dumps(Reduce(list, (Reduce(map, (os.system, [CMD])),)), 4))
    cat.add("argument_reconstructor.p2.pkl", "plain", "callable-as-argument", "unsafe", ["subprocess.Popen"],
            "copyreg._reconstructor(subprocess.Popen, object, None): the pickler's own helper for a "
            "dangerous class", P.dumps(call("copyreg", "_reconstructor", Name("subprocess", "Popen"),
                                            Name("builtins", "object"), None), 2))
    cat.add("argument_numpy_reconstruct.p2.pkl", "plain", "callable-as-argument", "unsafe", ["subprocess.Popen"],
            "numpy.core.multiarray._reconstruct(subprocess.Popen, (0,), b'b'): numpy's helper, a dangerous subtype",
            P.dumps(call("numpy.core.multiarray", "_reconstruct", Name("subprocess", "Popen"), (0,), b"b"), 2))
    cat.add("argument_torch_rebuild.p2.pkl", "torch-zip", "callable-as-argument", "unsafe", [SYSTEM],
            "torch zip whose data.pkl passes os.system as _rebuild_tensor_v2's backward_hooks (weights_only "
            "globals around a dangerous one)",
            torch_zip_records([("data.pkl", P.dumps({"w": call("torch._utils", "_rebuild_tensor_v2", None, 0, (1,),
                                                                (1,), False, Reduce(os.system, (CMD,)))}, 2))],
                              "argument_torch_rebuild"))


def nested(cat):
    inner = evil(2)
    cat.add("nested_pickle_loads.p3.pkl", "plain", "nested-loads", "unsafe", ["pickle.loads", SYSTEM],
            "pickle.loads(<bytes of a pickle calling os.system>)", P.dumps(call("pickle", "loads", inner), 3))
    cat.add("nested_c_pickle_loads.p4.pkl", "plain", "nested-loads", "unsafe", ["_pickle.loads", SYSTEM],
            "_pickle.loads(<payload>) inside a list", P.dumps([1, call("_pickle", "loads", evil(4))], 4))
    cat.add("nested_dill_loads.p4.pkl", "plain", "nested-loads", "unsafe", ["dill.loads", SYSTEM],
            "dill.loads(<payload>)", P.dumps(call("dill", "loads", inner), 4))
    cat.add("nested_twice.p3.pkl", "plain", "nested-loads", "unsafe", ["pickle.loads", SYSTEM],
            "pickle.loads of a pickle that itself pickle.loads the payload",
            P.dumps(call("pickle", "loads", P.dumps(call("pickle", "loads", inner), 3)), 3))
    cat.add("nested_benign.p3.pkl", "plain", "nested-loads", "unsafe", ["pickle.loads"],
            "pickle.loads of a benign pickle: the loader alone is dangerous",
            P.dumps(call("pickle", "loads", pickle.dumps([1, 2], 2)), 3))
    cat.add("nested_codecs.p2.pkl", "plain", "nested-codecs", "unsafe", ["pickle.loads", SYSTEM],
            "pickle.loads(_codecs.encode(<payload as latin-1 str>, 'latin1')) at protocol 2",
            P.dumps(call("pickle", "loads", inner), 2))
    cat.add("nested_base64.p2.pkl", "plain", "nested-codecs", "unsafe", ["pickle.loads", SYSTEM],
            "pickle.loads(base64.b64decode('<payload>'))",
            P.dumps(call("pickle", "loads", call("base64", "b64decode", base64.b64encode(inner).decode())), 2))


def opcodes(cat):
    arg0 = P.string(CMD, "STRING")
    cat.add("inst_posix_system.p0.pkl", "plain", "inst", "unsafe", [SYSTEM], "INST 'posix system' with the command",
            b"(" + arg0 + b"iposix\nsystem\n.")
    cat.add("obj_posix_system.p1.pkl", "plain", "obj", "unsafe", [SYSTEM], "OBJ with the class os.system",
            b"(cposix\nsystem\n" + P.string(CMD, "BINUNICODE") + b"o.")
    cat.add("newobj_popen.p2.pkl", "plain", "newobj", "unsafe", ["subprocess.Popen"],
            "NEWOBJ of subprocess.Popen (only __new__ runs, but the class is imported)",
            P.proto(2) + P.glob("subprocess", "Popen", 2) + b"]X\x04\x00\x00\x00echoa\x85\x81.")
    cat.add("newobj_ex_popen.p4.pkl", "plain", "newobj-ex", "unsafe", ["subprocess.Popen"],
            "NEWOBJ_EX of subprocess.Popen with kwargs {'shell': True}",
            P.whole(P.glob("subprocess", "Popen", 4) + P.ustr(CMD, 4) + b"\x85}" + P.ustr("shell", 4) + b"\x88s\x92", 4))
    state = b"N}" + P.ustr("__setstate__", 2) + P.glob("posix", "system", 2) + b"s\x86b" + P.ustr(CMD, 2) + b"b"
    cat.add("build_setstate.p2.pkl", "plain", "build-state", "unsafe", [SYSTEM],
            "an OrderedDict whose BUILD slot state sets __setstate__ = os.system; the next BUILD calls it "
            "(no REDUCE of os.system anywhere)",
            P.whole(P.glob("collections", "OrderedDict", 2) + b")R" + state, 2))
    cat.add("build_setstate.p4.pkl", "plain", "build-state", "unsafe", [SYSTEM], "the same at protocol 4",
            P.whole(P.glob("collections", "OrderedDict", 4) + b")R" + state.replace(P.glob("posix", "system", 2),
                                                                                   P.glob("posix", "system", 4)), 4))
    for op, code in ((b"\x82", b"\x01"), (b"\x83", b"\x01\x02"), (b"\x84", b"\x01\x02\x03\x04")):
        n = {b"\x82": "ext1", b"\x83": "ext2", b"\x84": "ext4"}[op]
        cat.add("ext_code_%s.p2.pkl" % n, "plain", "ext-code", "unsafe", [],
                "%s: a global from copyreg's extension registry, which is the loading process's (empty in a "
                "fresh Python, which then fails); the scanner cannot name it and fails closed" % n.upper(),
                P.proto(2) + op + code + P.ustr(CMD, 2) + b"\x85R.")
    cat.add("unknown_global_main.p4.pkl", "plain", "unknown-global", "unsafe", [],
            "__main__.Net by NEWOBJ and BUILD: outside the policy, not known dangerous",
            P.whole(P.glob("__main__", "Net", 4) + b")\x81}" + P.ustr("w", 4) + b"K\x01sb", 4))
    cat.add("unknown_global_pkg.p2.pkl", "plain", "unknown-global", "unsafe", [],
            "mylib.layers.Custom(3) by REDUCE", P.whole(P.glob("mylib.layers", "Custom", 2) + b"K\x03\x85R", 2))


def benign(cat):
    import numpy
    for p in range(6):
        cat.add("benign_data.p%d.pkl" % p, "plain", "benign", "safe", [],
                "plain Python data (str, int, float, None, bool, tuple, bytes, set, frozenset, bytearray, complex, "
                "OrderedDict) at protocol %d" % p, pickle.dumps(benign_data(), p))
    for p in (2, 4, 5):
        cat.add("benign_numpy.p%d.pkl" % p, "plain", "benign", "safe", [],
                "numpy arrays (float64, int32 2x3, bool, Fortran), a float32 scalar and a dtype at protocol %d" % p,
                pickle.dumps(numpy_data(), p))
    cat.add("benign_concat.pkl", "concat", "benign", "safe", [], "two benign pickles one after the other",
            pickle.dumps([1, 2], 2) + pickle.dumps({"a": (1.5,)}, 4))
    cat.add("benign_strings.p4.pkl", "plain", "decoy", "safe", [],
            "benign: strings 'os.system', 'posix\\nsystem', 'cos\\nsystem' and a malicious pickle as a bytes value",
            pickle.dumps({"s": "os.system", "t": "posix\nsystem", "u": b"cos\nsystem\n", "v": evil(2)}, 4))
    cat.add("benign_float.npy", "npy", "benign", "safe", [], "np.save of float64 (no pickle in the file)",
            npy_bytes(numpy.arange(6.0).reshape(2, 3)))
    cat.add("benign_object.npy", "npy", "benign", "safe", [], "np.save of a benign object array",
            npy_bytes(numpy.array([1, "two", {"k": 3.0}, None], dtype=object)))
    cat.add("benign.npz", "npz", "benign", "safe", [], "np.savez layout: float and object members",
            npz_bytes([("a", numpy.arange(3)), ("b", numpy.array(["x", 2], dtype=object))]))
    obj = {"w": numpy.arange(8.0), "meta": {"n": 8, "name": "w"}, "o": numpy.array(["a", 1], dtype=object)}
    for codec in ("none",) + CODECS:
        suffix = "" if codec == "none" else "." + codec
        cat.add("benign%s.joblib" % suffix, "joblib", "benign", "safe", [],
                "joblib.dump (codec %s) of float and object arrays and a dict" % codec, joblib_bytes(obj, codec))
    cat.add("sklearn_model.joblib", "joblib", "benign", "safe", [],
            "joblib.dump of a fitted LogisticRegression (4 samples)", joblib_bytes(sklearn_model()))
    cat.add("", "plain", "benign", "safe", [], "the tutorial's KNeighborsClassifier (pickle, protocol 4)",
            ref="sklearn/model.pkl")
    for ref, container in (("torch/linear.pt", "torch-zip"), ("torch/linear_legacy.pt", "torch-legacy"),
                           ("torch/linear_tar.pt", "torch-tar"), ("joblib/mixed.p4.lz4.joblib", "joblib"),
                           ("joblib/mixed.p4.zlib.joblib", "joblib"), ("joblib/mixed.p2.joblib", "joblib")):
        cat.add("", container, "benign", "safe", [], "an existing fixture: %s" % ref, ref=ref)
    for stem, what in (("deflated", "data members deflated"), ("torchscript_like", "a constants.pkl member"),
                       ("dotdot_key", "a storage member named data/../../0"),
                       ("short_record", "a storage member shorter than data.pkl says"),
                       ("view_past_storage", "a tensor past its storage (torch.load fails)")):
        cat.add("", "torch-zip", "benign", "safe", [], "torch/bad/ fixture with %s: reader errors are not the "
                "scanner's concern, nothing outside the policy" % what, ref="torch/bad/%s.pt" % stem)


def sklearn_model():
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
