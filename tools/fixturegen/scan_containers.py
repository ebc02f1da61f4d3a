"""Containers for fixtures/scan/: compressors, joblib.dump, np.save, torch.save (zip and legacy
stream), the legacy torch tar, and a zip writer whose flag bits, CRCs and names can be wrong."""

import bz2
import gzip
import io
import lzma
import os
import struct
import tempfile
import zlib

from . import torch_tar
from .joblib_cases import jl_dump
from .scan_record import Recorder, zip_members
from .torch_bad import torch_zip

DOS_DATE = 33  # 1980-01-01, time 00:00


def compress(codec, data):
    if codec == "zlib":
        return zlib.compress(data, 6)
    if codec == "gzip":
        return gzip.compress(data, 6, mtime=0)
    if codec == "bz2":
        return bz2.compress(data, 9)
    if codec == "xz":
        return lzma.compress(data, lzma.FORMAT_XZ)
    if codec == "lzma":
        return lzma.compress(data, lzma.FORMAT_ALONE)
    if codec == "lz4":
        import lz4.frame
        return lz4.frame.compress(data)
    raise ValueError(codec)


def joblib_bytes(obj, codec="none", protocol=None):
    """joblib.dump's bytes; codec 'none' or a joblib compressor name at its default level."""
    import pickle
    return jl_dump(obj, pickle.HIGHEST_PROTOCOL if protocol is None else protocol,
                   0 if codec == "none" else codec)


def npy_bytes(arr):
    import numpy
    f = io.BytesIO()
    numpy.save(f, arr, allow_pickle=True)
    return f.getvalue()


def npz_bytes(arrays):
    """np.savez's layout (a stored zip of NAME.npy members) with fixed times."""
    return write_zip([Member(name + ".npy", npy_bytes(a)) for name, a in arrays])


def tiny_state_dict():
    import collections
    import torch
    return collections.OrderedDict([("weight", torch.arange(6, dtype=torch.float32).reshape(2, 3)),
                                    ("bias", torch.zeros(2))])


def torch_save_zip(obj, stem):
    """torch.save(obj) bytes under the root `stem`."""
    import torch
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, stem + ".pt")
        torch.save(obj, path)
        with open(path, "rb") as f:
            return f.read()


def torch_zip_records(records, stem):
    """torch's own zip writer over [(name without root, bytes)]."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, stem + ".pt")
        torch_zip(path, records)
        with open(path, "rb") as f:
            return f.read()


def torch_records(data):
    """[(name without root, bytes)] of a torch zip, `version` left out (torch_zip adds it)."""
    return [(n.split("/", 1)[1], d) for n, d in zip_members(data) if not n.endswith("/version")]


def legacy_pickles(data):
    """The five pickles of a legacy stream [(start, end)] and the offset of the raw storages."""
    f = io.BytesIO(data)
    spans = []
    for _ in range(5):
        start = f.tell()
        Recorder().one(f)
        spans.append((start, f.tell()))
    return spans


def legacy_replace(data, index, new):
    """The legacy stream with its pickle number `index` (0-4) replaced by `new`."""
    start, end = legacy_pickles(data)[index]
    return data[:start] + new + data[end:]


def torch_tar_bytes(obj, replace=None):
    """The legacy tar of torch < 0.4 (torch_tar.tar_bytes); replace {member: bytes} swaps a
    member's content (the tar is rewritten with the same fixed header fields)."""
    import tarfile
    data = torch_tar.tar_bytes(obj)
    if not replace:
        return data
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, blob in members:
            blob = replace.get(name, blob)
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(blob), 0, 0o644
            tar.addfile(info, io.BytesIO(blob))
    return out.getvalue()


class Member:
    """One stored zip member; flags, local_flags, crc and local_name override what a writer would put."""

    def __init__(self, name, data, flags=0, crc=None, local_name=None, deflate=False, local_flags=None):
        self.name, self.data, self.flags = name, data, flags
        self.local_flags = local_flags
        self.crc = zlib.crc32(data) if crc is None else crc
        self.local_name = name if local_name is None else local_name
        self.deflate = deflate


def write_zip(members):
    out, central = io.BytesIO(), io.BytesIO()
    for m in members:
        offset = out.tell()
        method = 8 if m.deflate else 0
        if m.deflate:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = c.compress(m.data) + c.flush()
        else:
            body = m.data
        name, local_name = m.name.encode("utf-8"), m.local_name.encode("utf-8")
        local_flags = m.flags if m.local_flags is None else m.local_flags
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, local_flags, method, 0, DOS_DATE, m.crc,
                              len(body), len(m.data), len(local_name), 0) + local_name + body)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, m.flags, method, 0, DOS_DATE,
                                  m.crc, len(body), len(m.data), len(name), 0, 0, 0, 0, 0, offset) + name)
    cd_offset = out.tell()
    cd = central.getvalue()
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd), cd_offset, 0))
    return out.getvalue()


def torch_reads(data, record):
    """What torch's own zip reader (miniz, torch.load's first step) gives for `record` (no
    unpickling): the bytes, or the error's first line."""
    import torch
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.pt")
        with open(path, "wb") as f:
            f.write(data)
        try:
            r = torch._C.PyTorchFileReader(path)
            return bytes(r.get_record(record))
        except Exception as e:
            return "error: " + str(e).split("\n")[0]
