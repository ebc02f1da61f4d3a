#!/usr/bin/env python3
"""Live interop with PyTorch, both ways, in one Python process (importing torch costs seconds).

picklejar writes, torch reads:
  - `picklejar recode --torch` of the files pickle.dumps and joblib.dump wrote holding tensors
    (fixtures/torch-write/pickled/): torch.load gives what joblib.load gives, data.pkl is torch.save's;
  - `picklejar recode --torch` of every good file of fixtures/TORCH.tsv (zip, legacy stream, legacy
    tar): torch.load (and torch.load(weights_only=True) where the source allows it) gives an object
    equal to torch.load of the source: keys and their order, types, dtype, shape, stride,
    storage_offset, values, requires_grad, Parameter or not, which tensors are one object and
    which share a storage; and data.pkl is what torch.save(torch.load(source)) writes, byte for byte;
  - the Builder cases (<build>/bin/picklejar_torch_writer cases DIR; tests/unit/torch/
    torch_build_cases.h): torch.load gives the objects tools/fixturegen/torch_write.py builds;
  - the README's round trip from C++ (picklejar_torch_writer readme): a state_dict torch.save wrote,
    read in C++, its weight halved and written back, which model.load_state_dict(torch.load(path))
    accepts.
torch writes, picklejar reads: objects torch.save writes here and now (a model, views, every
dtype) read by `picklejar json --arrays values`, which must print every tensor's tolist(), and by
`picklejar info`, which must list every tensor's dtype, shape and storage sharing.

Run by CTest with Debian's /usr/bin/python3 (which has torch 1.13): torch_roundtrip.py --cli
build/bin/picklejar --fixtures fixtures --build build. Without torch it fails under CI and is
skipped elsewhere.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _cli import Cli, add_arguments  # noqa: E402

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL: " + what, file=sys.stderr)


def describe(obj):
    """The object with every tensor as its properties, its identity (first occurrence number) and
    its storage (first use number): equal descriptions are equal objects for torch."""
    import torch
    ids, storages = {}, {}

    def tensor(t):
        if id(t) in ids:
            return ("same tensor", ids[id(t)])
        ids[id(t)] = len(ids)
        st = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
        ptr = st.data_ptr()
        key = storages.setdefault(ptr if ptr else ("empty", id(t)), len(storages))
        return ("tensor", type(t).__name__, str(t.dtype), tuple(t.shape), t.stride(), t.storage_offset(),
                repr(t.detach().reshape(-1).tolist()), t.requires_grad, isinstance(t, torch.nn.Parameter), key,
                t.storage().size(), str(t.device))

    def walk(o):
        if isinstance(o, torch.Tensor):
            return tensor(o)
        if isinstance(o, dict):
            return (type(o).__name__, [(walk(k), walk(v)) for k, v in o.items()],
                    walk(getattr(o, "_metadata", None)))
        if isinstance(o, (list, tuple)):
            return (type(o).__name__, [walk(v) for v in o])
        if isinstance(o, float) and math.isnan(o):
            return ("float", "nan")
        return (type(o).__name__, repr(o))
    return walk(obj)


def data_pkl(path):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        return z.read(names[0]), names


def torch_load(path, **kw):
    import torch
    try:
        return torch.load(path, **kw), None
    except Exception as e:  # the failure itself is compared
        return None, type(e).__name__


def fixture_rows(fixtures):
    with open(os.path.join(fixtures, "TORCH.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")[1:]
    return [line.split("\t") for line in lines if line and not line.split("\t")[2].startswith("bad/")]


def picklejar_writes(cli, args, tmp):
    import torch
    count = 0
    for row in fixture_rows(args.fixtures):
        rel = row[0]
        src = os.path.join(args.fixtures, rel)
        out = os.path.join(tmp, os.path.basename(rel))
        r = cli.run(["recode", "--torch", src, out])
        check(r.returncode == 0, "recode --torch %s: %s" % (rel, r.stderr.decode(errors="replace")))
        if r.returncode:
            continue
        want, _ = torch_load(src)
        got, err = torch_load(out)
        check(err is None and describe(got) == describe(want), "torch.load of recoded %s differs" % rel)
        want_wo, want_err = torch_load(src, weights_only=True)
        got_wo, got_err = torch_load(out, weights_only=True)
        check(got_err == want_err, "%s: weights_only gives %s, the source %s" % (rel, got_err, want_err))
        if want_err is None:
            check(describe(got_wo) == describe(want_wo), "%s: weights_only object differs" % rel)
        resaved = os.path.join(tmp, "resaved.pt")
        torch.save(want, resaved)
        mine, names = data_pkl(out)
        check(mine == data_pkl(resaved)[0], "%s: data.pkl is not torch.save's" % rel)
        root = os.path.splitext(os.path.basename(out))[0]
        check(names[0] == root + "/data.pkl" and names[-1] == root + "/version", "%s: members %s" % (rel, names))
        count += 1
    return count


def pickled_files(cli, args, tmp):
    """Files pickle and joblib wrote holding tensors: recode --torch writes what torch.save writes for
    the object joblib.load (or pickle.load) makes of them."""
    import joblib
    import torch
    top = os.path.join(args.fixtures, "torch-write", "pickled")
    names = sorted(n for n in os.listdir(top) if n.endswith(".pickled"))
    for name in names:
        src, out = os.path.join(top, name), os.path.join(tmp, name + ".pt")
        r = cli.run(["recode", "--torch", src, out])
        check(r.returncode == 0, "recode --torch %s: %s" % (name, r.stderr.decode(errors="replace")))
        if r.returncode:
            continue
        want = joblib.load(src)
        got, err = torch_load(out)
        check(err is None and describe(got) == describe(want), "torch.load of recoded %s differs" % name)
        resaved = os.path.join(tmp, "resaved.pt")
        torch.save(want, resaved)
        check(data_pkl(out)[0] == data_pkl(resaved)[0], "%s: data.pkl is not torch.save's" % name)
        _, want_err = torch_load(resaved, weights_only=True)
        _, got_err = torch_load(out, weights_only=True)
        check(got_err == want_err, "%s: weights_only gives %s, torch.save's file %s" % (name, got_err, want_err))
    return len(names)


def builder_cases(args, tmp):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
    from fixturegen.torch_write import BUILD_CASES, build
    exe = os.path.join(args.build, "bin", "picklejar_torch_writer")
    out = os.path.join(tmp, "cases")
    os.makedirs(out)
    subprocess.run([exe, "cases", out], check=True)
    import torch
    for case in BUILD_CASES:
        got, err = torch_load(os.path.join(out, case + ".pt"))
        check(err is None and describe(got) == describe(build(case)), "Builder case %s: torch.load differs" % case)
        # weights_only as for the file torch.save writes (torch 1.13's refuses floats: BINFLOAT).
        saved = os.path.join(tmp, "saved.pt")
        torch.save(build(case), saved)
        want, want_err = torch_load(saved, weights_only=True)
        wo, err = torch_load(os.path.join(out, case + ".pt"), weights_only=True)
        check(err == want_err and (err or describe(wo) == describe(want)), "Builder case %s: weights_only %s, torch.save's %s"
              % (case, err, want_err))
    return len(BUILD_CASES)


def readme_round_trip(args, tmp):
    """The README's C++ round trip: what it writes, model.load_state_dict(torch.load(path)) accepts."""
    import torch
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 3)
    src, dst = os.path.join(tmp, "linear.pt"), os.path.join(tmp, "linear_half.pt")
    torch.save(model.state_dict(), src)
    exe = os.path.join(args.build, "bin", "picklejar_torch_writer")
    subprocess.run([exe, "readme", src, dst], check=True)
    back = torch.nn.Linear(4, 3)
    result = back.load_state_dict(torch.load(dst))
    check(not result.missing_keys and not result.unexpected_keys, "README round trip: %s" % (result,))
    check(torch.equal(back.weight, model.weight * 0.5) and torch.equal(back.bias, model.bias),
          "README round trip: the weights are not the halved ones")
    back.load_state_dict(torch.load(dst, weights_only=True))


