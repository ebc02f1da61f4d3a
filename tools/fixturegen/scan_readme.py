"""fixtures/scan/README.md: what each family is and which advisory it mirrors."""

import collections

FAMILIES = [
    ("direct", "a known-dangerous callable called outright, in every container (os/posix/nt system, "
               "exec*, popen, subprocess, builtins eval/exec/compile/open/__import__/getattr, pty, socket, "
               "webbrowser, shutil), protocols 0-5, Python 2 names mapped by fix_imports"),
    ("memo-stack-global", "STACK_GLOBAL whose module and name come from the memo (BINGET, LONG_BINGET), "
                          "not from the literal strings just before it (picklescan GHSA-9gvj-pp9x-gcfr)"),
    ("string-stack-global", "STACK_GLOBAL whose strings are pushed by STRING, BINSTRING, UNICODE, "
                            "BINUNICODE8 and the like (scanners that follow only SHORT_BINUNICODE miss them)"),
    ("second-pickle", "a payload in a pickle after the first STOP (torch's legacy loader and any "
                      "pickle.load loop read on)"),
    ("after-array", "joblib: the payload after an array's raw bytes, which stop opcode listers "
                    "(pickletools.genops); the scanner skips the data by the wrapper's declared size"),
    ("joblib-object-array", "joblib's object arrays are a second pickle read by pickle.load"),
    ("compressed", "payloads in zlib/gzip/bz2/xz/lzma/lz4 files, some under misleading extensions "
                   "(CVE-2025-1889, CVE-2025-10155: names a scanner does not open)"),
    ("zip-flags", "torch zips whose general purpose flags claim encryption or a data descriptor; Python's "
                  "zipfile refuses them, torch's reader does not (picklescan GHSA-w8jq-xcqf-f792)"),
    ("zip-crc", "a wrong CRC-32 on data.pkl (JFrog, picklescan GHSA-gx77-x2pv-48v7)"),
    ("zip-name", "member names with backslashes, `..`, another root, or a local header name that differs "
                 "from the central directory's (picklescan GHSA-7q5r-7gvp-wc82, CVE-2025-1944)"),
    ("other-member", "payloads in members other than data.pkl (picklescan GHSA-769v-p64c-89pr)"),
    ("broken-after-payload", "streams that fail after the payload was already looked up and called: unsafe, "
                             "not unreadable"),
    ("unreadable", "files that fail before anything outside the policy appears"),
    ("pop-dropped", "a call whose result is thrown away by POP or POP_MARK"),
    ("gadget", "callables missing from common blocklists (picklescan GHSA-655q-fx9r-782v, CVE-2025-1716 "
               "pip.main; idlelib, code, timeit, cProfile, pdb, runpy, pkgutil, operator, functools, "
               "marshal+FunctionType, ctypes, asyncio; numpy's runstring and numpy/torch/joblib loaders "
               "inside allowed packages)"),
    ("nested-loads", "pickle.loads / _pickle.loads / dill.loads of bytes that are themselves a pickle"),
    ("nested-codecs", "the inner pickle's bytes made by _codecs.encode(str, 'latin1') or base64.b64decode"),
    ("nested-torch-bytes", "torch._utils._load_from_bytes of a torch zip or legacy stream"),
    ("callable-as-argument", "a dangerous callable passed to an allowed-looking one (map, "
                             "copyreg._reconstructor, numpy's _reconstruct, torch's _rebuild_tensor_v2) and "
                             "never called by REDUCE itself"),
    ("build-state", "BUILD slot state setting __setstate__ = os.system, called by the next BUILD (no REDUCE)"),
    ("inst", "INST"), ("obj", "OBJ"), ("newobj", "NEWOBJ"), ("newobj-ex", "NEWOBJ_EX"),
    ("ext-code", "EXT1/2/4: a global from the loading process's copyreg registry; unknowable, fails closed"),
    ("unknown-global", "globals outside the policy that are not known dangerous: unsafe, no dangerous names"),
    ("decoy", "benign files holding malicious bytes as data (strings, bytes, uint8 array contents)"),
    ("benign", "plain data at protocols 0-5, numpy, .npy/.npz, joblib with every codec, scikit-learn, "
               "torch state_dicts (zip, legacy, tar), zips with harmless quirks"),
]

HEAD = """# fixtures/scan/: files for `picklejar scan` (issue 14)

Written by `tools/gen_fixtures.py --only scan` (tools/fixturegen/scan_*.py); never edit by hand.
fixtures/SCAN.tsv lists every file (some rows point at fixtures of torch/, sklearn/, joblib/) with:

| column | meaning |
|---|---|
| `file` | path relative to fixtures/ |
| `container` | plain, concat, zlib, gzip, bz2, xz, lzma, lz4, joblib, npy, npz, torch-zip, torch-legacy, torch-tar, zip |
| `family` | the bypass family below |
| `verdict` | safe, unsafe or unreadable under the default `ml` policy |
| `dangerous` | `;`-joined known-dangerous globals the scanner must name (empty if none) |
| `globals` | `;`-joined, sorted, unique globals Python's unpickler looks up (empty if none) |
| `description` | one line |

`globals` is computed by running pickle._Unpickler with a find_class that records and returns stubs
(nothing is imported or called) over every pickle of the file: concatenated pickles until EOF,
every `.pkl` member of a torch zip (every member of a plain zip, every `.npy` of an npz), the five
pickles of a legacy torch stream, the pickles of a legacy tar's members, joblib's pickle with array
data skipped by the wrapper's size (object arrays are a pickle too), and the pickle a loader stub
(pickle.loads, _pickle.loads, dill.loads, torch._utils._load_from_bytes) is given. Names are after
fix_imports' mapping for protocols < 3 (`__builtin__.eval` is recorded as `builtins.eval`). For broken
streams it is what was looked up before the error. Extensions do not tell the content: the scanner
sniffs. The payloads are inert (`%s`, paths that do not exist) and were never run.

## Families

| family | rows | what |
|---|---|---|
"""


def scan_readme(rows):
    from .scan_payloads import CMD
    counts = collections.Counter(r[2] for r in rows)
    known = {f for f, _ in FAMILIES}
    assert set(counts) <= known, set(counts) - known
    lines = [HEAD % CMD]
    for family, what in FAMILIES:
        lines.append("| %s | %d | %s |\n" % (family, counts.get(family, 0), what))
    allowed = sorted({g for r in rows if r[3] == "safe" for g in r[5].split(";") if g})
    dangerous = sorted({g for r in rows for g in r[4].split(";") if g})
    lines.append(TAIL % (" ".join("`%s`" % g for g in allowed), " ".join("`%s`" % g for g in dangerous)))
    return "".join(lines)


TAIL = """
## What the rows take for granted

- The globals of the safe rows are all inside the `ml` policy: %s.
- The known-dangerous names the rows use: %s. A row's `dangerous` cell lists every
  known-dangerous global of the file; its other globals are benign or merely outside the policy.
- Torch zips are read by the central directory (names, sizes, offsets), ignoring flag bits, CRCs and
  local header names, as torch's miniz reader does; every member ending in `.pkl` is a pickle. A
  plain zip's members are all pickles whatever their names (`weights.bin`).
- Compressed streams cut short give what they decompressed before the cut (broken_gzip_cut).
- `ext-code` rows are unsafe with no globals: Python fails on the unregistered code, but a process
  with a copyreg registry would import whatever it maps to.
"""
