"""fixtures/torch-write/ and fixtures/TORCH_WRITE.tsv: what torch.save writes, for the tests of
picklejar's torch writer (torch::dump_file, `picklejar recode --torch`). Self-contained like
torch_cases (run it after that family: it reads fixtures/torch/).

Two kinds of row:

  resave   for every good file of fixtures/torch/ (zip, legacy stream, legacy tar):
           torch.save(torch.load(file), "<stem>.pt"); kept are its data.pkl as
           `resave/<stem>.data_pkl` and, per member (name after the root folder), size and sha256.
           Converting the file to the zip format must give that data.pkl byte for byte and those
           members. For a zip file written by torch.save this data.pkl is the file's own (checked).
  repickle files Python's pickle.dumps and joblib.dump wrote holding tensors (PICKLED_CHILD), as
           `pickled/<name>`, and the data.pkl of torch.save(joblib.load(file)) as
           `pickled/<name>.data_pkl` (members listed as for resave): torch::load_pickle and dump
           (recode --torch) must write them.
  build    objects the C++ tests make with picklejar's Builder (BUILD_CASES; values follow
           `torch.arange(n)` so C++ can make the same bytes), saved by torch.save as `<case>.pt`
           (root: the case name) with their `.dis`.

Each file is saved twice and must repeat; every saved file is loaded back and compared with the
object saved (tensors by dtype, shape, stride, storage_offset, values, requires_grad, Parameter
class and storage sharing).
"""

import collections
import hashlib
import io
import os
import pickletools
import sys
import tempfile
import zipfile

from .common import EXPECTED_VERSIONS, FIX, replace_tree, write_tsv
from .torch_cases import repeatable_child

TOP = os.path.join(FIX, "torch-write")
TSV = "TORCH_WRITE.tsv"
TSV_HEADER = "kind\tsource\tmember\tsize\tsha256"

# The 12 storage dtypes torch 1.13 writes, in TorchDType order (picklejar/torch.h DType).
DTYPES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
          "complex64", "complex128")


def arange(n, dtype="float32"):
    import torch
    return torch.arange(n).to(getattr(torch, dtype))


def build(case):
    """The object of build case `case` (the C++ test builds the same with Builder)."""
    import torch
    nn = torch.nn
    if case == "b_dtypes":
        return collections.OrderedDict((name, arange(4, name)) for name in DTYPES)
    if case == "b_views":
        base = arange(24).reshape(4, 6)
        return {"base": base, "row": base[1], "slice": base[1:3, 2:5], "t": base.t(), "strided": base[:, ::2],
                "tail": base.view(-1)[20:], "alias": base}
    if case == "b_scalars_empty":
        return {"f0d": torch.tensor(2.0), "i0d": torch.tensor(7), "b0d": torch.tensor(True), "empty": torch.empty(0),
                "empty_0x3": torch.zeros(0, 3), "empty_2x0": torch.zeros(2, 0, dtype=torch.int32)}
    if case == "b_parameters":
        w = arange(6).reshape(2, 3)
        return {"weight": nn.Parameter(w), "frozen": nn.Parameter(arange(2, "float64"), requires_grad=False),
                "grad": arange(3).requires_grad_(), "data": w}
    if case == "b_state_dict":
        m = nn.Linear(4, 3)
        with torch.no_grad():
            m.weight.copy_(arange(12).reshape(3, 4))
            m.bias.copy_(arange(3))
        return m.state_dict()
    if case == "b_checkpoint":
        w, b = arange(6).reshape(3, 2), arange(3)
        model = collections.OrderedDict([("0.weight", w), ("0.bias", b)])
        state = {0: {"momentum_buffer": arange(6).reshape(3, 2)}, 1: {"momentum_buffer": arange(3)}}
        optimizer = {"state": state, "param_groups": [{"lr": 0.1, "momentum": 0.9, "params": [0, 1]}]}
        return {"epoch": 3, "model": model, "optimizer": optimizer, "loss": 0.25, "note": None}
    if case == "b_digit_keys":
        # One-character strs: a dict key "0" is Python's shared str, a storage key "0" a new one.
        t0, t1 = arange(2), arange(3, "int64")
        return {"0": t0, "1": t1, "2": [t0, "0", "1"]}
    if case == "b_many":
        # 12 storages: keys "10" and "11" sort before "2" among the records.
        return [arange(k + 1) for k in range(12)]
    raise KeyError(case)


