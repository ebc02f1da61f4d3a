"""fixtures/redump/ and fixtures/REDUMP.tsv: CPython's re-dump of every loadable fixture."""

import hashlib
import io
import pickle
import sys

from .jsonform import ABSENT
from .inert import IGlobal, IObject, InertUnpickler
from .output import FX
from .numpy_cases import numpy2_dumps, numpy2_modules

# ------------------------------------------------------------------------------------------------
# CPython's re-dump of every loadable fixture: fixtures/redump/ and fixtures/REDUMP.tsv


UNMATCHABLE_INST = "INST/OBJ with args: __init__ sets attributes that the re-dump's state holds"
UNMATCHABLE_NEWARGS = "_reconstructor object of a class with __getnewargs__: NEWOBJ args not in the stream"
UNMATCHABLE_NUMPY = ("numpy arrays in the state of an extension type with its own __reduce__/__getstate__: "
                     "re-pickling runs its code, which rebuilds arrays (from Cython memoryviews) with new dtypes")
UNMATCHABLE_RULES = (UNMATCHABLE_INST, UNMATCHABLE_NEWARGS, UNMATCHABLE_NUMPY)


class PidMarker:
    """What a persistent id loads as for the re-dump; dumped back as the same pid."""

    __slots__ = ("pid",)

    def __init__(self, pid):
        self.pid = pid


class MarkerUnpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        return PidMarker(pid)


class MarkerPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj.pid if type(obj) is PidMarker else None


class RedumpScan(InertUnpickler):
    """The inert unpickler, noting what the re-dump depends on: persistent ids, out-of-band buffers
    (read-only iff READONLY_BUFFER directly follows NEXT_BUFFER), INST/OBJ with arguments, the
    classes given to copyreg._reconstructor, and the modules of all globals."""

    dispatch = dict(InertUnpickler.dispatch)

    def __init__(self, data, **kw):
        super().__init__(data, **kw)
        self.persids = 0
        self.buffers_readonly = []
        self.next_buffer_end = -1
        self.inst_with_args = 0
        self.reconstructed = []
        self.globals = []
        self.numpy_state_classes = []  # classes of objects whose BUILD state holds numpy objects

    def find_class(self, module, name):
        g = super().find_class(module, name)
        self.globals.append(g)
        return g

    def persistent_load(self, pid):
        self.persids += 1
        return super().persistent_load(pid)

    def load_next_buffer(self):
        InertUnpickler.load_next_buffer(self)
        self.buffers_readonly.append(False)
        self.next_buffer_end = self._f.tell()
    dispatch[pickle.NEXT_BUFFER[0]] = load_next_buffer

    def load_readonly_buffer(self):
        if self._f.tell() == self.next_buffer_end + 1:
            self.buffers_readonly[-1] = True
        InertUnpickler.load_readonly_buffer(self)
    dispatch[pickle.READONLY_BUFFER[0]] = load_readonly_buffer

    def load_inst(self):
        InertUnpickler.load_inst(self)
        self.inst_with_args += bool(self.stack[-1].args)
    dispatch[pickle.INST[0]] = load_inst

    def load_obj(self):
        InertUnpickler.load_obj(self)
        self.inst_with_args += bool(self.stack[-1].args)
    dispatch[pickle.OBJ[0]] = load_obj

    def load_reduce(self):
        func, args = self.stack[-2], self.stack[-1]
        if func == IGlobal("copyreg", "_reconstructor") and type(args) is tuple and args \
                and isinstance(args[0], IGlobal):
            self.reconstructed.append(args[0])
        InertUnpickler.load_reduce(self)
    dispatch[pickle.REDUCE[0]] = load_reduce

    def load_build(self):
        state, inst = self.stack[-1], self.stack[-2]
        InertUnpickler.load_build(self)
        if holds_numpy(state) and not is_numpy_made(inst):
            # The object's class: the NEWOBJ class, or the classes a reduce callable was given
            # (sklearn's KDTree is newObj(KDTree) + BUILD state).
            if inst.how != "reduce":
                self.numpy_state_classes.append(inst.callable)
            elif type(inst.args) is tuple:
                self.numpy_state_classes.extend(a for a in inst.args if isinstance(a, IGlobal))
    dispatch[pickle.BUILD[0]] = load_build


