"""fixtures/torch/bad/: real torch zips made wrong in one way each, for the reader's error tests.

The containers are written by torch's own zip writer (torch._C.PyTorchFileWriter: stored members,
64-byte aligned, `version` last), or rewritten by zipfile where a case needs deflate or zip64;
header fields a writer cannot be asked to get wrong (sizes, CRCs, offsets) are then patched with
struct at the offsets the zip format gives. A data.pkl that torch
cannot be made to write (a tensor past its storage, a storage key with `..`) is pickled by Python's
pickler with torch's persistent-id scheme (StorageMark below), never typed in by hand. What
torch.load does with each file is run, not assumed: the sidecar records it.
"""

import collections
import io
import os
import pickle
import struct
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



def central_entries(data):
    """[(name, central entry offset, local header offset)] from the end of central directory."""
    eocd = data.rindex(b"PK\x05\x06")
    count, = struct.unpack("<H", data[eocd + 10:eocd + 12])
    at, = struct.unpack("<I", data[eocd + 16:eocd + 20])
    out = []
    for _ in range(count):
        assert data[at:at + 4] == b"PK\x01\x02"
        n, m, k = struct.unpack("<HHH", data[at + 28:at + 34])
        local, = struct.unpack("<I", data[at + 42:at + 46])
        out.append((data[at + 46:at + 46 + n].decode(), at, local))
        at += 46 + n + m + k
    return out


def patch(data, at, fmt, *values):
    """data with struct `fmt` written at `at`."""
    b = bytearray(data)
    struct.pack_into(fmt, b, at, *values)
    return bytes(b)


def patch_sizes(data, member, compressed, size):
    """Both headers of `member` (a name ending the stored name) given other sizes (32-bit fields)."""
    for name, central, local in central_entries(data):
        if name.endswith(member):
            data = patch(data, central + 20, "<II", compressed, size)
            data = patch(data, local + 18, "<II", compressed, size)
    return data