BUILD_CASES = ("b_dtypes", "b_views", "b_scalars_empty", "b_parameters", "b_state_dict", "b_checkpoint",
               "b_digit_keys", "b_many")


# Files Python's pickle and joblib write holding tensors: each storage is
# torch.storage._load_from_bytes(<a legacy torch.save stream of it>), whose key is a heap address,
# so they are made in a child interpreter where addresses repeat (torch_cases.repeatable_child).
PICKLED_CHILD = r"""
import collections, io, pickle, sys
import joblib, numpy, torch
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
views = {"base": base, "row": base[1], "t": base.t(), "alias": base}
w = torch.arange(6, dtype=torch.float32).reshape(2, 3)
params = {"weight": torch.nn.Parameter(w), "frozen": torch.nn.Parameter(torch.arange(2, dtype=torch.float64),
          requires_grad=False), "grad": torch.arange(3, dtype=torch.float32).requires_grad_(), "data": w}
state = collections.OrderedDict([("weight", torch.arange(12, dtype=torch.float32).reshape(3, 4)),
                                 ("bias", torch.arange(3, dtype=torch.int64))])
out = {"views.p2.pickled": pickle.dumps(views, protocol=2), "views.p4.pickled": pickle.dumps(views, protocol=4),
       "params.p5.pickled": pickle.dumps(params, protocol=5)}
for name, compress in (("mixed.joblib.pickled", 0), ("mixed_zlib.joblib.pickled", ("zlib", 3))):
    buf = io.BytesIO()
    joblib.dump({"state": state, "array": numpy.arange(5.0), "n": 3}, buf, compress=compress)
    out[name] = buf.getvalue()
sys.stdout.buffer.write(pickle.dumps(out, protocol=4))
"""