def is_numpy_made(v):
    """An inert object made by a numpy global (an array, dtype or scalar)."""
    return isinstance(v, IObject) and isinstance(v.callable, IGlobal) \
        and (v.callable.module == "numpy" or v.callable.module.startswith("numpy."))


def holds_numpy(v, seen=None):
    """Whether an inert value holds a numpy object (made by a numpy global), through containers."""
    seen = set() if seen is None else seen
    if id(v) in seen:
        return False
    seen.add(id(v))
    if isinstance(v, IObject):
        if is_numpy_made(v):
            return True
        return any(holds_numpy(x, seen) for x in (v.args, v.state) if x is not ABSENT)
    if isinstance(v, (list, tuple)):
        return any(holds_numpy(x, seen) for x in v)
    if isinstance(v, dict):
        return any(holds_numpy(x, seen) for x in v.values())
    return False


def rebuilds_state(cls):
    """An extension (non-heap) type whose own code (not object's) makes its pickled state."""
    if not isinstance(cls, type) or cls.__flags__ & (1 << 9):  # Py_TPFLAGS_HEAPTYPE: a Python class
        return False
    return any(k in c.__dict__ for c in cls.__mro__ if c is not object
               for k in ("__reduce__", "__reduce_ex__", "__getstate__"))


def resolve_global(g):
    obj = __import__(g.module, fromlist=["*"]) if g.module else None
    for part in g.name.split("."):
        obj = getattr(obj, part)
    return obj


def redump_options(rel, opts, files):
    """MANIFEST options -> (pickle.loads keyword arguments without buffers, raw buffers or None)."""
    kw, raw = {}, None
    stem = rel.rsplit(".", 1)[0]
    for o in ([] if opts == "-" else opts.split(",")):
        k, v = o.split("=")
        if k == "encoding":
            kw["encoding"] = v
        elif k == "fix_imports":
            kw["fix_imports"] = v != "0"
        elif k == "buffers":
            raw = None if v == "none" else [files["%s.buf%d.bin" % (stem, i)] for i in range(int(v))]
        else:
            raise AssertionError(o)
    return kw, raw


def cpython_redump(obj, proto, persistent, oob=False, numpy2=False):
    """CPython's C pickler: (bytes, out-of-band buffers); raises what the pickler raises. With
    numpy2, numpy's functions are written with their numpy 2.x module names (Numpy2Pickler)."""
    outs = []
    for _ in range(2):
        bufs = []
        cb = (lambda b: bufs.append(b) or False) if oob else None
        if numpy2:
            assert not persistent
            data = numpy2_dumps(obj, proto, buffer_callback=cb)
        elif persistent:
            f = io.BytesIO()
            MarkerPickler(f, proto, buffer_callback=cb).dump(obj)
            data = f.getvalue()
        else:
            data = pickle.dumps(obj, proto, buffer_callback=cb)
        outs.append((data, [bytes(b.raw()) for b in bufs]))
    assert outs[0] == outs[1], "re-dump is not repeatable"
    return outs[0]


def note_text(s, limit=100):
    s = " ".join(str(s).split())
    return s if len(s) <= limit else s[:limit - 3] + "..."


