"""SCAN.tsv's `globals` column, decided by running Python: the pure-Python unpickler
(pickle._Unpickler, so find_class is called for every global) over every pickle a file holds.

find_class records (module, name) after fix_imports' mapping (what Python would import) and returns
a stub class that accepts any call, NEWOBJ, BUILD, APPEND and SETITEM, so nothing is imported and
nothing the file names is ever called. A few pure data constructors are the real ones (REAL), so a
nested pickle built from bytes reaches its loader as bytes and joblib's array wrappers have a real
dtype. The stub of a pickle loader (LOADERS) records the globals of the pickle it was given.

The containers are opened the way their loaders do, not by sniffing: the generator knows what it
wrote. Zip members are read from the central directory and the local header's sizes, ignoring
flag bits, CRCs and names, as torch's reader (miniz) does.
"""

import ast
import base64
import bz2
import codecs
import io
import lzma
import pickle
import struct
import tarfile
import zlib

import _compat_pickle

from . import torch_tar

# Calling these is harmless and their results matter (bytes for a nested loader, dtypes for joblib).
REAL = {("_codecs", "encode"): codecs.encode, ("codecs", "encode"): codecs.encode,
        ("base64", "b64decode"): base64.b64decode, ("builtins", "bytes"): bytes,
        ("builtins", "bytearray"): bytearray}
# Loaders whose argument is another pickle file: (module, name) -> container of the argument.
LOADERS = {("pickle", "loads"): "plain1", ("_pickle", "loads"): "plain1", ("dill", "loads"): "plain1",
           ("torch._utils", "_load_from_bytes"): "torch-bytes"}
JOBLIB_WRAPPER = ("joblib.numpy_pickle", "NumpyArrayWrapper")


