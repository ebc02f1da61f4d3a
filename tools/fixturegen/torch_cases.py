"""fixtures/torch/ and fixtures/TORCH.tsv: files torch.save wrote (zip and legacy stream) and what
torch.load makes of them; fixtures/torch/bad/: real zips made wrong for the reader's error tests.

Self-contained like joblib_cases: torch_fixtures() makes, writes and verifies its own files and
fixtures/torch/README.md (TORCH_README below documents them). The objects are torch_build.CASES.
The expectation of each file (`<stem>.expect.json`) is computed twice and the two must agree:

  1. from the object torch.load returns (dtype, shape, stride, storage_offset, values, Parameter
     or not, which tensors are the same object), and
  2. from the bytes: data.pkl read by an unpickler that imports nothing (ScanUnpickler: storages
     are the persistent ids as written, tensors the _rebuild_tensor_v2 arguments),

and both must equal the object before saving (walked the same way), so the zip and the legacy file
of a case describe the same tensors. Storage bytes are checked against the loaded storages.
"""

import collections
import hashlib
import io
import json
import os
import pickle
import pickletools
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import warnings
import zipfile

from . import torch_build, torch_tar
from .common import EXPECTED_VERSIONS, FIX, replace_tree, write_tsv
from .torch_readme import TORCH_README, bad_readme_lines

TORCH = os.path.join(FIX, "torch")
TSV_HEADER = "file\tformat\tcase\ttorch\troot\tstorages\ttensors\tload\tweights_only\tdescription"
MAX_LISTED = 64  # tensors with more elements get only their sha256 in the sidecar
# The legacy tar keeps no requires_grad and no Parameter (torch 0.3 pickled Variables otherwise).
TAR_SKIPPED = ("parameters",)
LEGACY_PICKLES = ("magic_number", "protocol_version", "sys_info", "object", "storage_keys")


# ------------------------------------------------------------------------------------------------
# Reading data.pkl without torch: persistent ids and _rebuild_* arguments as written

class StorageRef:
    def __init__(self, pid):
        self.pid = pid
        self.type_name = pid[1].name
        self.key = pid[2]


class GlobalRef:
    def __init__(self, module, name):
        self.module, self.name = module, name


class TensorStub:
    def __init__(self, storage, offset, size, stride, requires_grad, hooks, *metadata):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride
        self.requires_grad, self.hooks, self.metadata = requires_grad, hooks, metadata
        self.parameter = False


def rebuild_parameter(data, requires_grad, hooks):
    p = TensorStub(data.storage, data.offset, data.size, data.stride, requires_grad, hooks, *data.metadata)
    p.parameter = True
    return p


class ScanUnpickler(pickle.Unpickler):
    def __init__(self, f):
        super().__init__(f, encoding="utf-8")
        self.pids = []

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch" and name.endswith("Storage"):
            return GlobalRef(module, name)
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return TensorStub
        if (module, name) == ("torch._utils", "_rebuild_parameter"):
            return rebuild_parameter
        raise pickle.UnpicklingError("unexpected global %s.%s" % (module, name))

    def persistent_load(self, pid):
        assert isinstance(pid, tuple) and pid[0] == "storage", pid
        self.pids.append(pid)
        return StorageRef(pid)


# ------------------------------------------------------------------------------------------------
# The expectation of one file

def jfloat(x):
    return x if x == x and x not in (float("inf"), float("-inf")) else repr(x)


def jscalar(x):
    if isinstance(x, complex):
        return [jfloat(x.real), jfloat(x.imag)]
    if isinstance(x, float):
        return jfloat(x)
    return x


def flat(values):
    if isinstance(values, list):
        return [y for x in values for y in flat(x)]
    return [values]


