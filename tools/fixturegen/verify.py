"""Re-reads what was written (MANIFEST.tsv, REDUMP.tsv, fixtures/redump/) and checks it against
CPython and the inert unpickler."""

import collections
import hashlib
import io
import os
import pickle

from .common import FIX, REDUMP, REDUMP_HEADER
from .inert import inert_json
from .pickle_cases import ExtUnpickler
from .numpy_cases import numpy2_modules

def cpython_load(rel, data, kw):
    # pickle.loads on bytes: the C unpickler reading a file object mis-reads frame_crossing.pkl.
    if os.path.basename(rel).startswith("persistent_id"):
        return ExtUnpickler(io.BytesIO(data), **kw).load()
    if os.path.basename(rel).startswith("np2_"):
        with numpy2_modules("load"):
            return pickle.loads(data, **kw)
    return pickle.loads(data, **kw)


def verify_written():
    """Re-reads every MANIFEST row from disk and checks it against CPython and the inert unpickler."""
    counts = collections.Counter()
    with open(os.path.join(FIX, "MANIFEST.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == "file\tprotocol\toptions\texpect\tdis\tdescription" and lines[-1] == ""
    for line in lines[1:-1]:
        rel, proto, opts, expect, dis, _ = line.split("\t")
        stem = os.path.join(FIX, rel.rsplit(".", 1)[0])
        with open(os.path.join(FIX, rel), "rb") as f:
            data = f.read()
        assert (dis == "dis") == os.path.exists(stem + ".dis"), rel
        kw = {}
        for o in ([] if opts == "-" else opts.split(",")):
            k, v = o.split("=")
            if k == "encoding":
                kw["encoding"] = v
            elif k == "fix_imports":
                kw["fix_imports"] = v != "0"
            elif k == "buffers":
                n = 0 if v == "none" else int(v)
                kw["buffers"] = None if v == "none" else []
                for i in range(n):
                    with open("%s.buf%d.bin" % (stem, i), "rb") as bf:
                        kw["buffers"].append(bf.read())
                assert not os.path.exists("%s.buf%d.bin" % (stem, n)), rel
            else:
                raise AssertionError(o)
        if expect == "json":
            with open(stem + ".json", encoding="ascii") as jf:
                want = jf.read()
            assert inert_json(data, **kw) == want, rel
            try:
                cpython_load(rel, data, kw)
                counts["json rows: CPython loads"] += 1
            except ImportError:
                assert kw.get("fix_imports") is False, rel
                counts["json rows: fix_imports=0, CPython cannot import the Python 2 names"] += 1
        else:
            assert expect.startswith("error:k") and not os.path.exists(stem + ".json"), rel
            try:
                cpython_load(rel, data, kw)
            except Exception as e:  # noqa: BLE001
                assert expect != "error:kDecode" or isinstance(e, UnicodeDecodeError), rel
                counts["error rows: CPython fails"] += 1
            else:
                raise AssertionError("CPython loads error fixture " + rel)
    return counts


def verify_redump():
    """Re-reads REDUMP.tsv and fixtures/redump/: every path exists, names match the SHA-256 of the
    content, nothing is left unreferenced, and every stored stream loads in the inert unpickler."""
    counts = collections.Counter()
    with open(os.path.join(FIX, "REDUMP.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == REDUMP_HEADER and lines[-1] == ""
    with open(os.path.join(FIX, "MANIFEST.tsv"), encoding="utf-8") as f:
        manifest = {line.split("\t")[0]: line.split("\t") for line in f.read().split("\n")[1:-1]}
    referenced = set()
    seen = set()
    for line in lines[1:-1]:
        source, proto, variant, expect, nbuf, note = line.split("\t")
        assert manifest[source][3] == "json" and "fix_imports=0" not in manifest[source][2], source
        assert (source, proto, variant) not in seen and proto in "012345" and len(proto) == 1
        seen.add((source, proto, variant))
        assert variant == "inband" or (variant == "oob" and proto == "5"), line
        path = expect
        if expect == "unmatchable":
            assert note.startswith("cpython="), line
            path = note[len("cpython="):].split(";")[0]
        if path.startswith("error:"):
            assert nbuf == "0", line
            counts["rows: CPython raises" if expect != "unmatchable" else "rows: unmatchable, CPython raises"] += 1
            continue
        assert path.startswith("redump/") and path.endswith(".pkl"), line
        with open(os.path.join(FIX, path), "rb") as f:
            data = f.read()
        assert hashlib.sha256(data).hexdigest()[:16] == os.path.basename(path)[:-4], path
        stem = path[:-4]
        n = int(nbuf)
        assert variant == "oob" or n == 0, line
        bufs = []
        for i in range(n):
            with open(os.path.join(FIX, "%s.buf%d.bin" % (stem, i)), "rb") as f:
                bufs.append(f.read())
            referenced.add("%s.buf%d.bin" % (stem, i))
        assert not os.path.exists(os.path.join(FIX, "%s.buf%d.bin" % (stem, n))), line
        referenced.add(path)
        inert_json(data, buffers=bufs if variant == "oob" else None)
        counts["rows: %s" % ("unmatchable, CPython dumps" if expect == "unmatchable" else "CPython dumps")] += 1
    on_disk = {"redump/" + n for n in os.listdir(REDUMP)}
    assert on_disk == referenced, sorted(on_disk ^ referenced)[:5]
    counts["redump files"] = len(on_disk)
    return counts