def redump_cases():
    """For each `json` MANIFEST row CPython can load: pickle.dumps(loaded, N) for N in 0..5 (and the
    out-of-band variant at 5 when the value holds PickleBuffers). Fills FX.redump_rows/_files."""
    files = {}
    rows = []

    def store(data, bufs):
        h = "redump/" + hashlib.sha256(data).hexdigest()[:16]
        blobs = {h + ".pkl": data}
        for i, b in enumerate(bufs):
            blobs["%s.buf%d.bin" % (h, i)] = b
        if h + ".pkl" in files:
            assert files[h + ".pkl"] == data, "sha256 prefix collision " + h
            assert all(files.get(k) == v for k, v in blobs.items()) \
                and not any(k.startswith(h + ".buf") and k not in blobs for k in files), \
                "same stream with different out-of-band buffers " + h
        files.update(blobs)
        return h + ".pkl"

    saved_digits = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(sys.int_info.default_max_str_digits)  # CPython's default guard
    try:
        for rel, _, opts, expect, _, _ in FX.rows:
            if expect != "json":
                continue
            kw, raw = redump_options(rel, opts, FX.files)
            if kw.get("fix_imports") is False:
                FX.redump_skipped += 1
                continue
            data = FX.files[rel]
            scan = RedumpScan(data, encoding=kw.get("encoding", "ASCII"), buffers=raw)
            scan.load()
            if raw is not None:
                assert len(scan.buffers_readonly) == len(raw), rel
                kw["buffers"] = [pickle.PickleBuffer(bytes(b) if ro else bytearray(b))
                                 for b, ro in zip(raw, scan.buffers_readonly)]
            persistent = scan.persids > 0
            numpy2 = rel in FX.numpy2
            if persistent:
                obj = MarkerUnpickler(io.BytesIO(data), **kw).load()
            elif numpy2:
                # numpy 1.24 cannot import numpy._core: loaded as numpy >= 1.26.1 does (numpy._core.*
                # are numpy.core.*), re-dumped by numpy 1.24 written with the numpy 2 names.
                with numpy2_modules("load"):
                    obj = pickle.loads(data, **kw)
            else:
                obj = pickle.loads(data, **kw)  # on bytes: see cpython_load

            # Rules, decided from the stream (never from the outputs): (protocols, reason)
            reasons = []
            if scan.inst_with_args:
                reasons.append((range(6), UNMATCHABLE_INST))
            if any(hasattr(c, "__getnewargs__") or hasattr(c, "__getnewargs_ex__")
                   for c in map(resolve_global, scan.reconstructed)):
                reasons.append((range(2, 6), UNMATCHABLE_NEWARGS))
            if any(rebuilds_state(resolve_global(c)) for c in scan.numpy_state_classes if isinstance(c, IGlobal)):
                reasons.append((range(6), UNMATCHABLE_NUMPY))
            # Globals CPython knows under another module (functools.reduce is _functools.reduce)
            # are matchable: picklejar carries CPython's table of them (tools/gen_compat_tables.py).

            variants = [(p, "inband") for p in range(6)]
            if scan.buffers_readonly:
                variants.append((5, "oob"))
            for p, variant in variants:
                try:
                    out, bufs = cpython_redump(obj, p, persistent, oob=variant == "oob", numpy2=numpy2)
                except Exception as e:  # noqa: BLE001 - the exception class is the expectation
                    cpython, note = "error:" + type(e).__name__, note_text(e)
                    bufs = []
                else:
                    assert variant == "oob" or not bufs
                    cpython = store(out, bufs)
                    same = out == data and (variant == "inband" or bufs == [bytes(b) for b in raw])
                    note = "; ".join(([] if variant == "inband" else ["%d out-of-band buffers" % len(bufs)])
                                     + (["identical to source"] if same else [])
                                     + (["numpy 1.24's re-dump with numpy 2 names"] if numpy2 else [])) or "-"
                why = [r for ps, r in reasons if p in ps]
                for r in why:
                    FX.redump_reasons[r.split(":")[0]] += 1
                expect_r = cpython
                if why:
                    expect_r, note = "unmatchable", "cpython=%s; %s" % (cpython, "; ".join(why))
                rows.append((rel, str(p), variant, expect_r, str(len(bufs)), note))
    finally:
        sys.set_int_max_str_digits(saved_digits)
    FX.redump_rows = rows
    FX.redump_files = files