def tensor_paths(obj, path=(), out=None):
    """(dotted path, tensor) in pickling order: dict items in order, list/tuple items by index."""
    import torch
    out = [] if out is None else out
    if isinstance(obj, (torch.Tensor, TensorStub)):
        out.append((".".join(path), obj))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            tensor_paths(v, path + (str(k),), out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            tensor_paths(v, path + (str(i),), out)
    return out


def skeleton(obj, index):
    """The object as JSON with tensors replaced by {"tensor": i} (i into the tensor list)."""
    import torch
    if isinstance(obj, (torch.Tensor, TensorStub)):
        return {"tensor": index[id(obj)]}
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return jfloat(obj) if isinstance(jfloat(obj), float) else {"float": repr(obj)}
    if isinstance(obj, list):
        return [skeleton(v, index) for v in obj]
    if isinstance(obj, tuple):
        return {"tuple": [skeleton(v, index) for v in obj]}
    if isinstance(obj, dict):
        kind = "OrderedDict" if isinstance(obj, collections.OrderedDict) else "dict"
        out = {kind: [[skeleton(k, index), skeleton(v, index)] for k, v in obj.items()]}
        if getattr(obj, "_metadata", None) is not None:
            out["_metadata"] = skeleton(obj._metadata, index)
        return out
    raise AssertionError("no JSON form for %r" % type(obj))


def logical_bytes(t):
    import torch
    t = t.detach().reshape(-1).contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def tensor_records(obj):
    """One record per tensor occurrence of the torch object, and the index of first occurrences."""
    import torch
    records, index, first = [], {}, {}
    for path, t in tensor_paths(obj):
        rec = collections.OrderedDict()
        rec["path"] = path
        if id(t) in first:
            rec["same_as"] = first[id(t)]
            records.append(rec)
            continue
        first[id(t)] = path
        index[id(t)] = len(records)
        st = t.storage()
        rec["dtype"] = str(t.dtype).replace("torch.", "")
        rec["storage_type"] = st.pickle_storage_type()
        rec["shape"] = list(t.shape)
        rec["stride"] = list(t.stride())
        rec["storage_offset"] = t.storage_offset()
        rec["storage_key"] = None
        rec["storage_numel"] = st.size()
        rec["requires_grad"] = t.requires_grad
        rec["parameter"] = isinstance(t, torch.nn.Parameter)
        rec["contiguous"] = t.is_contiguous()
        rec["numel"] = t.numel()
        data = logical_bytes(t)
        rec["nbytes"] = len(data)
        rec["sha256"] = hashlib.sha256(data).hexdigest()
        if t.numel() <= MAX_LISTED:
            rec["values"] = [jscalar(x) for x in flat(t.detach().tolist())]
        records.append(rec)
    return records, index


def first_index(obj):
    """id -> position in the tensor list of each tensor's first occurrence (as tensor_records)."""
    index = {}
    for i, (_, t) in enumerate(tensor_paths(obj)):
        index.setdefault(id(t), i)
    return index


def stub_records(obj):
    """The same walk over ScanUnpickler's object: what data.pkl itself says of each tensor."""
    out, first = [], {}
    for path, s in tensor_paths(obj):
        if id(s) in first:
            out.append({"path": path, "same_as": first[id(s)]})
            continue
        first[id(s)] = path
        assert s.hooks == collections.OrderedDict() and s.metadata == (), path
        out.append({"path": path, "storage_type": s.storage.type_name, "shape": list(s.size),
                    "stride": list(s.stride), "storage_offset": s.offset, "storage_key": s.storage.key,
                    "storage_numel": s.storage.pid[4], "requires_grad": s.requires_grad,
                    "parameter": s.parameter})
    return out


def merge_scan(records, stubs):
    assert len(records) == len(stubs)
    for rec, stub in zip(records, stubs):
        for k, v in stub.items():
            if k == "storage_key":
                rec[k] = v
            else:
                assert rec[k] == v, (rec["path"], k, rec[k], v)


def storage_bytes(typed):
    import torch
    return torch.empty(0, dtype=torch.uint8).set_(typed._storage).numpy().tobytes()


def zip_members(data):
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for i in z.infolist():
            n, m = struct.unpack("<HH", data[i.header_offset + 26:i.header_offset + 30])
            out.append(collections.OrderedDict([
                ("name", i.filename), ("header_offset", i.header_offset),
                ("data_offset", i.header_offset + 30 + n + m), ("size", i.file_size),
                ("compressed_size", i.compress_size), ("method", i.compress_type), ("crc32", i.CRC)]))
    return out


def error_text(e, tmp):
    # C++ errors carry a backtrace after the first line, with addresses that vary between runs.
    msg = str(e).split("\n")[0].replace(tmp, "<dir>")
    return "error: %s: %s" % (type(e).__name__, msg)


def try_load(path, tmp, **kw):
    import torch
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            obj, result = torch.load(path, **kw), "ok"
        except Exception as e:  # the exception itself is the expectation
            obj, result = None, error_text(e, tmp)
    return obj, result, [str(w.message).replace(tmp, "<dir>") for w in caught]


def read_legacy(data):
    """Offsets of the five pickles and each storage of a legacy stream, and the object pickle."""
    f = io.BytesIO(data)
    pickles, values = [], {}
    for what in LEGACY_PICKLES:
        start = f.tell()
        if what == "object":
            scan = ScanUnpickler(f)
            values[what] = scan.load()
        else:
            values[what] = pickle.load(f)
        pickles.append({"name": what, "offset": start, "length": f.tell() - start})
    types = {pid[2]: pid[1].name for pid in scan.pids}
    storages = []
    for key in values["storage_keys"]:
        at = f.tell()
        count, = struct.unpack("<q", f.read(8))
        size = element_size(types[key]) * count
        raw = f.read(size)
        assert len(raw) == size
        storages.append((key, at, count, raw))
    assert f.tell() == len(data), "bytes after the last storage"
    return pickles, values, scan, storages


def element_size(storage_type):
    import torch
    return torch._utils._element_size(getattr(torch, storage_type).dtype)


def expectation(case, fmt, rel, data, description, tmp):
    """The sidecar of one good file, with the checks that make it trustworthy."""
    import torch
    path = os.path.join(tmp, os.path.basename(rel))
    with open(path, "wb") as f:
        f.write(data)
    obj, load, caught = try_load(path, tmp)
    assert load == "ok" and not caught, (rel, load, caught)
    _, weights_only, _ = try_load(path, tmp, weights_only=True)
    records, index = tensor_records(obj)
    out = collections.OrderedDict([("file", rel), ("case", case), ("format", fmt),
                                   ("torch", torch.__version__), ("description", description)])
    if fmt == "zip":
        members = zip_members(data)
        root = members[0]["name"].split("/")[0]
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pkl = z.read(root + "/data.pkl")
            raw = {m["name"][len(root) + 6:]: z.read(m["name"]) for m in members
                   if m["name"].startswith(root + "/data/")}
        scan = ScanUnpickler(io.BytesIO(pkl))
        scanned = scan.load()
        out["root"] = root
        out["members"] = members
        keys = list(collections.OrderedDict.fromkeys(pid[2] for pid in scan.pids))
        assert sorted(keys) == sorted(raw), (keys, sorted(raw))
    elif fmt == "tar":
        members, tar_storages, _, scanned = torch_tar.read_tar(data, ScanUnpickler, StorageRef, TensorStub)
        out["members"] = members
        keys = [st[0] for st in tar_storages]
        raw = {st[0]: st[3] for st in tar_storages}

        class TarScan:  # the storages' zip-style persistent ids, as ScanUnpickler would collect them
            pids = [("storage", GlobalRef("torch", st[1]), st[0], "cpu", st[2]) for st in tar_storages]
        scan = TarScan()
    else:
        pickles, values, scan, storages = read_legacy(data)
        scanned = values["object"]
        out["pickles"] = pickles
        out["sys_info"] = values["sys_info"]
        keys = [s[0] for s in storages]
        raw = {s[0]: s[3] for s in storages}
        where = {s[0]: (s[1], s[2]) for s in storages}
    merge_scan(records, stub_records(scanned))
    assert skeleton(scanned, first_index(scanned)) == skeleton(obj, index), "data.pkl and torch.load disagree"
    pid_of = {pid[2]: pid for pid in scan.pids}
    loaded, ptrs = {}, {}
    for rec, (_, t) in zip(records, tensor_paths(obj)):
        if "same_as" not in rec:
            loaded.setdefault(rec["storage_key"], storage_bytes(t.storage()))
            # One key, one storage after torch.load (views stay views); distinct keys never share.
            ptr = t.storage().data_ptr()
            if ptr:
                assert ptrs.setdefault(rec["storage_key"], ptr) == ptr, rec["path"]
    assert len(set(ptrs.values())) == len(ptrs), "two keys loaded into one storage"
    storages = []
    for key in keys:
        pid = pid_of[key]
        st = collections.OrderedDict([("key", key), ("storage_type", pid[1].name), ("location", pid[3]),
                                      ("numel", pid[4]), ("nbytes", len(raw[key]))])
        assert pid[4] * element_size(pid[1].name) == len(raw[key]), key
        assert loaded[key] == raw[key], "storage %s: file bytes differ from the loaded storage" % key
        if fmt == "legacy":
            st["count_offset"], st["count"] = where[key]
            st["data_offset"] = where[key][0] + 8
            st["view_metadata"] = pid[5]
        st["sha256"] = hashlib.sha256(raw[key]).hexdigest()
        storages.append(st)
    out["storages"] = storages
    out["tensors"] = records
    out["value"] = skeleton(obj, index)
    out["weights_only"] = weights_only
    return out, obj


def comparable(rec_list):
    return [{k: v for k, v in r.items() if k != "storage_key"} for r in rec_list]


# ------------------------------------------------------------------------------------------------
# Disassembly

def dis_text(data, fmt):
    out = io.StringIO()
    if fmt == "legacy":
        out.write("# legacy stream: five pickles, then each storage as an int64 count and its bytes\n")
        f = io.BytesIO(data)
        for i, what in enumerate(LEGACY_PICKLES):
            out.write("\n# pickle %d (%s) at offset %d\n" % (i, what, f.tell()))
            pickletools.dis(f, out, annotate=0)
        out.write("\n# storages from offset %d to %d\n" % (f.tell(), len(data)))
        return out.getvalue()
    pickletools.dis(data, out, annotate=0)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------
# Saving

def zip_bytes(name, obj, tmp):
    """torch.save(obj, <tmp>/<name>.pt) twice: the two files must agree."""
    import torch
    outs = []
    for _ in range(2):
        path = os.path.join(tmp, name + ".pt")
        torch.save(obj() if callable(obj) else obj, path)
        with open(path, "rb") as f:
            outs.append(f.read())
        os.remove(path)
    assert outs[0] == outs[1], "torch.save (zip) is not repeatable: " + name
    return outs[0]


def legacy_files():
    """The legacy twin of every case, from torch_build's child run twice (keys are addresses)."""
    with open(torch_build.__file__, "rb") as f:
        return repeatable_child(f.read())


def repeatable_child(source):
    """What the Python `source` writes to stdout (a pickle), run twice in a child interpreter where
    heap addresses repeat (storage keys of legacy streams are addresses): the unpickled result."""
    cmd = [sys.executable, "-"]
    setarch = shutil.which("setarch")
    if setarch:
        cmd = [setarch, platform.machine(), "-R"] + cmd
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0"}
    if setarch and subprocess.run([setarch, platform.machine(), "-R", "true"], capture_output=True).returncode:
        print("torch: warning: setarch -R is not permitted here; legacy storage keys will vary",
              file=sys.stderr)
        cmd = cmd[3:]
    runs = [subprocess.run(cmd, input=source, env=env, cwd="/", check=True, capture_output=True).stdout
            for _ in range(2)]
    if runs[0] != runs[1]:
        print("torch: warning: legacy files differ between runs (storage keys are heap addresses; "
              "setarch -R unavailable?)", file=sys.stderr)
    return pickle.loads(runs[0])


# ------------------------------------------------------------------------------------------------
# The family

def good_fixtures(tmp):
    """{rel: bytes} and TSV rows of every case in both formats, and {case: zip bytes}."""
    import torch
    files, rows, zips = {}, [], {}
    legacy = legacy_files()
    variants = []
    for case, desc in torch_build.CASES:
        zips[case] = zip_bytes(case, lambda c=case: torch_build.build(c), tmp)
        variants.append((case, "zip", "torch/%s.pt" % case, zips[case], desc))
        variants.append((case, "legacy", "torch/%s_legacy.pt" % case, legacy[case],
                         desc + "; torch.save(..., _use_new_zipfile_serialization=False)"))
        if case not in TAR_SKIPPED:
            variants.append((case, "tar", "torch/%s_tar.pt" % case, torch_tar.tar_bytes(torch_build.build(case)),
                             desc + "; the legacy tar format of torch < 0.4, written by torch_tar.py"))
    buf = io.BytesIO()
    torch.save(torch_build.build("linear"), buf)
    variants.append(("linear", "zip", "torch/linear_buffer.pt", buf.getvalue(),
                     "linear saved to an io.BytesIO: root directory 'archive', not the file's stem"))
    by_case = {}
    for case, fmt, rel, data, desc in variants:
        exp, _ = expectation(case, fmt, rel, data, desc, tmp)
        want, _ = tensor_records(torch_build.build(case))
        assert comparable(exp["tensors"]) == comparable(want), "%s: loaded tensors differ from saved" % rel
        first = by_case.setdefault(case, exp)
        assert comparable(first["tensors"]) == comparable(exp["tensors"]), rel
        stem = rel[:-3]
        if fmt == "zip":
            pkl = zipfile.ZipFile(io.BytesIO(data)).read(exp["root"] + "/data.pkl")
        elif fmt == "tar":
            pkl = torch_tar.read_tar(data, ScanUnpickler, StorageRef, TensorStub)[2]
        else:
            pkl = data
        files[rel] = data
        files[stem + ".expect.json"] = sidecar(exp)
        files[stem + ".dis"] = dis_text(pkl, fmt).encode("utf-8")
        rows.append((rel, fmt, case, torch.__version__, exp.get("root", "-"), str(len(exp["storages"])),
                     str(len(exp["tensors"])), "ok", short(exp["weights_only"]), desc))
    return files, rows, zips


def sidecar(exp):
    """JSON with one top-level key a line and one record (tensor, storage, member) a line."""
    lines, items = ["{"], list(exp.items())
    for i, (k, v) in enumerate(items):
        end = "," if i + 1 < len(items) else ""
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            lines.append(" %s: [" % json.dumps(k))
            lines.extend("  %s%s" % (json.dumps(x), "," if j + 1 < len(v) else "") for j, x in enumerate(v))
            lines.append(" ]" + end)
        else:
            lines.append(" %s: %s%s" % (json.dumps(k), json.dumps(v), end))
    text = "\n".join(lines + ["}"]) + "\n"
    assert json.loads(text) == json.loads(json.dumps(exp))
    return text.encode("utf-8")


def short(result):
    return result if result == "ok" else ":".join(result.split(":")[:2])


def bad_fixtures(zips, tmp):
    import torch
    from .torch_bad import bad_cases
    files, rows, notes = {}, [], []
    for stem, what, expect, write in bad_cases(zips):
        rel = "torch/bad/%s.pt" % stem
        path = os.path.join(tmp, stem + ".pt")
        outs = []
        for _ in range(2):
            write(path)
            with open(path, "rb") as f:
                outs.append(f.read())
            os.remove(path)
        assert outs[0] == outs[1], "not repeatable: " + rel
        data = outs[0]
        with open(path, "wb") as f:
            f.write(data)
        obj, load, caught = try_load(path, tmp)
        _, weights_only, _ = try_load(path, tmp, weights_only=True)
        members = zip_members(data)
        exp = collections.OrderedDict([("file", rel), ("torch", torch.__version__), ("what", what),
                                       ("torch_load", load), ("torch_load_warnings", caught),
                                       ("weights_only", weights_only), ("members", members)])
        root = members[0]["name"].split("/")[0]
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pkl = z.read(root + "/data.pkl")
        if obj is not None:
            exp["loaded"], exp["short_members"] = loaded_records(obj, pkl, root, members)
        files[rel] = data
        files["torch/bad/%s.expect.json" % stem] = sidecar(exp)
        files["torch/bad/%s.dis" % stem] = dis_text(pkl, "zip").encode("utf-8")
        files["torch/bad/%s.expect" % stem] = (expect + "\n").encode("utf-8")
        rows.append((rel, "zip", "bad/" + stem, torch.__version__, root, "-", "-", short(load),
                     short(weights_only), what))
        notes.append((stem, what, load, caught, expect.split("\n")[0]))
    return files, rows, notes


def loaded_records(obj, pkl, root, members):
    """What torch.load made of a bad file, and the members shorter than their storage. Values and
    hashes only when every member holds its storage's bytes: else torch 1.13 fills the rest of the
    storage from memory it never wrote, which differs from run to run."""
    scan = ScanUnpickler(io.BytesIO(pkl))
    scanned = scan.load()
    records, _ = tensor_records(obj)
    merge_scan(records, stub_records(scanned))
    sizes = {m["name"]: m["size"] for m in members}
    short_members = []
    for pid in scan.pids:
        name = "%s/data/%s" % (root, pid[2])
        need = pid[4] * element_size(pid[1].name)
        if sizes[name] < need and name not in [s["name"] for s in short_members]:
            short_members.append({"name": name, "size": sizes[name], "storage_nbytes": need})
    if short_members:
        for rec in records:
            for k in ("sha256", "values"):
                rec.pop(k, None)
    return records, short_members


def torch_fixtures():
    """Writes fixtures/torch/ (with README.md) and fixtures/TORCH.tsv, then re-reads them."""
    import torch
    if torch.__version__ != EXPECTED_VERSIONS["torch"]:
        print("warning: torch %s, fixtures were made with %s" % (torch.__version__, EXPECTED_VERSIONS["torch"]),
              file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        files, rows, zips = good_fixtures(tmp)
        bad_files, bad_rows, notes = bad_fixtures(zips, tmp)
    files.update(bad_files)
    files["torch/README.md"] = TORCH_README.format(
        torch=torch.__version__, python=platform.python_version(),
        bad="\n".join(bad_readme_lines(notes))).encode("utf-8")
    replace_tree(TORCH, ["bad"], files)
    write_tsv("TORCH.tsv", TSV_HEADER, rows + bad_rows)
    verified = torch_verify()
    total = sum(len(d) for d in files.values())
    print("torch: %d rows (%d bad), %d files, %.2f MB (torch %s); verified from disk: %d"
          % (len(rows) + len(bad_rows), len(bad_rows), len(files) + 1, total / 1e6, torch.__version__, verified))
    assert total < 2e6, "fixtures/torch/ must stay under 2 MB"
    return torch.__version__


def torch_verify():
    """Re-reads TORCH.tsv and fixtures/torch/: every file is referenced, and every good file's
    sidecar is what a fresh torch.load of the file on disk gives."""
    with open(os.path.join(FIX, "TORCH.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == TSV_HEADER and lines[-1] == ""
    referenced = {"torch/README.md"}
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for line in lines[1:-1]:
            rel, fmt, case, _, _, _, _, load, _, desc = line.split("\t")
            stem = rel[:-3]
            referenced.update((rel, stem + ".expect.json", stem + ".dis"))
            with open(os.path.join(FIX, stem + ".expect.json"), "rb") as f:
                recorded = f.read()
            if case.startswith("bad/"):
                referenced.add(stem + ".expect")
                assert json.loads(recorded)["torch_load"].startswith(load), rel
                continue
            with open(os.path.join(FIX, rel), "rb") as f:
                data = f.read()
            exp, _ = expectation(case, fmt, rel, data, desc, tmp)
            assert sidecar(exp) == recorded, "sidecar of %s is stale" % rel
            count += 1
    on_disk = set()
    for dirpath, _, names in os.walk(TORCH):
        on_disk.update(os.path.relpath(os.path.join(dirpath, n), FIX) for n in names)
    assert on_disk == referenced, sorted(on_disk ^ referenced)[:5]
    return count