def plain(j):
    """picklejar's JSON with an OrderedDict (a tagged object, docs/JSON.md) as the dict of its items."""
    if isinstance(j, dict) and "$object" in j and "dictitems" in j["$object"]:
        return {k: plain(v) for k, v in j["$object"]["dictitems"]}
    if isinstance(j, dict):
        return {k: plain(v) for k, v in j.items()}
    if isinstance(j, list):
        return [plain(v) for v in j]
    return j


def torch_writes(cli, tmp):
    """torch.save here, picklejar reads: every tensor's values and layout as torch has them."""
    import torch
    torch.manual_seed(1)
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    objs = {
        "model": torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2)).state_dict(),
        "views": {"base": base, "t": base.t(), "col": base[:, 1], "again": base},
        "dtypes": [torch.arange(3).to(getattr(torch, n)) for n in
                   ("float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool")],
        "param": {"p": torch.nn.Parameter(torch.randn(2, 2)), "scalar": torch.tensor(1.5)},
    }
    for name, obj in objs.items():
        path = os.path.join(tmp, "py_%s.pt" % name)
        torch.save(obj, path)
        r = cli.run(["json", "--arrays", "values", path])
        check(r.returncode == 0, "json of torch.save'd %s: %s" % (name, r.stderr.decode(errors="replace")))
        if r.returncode:
            continue

        def tolist(o):
            if isinstance(o, torch.Tensor):
                return o.detach().tolist()
            if isinstance(o, dict):
                return {str(k): tolist(v) for k, v in o.items()}
            if isinstance(o, (list, tuple)):
                return [tolist(v) for v in o]
            return o
        check(plain(json.loads(r.stdout)) == json.loads(json.dumps(tolist(obj))), "json of torch.save'd %s differs" % name)
        info = cli.run(["info", path]).stdout.decode()
        tensors = [(k, v) for k, v in (obj.items() if isinstance(obj, dict) else enumerate(obj))
                   if isinstance(v, torch.Tensor)]
        for key, t in tensors:
            shape = "(" + ", ".join(str(s) for s in t.shape) + ("," if t.dim() == 1 else "") + ")"
            check(any(line.startswith("  %s: " % key) and shape in line and str(t.dtype)[6:] in line
                      for line in info.split("\n")) or "the same tensor" in info,
                  "info of torch.save'd %s: %s %s not listed" % (name, key, shape))
    return len(objs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(ap)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    try:
        import torch  # noqa: F401
    except ImportError as e:
        if os.environ.get("CI"):
            raise
        print("torch_roundtrip: skipped, torch cannot be imported (%s)" % e)
        return 0
    with Cli.from_args(args) as cli, tempfile.TemporaryDirectory() as tmp:
        # torch 1.13's legacy_load leaves its mkdtemp() behind when a load fails (its context
        # manager has no try/finally): keep torch's temporary files inside ours.
        tempfile.tempdir = tmp
        recoded = picklejar_writes(cli, args, tmp)
        pickled = pickled_files(cli, args, tmp)
        built = builder_cases(args, tmp)
        readme_round_trip(args, tmp)
        read = torch_writes(cli, tmp)
    print("torch_roundtrip: %d torch files and %d pickles recoded, %d Builder cases, README round trip, "
          "%d torch.save files read; %d failures" % (recoded, pickled, built, read, len(FAILURES)))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