def zipfile_write(path, members, tweak=None):
    """members: [(name, bytes, compress_type)]; fixed dates; tweak(zipfile) runs before the
    central directory is written."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, method in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            if method == zipfile.ZIP_DEFLATED:
                z.writestr(info, data, compresslevel=9)
            else:
                z.writestr(info, data)
        if tweak:
            tweak(z)
    return buf.getvalue()


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def hostile_cases(linear, floats):
    """The container attacks (zip bombs, overlapping and out-of-file members, zip64 sizes, CRCs)
    and an overlapping view, each from linear.pt's members or a small data.pkl."""
    import torch

    def stem_of(path):
        return os.path.splitext(os.path.basename(path))[0]

    def linear_members(path, deflate=()):
        stem = stem_of(path)
        return [(stem + "/" + n, d, zipfile.ZIP_DEFLATED if n in deflate else zipfile.ZIP_STORED)
                for n, d in linear + [("version", b"3\n")]]

    def zip_bomb_claim(path):
        data = zipfile_write(path, linear_members(path, deflate=("data/0",)))
        for name, central, local in central_entries(data):
            if name.endswith("/data/0"):
                data = patch(data, central + 24, "<I", 0xFFFFFF00)
                data = patch(data, local + 22, "<I", 0xFFFFFF00)
        write_bytes(path, data)

    def zip_bomb_ratio(path):
        n = 4 << 20
        mark = StorageMark(torch.FloatStorage, "0", n)
        stem = stem_of(path)
        write_bytes(path, zipfile_write(path, [
            (stem + "/data.pkl", mark_pickle({"zeros": TensorMark(mark, 0, (n,), (1,))}), zipfile.ZIP_STORED),
            (stem + "/data/0", bytes(4 * n), zipfile.ZIP_DEFLATED),
            (stem + "/version", b"3\n", zipfile.ZIP_STORED)]))

    def overlapping_members(path):
        a, b = StorageMark(torch.FloatStorage, "0", 6), StorageMark(torch.FloatStorage, "1", 6)
        torch_zip(path, [("data.pkl", mark_pickle({"a": TensorMark(a, 0, (6,), (1,)),
                                                   "b": TensorMark(b, 0, (6,), (1,))})),
                         ("data/0", floats), ("data/1", floats)])
        with open(path, "rb") as f:
            data = f.read()
        entries = {name.split("/", 1)[1]: (central, local) for name, central, local in central_entries(data)}
        data = patch(data, entries["data/1"][0] + 42, "<I", entries["data/0"][1])
        write_bytes(path, data)

    def member_past_end(path):
        torch_zip(path, linear)
        with open(path, "rb") as f:
            data = f.read()
        write_bytes(path, patch_sizes(data, "/data/1", 1 << 20, 1 << 20))

    def zip64_absurd(path):
        def tweak(z):
            for info in z.infolist():
                if info.filename.endswith("/data/0"):
                    info.file_size = info.compress_size = 1 << 62
        stem = stem_of(path)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, data, _ in linear_members(path):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                with z.open(info, "w", force_zip64=name == stem + "/data/0") as f:
                    f.write(data)
            tweak(z)
        write_bytes(path, buf.getvalue())

    def crc_stored(path):
        torch_zip(path, linear)
        with open(path, "rb") as f:
            data = f.read()
        for name, central, local in central_entries(data):
            if name.endswith("/data/0"):
                n, m = struct.unpack("<HH", data[local + 26:local + 30])
                at = local + 30 + n + m
                data = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
        write_bytes(path, data)

    def crc_deflated(path):
        data = zipfile_write(path, linear_members(path, deflate=("data/0", "data/1")))
        for name, central, local in central_entries(data):
            if name.endswith("/data/0"):
                crc, = struct.unpack("<I", data[central + 16:central + 20])
                data = patch(data, central + 16, "<I", crc ^ 1)
                data = patch(data, local + 14, "<I", crc ^ 1)
        write_bytes(path, data)

    def expand_bomb(path):
        mark = StorageMark(torch.FloatStorage, "0", 1)
        torch_zip(path, [("data.pkl", mark_pickle({"t": TensorMark(mark, 0, (1 << 24,), (0,))})),
                         ("data/0", floats[:4])])

    return [
        ("zip_bomb_claim", "linear.pt's members rewritten by zipfile with data/0 deflated, both its headers "
                           "then claiming 4294967040 uncompressed bytes from 53 deflated ones (more than "
                           "deflate's 1032:1 can produce)", "kCompression", zip_bomb_claim),
        ("zip_bomb_ratio", "a (4194304,) float32 tensor of zeros whose data/0 member is 16 MiB deflated "
                           "to 16 KB (a real 1000:1 bomb), loaded under Limits::max_memory_bytes 4 MiB",
                           "kLimitExceeded\nlimit max_memory_bytes=4194304", zip_bomb_ratio),
        ("overlapping_members", "two 6-element storages whose members data/0 and data/1 hold the same "
                                "bytes; data/1's central directory entry then points at data/0's local "
                                "header (overlapping members: the shape of non-recursive zip bombs)",
                                "kBadArgument", overlapping_members),
        ("member_past_end", "linear.pt's members with data/1's sizes in both headers set to 1 MiB, "
                            "past the end of the file", "kBadArgument", member_past_end),
        ("zip64_absurd", "linear.pt's members rewritten by zipfile, data/0 with a zip64 local header "
                         "and its central directory entry claiming 2**62 bytes (zip64 extra field)",
                         "kBadArgument", zip64_absurd),
        ("crc_stored", "linear.pt's members with one bit of stored data/0 flipped, its CRC-32 left "
                       "as it was (picklejar does not check stored members' CRCs: see README)", "ok",
                       crc_stored),
        ("crc_deflated", "linear.pt's members rewritten by zipfile with data/ deflated, data/0's CRC-32 "
                         "in both headers off by one bit", "kCompression", crc_deflated),
        ("expand_bomb", "a 1-element FloatStorage viewed as (16777216,) with stride (0,): 64 MiB of "
                        "row-major copy from 4 bytes, loaded under Limits::max_memory_bytes 16 MiB",
                        "kLimitExceeded\nlimit max_memory_bytes=16777216", expand_bomb),
    ]

def bad_cases(good):
    """[(stem, what is wrong, picklejar's expectation, writer(path))]; good: {case: zip bytes} of the
    good fixtures. The expectation is fixtures/torch/bad/<stem>.expect: the ErrorCode torch::load
    throws (or `ok`), then `limit NAME=VALUE` lines, as in fixtures/bad/."""
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
                         "numel in data.pkl needs more bytes than the member holds", "kBadLength", short_record),
        ("view_past_storage", "a tensor of size (100,) at offset 2 on a 6-element FloatStorage whose "
                              "member holds all 6 elements", "kBadLength", view_past_storage),
        ("dotdot_key", "storage key '../../0', so the member is <root>/data/../../0 (a name with "
                       "'..'; nothing may ever be extracted to disk by that name)", "ok", dotdot_key),
        ("deflated", "linear.pt rewritten by zipfile with its data/ members deflated (method 8), "
                     "data.pkl and version stored, no 64-byte alignment", "ok", deflated),
        ("torchscript_like", "linear.pt's members plus a constants.pkl member (the TorchScript "
                             "marker torch.load checks for)", "kUnsupported", torchscript_like),
    ] + hostile_cases(linear, floats)
