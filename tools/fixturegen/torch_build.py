"""The objects of fixtures/torch/ and the legacy-format child process that saves them.

Self-contained on purpose (imports nothing of the project): torch_cases.py imports it in the
generator's process for the zip files, and also pipes this file's source to a child interpreter on
stdin (`python3 -`) that writes every case in the legacy format. Legacy storage keys are
`str(storage._cdata)`, the heap address of the storage, so the child runs with a fixed environment,
cwd `/`, no argv path and address-space randomisation off: then its allocations, and so the keys,
repeat from run to run (on this machine, with this torch build; other builds give other keys).
"""

import collections
import io
import pickle
import sys

# Storage dtypes torch 1.13's torch.save writes with _rebuild_tensor_v2, name -> fixed values.
DTYPE_VALUES = collections.OrderedDict([
    ("float32", [0.0, -0.0, 1.5, -2.25, 3.4028234663852886e38, 1.401298464324817e-45, float("inf"),
                 float("-inf"), float("nan")]),
    ("float64", [0.0, -0.0, 0.1, -1e300, 5e-324, float("inf"), float("nan")]),
    ("float16", [0.0, -0.0, 1.0, -2.5, 65504.0, 5.960464477539063e-08, float("inf"), float("nan")]),
    ("bfloat16", [0.0, -0.0, 1.0, -2.5, 3.3895313892515355e38, 9.183549615799121e-41, float("-inf")]),
    ("int64", [0, 1, -1, 2**63 - 1, -2**63, 123456789012]),
    ("int32", [0, 1, -1, 2**31 - 1, -2**31]),
    ("int16", [0, 1, -1, 2**15 - 1, -2**15]),
    ("int8", [0, 1, -1, 127, -128]),
    ("uint8", [0, 1, 127, 128, 255]),
    ("bool", [True, False, True, True]),
    ("complex64", [complex(1.5, -2.0), complex(0.0, 1.0), complex(-0.0, float("inf"))]),
    ("complex128", [complex(0.1, 0.2), complex(-1e300, 5e-324)]),
])

# Every case is saved in both formats; `zip_only` ones have no legacy twin (see each description).
CASES = [
    ("linear", "nn.Linear(4, 3) state_dict: weight (3, 4), bias (3,)"),
    ("conv_bn", "nn.Sequential(Conv2d(2, 3, 3), BatchNorm2d(3)) state_dict after one training forward: "
                "running stats and the int64 0-d num_batches_tracked"),
    ("embedding", "nn.Embedding(10, 4, padding_idx=0) state_dict"),
    ("lstm", "nn.LSTM(3, 4) state_dict: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0"),
    ("dtypes", "one 1-d tensor per storage dtype torch 1.13 writes (12), fixed values incl. inf/nan/-0/extremes"),
    ("views", "tensors sharing one storage: the base, a row, a 2-d slice with storage_offset, "
              "a transpose, a strided slice, a flat tail view, and the base again under a second name"),
    ("scalars_empty", "0-d float32/int64/bool tensors and empty tensors (0,), (0, 3), (2, 0)"),
    ("parameters", "nn.Parameter with requires_grad, a frozen Parameter, a plain tensor with requires_grad"),
    ("checkpoint", "training checkpoint dict: epoch, model state_dict, SGD(momentum) state_dict after one "
                   "step, loss (float)"),
    ("tensor", "a bare tensor as the saved object: float64 (2, 3)"),
    ("large", "one float32 (64, 64) tensor of randn: values checked by hash"),
]


def build(name):
    """The object case `name` saves; deterministic (seeded, fixed values)."""
    import torch
    torch.manual_seed(0)
    nn = torch.nn
    if name == "linear":
        return nn.Linear(4, 3).state_dict()
    if name == "conv_bn":
        m = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3))
        m.train()
        m(torch.randn(2, 2, 5, 5))
        return m.state_dict()
    if name == "embedding":
        return nn.Embedding(10, 4, padding_idx=0).state_dict()
    if name == "lstm":
        return nn.LSTM(3, 4).state_dict()
    if name == "dtypes":
        return collections.OrderedDict((k, torch.tensor(v, dtype=getattr(torch, k)))
                                       for k, v in DTYPE_VALUES.items())
    if name == "views":
        base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
        return {
            "base": base,
            "row": base[1],
            "slice": base[1:3, 2:5],
            "transpose": base.t(),
            "strided": base[:, ::2],
            "tail": base.view(-1)[20:],
            "alias": base,
        }
    if name == "scalars_empty":
        return {
            "f32_0d": torch.tensor(3.5),
            "i64_0d": torch.tensor(7),
            "bool_0d": torch.tensor(True),
            "empty": torch.empty(0),
            "empty_0x3": torch.zeros(0, 3),
            "empty_2x0_i32": torch.zeros(2, 0, dtype=torch.int32),
        }
    if name == "parameters":
        return {
            "weight": nn.Parameter(torch.randn(2, 3)),
            "frozen": nn.Parameter(torch.randn(2), requires_grad=False),
            "grad_tensor": torch.randn(3).requires_grad_(),
        }
    if name == "checkpoint":
        model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x, y = torch.randn(5, 4), torch.randn(5, 2)
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return {"epoch": 3, "model": model.state_dict(), "optimizer": opt.state_dict(), "loss": loss.item()}
    if name == "tensor":
        return torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float64)
    if name == "large":
        return {"w": torch.randn(64, 64)}
    raise KeyError(name)


def legacy_bytes():
    """{case: bytes torch.save(..., _use_new_zipfile_serialization=False) wrote}, in CASES order."""
    import torch
    out = {}
    for name, _ in CASES:
        buf = io.BytesIO()
        torch.save(build(name), buf, _use_new_zipfile_serialization=False)
        out[name] = buf.getvalue()
    return out


if __name__ == "__main__":
    sys.stdout.buffer.write(pickle.dumps(legacy_bytes(), protocol=4))