def tensors_of(obj, out=None):
    import torch
    out = [] if out is None else out
    if isinstance(obj, torch.Tensor):
        out.append(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            tensors_of(v, out)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            tensors_of(v, out)
    return out


def describe(obj):
    """What must survive a save and load: structure, and per tensor its properties, values, identity
    (by first occurrence) and storage (by first use)."""
    import torch
    ids, storages = {}, {}
    tensors = []
    for t in tensors_of(obj):
        if id(t) in ids:
            tensors.append(("same", ids[id(t)]))
            continue
        ids[id(t)] = len(ids)
        ptr = t.untyped_storage().data_ptr() if hasattr(t, "untyped_storage") else t.storage().data_ptr()
        key = storages.setdefault((ptr, t.storage().size()) if ptr else ("empty", id(t)), len(storages))
        values = t.detach().reshape(-1).tolist()
        tensors.append((str(t.dtype), tuple(t.shape), t.stride(), t.storage_offset(), repr(values), t.requires_grad,
                        isinstance(t, torch.nn.Parameter), key))

    def shape(o):
        if isinstance(o, torch.Tensor):
            return "T"
        if isinstance(o, dict):
            return (type(o).__name__, [(k, shape(v)) for k, v in o.items()], repr(getattr(o, "_metadata", None)))
        if isinstance(o, (list, tuple)):
            return (type(o).__name__, [shape(v) for v in o])
        return repr(o)
    return shape(obj), tensors


def saved(obj, name, tmp):
    """torch.save(obj, <tmp>/<name>.pt) twice: the bytes, which must repeat."""
    import torch
    outs = []
    for _ in range(2):
        path = os.path.join(tmp, name + ".pt")
        torch.save(obj, path)
        with open(path, "rb") as f:
            outs.append(f.read())
        os.remove(path)
    assert outs[0] == outs[1], "torch.save is not repeatable: " + name
    return outs[0]


def members(data):
    """(name after the root folder, bytes) of each member, in file order, and data.pkl."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        root = names[0].split("/")[0]
        out = [(n[len(root) + 1:], z.read(n)) for n in names]
    return out, dict(out)["data.pkl"]


def check_loads(data, obj, what, tmp):
    import torch
    path = os.path.join(tmp, "check.pt")
    with open(path, "wb") as f:
        f.write(data)
    assert describe(torch.load(path)) == describe(obj), what + ": torch.load does not give the object saved"
    os.remove(path)


def torch_write_fixtures():
    import torch
    if torch.__version__ != EXPECTED_VERSIONS["torch"]:
        print("warning: torch %s, fixtures were made with %s" % (torch.__version__, EXPECTED_VERSIONS["torch"]),
              file=sys.stderr)
    files, rows = {}, []
    with open(os.path.join(FIX, "TORCH.tsv"), encoding="utf-8") as f:
        sources = [line.split("\t") for line in f.read().split("\n")[1:] if line]
    with tempfile.TemporaryDirectory() as tmp:
        for row in sources:
            rel, fmt, case = row[0], row[1], row[2]
            if case.startswith("bad/"):
                continue
            stem = os.path.basename(rel)[:-3]
            obj = torch.load(os.path.join(FIX, rel))
            data = saved(obj, stem, tmp)
            check_loads(data, obj, rel, tmp)
            ms, pkl = members(data)
            if fmt == "zip":
                with open(os.path.join(FIX, rel), "rb") as f:
                    assert members(f.read())[1] == pkl, rel + ": torch.save(torch.load(f)) changed data.pkl"
            files["torch-write/resave/%s.data_pkl" % stem] = pkl
            for name, raw in ms:
                rows.append(("resave", rel, name, str(len(raw)), hashlib.sha256(raw).hexdigest()))
        for name, data in sorted(repeatable_child(PICKLED_CHILD.encode("utf-8")).items()):
            import joblib
            obj = joblib.load(io.BytesIO(data))  # a plain pickle too
            saved_bytes = saved(obj, name.split(".")[0], tmp)
            check_loads(saved_bytes, obj, name, tmp)
            ms, pkl = members(saved_bytes)
            files["torch-write/pickled/%s" % name] = data
            files["torch-write/pickled/%s.data_pkl" % name] = pkl
            for member, raw in ms:
                rows.append(("repickle", "torch-write/pickled/%s" % name, member, str(len(raw)),
                             hashlib.sha256(raw).hexdigest()))
        for case in BUILD_CASES:
            obj = build(case)
            data = saved(obj, case, tmp)
            check_loads(data, obj, case, tmp)
            ms, pkl = members(data)
            files["torch-write/%s.pt" % case] = data
            dis = io.StringIO()
            pickletools.dis(pkl, dis, annotate=0)
            files["torch-write/%s.dis" % case] = dis.getvalue().encode("utf-8")
            for name, raw in ms:
                rows.append(("build", "torch-write/%s.pt" % case, name, str(len(raw)), hashlib.sha256(raw).hexdigest()))
    files["torch-write/README.md"] = README.format(torch=torch.__version__).encode("utf-8")
    replace_tree(TOP, ["resave", "pickled"], files)
    write_tsv(TSV, TSV_HEADER, rows)
    print("torch-write: %d rows, %d files (torch %s)" % (len(rows), len(files), torch.__version__))
    return torch.__version__


README = """\
# torch-write fixtures

Generated by `tools/gen_fixtures.py --only torchwrite` (`tools/fixturegen/torch_write.py`, after
the `torch` family, whose files it reads), with torch {torch}; do not edit by hand. The expectations
of picklejar's torch writer (`torch::dump_file`, `picklejar recode --torch`):

- `resave/<stem>.data_pkl`: the data.pkl of `torch.save(torch.load("torch/<stem>.pt"), "<stem>.pt")`
  for every good file of `fixtures/torch/` (zip, legacy stream and legacy tar). Converting that
  file must write this data.pkl byte for byte. For the zip files it is the file's own data.pkl.
- `<case>.pt` (with `<case>.dis`, the listing of its data.pkl): `torch.save` of the objects the
  C++ tests build with picklejar's Builder (`BUILD_CASES` in torch_write.py; values follow
  `torch.arange(n)`); root folder: the case name.

- `pickled/<name>` (with `<name>.data_pkl`): files `pickle.dumps` (protocols 2, 4, 5) and
  `joblib.dump` (plain and zlib) wrote holding tensors (each storage a
  `torch.storage._load_from_bytes` of a legacy stream, made in a child interpreter where the heap
  addresses that key those streams repeat), and the data.pkl `torch.save(joblib.load(file))` writes.

`fixtures/TORCH_WRITE.tsv` lists every member of those zips (`kind` resave, repickle or build, `source` the
file saved or loaded, `member` its name after the root folder, in file order, `size`, `sha256`).
Every file was saved twice (the bytes repeat) and loaded back by torch.load to the object saved.
"""
