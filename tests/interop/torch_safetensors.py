#!/usr/bin/env python3
"""Live interop with torch: `picklejar recode --safetensors` of torch files, read back in Python.

For every torch fixture that torch.load reads as a dict or list (zip, legacy stream and tar), and
for state_dicts torch.save writes here (random shapes and dtypes, views, shared storages,
non-contiguous tensors, a checkpoint with non-tensor values), the .safetensors file picklejar
writes is parsed with json and struct as the format describes it (huggingface/safetensors README;
Python's safetensors package is not installed): 8-byte little-endian header length, a JSON
header, data_offsets contiguous from 0 after the header and covering the rest of the file. Each
tensor must equal (torch.equal, bit for bit; NaN included) the one torch.load gives under the
same dotted name, every tensor torch.load gives must be written unless complex, and every value
left out must be named on stderr.

Run by CTest: torch_safetensors.py --cli build/bin/picklejar --fixtures fixtures ...
"""
import argparse
import json
import os
import struct
import sys
import tempfile

import torch

import _cli

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}


def parse(data):
    n, = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    assert data[8:9] == b"{"
    meta = header.pop("__metadata__", None)
    assert meta == {"format": "pt"}, meta
    body = data[8 + n:]
    at, out = 0, {}
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, end = info["data_offsets"]
        assert begin == at, (name, begin, at)
        dtype = DTYPES[info["dtype"]]
        numel = 1
        for d in info["shape"]:
            numel *= d
        assert end - begin == numel * torch.empty(0, dtype=dtype).element_size(), name
        raw = bytearray(body[begin:end])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"])
        at = end
    assert at == len(body), (at, len(body))
    return out


def leaves(obj, path=()):
    """(dotted name, value) of every value under dicts and lists/tuples, as picklejar walks them."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from leaves(v, path + (str(k),))
    elif isinstance(obj, (list, tuple)) and not isinstance(obj, torch.Tensor):
        for i, v in enumerate(obj):
            yield from leaves(v, path + (str(i),))
    else:
        yield ".".join(path), obj


def same(a, b):
    """Equal dtype, shape and bytes (so NaN equals NaN, -0.0 differs from 0.0)."""
    def raw(t):
        return t.contiguous().reshape(-1).view(torch.uint8)
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(raw(a), raw(b))


def check(cli, path, tmp, failures):
    obj = torch.load(path)
    if not isinstance(obj, (dict, list, tuple)):
        return 0
    out = os.path.join(tmp, "out.safetensors")
    r = cli.run(["recode", "--safetensors", path, out])
    if r.returncode != 0:
        failures.append("%s: exit %d: %s" % (path, r.returncode, r.stderr.decode()))
        return 0
    with open(out, "rb") as f:
        got = parse(f.read())
    stderr = r.stderr.decode()
    for name, value in leaves(obj):
        if isinstance(value, torch.Tensor) and not value.is_complex():
            if name not in got:
                failures.append("%s: %s missing" % (path, name))
            elif not same(got[name], value.detach()):
                failures.append("%s: %s differs" % (path, name))
        elif "left out '%s'" % name not in stderr:
            failures.append("%s: %s left out without a stderr line" % (path, name))
    return 1


def generated(tmp, seed):
    g = torch.Generator().manual_seed(seed)
    base = torch.randn(6, 8, generator=g)
    sd = {
        "w": base, "t": base.t(), "row": base[2], "strided": base[:, ::3], "alias": base,
        "half": torch.randn(3, 5, generator=g).half(), "bf": torch.randn(4, generator=g).bfloat16(),
        "ints": torch.randint(-100, 100, (7,), generator=g, dtype=torch.int16),
        "mask": torch.rand(5, generator=g) > 0.5, "empty": torch.empty(0, 3), "scalar": torch.tensor(3.5),
        "nan": torch.tensor([float("nan"), float("inf"), -0.0]),
        "expanded": torch.arange(3.0).expand(4, 3), "nested": {"a": [torch.arange(4), 7, "x"]},
        "complex": torch.randn(2, generator=g, dtype=torch.complex64), "epoch": 3,
    }
    path = os.path.join(tmp, "gen%d.pt" % seed)
    torch.save(sd, path)
    return path


def main():
    ap = argparse.ArgumentParser()
    _cli.add_arguments(ap)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--build")
    args = ap.parse_args()
    cli = _cli.Cli.from_args(args)
    failures, files = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        # torch 1.13's legacy_load leaves its mkdtemp() behind when a load fails (its context
        # manager has no try/finally): keep torch's temporary files inside ours.
        tempfile.tempdir = tmp
        torch_dir = os.path.join(args.fixtures, "torch")
        for name in sorted(os.listdir(torch_dir)):
            if name.endswith(".pt"):
                files += check(cli, os.path.join(torch_dir, name), tmp, failures)
        for seed in range(5):
            files += check(cli, generated(tmp, seed), tmp, failures)
    cli.close()
    print("torch_safetensors: %d files, %d failures" % (files, len(failures)))
    for f in failures[:20]:
        print("  " + f)
    assert files > 25
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
