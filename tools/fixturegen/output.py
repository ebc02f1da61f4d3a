"""The fixture set being written (FX): files, MANIFEST.tsv and REDUMP.tsv rows, and add_case."""

import collections
import io
import os
import pickle
import pickletools
import shutil

from .common import FIX, NP, PKL, REDUMP, REDUMP_HEADER, SKL
from .walker import walk_json
from .inert import inert_json

# ------------------------------------------------------------------------------------------------
# Output

class Fixtures:
    def __init__(self):
        self.rows = []
        self.files = {}  # path relative to fixtures/ -> bytes
        self.checks = collections.Counter()
        self.redump_rows = []   # REDUMP.tsv rows (redump_cases)
        self.redump_files = {}  # path relative to fixtures/ ("redump/...") -> bytes
        self.redump_skipped = 0  # json rows CPython cannot load (fix_imports=0)
        self.redump_reasons = collections.Counter()
        self.numpy2 = set()     # MANIFEST files written with numpy 2.x module paths (numpy._core.*)

    def put(self, rel, data):
        assert rel not in self.files, rel
        self.files[rel] = data if isinstance(data, bytes) else data.encode("utf-8")

    def add(self, rel_pkl, data, protocol, options, expect, description, json_text=None, buffers=()):
        assert rel_pkl.endswith((".pkl", ".pickle"))
        stem = rel_pkl.rsplit(".", 1)[0]
        self.put(rel_pkl, data)
        for i, b in enumerate(buffers):
            self.put("%s.buf%d.bin" % (stem, i), bytes(b))
        out = io.StringIO()
        has_dis = True
        try:
            pickletools.dis(data, out, annotate=0)
        except Exception:
            has_dis = False
        if has_dis:
            self.put(stem + ".dis", out.getvalue())
        if expect == "json":
            assert json_text is not None
            assert "\n" not in json_text
            self.put(stem + ".json", json_text)
        else:
            assert json_text is None
        opts = ",".join(options) if options else "-"
        self.rows.append((rel_pkl, "-" if protocol is None else str(protocol), opts, expect,
                          "dis" if has_dis else "-", description))

    def write(self):
        if os.path.isdir(PKL):
            shutil.rmtree(PKL)
        os.makedirs(PKL)
        if os.path.isdir(NP):
            shutil.rmtree(NP)
        os.makedirs(NP)
        os.makedirs(SKL, exist_ok=True)
        for name in os.listdir(SKL):
            if name.startswith("model"):
                os.remove(os.path.join(SKL, name))
        for rel, data in sorted(self.files.items()):
            with open(os.path.join(FIX, rel), "wb") as f:
                f.write(data)
        lines = ["file\tprotocol\toptions\texpect\tdis\tdescription"]
        for r in self.rows:
            assert all("\t" not in c and "\n" not in c for c in r)
            lines.append("\t".join(r))
        with open(os.path.join(FIX, "MANIFEST.tsv"), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")

        if os.path.isdir(REDUMP):
            shutil.rmtree(REDUMP)
        os.makedirs(REDUMP)
        for rel, data in sorted(self.redump_files.items()):
            with open(os.path.join(FIX, rel), "wb") as f:
                f.write(data)
        lines = [REDUMP_HEADER]
        for r in self.redump_rows:
            assert all(c and "\t" not in c and "\n" not in c for c in r)
            lines.append("\t".join(r))
        with open(os.path.join(FIX, "REDUMP.tsv"), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")


FX = Fixtures()


def dumps_checked(obj, proto, **kw):
    a = pickle.dumps(obj, proto, **kw)
    b = pickle.dumps(obj, proto, **kw)
    assert a == b, "pickle.dumps is not repeatable"
    return a


def add_case(name, make, protocols=range(6), desc="", check=None, fix_imports_rows=False):
    """A Python value pickled at each protocol; expected JSON from the object and from the bytes."""
    for p in protocols:
        obj = make()
        data = dumps_checked(obj, p)
        expected = walk_json(obj, p)
        got = inert_json(data)
        assert expected == got, "%s p%d: walker and inert unpickler disagree\n%s\n%s" % (name, p, expected[:3000], got[:3000])
        loaded = pickle.loads(data)
        if check is not None:
            check(obj, loaded)
        else:
            assert walk_json(loaded, p) == expected, "%s p%d: CPython's load differs" % (name, p)
        FX.checks["roundtrip"] += 1
        FX.add("pickle/%s.p%d.pkl" % (name, p), data, p, [], "json", desc, expected)
        if fix_imports_rows and p < 3:
            raw = walk_json(obj, p, fix_read=False)
            assert raw == inert_json(data, fix_imports=False)
            FX.add("pickle/%s_nofix.p%d.pkl" % (name, p), data, p, ["fix_imports=0"], "json",
                   desc + "; loaded with fix_imports=0 (Python 2 names as written)", raw)