class StubInstance:
    """What calling a stub gives: accepts anything, remembers its arguments and its state."""

    def __init__(self, glob=None, args=(), kwargs=None):
        self._glob, self._args, self._kwargs, self._state = glob, args, kwargs, None

    def __call__(self, *args, **kwargs):
        return StubInstance(None, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return StubInstance()

    def __setstate__(self, state):
        self._state = state

    def __setitem__(self, key, value):
        pass

    def append(self, x):
        pass

    def extend(self, xs):
        pass


def make_stub(glob):
    """A fresh class standing for the global `glob`: calling it or NEWOBJ makes a StubInstance."""

    def new(cls, *args, **kwargs):
        return StubInstance(glob, args, kwargs)

    def init(self, *args, **kwargs):
        pass

    return type("Stub", (StubInstance,), {"__new__": new, "__init__": init, "_glob_of_class": glob})


def map_fix_imports(module, name):
    """Python 2 names as pickle._Unpickler maps them when fix_imports is on and protocol < 3."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


class Recorder:
    """The globals (in lookup order, repeats kept) of every pickle handed to it."""

    def __init__(self):
        self.seen = []
        self.errors = []

    def unpickler(self, f, joblib=False):
        rec = self

        class Unpickler(pickle._Unpickler):
            dispatch = dict(pickle._Unpickler.dispatch)

            def find_class(self, module, name):
                if self.proto < 3 and self.fix_imports:
                    module, name = map_fix_imports(module, name)
                glob = (module, name)
                rec.seen.append(glob)
                if glob in REAL:
                    return REAL[glob]
                if glob in LOADERS:
                    return rec.loader_stub(LOADERS[glob])
                if joblib and glob == ("numpy", "dtype"):
                    import numpy
                    return numpy.dtype
                return make_stub(glob)

            def persistent_load(self, pid):
                return StubInstance(("persistent", "id"), (pid,))

            def load_build(self):
                super().load_build()
                top = self.stack[-1]
                if joblib and isinstance(top, StubInstance) and top._glob == JOBLIB_WRAPPER:
                    self.stack[-1] = rec.joblib_array(f, top._state)
            dispatch[pickle.BUILD[0]] = load_build

        return Unpickler(f)

    def loader_stub(self, container):
        def load(data=None, *args, **kwargs):
            if isinstance(data, (bytes, bytearray)):
                self.record(container, bytes(data))
            return StubInstance()
        return load

    def joblib_array(self, f, state):
        """Skips what joblib's NumpyArrayWrapper.read_array reads after the wrapper: its object
        array pickle (recorded: joblib loads it with pickle.load) or its raw bytes."""
        dtype, shape = state["dtype"], state["shape"]
        if dtype.hasobject:
            self.one(f, joblib=True)
            return StubInstance()
        if state.get("numpy_array_alignment_bytes") is not None:
            pad = f.read(1)
            f.read(int.from_bytes(pad, "little"))
        count = 1
        for n in shape:
            count *= n
        size = count * dtype.itemsize
        if len(f.read(size)) != size:
            raise EOFError("array data cut short")
        return StubInstance()

    def one(self, f, joblib=False):
        return self.unpickler(f, joblib).load()

    def until_eof(self, f, joblib=False, limit=None):
        """Pickles one after another until EOF (or `limit` of them); stops at the first error. An
        input without any pickle is an error, as for pickle.load."""
        n = 0
        while limit is None or n < limit:
            pos = f.tell()
            if not f.read(1):
                if n == 0:
                    self.errors.append("EOFError: no pickle")
                return
            f.seek(pos)
            try:
                self.one(f, joblib)
            except Exception as e:  # what was looked up before the error stays recorded
                self.errors.append("%s: %s" % (type(e).__name__, e))
                return
            n += 1

    def record(self, container, data):
        f = io.BytesIO(data)
        if container in ("plain", "concat"):
            self.until_eof(f)
        elif container == "plain1":
            self.until_eof(f, limit=1)
        elif container in DECOMPRESS:
            self.until_eof(io.BytesIO(DECOMPRESS[container](data)))
        elif container == "joblib":
            self.until_eof(io.BytesIO(joblib_decompress(data)), joblib=True)
        elif container == "npy":
            self.npy(data)
        elif container in ("npz", "zip", "torch-zip"):
            for name, member in zip_members(data):
                if container == "npz":
                    self.npy(member)
                elif container == "zip" or name.endswith(".pkl"):
                    self.until_eof(io.BytesIO(member))
        elif container == "torch-legacy":
            # torch.load's legacy_load: magic number, protocol, sys_info, object, storage keys.
            self.until_eof(f, limit=5)
        elif container == "torch-tar":
            self.torch_tar(data)
        elif container == "torch-bytes":
            self.record("torch-zip" if data[:4] == b"PK\x03\x04" else "torch-legacy", data)
        else:
            raise ValueError(container)

    def npy(self, data):
        assert data[:6] == b"\x93NUMPY", "not .npy"
        major = data[6]
        n, = struct.unpack("<H" if major == 1 else "<I", data[8:10] if major == 1 else data[8:12])
        start = (10 if major == 1 else 12) + n
        header = ast.literal_eval(data[start - n:start].decode("latin1"))
        if "O" in str(header["descr"]):
            self.until_eof(io.BytesIO(data[start:]), limit=1)

    def torch_tar(self, data):
        """legacy_load of a tar: sys_info, pickle, then the pickles of `tensors` and `storages`."""
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            blobs = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
        for name in ("sys_info", "pickle"):
            self.until_eof(io.BytesIO(blobs[name]), limit=1)
        f = io.BytesIO(blobs["tensors"])
        for _ in range(self.count(f)):
            self.one(f)
            ndim, = struct.unpack("<i4x", f.read(8))
            f.read(8 * (2 * ndim + 1))
        f = io.BytesIO(blobs["storages"])
        for _ in range(self.count(f)):
            record = self.one(f)
            count, = struct.unpack("<q", f.read(8))
            f.read(count * torch_tar._itemsize(record[2]._glob_of_class[1]))
        self.one(f)

    def count(self, f):
        n = self.one(f)
        assert isinstance(n, int), n
        return n


def lz4_decompress(data):
    import lz4.frame
    return lz4.frame.decompress(data)


# Streaming decompressors: a stream cut short still gives what came before the cut, as a loader
# reading gzip.open(...) would get it.
DECOMPRESS = {"zlib": lambda d: zlib.decompressobj().decompress(d), "gzip": lambda d: zlib.decompressobj(31).decompress(d),
              "bz2": lambda d: bz2.BZ2Decompressor().decompress(d), "xz": lambda d: lzma.LZMADecompressor().decompress(d),
              "lzma": lambda d: lzma.LZMADecompressor().decompress(d), "lz4": lz4_decompress}


def joblib_decompress(data):
    from .joblib_cases import jl_decompress
    return jl_decompress(data)


def zip_members(data):
    """[(central directory name, member bytes)], tolerant of flags, CRCs and local names."""
    end = data.rfind(b"PK\x05\x06")
    assert end >= 0, "no end of central directory"
    count, size, offset = struct.unpack("<10xHII", data[end:end + 20])
    out, pos = [], offset
    for _ in range(count):
        assert data[pos:pos + 4] == b"PK\x01\x02"
        method, = struct.unpack("<H", data[pos + 10:pos + 12])
        csize, = struct.unpack("<I", data[pos + 20:pos + 24])
        n, m, k = struct.unpack("<HHH", data[pos + 28:pos + 34])
        local, = struct.unpack("<I", data[pos + 42:pos + 46])
        name = data[pos + 46:pos + 46 + n].decode("utf-8")
        pos += 46 + n + m + k
        ln, lm = struct.unpack("<HH", data[local + 26:local + 30])
        raw = data[local + 30 + ln + lm:local + 30 + ln + lm + csize]
        out.append((name, zlib.decompress(raw, -15) if method == 8 else raw))
    return out


def globals_of(container, data):
    """(sorted unique 'module.name' list, lookups in order, errors) of a file's bytes."""
    rec = Recorder()
    try:
        rec.record(container, data)
    except Exception as e:  # a container that cannot be opened: what was seen before stays
        rec.errors.append("%s: %s" % (type(e).__name__, e))
    names = ["%s.%s" % g for g in rec.seen]
    return sorted(set(names)), names, rec.errors


def c_unpickler_globals(data):
    """(set of 'module.name', error or None) from CPython's C unpickler over the pickles of `data`
    one after another: a cross-check of the pure-Python recorder on plain and concatenated files
    (loaders are stubs here, so nested pickles are not followed)."""
    seen = set()

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            module, name = map_fix_imports(module, name)
            seen.add("%s.%s" % (module, name))
            return make_stub((module, name))

        def persistent_load(self, pid):
            return StubInstance()

    f = io.BytesIO(data)
    try:
        while True:
            Unpickler(f).load()
            if f.tell() == len(data):
                return seen, None
    except Exception as e:
        return seen, "%s: %s" % (type(e).__name__, e)


def joblib_reader_globals(data):
    """(set, error or None): the globals joblib's own NumpyUnpickler looks up in a joblib file without object arrays
    (joblib reads those with a plain pickle.load, which would run them): a cross-check of
    Recorder's array skipping. Only the wrapper class and numpy's dtype are real; the rest stubs."""
    import numpy
    from joblib.numpy_pickle import NumpyArrayWrapper, NumpyUnpickler
    seen = set()

    class Reader(NumpyUnpickler):
        dispatch = NumpyUnpickler.dispatch.copy()

        def find_class(self, module, name):
            seen.add("%s.%s" % (module, name))
            if (module, name) == JOBLIB_WRAPPER:
                return NumpyArrayWrapper
            if (module, name) == ("numpy", "dtype"):
                return numpy.dtype
            if (module, name) == ("numpy", "ndarray"):
                return numpy.ndarray
            return make_stub((module, name))

    f = io.BytesIO(joblib_decompress(data))
    try:
        Reader("", f).load()
    except Exception as e:
        return seen, "%s: %s" % (type(e).__name__, e)
    assert not f.read(), "bytes after joblib's pickle"
    return seen, None
