"""The legacy tar format of torch < 0.4, which torch 1.13 still reads (serialization.py's
legacy_load) but no longer writes: written here from the layout legacy_load reads, and read back
without torch for the sidecars. torch_cases.py checks every file with torch.load itself.

Members, in the order torch 0.3's _save added them: `sys_info`, `pickle` (the object; a tensor is
the persistent id str(key)), `tensors` (their count; per tensor a pickled (key, storage key, tensor
type), int32 ndim, 4 unused bytes, ndim int64 sizes, ndim int64 strides, int64 storage offset) and
`storages` (their count; per storage a pickled (key, location, storage type), int64 element count
and the bytes; then the pickled list of storage views, empty). Keys are ints (torch 0.3 used
object addresses): storages 0, 1, ... in the order tensors first name them, tensors 1000, 1001, ...
Tensors viewing one storage name the same storage key. All pickles are protocol 2; the tar is PAX
with zero times and owners, so the bytes repeat.
"""

import collections
import io
import pickle
import struct
import tarfile

TENSOR_KEY_BASE = 1000


def tar_bytes(obj):
    import torch
    tensors = collections.OrderedDict()   # key -> tensor
    tensor_keys = {}                      # id(tensor) -> key
    storages = collections.OrderedDict()  # storage identity -> (key, tensor viewing it)

    class Pickler(pickle.Pickler):
        def persistent_id(self, o):
            if isinstance(o, torch.Tensor):
                if id(o) not in tensor_keys:
                    tensor_keys[id(o)] = TENSOR_KEY_BASE + len(tensor_keys)
                    tensors[tensor_keys[id(o)]] = o
                return str(tensor_keys[id(o)])
            return None

    main = io.BytesIO()
    Pickler(main, protocol=2).dump(obj)

    def storage_key(t):
        st = t.storage()
        ident = (st.data_ptr(), st.dtype, st.size()) if st.data_ptr() else ("empty", id(t))
        if ident not in storages:
            storages[ident] = (len(storages), t)
        return storages[ident][0]

    tens = io.BytesIO()
    pickle.dump(len(tensors), tens, protocol=2)
    for key, t in tensors.items():
        # The tensor type legacy_load ignores: torch.FloatTensor and the like, torch.Tensor where
        # torch has no such name (complex, bfloat16: types torch 0.3 did not have).
        tensor_type = getattr(torch, t.type().split(".")[-1], torch.Tensor)
        pickle.dump((key, storage_key(t), tensor_type), tens, protocol=2)
        tens.write(struct.pack("<i", t.dim()) + b"\0\0\0\0")
        tens.write(struct.pack("<%dq" % t.dim(), *t.shape))
        tens.write(struct.pack("<%dq" % t.dim(), *t.stride()))
        tens.write(struct.pack("<q", t.storage_offset()))

    stor = io.BytesIO()
    pickle.dump(len(storages), stor, protocol=2)
    for key, t in storages.values():
        st = t.storage()
        pickle.dump((key, "cpu", getattr(torch, st.pickle_storage_type())), stor, protocol=2)
        stor.write(struct.pack("<q", st.size()))
        stor.write(torch.empty(0, dtype=torch.uint8).set_(st._storage).numpy().tobytes())
    pickle.dump([], stor, protocol=2)

    sys_info = pickle.dumps(dict(protocol_version=1001, little_endian=True,
                                 type_sizes=dict(short=2, int=4, long=4)), protocol=2)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in (("sys_info", sys_info), ("pickle", main.getvalue()), ("tensors", tens.getvalue()),
                           ("storages", stor.getvalue())):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def read_tar(data, scan_unpickler, storage_ref, tensor_stub):
    """Without torch: the members (name, data offset, size), the storages (key, storage type name,
    numel, raw bytes) in file order, the `pickle` member's bytes and its object with each tensor a
    tensor_stub(storage_ref(pid), offset, size, stride, False, OrderedDict()), where pid is the
    zip-style ('storage', type global, str(key), location, numel) of its storage."""
    members, blobs = [], {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        for m in tar.getmembers():
            members.append(collections.OrderedDict([("name", m.name), ("data_offset", m.offset_data),
                                                    ("size", m.size)]))
            blobs[m.name] = tar.extractfile(m).read()

    class Records(pickle.Unpickler):
        def find_class(self, module, name):
            return scan_unpickler.find_class(self, module, name) if name.endswith("Storage") else (module, name)

    f = io.BytesIO(blobs["storages"])
    storages, refs = [], {}
    for _ in range(pickle.load(f)):
        key, location, storage_type = Records(f).load()
        count, = struct.unpack("<q", f.read(8))
        raw = f.read(count * _itemsize(storage_type.name))
        storages.append((str(key), storage_type.name, count, raw))
        refs[key] = storage_ref(("storage", storage_type, str(key), location, count))
    assert pickle.load(f) == [] and f.read() == b""
    f = io.BytesIO(blobs["tensors"])
    objects = dict(refs)
    for _ in range(pickle.load(f)):
        key, skey, _ = Records(f).load()
        ndim, = struct.unpack("<i4x", f.read(8))
        size = struct.unpack("<%dq" % ndim, f.read(8 * ndim))
        stride = struct.unpack("<%dq" % ndim, f.read(8 * ndim))
        offset, = struct.unpack("<q", f.read(8))
        objects[key] = tensor_stub(refs[skey], offset, size, stride, False, collections.OrderedDict())
    assert f.read() == b""

    class Main(scan_unpickler):
        def persistent_load(self, pid):
            return objects[int(pid)]

    obj = Main(io.BytesIO(blobs["pickle"])).load()
    return members, storages, blobs["pickle"], obj


def _itemsize(storage_type):
    sizes = {"Double": 8, "Float": 4, "Half": 2, "BFloat16": 2, "Long": 8, "Int": 4, "Short": 2, "Char": 1,
             "Byte": 1, "Bool": 1, "ComplexFloat": 8, "ComplexDouble": 16}
    return sizes[storage_type[:-len("Storage")]]
