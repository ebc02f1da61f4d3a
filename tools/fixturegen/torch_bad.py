"""fixtures/torch/bad/: real torch zips made wrong in one way each, for the reader's error tests.

The containers are written by torch's own zip writer (torch._C.PyTorchFileWriter: stored members,
64-byte aligned, `version` last), except `deflated`, which zipfile rewrites. A data.pkl that torch
cannot be made to write (a tensor past its storage, a storage key with `..`) is pickled by Python's
pickler with torch's persistent-id scheme (StorageMark below), never typed in by hand. What
torch.load does with each file is run, not assumed: the sidecar records it.
"""

import collections
import io
import os
import pickle
import zipfile


class StorageMark:
    """Stands for one storage in a data.pkl written without torch.save."""

    def __init__(self, storage_type, key, numel):
        self.storage_type, self.key, self.numel = storage_type, key, numel


class TensorMark:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce__(self):
        import torch
        return torch._utils._rebuild_tensor_v2, self.args


class MarkPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, StorageMark):
            return ("storage", obj.storage_type, obj.key, "cpu", obj.numel)
        return None


def mark_pickle(obj):
    buf = io.BytesIO()
    MarkPickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def torch_zip(path, records):
    """Writes records [(name, bytes)] under <stem>/ with torch's writer (which adds `version`)."""
    import torch
    w = torch._C.PyTorchFileWriter(path)
    for name, data in records:
        w.write_record(name, data, len(data))
    w.write_end_of_file()
    del w


def read_records(data):
    """[(name without the root, bytes)] of a torch zip, in order, `version` left out."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        out = []
        for i in z.infolist():
            name = i.filename.split("/", 1)[1]
            if name != "version":
                out.append((name, z.read(i.filename)))
        return out


def bad_cases(good):
    """[(stem, what is wrong, writer(path))]; good: {case: zip bytes} of the good fixtures."""
    import torch
    linear = read_records(good["linear"])
    floats = torch.arange(6, dtype=torch.float32).numpy().tobytes()

    def short_record(path):
        recs = [(n, d[:len(d) // 2] if n == "data/0" else d) for n, d in linear]
        torch_zip(path, recs)

    def view_past_storage(path):
        mark = StorageMark(torch.FloatStorage, "0", 6)
        torch_zip(path, [("data.pkl", mark_pickle({"t": TensorMark(mark, 2, (100,), (1,))})),
                         ("data/0", floats)])

    def dotdot_key(path):
        mark = StorageMark(torch.FloatStorage, "../../0", 6)
        torch_zip(path, [("data.pkl", mark_pickle({"t": TensorMark(mark, 0, (6,), (1,))})),
                         ("data/../../0", floats)])

    def deflated(path):
        stem = os.path.splitext(os.path.basename(path))[0]
        with zipfile.ZipFile(io.BytesIO(good["linear"])) as src, zipfile.ZipFile(path, "w") as dst:
            for i in src.infolist():
                name = stem + "/" + i.filename.split("/", 1)[1]
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED if "/data/" in name else zipfile.ZIP_STORED
                dst.writestr(info, src.read(i.filename))

    def torchscript_like(path):
        torch_zip(path, linear + [("constants.pkl", pickle.dumps((), protocol=2))])

    return [
        ("short_record", "linear.pt's members, with data/0 cut to half its bytes: the storage "
                         "numel in data.pkl needs more bytes than the member holds", short_record),
        ("view_past_storage", "a tensor of size (100,) at offset 2 on a 6-element FloatStorage whose "
                              "member holds all 6 elements", view_past_storage),
        ("dotdot_key", "storage key '../../0', so the member is <root>/data/../../0 (a name with "
                       "'..'; nothing may ever be extracted to disk by that name)", dotdot_key),
        ("deflated", "linear.pt rewritten by zipfile with its data/ members deflated (method 8), "
                     "data.pkl and version stored, no 64-byte alignment", deflated),
        ("torchscript_like", "linear.pt's members plus a constants.pkl member (the TorchScript "
                             "marker torch.load checks for)", torchscript_like),
    ]
