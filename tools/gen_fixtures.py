#!/usr/bin/python3
"""Generates picklejar's golden fixtures: fixtures/pickle/, fixtures/numpy/, fixtures/sklearn/model*,
fixtures/MANIFEST.tsv, fixtures/redump/, fixtures/REDUMP.tsv and fixtures/README.md.

Run with Debian's interpreter from the repository root or anywhere:

    /usr/bin/python3 tools/gen_fixtures.py

Every pickle gets, next to it, `<stem>.dis` (pickletools.dis(data, out, annotate=0)) and
`<stem>.json`: the value picklejar must load, in the tagged form of docs/JSON.md, one line, no
trailing newline. The expected JSON of a pickle written here is computed twice, independently:

  1. from the original Python object, by walking it the way CPython's pickler does
     (`Walker`: __reduce_ex__(protocol), memo by id(), known reduce shapes), and
  2. from the bytes, by an inert unpickler (`InertUnpickler`, a subclass of pickle._Unpickler that
     never imports or calls anything: globals stay (module, qualname), REDUCE/NEWOBJ/... build
     inert objects),

and the two must print identically. Hand-made pickles (Python 2 style, malformed, frames) get
their JSON from what pickle.loads returns (builtin values only) or from the inert unpickler, and
are checked against CPython's C unpickler. REDUMP.tsv records CPython's pickle.dumps(pickle.loads(x), N)
of every loadable fixture at protocols 0-5 (`redump_cases`). The run is deterministic: it re-executes itself with
PYTHONHASHSEED=0, and writing the fixtures twice gives identical bytes.
"""

import codecs
import collections
import contextlib
import copyreg
import functools
import hashlib
import io
import json
import os
import pickle
import pickletools
import platform
import queue
import shutil
import struct
import sys
import types

if os.environ.get("PYTHONHASHSEED") != "0":
    env = dict(os.environ, PYTHONHASHSEED="0")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import _compat_pickle  # noqa: E402

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
FIX = os.path.join(ROOT, "fixtures")
PKL = os.path.join(FIX, "pickle")
SKL = os.path.join(FIX, "sklearn")
REDUMP = os.path.join(FIX, "redump")
sys.path.insert(0, TOOLS)

import fixture_classes as fc  # noqa: E402

sys.setrecursionlimit(100000)
# Big ints are printed in decimal by pickletools and json; lift CPython's 4300-digit guard here.
sys.set_int_max_str_digits(0)

# The versions the committed fixtures were made with (README.md records them too).
EXPECTED_VERSIONS = {"python": "3.11.2", "numpy": "1.24.2", "sklearn": "1.2.1"}


# ------------------------------------------------------------------------------------------------
# The printed form (docs/JSON.md)

class Absent:
    """Marks an optional $object field that is not there."""

    def __repr__(self):
        return "ABSENT"


ABSENT = Absent()


def jstr(s):
    # Python's json with ensure_ascii=True, exactly as docs/JSON.md's "Formatting" says.
    return json.dumps(s, ensure_ascii=True)


def int_text(v):
    if len(pickle.encode_long(v)) > 10000:
        return '{"$int":%s}' % jstr(hex(v))
    return str(v)


def float_text(v):
    if v != v:
        return '{"$float":"nan"}'
    if v in (float("inf"), float("-inf")):
        return '{"$float":"%s"}' % ("inf" if v > 0 else "-inf")
    return repr(v)


class Atom:
    """A value printed by value every time: None, bool, int, float, str, bytes, global, ()."""

    __slots__ = ("kind", "value", "text")

    def __init__(self, kind, value, text):
        self.kind = kind
        self.value = value
        self.text = text


def scalar_atom(v):
    if v is None:
        return Atom("none", None, "null")
    if v is True:
        return Atom("bool", True, "true")
    if v is False:
        return Atom("bool", False, "false")
    t = type(v)
    if t is int:
        return Atom("int", v, int_text(v))
    if t is float:
        return Atom("float", v, float_text(v))
    if t is str:
        return Atom("str", v, jstr(v))
    if t is bytes:
        return Atom("bytes", v, '{"$bytes":"%s"}' % v.hex())
    raise TypeError("not a scalar: %r" % (t,))


def global_atom(module, name):
    return Atom("global", (module, name), '{"$global":[%s,%s]}' % (jstr(module), jstr(name)))


EMPTY_TUPLE = Atom("tuple0", (), '{"$tuple":[]}')


class Node:
    """A value with identity: list, tuple, dict, set, frozenset, bytearray, buffer, persid, object."""

    __slots__ = ("kind", "items", "pairs", "data", "readonly", "how", "callable", "args", "kwargs",
                 "state", "listitems", "dictitems")

    def __init__(self, kind):
        self.kind = kind
        self.items = []          # list, tuple, set, frozenset, persid ([pid])
        self.pairs = []          # dict
        self.data = b""          # bytearray, buffer
        self.readonly = False    # buffer
        self.how = None          # object ...
        self.callable = None
        self.args = None
        self.kwargs = ABSENT
        self.state = ABSENT
        self.listitems = ABSENT  # a Python list of values when present
        self.dictitems = ABSENT  # a Python list of (k, v) when present

    def children(self):
        k = self.kind
        if k == "dict":
            for a, b in self.pairs:
                yield a
                yield b
        elif k == "object":
            yield self.callable
            yield self.args
            if self.kwargs is not ABSENT:
                yield self.kwargs
            if self.state is not ABSENT:
                yield self.state
            if self.listitems is not ABSENT:
                yield from self.listitems
            if self.dictitems is not ABSENT:
                for a, b in self.dictitems:
                    yield a
                    yield b
        else:
            yield from self.items


def to_json(root):
    """Prints a value graph in the canonical form of docs/JSON.md."""
    counts = {id(root): 1} if isinstance(root, Node) else {}
    seen = set()
    todo = [root]
    while todo:
        v = todo.pop()
        if not isinstance(v, Node) or id(v) in seen:
            continue
        seen.add(id(v))
        for c in v.children():
            if isinstance(c, Node):
                counts[id(c)] = counts.get(id(c), 0) + 1
                todo.append(c)

    ids = {}
    out = []
    w = out.append

    def emit_seq(items):
        w("[")
        for i, x in enumerate(items):
            if i:
                w(",")
            emit(x)
        w("]")

    def emit_pairs(pairs):
        w("[")
        for i, (a, b) in enumerate(pairs):
            if i:
                w(",")
            w("[")
            emit(a)
            w(",")
            emit(b)
            w("]")
        w("]")

    def emit(v):
        if isinstance(v, Atom):
            w(v.text)
            return
        shared = counts.get(id(v), 0) > 1
        prefix = ""
        if shared:
            if id(v) in ids:
                w('{"$ref":%d}' % ids[id(v)])
                return
            ids[id(v)] = len(ids)
            prefix = '"$id":%d,' % ids[id(v)]
        k = v.kind
        if k == "list":
            if shared:
                w("{" + prefix + '"$list":')
                emit_seq(v.items)
                w("}")
            else:
                emit_seq(v.items)
        elif k == "dict":
            plain = not shared and all(isinstance(a, Atom) and a.kind == "str" and not a.value.startswith("$")
                                       for a, _ in v.pairs)
            if plain:
                w("{")
                for i, (a, b) in enumerate(v.pairs):
                    if i:
                        w(",")
                    w(a.text)
                    w(":")
                    emit(b)
                w("}")
            else:
                w("{" + prefix + '"$dict":')
                emit_pairs(v.pairs)
                w("}")
        elif k in ("tuple", "set", "frozenset"):
            w("{" + prefix + '"$%s":' % k)
            emit_seq(v.items)
            w("}")
        elif k == "bytearray":
            w("{" + prefix + '"$bytearray":"%s"}' % v.data.hex())
        elif k == "buffer":
            w("{" + prefix + '"$buffer":"%s","readonly":%s}' % (v.data.hex(), "true" if v.readonly else "false"))
        elif k == "persid":
            w("{" + prefix + '"$persid":')
            emit(v.items[0])
            w("}")
        elif k == "object":
            w("{" + prefix + '"$object":{"how":"%s","callable":' % v.how)
            emit(v.callable)
            w(',"args":')
            emit(v.args)
            if v.kwargs is not ABSENT:
                w(',"kwargs":')
                emit(v.kwargs)
            if v.state is not ABSENT:
                w(',"state":')
                emit(v.state)
            if v.listitems is not ABSENT:
                w(',"listitems":')
                emit_seq(v.listitems)
            if v.dictitems is not ABSENT:
                w(',"dictitems":')
                emit_pairs(v.dictitems)
            w("}}")
        else:
            raise AssertionError(k)

    emit(root)
    return "".join(out)


# ------------------------------------------------------------------------------------------------
# fix_imports name mapping (CPython's _compat_pickle tables)

def map_write(module, name):
    """Pickler side, protocol < 3 with fix_imports: Python 3 name -> Python 2 name."""
    if (module, name) in _compat_pickle.REVERSE_NAME_MAPPING:
        return _compat_pickle.REVERSE_NAME_MAPPING[(module, name)]
    if module in _compat_pickle.REVERSE_IMPORT_MAPPING:
        return _compat_pickle.REVERSE_IMPORT_MAPPING[module], name
    return module, name


def map_read(module, name):
    """Unpickler side (find_class), stream protocol < 3 with fix_imports: Python 2 -> Python 3."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    if module in _compat_pickle.IMPORT_MAPPING:
        return _compat_pickle.IMPORT_MAPPING[module], name
    return module, name


# ------------------------------------------------------------------------------------------------
# Known reduce shapes: what picklejar turns into ordinary values (docs/JSON.md "Inert objects").

def known_shape(callable_v, args_v):
    """callable_v/args_v are printed-graph values (Atom/Node). Returns the value, or None."""
    if not (isinstance(callable_v, Atom) and callable_v.kind == "global"):
        return None
    key = callable_v.value
    items = [] if args_v is EMPTY_TUPLE else (args_v.items if isinstance(args_v, Node) and args_v.kind == "tuple" else None)
    if items is None:
        return None
    n = len(items)
    if key in (("builtins", "set"), ("builtins", "frozenset")):
        kind = key[1]
        if n == 0:
            return Node(kind)
        if n == 1 and isinstance(items[0], Node) and items[0].kind == "list":
            s = Node(kind)
            s.items = list(items[0].items)
            return s
        return None
    if key == ("builtins", "bytearray"):
        if n == 0:
            return Node("bytearray")
        if n == 1 and isinstance(items[0], Atom) and items[0].kind == "bytes":
            b = Node("bytearray")
            b.data = items[0].value
            return b
        return None
    if key == ("builtins", "bytes") and n == 0:
        return scalar_atom(b"")
    if key == ("_codecs", "encode") and n == 2 and all(isinstance(x, Atom) and x.kind == "str" for x in items) \
            and items[1].value == "latin1":
        return scalar_atom(items[0].value.encode("latin1"))
    if key == ("builtins", "getattr") and n == 2 and isinstance(items[0], Atom) and items[0].kind == "global" \
            and isinstance(items[1], Atom) and items[1].kind == "str":
        m, q = items[0].value
        return global_atom(m, q + "." + items[1].value)
    if key == ("copyreg", "_reconstructor") and n == 3 and isinstance(items[1], Atom) \
            and items[1].kind == "global" and items[1].value == ("builtins", "object") and items[2].kind == "none":
        o = Node("object")
        o.how = "newobj"
        o.callable = items[0]
        o.args = EMPTY_TUPLE
        return o
    return None


# ------------------------------------------------------------------------------------------------
# 1. From the Python object: mirror CPython 3.11's pickler (C _pickle; pure pickle.py where equal)

class Walker:
    def __init__(self, proto, persistent_id=None, oob=False, fix_write=True, fix_read=True, reduce_hook=None):
        self.proto = proto
        self.reduce_hook = reduce_hook  # as Pickler.reducer_override: a reduce tuple or NotImplemented
        self.pid_fn = persistent_id
        self.oob = oob
        self.fix_write = fix_write and proto < 3
        self.fix_read = fix_read and proto < 3
        self.memo = {}
        self.keep = []  # everything we looked at stays alive, so id() values stay unique

    def names(self, module, name):
        if self.fix_write:
            module, name = map_write(module, name)
        if self.fix_read:
            module, name = map_read(module, name)
        return module, name

    def conv_global(self, obj, name=None):
        if name is None:
            name = getattr(obj, "__qualname__", None) or obj.__name__
        module = pickle.whichmodule(obj, name)
        parts = name.split(".")
        if len(parts) == 1 or self.proto >= 4:
            if len(parts) == 1:
                return global_atom(*self.names(module, name))
            return global_atom(module, name)
        # protocol < 4 nested name: getattr(parent, last) reduce, then the class is memoized
        m = self.memo.get(id(obj))
        if m is not None:
            return m
        parent = sys.modules[module]
        for p in parts[:-1]:
            parent = getattr(parent, p)
        self.keep.append(obj)
        c = global_atom(*self.names("builtins", "getattr"))
        a = Node("tuple")
        a.items = [self.conv_global(parent, ".".join(parts[:-1])), scalar_atom(parts[-1])]
        v = known_shape(c, a)
        if v is None:
            v = Node("object")
            v.how, v.callable, v.args = "reduce", c, a
        if isinstance(v, Node):
            self.memo[id(obj)] = v
        return v

    def conv(self, obj, skip_pid=False):
        if self.pid_fn is not None and not skip_pid:
            pid = self.pid_fn(obj)
            if pid is not None:
                self.keep.append(pid)
                n = Node("persid")
                n.items = [scalar_atom(str(pid)) if self.proto == 0 else self.conv(pid, skip_pid=True)]
                return n
        t = type(obj)
        if obj is None or t is bool or t is int or t is float or t is str:
            return scalar_atom(obj)
        if t is bytes and self.proto >= 3:
            return scalar_atom(obj)
        if t is tuple and not obj:
            return EMPTY_TUPLE
        m = self.memo.get(id(obj))
        if m is not None:
            return m
        self.keep.append(obj)
        if t is bytes:
            rv = (bytes, ()) if not obj else (codecs.encode, (obj.decode("latin1"), "latin1"))
            return self.conv_reduce(obj, rv)
        if t is list:
            n = Node("list")
            self.memo[id(obj)] = n
            n.items = [self.conv(x) for x in obj]
            return n
        if t is dict:
            n = Node("dict")
            self.memo[id(obj)] = n
            for k, v in obj.items():
                n.pairs.append((self.conv(k), self.conv(v)))
            return n
        if t is tuple:
            items = [self.conv(x) for x in obj]
            m = self.memo.get(id(obj))
            if m is not None:  # reached through itself
                return m
            n = Node("tuple")
            n.items = items
            self.memo[id(obj)] = n
            return n
        if t is set:
            if self.proto >= 4:
                n = Node("set")
                self.memo[id(obj)] = n
                n.items = [self.conv(x) for x in obj]
                return n
            return self.conv_reduce(obj, (set, (list(obj),)))
        if t is frozenset:
            if self.proto >= 4:
                items = [self.conv(x) for x in obj]
                m = self.memo.get(id(obj))
                if m is not None:
                    return m
                n = Node("frozenset")
                n.items = items
                self.memo[id(obj)] = n
                return n
            return self.conv_reduce(obj, (frozenset, (list(obj),)))
        if t is bytearray:
            if self.proto >= 5:
                n = Node("bytearray")
                n.data = bytes(obj)
                self.memo[id(obj)] = n
                return n
            return self.conv_reduce(obj, (bytearray, (bytes(obj),)) if obj else (bytearray, ()))
        if t is pickle.PickleBuffer:
            assert self.proto >= 5
            with obj.raw() as mv:
                data, ro = mv.tobytes(), mv.readonly
            if self.oob:
                n = Node("buffer")  # NEXT_BUFFER is never memoized
                n.data, n.readonly = data, ro
                return n
            if ro:
                return scalar_atom(data)
            n = Node("bytearray")
            n.data = data
            self.memo[id(obj)] = n
            return n
        if self.reduce_hook is not None:  # where CPython calls reducer_override
            rv = self.reduce_hook(obj)
            if rv is not NotImplemented:
                return self.conv_reduce(obj, rv)
        if t is type or t is types.FunctionType or isinstance(obj, type):
            return self.conv_global(obj)
        reduce_fn = copyreg.dispatch_table.get(t)
        rv = reduce_fn(obj) if reduce_fn is not None else obj.__reduce_ex__(self.proto)
        if isinstance(rv, str):
            return self.conv_global(obj, rv)
        return self.conv_reduce(obj, rv)

    def conv_reduce(self, obj, rv):
        rv = tuple(rv) + (None,) * (6 - len(rv))
        func, args, state, listitems, dictitems, setter = rv
        assert setter is None, "state_setter is not modelled"
        self.keep.append(rv)
        fname = getattr(func, "__name__", "")
        kw = ABSENT
        if self.proto >= 2 and fname == "__newobj_ex__":
            assert self.proto >= 4, "protocol 2/3 __newobj_ex__ (functools.partial) is not modelled"
            cls, a, k = args
            how, c, a, kw = "newobj_ex", self.conv(cls), self.conv(a), self.conv(k)
        elif self.proto >= 2 and fname == "__newobj__":
            newargs = args[1:]
            self.keep.append(newargs)
            how, c, a = "newobj", self.conv(args[0]), self.conv(newargs)
        else:
            how, c, a = "reduce", self.conv(func), self.conv(args)
        m = self.memo.get(id(obj))
        if m is not None:  # reached through its own arguments
            return m
        v = known_shape(c, a) if how == "reduce" else None
        if v is None:
            v = Node("object")
            v.how, v.callable, v.args, v.kwargs = how, c, a, kw
        if isinstance(v, Node):
            self.memo[id(obj)] = v
        if listitems is not None:
            items = list(listitems)
            if items:
                assert v.kind == "object"
                v.listitems = [self.conv(x) for x in items]
        if dictitems is not None:
            pairs = list(dictitems)
            if pairs:
                assert v.kind == "object"
                v.dictitems = [(self.conv(k), self.conv(x)) for k, x in pairs]
        if state is not None:
            assert isinstance(v, Node) and v.kind == "object"
            v.state = self.conv(state)
        return v


def walk_json(obj, proto, **kw):
    return to_json(Walker(proto, **kw).conv(obj))


# ------------------------------------------------------------------------------------------------
# 2. From the bytes: an unpickler that imports and calls nothing

class IGlobal:
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __eq__(self, other):
        return isinstance(other, IGlobal) and (self.module, self.name) == (other.module, other.name)

    def __hash__(self):
        return hash((self.module, self.name))


class IObject:
    def __init__(self, how, callable_, args, kwargs=ABSENT):
        self.how, self.callable, self.args, self.kwargs = how, callable_, args, kwargs
        self.state = ABSENT
        self.listitems = ABSENT
        self.dictitems = ABSENT

    # APPEND(S) / SETITEM(S) on an inert object record list and dict items
    def append(self, x):
        self.extend([x])

    def extend(self, xs):
        if self.listitems is ABSENT:
            self.listitems = []
        self.listitems.extend(xs)

    def __setitem__(self, k, v):
        if self.dictitems is ABSENT:
            self.dictitems = {}
        self.dictitems[k] = v


class ISet:
    """A set that keeps insertion order (picklejar keeps the pickled order)."""

    def __init__(self, kind, items=()):
        self.kind = kind
        self.d = {}
        for x in items:
            self.add(x)

    def add(self, x):
        self.d.setdefault(x, None)

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other


class IBuffer:
    def __init__(self, data, readonly):
        self.data, self.readonly = bytes(data), readonly


class IPersId:
    def __init__(self, pid):
        self.pid = pid


class InertUnpickler(pickle._Unpickler):
    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, data, **kw):
        self._data_len = len(data)
        self._f = io.BytesIO(data)
        super().__init__(self._f, **kw)

    def find_class(self, module, name):
        if self.proto < 3 and self.fix_imports:
            module, name = map_read(module, name)
        return IGlobal(module, name)

    def persistent_load(self, pid):
        return IPersId(pid)

    def load_frame(self):
        # Frames are a read-ahead hint (as in CPython's C unpickler); only the size is checked.
        n, = struct.unpack("<Q", self.read(8))
        if n > self._data_len - self._f.tell():
            raise pickle.UnpicklingError("FRAME larger than the rest of the input")
    dispatch[pickle.FRAME[0]] = load_frame

    def load_reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        self.stack[-1] = self.reduce_value(func, args)
    dispatch[pickle.REDUCE[0]] = load_reduce

    @staticmethod
    def reduce_value(func, args):
        if isinstance(func, IGlobal):
            key = (func.module, func.name)
            if key in (("builtins", "set"), ("builtins", "frozenset")):
                if len(args) == 0:
                    return ISet(key[1])
                if len(args) == 1 and type(args[0]) is list:
                    return ISet(key[1], args[0])
            elif key == ("builtins", "bytearray"):
                if len(args) == 0:
                    return bytearray()
                if len(args) == 1 and type(args[0]) is bytes:
                    return bytearray(args[0])
            elif key == ("builtins", "bytes") and len(args) == 0:
                return b""
            elif key == ("_codecs", "encode") and len(args) == 2 and all(type(a) is str for a in args) \
                    and args[1] == "latin1":
                return args[0].encode("latin1")
            elif key == ("builtins", "getattr") and len(args) == 2 and isinstance(args[0], IGlobal) \
                    and type(args[1]) is str:
                return IGlobal(args[0].module, args[0].name + "." + args[1])
            elif key == ("copyreg", "_reconstructor") and len(args) == 3 \
                    and args[1] == IGlobal("builtins", "object") and args[2] is None:
                return IObject("newobj", args[0], ())
        return IObject("reduce", func, args)

    def load_newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        self.append(IObject("newobj", cls, args))
    dispatch[pickle.NEWOBJ[0]] = load_newobj

    def load_newobj_ex(self):
        kwargs = self.stack.pop()
        args = self.stack.pop()
        cls = self.stack.pop()
        self.append(IObject("newobj_ex", cls, args, kwargs))
    dispatch[pickle.NEWOBJ_EX[0]] = load_newobj_ex

    def load_inst(self):
        module = self.readline()[:-1].decode("ascii")
        name = self.readline()[:-1].decode("ascii")
        cls = self.find_class(module, name)
        items = self.pop_mark()  # before self.append: pop_mark rebinds it
        self.append(IObject("inst", cls, tuple(items)))
    dispatch[pickle.INST[0]] = load_inst

    def load_obj(self):
        items = self.pop_mark()
        cls = items.pop(0)
        self.append(IObject("obj", cls, tuple(items)))
    dispatch[pickle.OBJ[0]] = load_obj

    def load_build(self):
        state = self.stack.pop()
        inst = self.stack[-1]
        if not isinstance(inst, IObject):
            raise pickle.UnpicklingError("BUILD on a non-object")
        inst.state = state
    dispatch[pickle.BUILD[0]] = load_build

    def load_setitems(self):
        items = self.pop_mark()
        target = self.stack[-1]
        if isinstance(target, IObject) and target.dictitems is ABSENT:
            target.dictitems = {}
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]
    dispatch[pickle.SETITEMS[0]] = load_setitems

    def load_empty_set(self):
        self.append(ISet("set"))
    dispatch[pickle.EMPTY_SET[0]] = load_empty_set

    def load_frozenset(self):
        items = self.pop_mark()  # before self.append: pop_mark rebinds it
        self.append(ISet("frozenset", items))
    dispatch[pickle.FROZENSET[0]] = load_frozenset

    def load_next_buffer(self):
        if self._buffers is None:
            raise pickle.UnpicklingError("no buffers")
        self.append(IBuffer(next(self._buffers), False))
    dispatch[pickle.NEXT_BUFFER[0]] = load_next_buffer

    def load_readonly_buffer(self):
        top = self.stack[-1]
        if isinstance(top, IBuffer):
            if not top.readonly:
                self.stack[-1] = IBuffer(top.data, True)
        elif isinstance(top, bytearray):
            self.stack[-1] = IBuffer(top, True)
    dispatch[pickle.READONLY_BUFFER[0]] = load_readonly_buffer


def inert_to_graph(root):
    memo = {}
    keep = []

    def conv(v):
        t = type(v)
        if v is None or t in (bool, int, float, str, bytes):
            return scalar_atom(v)
        if t is tuple and not v:
            return EMPTY_TUPLE
        if t is IGlobal:
            return global_atom(v.module, v.name)
        m = memo.get(id(v))
        if m is not None:
            return m
        keep.append(v)
        if t is list:
            n = Node("list")
            memo[id(v)] = n
            n.items = [conv(x) for x in v]
        elif t is tuple:
            n = Node("tuple")
            memo[id(v)] = n
            n.items = [conv(x) for x in v]
        elif t is dict:
            n = Node("dict")
            memo[id(v)] = n
            n.pairs = [(conv(a), conv(b)) for a, b in v.items()]
        elif t is ISet:
            n = Node(v.kind)
            memo[id(v)] = n
            n.items = [conv(x) for x in v.d]
        elif t is bytearray:
            n = Node("bytearray")
            n.data = bytes(v)
            memo[id(v)] = n
        elif t is IBuffer:
            n = Node("buffer")
            n.data, n.readonly = v.data, v.readonly
            memo[id(v)] = n
        elif t is IPersId:
            n = Node("persid")
            memo[id(v)] = n
            n.items = [conv(v.pid)]
        elif t is IObject:
            n = Node("object")
            memo[id(v)] = n
            n.how = v.how
            n.callable = conv(v.callable)
            n.args = conv(v.args)
            if v.kwargs is not ABSENT:
                n.kwargs = conv(v.kwargs)
            if v.state is not ABSENT:
                n.state = conv(v.state)
            if v.listitems is not ABSENT:
                n.listitems = [conv(x) for x in v.listitems]
            if v.dictitems is not ABSENT:
                n.dictitems = [(conv(a), conv(b)) for a, b in v.dictitems.items()]
        else:
            raise TypeError("unexpected loaded value %r" % (t,))
        return n

    return conv(root)


def inert_json(data, encoding="ASCII", fix_imports=True, buffers=None):
    u = InertUnpickler(data, encoding=encoding, fix_imports=fix_imports, buffers=buffers)
    return to_json(inert_to_graph(u.load()))


# ------------------------------------------------------------------------------------------------
# Output

class Fixtures:
    def __init__(self):
        self.rows = []
        self.files = {}  # path relative to fixtures/ -> bytes
        self.checks = collections.Counter()
        self.redump_rows = []   # REDUMP.tsv rows (redump_cases)
        self.redump_files = {}  # path relative to fixtures/ ("redump/...") -> bytes
        self.redump_skipped = 0  # json rows CPython cannot load (fix_imports=0)
        self.redump_reasons = collections.Counter()
        self.numpy2 = set()     # MANIFEST files written with numpy 2.x module paths (numpy._core.*)

    def put(self, rel, data):
        assert rel not in self.files, rel
        self.files[rel] = data if isinstance(data, bytes) else data.encode("utf-8")

    def add(self, rel_pkl, data, protocol, options, expect, description, json_text=None, buffers=()):
        assert rel_pkl.endswith((".pkl", ".pickle"))
        stem = rel_pkl.rsplit(".", 1)[0]
        self.put(rel_pkl, data)
        for i, b in enumerate(buffers):
            self.put("%s.buf%d.bin" % (stem, i), bytes(b))
        out = io.StringIO()
        has_dis = True
        try:
            pickletools.dis(data, out, annotate=0)
        except Exception:
            has_dis = False
        if has_dis:
            self.put(stem + ".dis", out.getvalue())
        if expect == "json":
            assert json_text is not None
            assert "\n" not in json_text
            self.put(stem + ".json", json_text)
        else:
            assert json_text is None
        opts = ",".join(options) if options else "-"
        self.rows.append((rel_pkl, "-" if protocol is None else str(protocol), opts, expect,
                          "dis" if has_dis else "-", description))

    def write(self):
        if os.path.isdir(PKL):
            shutil.rmtree(PKL)
        os.makedirs(PKL)
        if os.path.isdir(NP):
            shutil.rmtree(NP)
        os.makedirs(NP)
        os.makedirs(SKL, exist_ok=True)
        for name in os.listdir(SKL):
            if name.startswith("model"):
                os.remove(os.path.join(SKL, name))
        for rel, data in sorted(self.files.items()):
            with open(os.path.join(FIX, rel), "wb") as f:
                f.write(data)
        lines = ["file\tprotocol\toptions\texpect\tdis\tdescription"]
        for r in self.rows:
            assert all("\t" not in c and "\n" not in c for c in r)
            lines.append("\t".join(r))
        with open(os.path.join(FIX, "MANIFEST.tsv"), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")

        if os.path.isdir(REDUMP):
            shutil.rmtree(REDUMP)
        os.makedirs(REDUMP)
        for rel, data in sorted(self.redump_files.items()):
            with open(os.path.join(FIX, rel), "wb") as f:
                f.write(data)
        lines = [REDUMP_HEADER]
        for r in self.redump_rows:
            assert all(c and "\t" not in c and "\n" not in c for c in r)
            lines.append("\t".join(r))
        with open(os.path.join(FIX, "REDUMP.tsv"), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")


FX = Fixtures()


def dumps_checked(obj, proto, **kw):
    a = pickle.dumps(obj, proto, **kw)
    b = pickle.dumps(obj, proto, **kw)
    assert a == b, "pickle.dumps is not repeatable"
    return a


def add_case(name, make, protocols=range(6), desc="", check=None, fix_imports_rows=False):
    """A Python value pickled at each protocol; expected JSON from the object and from the bytes."""
    for p in protocols:
        obj = make()
        data = dumps_checked(obj, p)
        expected = walk_json(obj, p)
        got = inert_json(data)
        assert expected == got, "%s p%d: walker and inert unpickler disagree\n%s\n%s" % (name, p, expected[:3000], got[:3000])
        loaded = pickle.loads(data)
        if check is not None:
            check(obj, loaded)
        else:
            assert walk_json(loaded, p) == expected, "%s p%d: CPython's load differs" % (name, p)
        FX.checks["roundtrip"] += 1
        FX.add("pickle/%s.p%d.pkl" % (name, p), data, p, [], "json", desc, expected)
        if fix_imports_rows and p < 3:
            raw = walk_json(obj, p, fix_read=False)
            assert raw == inert_json(data, fix_imports=False)
            FX.add("pickle/%s_nofix.p%d.pkl" % (name, p), data, p, ["fix_imports=0"], "json",
                   desc + "; loaded with fix_imports=0 (Python 2 names as written)", raw)


# ------------------------------------------------------------------------------------------------
# The cases

INTS = [0, 1, -1, 255, 256, -255, -256, 65535, 65536, -65536, 2**31 - 1, -2**31, 2**31, -2**31 - 1,
        2**63 - 1, -2**63, 2**63, 2**64, 2**1000, -(2**1000) + 7, 2**2040 - 1, 2**2047, -(2**2047),
        2**3000]
FLOATS = [0.0, -0.0, 1.5, -1.5, 3.0, 1e16, 1e-5, 1e300, 5e-324, 2.2250738585072014e-308,
          1.7976931348623157e308, float("nan"), float("inf"), float("-inf"), 0.1, 1 / 3]
STRS = ["", "ascii", "caf\xe9", "\xff\x80", "\u20ac \u4e2d\u6587", "\U0001F600", "\ud800", "\udfff",
        "x\ud800y", "\ud83d\ude00", "a\nb", "back\\slash", "\\u0041 is not an escape", "\\U0001f600 neither",
        "nul\x00", "cr\r", "ctrl-z\x1a", "del\x7f", "tab\t", "quotes '\"", "x" * 255, "y" * 256,
        "\u00e9" * 128, "\U0001F600" * 64]


def same_float_list(orig, loaded):
    assert len(orig) == len(loaded)
    for a, b in zip(orig, loaded):
        assert (a != a and b != b) or (repr(a) == repr(b)), (a, b)


def sets_check(orig, loaded):
    # CPython rebuilds sets by hashing; compare as sets, orders need not match.
    assert len(orig) == len(loaded)
    for a, b in zip(orig, loaded):
        assert type(a) is type(b) and a == b


def recursive_check(orig, loaded):
    # identity structure was already compared by the printed forms of walker and inert unpickler
    assert type(orig) is type(loaded)


def make_nested():
    deep = "bottom"
    for i in range(100):
        deep = [deep] if i % 2 else {"d": deep}
    return {"a": [1, {"b": (2, [3, {"c": None}])}], "t": ((1, (2, (3,))), []), "deep": deep}


def make_shared():
    lst = [1, 2]
    d = {"k": "v"}
    t = (lst, 3)
    s = {7, 8}
    fs = frozenset([9])
    ba = bytearray(b"shared")
    obj = fc.Plain(lst, d)
    return [lst, lst, d, {"again": d, "list": lst}, t, t, (t,), s, s, fs, fs, ba, ba, obj, obj, b"atom", b"atom"]


def make_self_list():
    a = []
    a.append(a)
    a.append([a, 1])
    return a


def make_self_dict():
    d = {}
    d["self"] = d
    d["list"] = [d]
    return d


def make_recursive_tuple():
    t = ([],)
    t[0].append(t)
    return t


def make_recursive_tuple4():
    t = ([], 1, 2, 3)
    t[0].append(t)
    return [t, t[0]]


def make_self_object():
    p = fc.Plain(None, 2)
    p.a = p
    return p


def make_self_mylist():
    ml = fc.MyList([1])
    ml.append(ml)
    return ml


def mylist():
    a = fc.MyList([1, "two", [3]])
    a.tag = "with state"
    return [a, fc.MyList(), fc.MyList(range(1001))]


def mydict():
    d = fc.MyDict(a=1, b=[2])
    d.tag = "with state"
    return [d, fc.MyDict(), fc.MyDict((i, str(i)) for i in range(1001))]


def ordered_dicts():
    od = collections.OrderedDict([("b", 1), ("a", 2), (3, "c")])
    return [od, collections.OrderedDict()]


def globals_list():
    return [len, collections.OrderedDict, fc.Plain, fc.some_function, fc.Outer, fc.Outer.Inner,
            functools.reduce, int, type, object]


def compat_globals():
    return [len, range, str, int, object, set, functools.reduce, copyreg._reconstructor,
            collections.UserDict, collections.OrderedDict, FileNotFoundError, ZeroDivisionError,
            pickle.Pickler, queue.Queue, io.StringIO, fc.Plain]


def compat_shapes():
    return [fc.Plain(1, 2), {1, 2}, frozenset(["f"]), b"", b"ab", bytearray(b"x"), bytearray(), [b"", b""]]


class ExtPickler(pickle.Pickler):
    def __init__(self, f, proto):
        super().__init__(f, proto)
        self.proto_ = proto

    def persistent_id(self, obj):
        return ext_pid(obj, self.proto_)


def ext_pid(obj, proto):
    if isinstance(obj, fc.External):
        return "key%d" % obj.n if proto == 0 else ("key", obj.n)
    return None


class ExtUnpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        if isinstance(pid, str):
            return fc.External(int(pid[3:]))
        assert pid[0] == "key"
        return fc.External(pid[1])


def persistent_cases():
    e1 = fc.External(1)
    for p in range(6):
        obj = [e1, "x", fc.External(2), e1, {"k": fc.External(3)}, (e1,)]
        outs = []
        for _ in range(2):
            f = io.BytesIO()
            ExtPickler(f, p).dump(obj)
            outs.append(f.getvalue())
        assert outs[0] == outs[1]
        data = outs[0]

        def pid(o, p=p):
            return ext_pid(o, p)
        expected = walk_json(obj, p, persistent_id=pid)
        assert expected == inert_json(data)
        loaded = ExtUnpickler(io.BytesIO(data)).load()
        assert walk_json(loaded, p, persistent_id=pid) == expected
        FX.checks["roundtrip"] += 1
        FX.add("pickle/persistent_id.p%d.pkl" % p, data, p, [], "json",
               "persistent ids (PERSID at protocol 0, else BINPERSID of a tuple); never memoized", expected)


def picklebuffer_cases():
    def make():
        return [pickle.PickleBuffer(b"read-only bytes"), pickle.PickleBuffer(bytearray(b"writable")), "tail",
                pickle.PickleBuffer(bytearray(b"")), pickle.PickleBuffer(b"\x00\xff")]
    obj = make()
    bufs = []
    data = dumps_checked(obj, 5, buffer_callback=lambda b: bufs.append(b) or None)
    bufs = bufs[:len(bufs) // 2]  # dumps_checked ran twice
    raw = [bytes(b.raw()) for b in bufs]
    expected = walk_json(obj, 5, oob=True)
    assert expected == inert_json(data, buffers=raw)
    loaded = pickle.loads(data, buffers=[bytearray(r) for r in raw])
    assert [bytes(x) for i, x in enumerate(loaded) if i != 2] == [bytes(b.raw()) for b in bufs] and loaded[2] == "tail"
    assert isinstance(loaded[0], memoryview) and loaded[0].readonly and isinstance(loaded[1], bytearray)
    FX.checks["roundtrip"] += 1
    FX.add("pickle/picklebuffer_oob.p5.pkl", data, 5, ["buffers=%d" % len(raw)], "json",
           "PickleBuffer out-of-band (NEXT_BUFFER; READONLY_BUFFER for read-only ones)", expected, buffers=raw)
    FX.add("pickle/picklebuffer_oob_nobuffers.p5.pkl", data, 5, ["buffers=none"], "error:kMissingBuffer",
           "same stream, no buffers given")
    FX.add("pickle/picklebuffer_oob_fewbuffers.p5.pkl", data, 5, ["buffers=2"], "error:kMissingBuffer",
           "same stream, only 2 of %d buffers given" % len(raw), buffers=raw[:2])
    for opts, nb in ((["buffers=none"], None), (["buffers=2"], raw[:2])):
        try:
            pickle.loads(data, buffers=nb)
        except pickle.UnpicklingError:
            FX.checks["python rejects"] += 1
        else:
            raise AssertionError("CPython loaded %s" % opts)

    obj = make()
    data = dumps_checked(obj, 5)
    expected = walk_json(obj, 5)
    assert expected == inert_json(data)
    loaded = pickle.loads(data)
    assert loaded == [b"read-only bytes", bytearray(b"writable"), "tail", bytearray(), b"\x00\xff"]
    FX.checks["roundtrip"] += 1
    FX.add("pickle/picklebuffer_inband.p5.pkl", data, 5, [], "json",
           "PickleBuffer in-band: read-only -> bytes, writable -> BYTEARRAY8", expected)


def frames_cases():
    def make():
        return ["%04d" % i + "x" * 196 for i in range(700)] + [{"k%d" % i: i for i in range(300)}]
    add_case("frames_multi", make, protocols=(4, 5), desc="> 64 KiB of small opcodes: several FRAMEs")
    data = pickle.dumps(make(), 4)
    assert data.count(b"\x95") >= 3

    # An opcode's argument crosses the end of a frame; a second frame follows.
    part1 = b"]\x94(\x8c\x05he"
    part2 = b"llo\x94"
    part3 = b"K\x01K\x02e."
    data = (b"\x80\x04\x95" + struct.pack("<Q", len(part1)) + part1 + part2 + b"\x95" + struct.pack("<Q", len(part3))
            + part3)
    loaded = pickle.loads(data)
    assert loaded == ["hello", 1, 2]
    expected = walk_json(loaded, 4)
    assert expected == inert_json(data)
    try:
        pickle._loads(data)
    except pickle.UnpicklingError:
        pass
    else:
        raise AssertionError("pure-Python pickle accepted frame_crossing")
    FX.checks["hand-made python-checked"] += 1
    FX.add("pickle/frame_crossing.pkl", data, None, [], "json",
           "SHORT_BINUNICODE argument crosses the FRAME end (C unpickler accepts; pure-Python pickle rejects)",
           expected)

    # A FRAME opcode inside an unfinished frame.
    inner = b"K\x02K\x03\x87."
    outer = b"K\x01\x95" + struct.pack("<Q", len(inner)) + inner
    data = b"\x80\x04\x95" + struct.pack("<Q", len(outer)) + outer
    loaded = pickle.loads(data)
    assert loaded == (1, 2, 3)
    expected = walk_json(loaded, 4)
    assert expected == inert_json(data)
    FX.checks["hand-made python-checked"] += 1
    FX.add("pickle/frame_nested.pkl", data, None, [], "json",
           "FRAME starts inside an unfinished frame (C unpickler accepts; pure-Python pickle rejects)", expected)

    body = b"\x8c\x05hello\x94."
    data = b"\x80\x04\x95" + struct.pack("<Q", 100) + body
    try:
        pickle.loads(data)
    except pickle.UnpicklingError:
        FX.checks["python rejects"] += 1
    else:
        raise AssertionError("C unpickler accepted frame_overrun")
    FX.add("pickle/frame_overrun.pkl", data, None, [], "error:kBadFrame",
           "FRAME declares 100 bytes, 8 remain (C unpickler: 'pickle data was truncated')")


def expect_value(got, want):
    assert type(got) is type(want) and got == want, (got, want)
    return True


def add_handmade(name, data, options, description, loads_kw=None, py_expected=None, via="loads"):
    """Hand-made stream with an expected value: from pickle.loads (builtin values) or the inert unpickler."""
    kw = dict(loads_kw or {})
    inert_kw = {"encoding": kw.get("encoding", "ASCII"), "fix_imports": kw.get("fix_imports", True)}
    ij = inert_json(data, **inert_kw)
    if via == "loads":
        loaded = pickle.loads(data, **kw)
        if py_expected is not None:
            assert loaded == py_expected and type(loaded) is type(py_expected), (name, loaded)
        expected = walk_json(loaded, 3)  # builtin values only: protocol only matters for reduce shapes
        assert expected == ij, (name, expected, ij)
        FX.checks["hand-made python-checked"] += 1
    else:
        expected = ij
        if via == "inert+loads":
            loaded = pickle.loads(data, **kw)
            if py_expected is not None:
                assert py_expected(loaded), (name, loaded)
            FX.checks["hand-made python-checked"] += 1
        else:
            try:
                pickle.loads(data, **kw)
            except ImportError:
                FX.checks["hand-made inert-only (CPython cannot import the names)"] += 1
            else:
                raise AssertionError("%s: CPython loads it; compare with pickle.loads instead" % name)
    FX.add("pickle/%s.pkl" % name, data, None, options, "json", description, expected)


def add_bad(name, data, code, description, options=(), loads_kw=None):
    try:
        pickle.loads(data, **(loads_kw or {}))
    except Exception as e:  # noqa: BLE001 - any rejection will do
        if code == "kDecode":
            assert isinstance(e, UnicodeDecodeError), (name, e)
        FX.checks["python rejects"] += 1
    else:
        raise AssertionError("CPython loaded bad pickle %s" % name)
    FX.add("pickle/%s.pkl" % name, data, None, list(options), "error:" + code, description)


# Python 2 str payloads: (label, raw bytes)
PY2_CONTENTS = [
    ("ascii", [b"hello", b"it's \\ \"q\"\n\ttab"]),
    ("latin1", [b"caf\xe9", b"\xff\x80 high"]),
    ("utf8", [b"caf\xc3\xa9", b"\xe2\x82\xac euro"]),
]
ENCODINGS = [("ASCII", "ASCII"), ("latin1", "latin1"), ("bytes", "bytes"), ("utf-8", "utf-8")]


def py2_string_literal(b, quote="'"):
    """Python 2 style quoted str for the STRING opcode (repr() used single quotes)."""
    out = []
    for c in b:
        ch = chr(c)
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + quote)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif 32 <= c < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % c)
    return (quote + "".join(out) + quote).encode("ascii")


def py2_stream(form, payloads):
    a, b = payloads
    if form == "string":  # protocol 0: STRING, one with a double-quoted spelling
        return (b"(lp0\nS" + py2_string_literal(a) + b"\np1\naS" + py2_string_literal(b, '"')
                + b"\np2\nag1\na(dp3\nS'key'\np4\ng1\nsa.")
    if form == "binstring":  # protocol 1: SHORT_BINSTRING and BINSTRING
        return (b"]q\x00(U" + bytes([len(a)]) + a + b"q\x01T" + struct.pack("<i", len(b)) + b + b"q\x02h\x01}q\x03"
                b"U\x03keyq\x04h\x01se.")
    if form == "binstring_p2":  # protocol 2 header, TUPLE2, dict
        return (b"\x80\x02}q\x00(U\x01aq\x01U" + bytes([len(a)]) + a + b"q\x02T" + struct.pack("<i", len(b)) + b
                + b"q\x03\x86q\x04U\x01bq\x05h\x02u.")
    raise AssertionError(form)


def py2_cases():
    for form, desc in (("string", "protocol 0 STRING (quoted, escaped)"),
                       ("binstring", "protocol 1 SHORT_BINSTRING/BINSTRING"),
                       ("binstring_p2", "protocol 2 SHORT_BINSTRING/BINSTRING")):
        for label, payloads in PY2_CONTENTS:
            data = py2_stream(form, payloads)
            for enc_label, enc in ENCODINGS:
                name = "py2_%s_%s__%s" % (form, label, enc_label.replace("-", ""))
                fails = (enc == "ASCII" and label != "ascii") or (enc == "utf-8" and label == "latin1")
                d = "Python 2 str, %s bytes, %s, encoding=%s" % (label, desc, enc)
                if fails:
                    add_bad(name, data, "kDecode", d, options=["encoding=" + enc], loads_kw={"encoding": enc})
                else:
                    add_handmade(name, data, ["encoding=" + enc], d, loads_kw={"encoding": enc})

    add_handmade("py2_ints", b"(lp0\nI01\naI00\naI42\naI-7\naI99999999999999999999\naL123L\naL-99999999999999999999L\n"
                             b"aL5\naI2147483648\na.", [],
                 "Python 2 INT (I01/I00 bools, big INT) and LONG with and without the trailing L",
                 py_expected=[True, False, 42, -7, 99999999999999999999, 123, -99999999999999999999, 5, 2**31])
    add_handmade("py2_builtin_globals",
                 b"(lp0\nc__builtin__\nlen\np1\nac__builtin__\nxrange\np2\nac__builtin__\nunicode\np3\n"
                 b"acUserDict\nIterableUserDict\np4\nacexceptions\nOSError\np5\nacStringIO\nStringIO\np6\na"
                 b"ccopy_reg\n_reconstructor\np7\na.", [],
                 "Python 2 module names (__builtin__, copy_reg, exceptions, UserDict, StringIO) mapped by fix_imports",
                 via="inert+loads", py_expected=lambda v: expect_value(v, [len, range, str, collections.UserDict, OSError,
                                                                           io.StringIO, copyreg._reconstructor]))
    raw = (b"(lp0\nc__builtin__\nlen\np1\nac__builtin__\nxrange\np2\naccopy_reg\n_reconstructor\np3\na"
           b"c__builtin__\nset\np4\n((lp5\nI1\naI2\natp6\nRp7\na.")
    add_handmade("py2_builtin_globals_nofix", raw, ["fix_imports=0"],
                 "Python 2 names loaded with fix_imports=0: kept as written; __builtin__.set is not a known shape",
                 loads_kw={"fix_imports": False}, via="inert")
    add_handmade("py2_set_reduce", b"c__builtin__\nset\np0\n((lp1\nI1\naI2\naS'x'\natp2\nRp3\n.", [],
                 "Python 2 set: __builtin__.set(list) reduce; printed in pickled order", via="inert+loads",
                 py_expected=lambda v: expect_value(v, {1, 2, "x"}))
    add_handmade("py2_copy_reg_object",
                 b"ccopy_reg\n_reconstructor\np0\n(cfixture_classes\nPlain\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n"
                 b"(dp5\nS'a'\np6\nI1\nsS'b'\np7\nS'two'\np8\nsb.", [],
                 "Python 2 new-style object: copy_reg._reconstructor(cls, object, None) + BUILD",
                 via="inert+loads", py_expected=lambda v: expect_value(v, fc.Plain(1, "two")))
    add_handmade("py2_inst",
                 b"(I1\nS'two'\np0\nifixture_classes\nPlain\np1\n(dp2\nS'a'\np3\nI5\nsb.", [],
                 "old-style INST with args, then BUILD", via="inert+loads",
                 py_expected=lambda v: expect_value(v, fc.Plain(5, "two")))
    add_handmade("py2_inst_noargs", b"(ifixture_classes\nEmpty\np0\n(dp1\nS'z'\np2\nI3\nsb.", [],
                 "old-style INST without args, then BUILD", via="inert+loads",
                 py_expected=lambda v: expect_value(v, fc.Empty()) and v.z == 3)
    add_handmade("py2_obj",
                 b"(cfixture_classes\nPlain\nq\x00K\x01K\x02oq\x01}q\x02U\x01bq\x03K\x07sb.", [],
                 "protocol 1 OBJ with args, then BUILD", via="inert+loads",
                 py_expected=lambda v: expect_value(v, fc.Plain(1, 7)))
    add_handmade("py2_unicode", b"(lp0\nVcaf\xe9\np1\naV\\u20ac\\U0001f600\np2\naV\\\\u0041\np3\naX\x02\x00\x00\x00\xc3\xa9"
                                b"p4\na.", [],
                 "Python 2 unicode: UNICODE raw-unicode-escape (latin-1 byte, \\u, \\U, escaped backslash), BINUNICODE",
                 py_expected=["caf\xe9", "\u20ac\U0001F600", "\\\\u0041", "\xe9"])


def bad_cases():
    add_bad("bad_empty", b"", "kTruncated", "empty input")
    add_bad("bad_truncated_binunicode", b"\x80\x02X\x05\x00\x00\x00ab", "kTruncated",
            "BINUNICODE declares 5 bytes, 2 remain")
    add_bad("bad_truncated_binint", b"\x80\x02J\x01\x00", "kTruncated", "BININT argument cut short")
    add_bad("bad_truncated_frame_header", b"\x80\x04\x95\x05\x00", "kTruncated", "FRAME size cut short")
    add_bad("bad_no_stop", b"\x80\x02]q\x00K\x01a", "kNoStop", "stream ends without STOP")
    add_bad("bad_unknown_opcode", b"\x80\x02\xff.", "kUnknownOpcode", "opcode byte 0xff")
    add_bad("bad_stop_empty_stack", b"\x80\x02.", "kStackUnderflow", "STOP on an empty stack")
    add_bad("bad_memo_missing", b"\x80\x02]q\x00h\x05.", "kMemoMissing", "BINGET of memo index 5, never PUT")
    add_bad("bad_utf8", b"\x80\x02X\x02\x00\x00\x00\xc3\x28.", "kBadUtf8", "BINUNICODE holding invalid UTF-8")
    add_bad("bad_appends_no_mark", b"\x80\x02]q\x00K\x01K\x02e.", "kMarkMisuse", "APPENDS without a MARK")
    add_bad("bad_binstring_negative", b"T\xff\xff\xff\xff.", "kBadLength",
            "BINSTRING with negative length (C unpickler says 'pickle data was truncated')")
    add_bad("bad_put_negative", b"Np-1\n.", "kBadMemoIndex", "PUT with a negative index")


def sklearn_cases():
    import numpy
    import sklearn
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KNeighborsClassifier

    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42, stratify=y)
    model = KNeighborsClassifier(n_neighbors=3, weights="distance", algorithm="kd_tree", leaf_size=40, p=1,
                                 metric="euclidean")
    model.fit(X_train, y_train)
    data = dumps_checked(model, pickle.DEFAULT_PROTOCOL)
    assert pickle.DEFAULT_PROTOCOL == 4
    expected = walk_json(model, 4)
    assert expected == inert_json(data), "sklearn model: walker and inert unpickler disagree"
    loaded = pickle.loads(data)
    pred = model.predict(X_test)
    assert (loaded.predict(X_test) == pred).all()
    FX.checks["roundtrip"] += 1
    FX.add("sklearn/model.pkl", data, 4, [], "json",
           "KNeighborsClassifier(kd_tree) fitted on iris, pickle.dump default protocol; ndarrays stay inert "
           "_reconstruct objects", expected)
    split = {"X_test": X_test.tolist(), "y_test": y_test.tolist(), "predict": pred.tolist(),
             "X_train": X_train.tolist(), "y_train": y_train.tolist()}
    # What the model keeps of the training split (tests/unit/numpy_test.cc reads them from model.pkl).
    assert model._fit_X.dtype == numpy.float64 and (model._fit_X == X_train).all()
    assert model._y.dtype == numpy.int64 and (model._y == y_train).all()
    assert model.classes_.tolist() == [0, 1, 2]
    FX.put("sklearn/model_iris_split.json", json.dumps(split, separators=(",", ":")))
    return numpy.__version__, sklearn.__version__


def my_data_case():
    obj = {"name": "Python", "version": 3.8, "features": ["Speed", "Flexibility", "Community"], "rank": 1}
    f = io.BytesIO()
    pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
    data = f.getvalue()
    expected = walk_json(obj, 5)
    assert expected == inert_json(data) and pickle.loads(data) == obj
    FX.checks["roundtrip"] += 1
    FX.add("pickle/my_data.pickle", data, 5, [], "json", "the tutorial's my_data.pickle (HIGHEST_PROTOCOL)", expected)


# ------------------------------------------------------------------------------------------------
# NumPy (fixtures/numpy/): arrays of every dtype class, layouts, subclasses, sharing, scalars,
# standalone dtypes, protocol 5 out-of-band, and numpy 2.x module paths

NP = os.path.join(FIX, "numpy")

# numpy 2.x pickles its functions from numpy._core.* (numpy 1.x: numpy.core.*). Only numpy 1.24 is
# installed, so the numpy 2 variants are written by a Pickler whose reducer_override returns
# numpy's own reduce tuple with the function replaced by a stand-in named with the numpy 2 path.
NUMPY2_MODULES = {"numpy.core.multiarray": "numpy._core.multiarray", "numpy.core.numeric": "numpy._core.numeric"}


def _numpy2_standins():
    import numpy
    real = {"numpy._core.multiarray": [numpy.core.multiarray._reconstruct, numpy.core.multiarray.scalar],
            "numpy._core.numeric": [numpy.core.numeric._frombuffer]}
    standins, modules = {}, {}
    for module, fns in real.items():
        mod = types.ModuleType(module)
        for fn in fns:
            # One str object per module, as numpy 1.24's functions of one module share theirs
            # (the STACK_GLOBAL module str is memoized by identity).
            assert fn.__module__ == {v: k for k, v in NUMPY2_MODULES.items()}[module]

            def stand_in(*args, _fn=fn):
                return _fn(*args)
            stand_in.__module__ = module
            stand_in.__name__ = stand_in.__qualname__ = fn.__name__
            setattr(mod, fn.__name__, stand_in)
            standins[fn] = stand_in
        modules[module] = mod
    pkg = types.ModuleType("numpy._core")
    pkg.__path__ = []
    modules["numpy._core"] = pkg
    return standins, modules


NUMPY2 = {}


@contextlib.contextmanager
def numpy2_modules(purpose):
    """purpose 'dump': numpy._core.* are stand-in modules (pickling writes those names);
    'load': numpy._core.* are numpy 1.24's numpy.core.* (what numpy >= 1.26.1 does to read them)."""
    import numpy
    if not NUMPY2:
        NUMPY2["standins"], NUMPY2["modules"] = _numpy2_standins()
    if purpose == "dump":
        mods = NUMPY2["modules"]
    else:
        mods = {"numpy._core": numpy.core, "numpy._core.multiarray": numpy.core.multiarray,
                "numpy._core.numeric": numpy.core.numeric}
    assert not any(m in sys.modules for m in mods)
    sys.modules.update(mods)
    try:
        yield
    finally:
        for m in mods:
            del sys.modules[m]


def numpy2_reduce(proto):
    """A reducer_override (and Walker reduce_hook) giving numpy's reduce with numpy 2 names."""
    import numpy

    def hook(obj):
        if isinstance(obj, (numpy.ndarray, numpy.generic)):
            rv = obj.__reduce_ex__(proto)
            fn = NUMPY2["standins"].get(rv[0])
            if fn is not None:
                return (fn,) + tuple(rv[1:])
        return NotImplemented
    return hook


class Numpy2Pickler(pickle.Pickler):
    def __init__(self, f, proto, **kw):
        super().__init__(f, proto, **kw)
        self._hook = numpy2_reduce(proto)

    def reducer_override(self, obj):
        return self._hook(obj)


def numpy2_dumps(obj, proto, buffer_callback=None):
    with numpy2_modules("dump"):
        f = io.BytesIO()
        Numpy2Pickler(f, proto, buffer_callback=buffer_callback).dump(obj)
        return f.getvalue()


def numpy2_rewrite_check(np1, np2):
    """np2 must be np1 with only the module names of numpy's functions changed: byte for byte a
    rewrite of the GLOBAL lines below protocol 4, opcode for opcode (FRAME sizes aside) at 4-5."""
    if np1[:2] in (b"\x80\x04", b"\x80\x05"):
        a, b = list(pickletools.genops(np1)), list(pickletools.genops(np2))
        assert len(a) == len(b)
        for (oa, xa, _), (ob, xb, _) in zip(a, b):
            assert oa is ob
            if oa.name != "FRAME":
                if type(xa) is str:
                    assert NUMPY2_MODULES.get(xa, xa) == xb, (xa, xb)
                    assert xa not in NUMPY2_MODULES.values()
                else:
                    assert xa == xb
    else:
        want = np1
        for k, v in NUMPY2_MODULES.items():
            want = want.replace(b"c%s\n" % k.encode(), b"c%s\n" % v.encode())
        assert want == np2
    FX.checks["numpy 2 path rewrite"] += 1


def np_same(a, b, path="root"):
    """What numpy gives back after a load: same types, dtypes (byte-swapped to native on load by
    _reconstruct), shapes, values (NaN == NaN), memory order; containers recursively."""
    import numpy
    assert type(a) is type(b), "%s: %s != %s" % (path, type(a), type(b))
    if isinstance(a, numpy.ndarray):
        assert a.shape == b.shape, path
        assert a.dtype == b.dtype or a.dtype.newbyteorder("=") == b.dtype, (path, a.dtype, b.dtype)
        assert a.flags.f_contiguous == b.flags.f_contiguous or not a.flags.forc, path
        if a.dtype.hasobject:
            np_same(a.tolist(), b.tolist(), path)
        elif a.dtype.kind in "fc":
            assert numpy.array_equal(a, b, equal_nan=True), path
        else:
            assert a.tobytes() == (b if a.dtype == b.dtype else b.astype(a.dtype)).tobytes(), path
    elif isinstance(a, numpy.generic):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), path
    elif isinstance(a, numpy.dtype):
        assert a == b and a.str == b.str and a.fields == b.fields, path
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            np_same(x, y, "%s[%d]" % (path, i))
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            np_same(a[k], b[k], "%s[%r]" % (path, k))
    elif isinstance(a, float) and a != a:
        assert b != b, path
    else:
        assert a == b, (path, a, b)


def add_numpy_case(name, make, protocols=range(6), desc=""):
    for p in protocols:
        obj = make()
        data = dumps_checked(obj, p)
        expected = walk_json(obj, p)
        got = inert_json(data)
        assert expected == got, "numpy %s p%d: walker and inert unpickler disagree\n%s\n%s" % (name, p, expected[:3000], got[:3000])
        np_same(obj, pickle.loads(data))
        FX.checks["roundtrip"] += 1
        FX.add("numpy/%s.p%d.pkl" % (name, p), data, p, [], "json", desc, expected)


def add_numpy2_case(name, make, protocols=(2, 4, 5), desc=""):
    for p in protocols:
        obj = make()
        data = numpy2_dumps(obj, p)
        assert data == numpy2_dumps(obj, p), "numpy 2 dump is not repeatable"
        numpy2_rewrite_check(dumps_checked(obj, p), data)
        with numpy2_modules("dump"):
            expected = walk_json(obj, p, reduce_hook=numpy2_reduce(p))
        got = inert_json(data)
        assert expected == got, "numpy2 %s p%d: walker and inert unpickler disagree\n%s\n%s" % (name, p, expected[:3000], got[:3000])
        assert '"numpy._core.' in expected and '"numpy.core.' not in expected
        with numpy2_modules("load"):
            np_same(obj, pickle.loads(data))
        FX.checks["roundtrip"] += 1
        FX.numpy2.add("numpy/%s.p%d.pkl" % (name, p))
        FX.add("numpy/%s.p%d.pkl" % (name, p), data, p, [], "json",
               desc + "; numpy 2.x module paths (numpy._core.*)", expected)


def numpy_cases():
    import numpy as np

    inf, nan = float("inf"), float("nan")

    def arr(values, dtype):
        return lambda: np.array(values, dtype=dtype)

    add_numpy_case("bool", arr([True, False, True, True], "?"), desc="bool array")
    for bits in (8, 16, 32, 64):
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        add_numpy_case("int%d" % bits, arr([lo, -1, 0, 1, hi], "<i%d" % (bits // 8)),
                       desc="int%d array: min, -1, 0, 1, max" % bits)
        add_numpy_case("uint%d" % bits, arr([0, 1, hi, hi + 1, (1 << bits) - 1], "<u%d" % (bits // 8)),
                       desc="uint%d array: 0, 1, 2^%d-1, 2^%d, max" % (bits, bits - 1, bits - 1))
    add_numpy_case("float16", arr([0.0, -0.0, 1.5, -2.0, 65504.0, 6.103515625e-05, inf, nan], "<f2"),
                   desc="float16 array: signed zero, max, smallest normal, inf, nan")
    add_numpy_case("float32", arr([0.0, -0.0, 1.5, -2.25, 3.4028234663852886e38, 1e-45, inf, nan], "<f4"),
                   desc="float32 array: signed zero, max, subnormal, inf, nan")
    add_numpy_case("float64", arr([0.0, -0.0, 1.5, -2.25, 1e300, 5e-324, inf, -inf, nan, 0.1], "<f8"),
                   desc="float64 array: signed zero, subnormal, inf, nan")
    add_numpy_case("complex64", arr([1 + 2j, -0.5 + 0.25j, 0j, complex(inf, -1)], "<c8"), desc="complex64 array")
    add_numpy_case("complex128", arr([1 + 2j, complex(-1e300, 5e-324), 0j, complex(nan, inf)], "<c16"),
                   desc="complex128 array")

    def longdouble():
        # x86-64 long double: 10 bytes of value in 16; the 6 padding bytes are whatever memory held,
        # so they are set here: zeros, except 0xab... in the last element (kept byte for byte).
        vals = np.array([1.5, -2.25, 0.0], dtype=np.longdouble)
        vals[2] = np.longdouble(1) / np.longdouble(3)
        raw = bytearray(vals.tobytes())
        assert vals.dtype.itemsize == 16
        for i in range(3):
            raw[16 * i + 10:16 * i + 16] = b"\xab\xcd\xef\x01\x23\x45" if i == 2 else bytes(6)
        return np.frombuffer(bytes(raw), dtype=np.longdouble).copy()
    add_numpy_case("longdouble", longdouble,
                   desc="longdouble (<f16, x86-64 80-bit in 16 bytes): 1.5, -2.25, 1/3; padding bytes set")
    add_numpy_case("datetime64_ns", arr(["2024-01-02T03:04:05.123456789", "NaT", "1970-01-01"], "<M8[ns]"),
                   desc="datetime64[ns] array with NaT")
    add_numpy_case("datetime64_D", arr(["2024-02-29", "1969-12-31", "NaT"], "<M8[D]"),
                   desc="datetime64[D] array")
    add_numpy_case("datetime64_generic", lambda: np.array([0, -(1 << 63), 5], dtype="<i8").view("<M8"),
                   desc="datetime64 without unit (generic): 0, NaT, 5")
    add_numpy_case("timedelta64_2s", arr([1, -3, 0], "<m8[2s]"), desc="timedelta64[2s] array (unit count 2)")
    add_numpy_case("bytes_S5", arr([b"abc", b"", b"hello", b"a\x00b"], "S5"), desc="bytes S5 array")
    add_numpy_case("str_U3", arr(["abc", "", "\xe9\u20ac\U0001F600"], "<U3"), desc="unicode U3 array")
    add_numpy_case("void_V4", arr([b"\x00\x01\x02\x03", b"\xff\xfe\xfd\xfc"], "V4"), desc="void V4 array")

    def structured(dtype, rows):
        def make():
            a = np.zeros(len(rows), dtype=dtype)  # zeros: padding bytes are deterministic
            for i, r in enumerate(rows):
                a[i] = r
            return a
        return make
    titled = {"names": ["x", "y"], "formats": ["<i2", "<f4"], "offsets": [0, 4], "titles": ["T1", None],
              "itemsize": 12}
    add_numpy_case("struct_titles", structured(titled, [(1, 1.5), (-2, 2.5)]),
                   desc="structured: explicit offsets, a titled field, itemsize 12 (padding)")
    aligned = np.dtype([("a", "u1"), ("b", "<f8"), ("c", "<i2")], align=True)
    add_numpy_case("struct_aligned", structured(aligned, [(1, 0.5, -1), (255, -2.0, 7)]),
                   desc="aligned structured dtype (align=True: offsets 0, 8, 16; itemsize 24)")
    add_numpy_case("struct_subarray",
                   structured([("id", "<i4"), ("m", "<f4", (2, 3))],
                              [(1, [[1, 2, 3], [4, 5, 6]]), (2, [[-1, -2, -3], [0.5, 0.25, 0.125]])]),
                   desc="structured with a subarray field ('<f4', (2, 3))")
    add_numpy_case("struct_object", structured([("n", "<i4"), ("o", "O")], [(1, "x"), (2, [1, None])]),
                   desc="structured with an object field (pickled as a list of tuples)")

    add_numpy_case("struct_object_nested",
                   structured([("n", "<i4"), ("o", "O"), ("m", ">f4", (2,)), ("s", [("x", ">i2"), ("t", ">U2")])],
                              [(1, None, [1.5, -2.0], (3, "ab")), (2, ["x"], [0.25, 8.0], (-4, "z"))]),
                   desc="structured with an object field, a big-endian subarray field and a nested structure: "
                        "elements pickled as tuples holding arrays (re-pickled from the array, not byte-swapped)")

    def struct_object_readonly():
        a = structured([("o", "O"), ("m", "<i2", (2,))], [("x", [1, 2]), (None, [3, 4])])()
        a.flags.writeable = False
        return a
    add_numpy_case("struct_object_readonly", struct_object_readonly, protocols=(5,),
                   desc="read-only structured array with an object field: its subarray field values are "
                        "read-only views (BYTES) in the stream, writable ones (BYTEARRAY8) in the re-dump")

    add_numpy_case("struct_datetime_nested",
                   structured([("a", "<i4"), ("s", [("t", "<M8[s]")])], [(1, (5,)), (2, (-5,))]),
                   desc="structured with a nested datetime64 field: numpy cannot export it as a buffer, so "
                        "protocol 5 falls back to _reconstruct")

    def small_readonly():
        arrays = [np.array([5], dtype="u1"), np.array([5], dtype="u1"), np.zeros(0, dtype="<f8")]
        for a in arrays:
            a.flags.writeable = False
        return [b"", b"\x05"] + arrays
    add_numpy_case("small_readonly", small_readonly, protocols=(5,),
                   desc="read-only 1-byte and empty arrays at protocol 5: PickleBuffers written as BYTES and "
                        "memoized as themselves, never CPython's shared b'' / b'\\x05'")

    def object_datetime():
        import datetime
        import time
        a = np.empty(4, dtype=object)
        a[0], a[1], a[2], a[3] = datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.date(2024, 1, 2), time.time, \
            np.array([1, 2], dtype="<M8[s]").astype(object)[0]
        return a
    add_numpy_case("object_datetime", object_datetime,
                   desc="object array of datetime.datetime, datetime.date, time.time: C globals whose qualname "
                        "str is not their (interned) module name")

    # (No numpy scalar here: one would share the swapped arrays' singleton dtype in the re-dump but
    # not in a re-dump of that, as its arrays then have loaded, non-singleton dtypes: CPython's
    # re-dump is not stable after one round trip, which tests/errors' round-trip checks assume.)
    def bigendian_shared():
        return [np.array([1, 2], dtype=">i4"), np.array([3], dtype=">i4"), np.array(["ab"], dtype=">U2"),
                np.array([1, 2], dtype=">M8[s]"), np.array([0.5], dtype=">f8"), np.array([-1], dtype=">i4")]
    add_numpy_case("bigendian_shared", bigendian_shared,
                   desc="big-endian arrays: loading byte-swaps them to numpy's native singleton dtypes (shared by "
                        "the >i4 arrays), str and datetime to new dtypes")

    def object_array():
        a = np.empty(7, dtype=object)
        for i, v in enumerate([1, "a", None, [1, [2, None], "x"], "xyz", 2.5, {"k": [None]}]):
            a[i] = v
        return a
    add_numpy_case("object_array", object_array, desc="object array: ints, strs, None, nested lists, a dict")

    def object_2d():
        a = np.empty((2, 2), dtype=object)
        a[0, 0], a[0, 1], a[1, 0], a[1, 1] = "a", ["b", None], None, ("t", 1)
        return a
    add_numpy_case("object_2d", object_2d, desc="2-D object array")
    add_numpy_case("zero_d", lambda: np.array(3.5, dtype="<f8"), desc="0-d float64 array")
    add_numpy_case("empty_0x3", lambda: np.zeros((0, 3), dtype="<f8"), desc="empty (0, 3) float64 array")
    add_numpy_case("empty_3x0", lambda: np.zeros((3, 0), dtype="<i4"), desc="empty (3, 0) int32 array")
    add_numpy_case("c_order_2d", lambda: np.arange(12, dtype="<i4").reshape(3, 4), desc="2-D int32 (3, 4), C order")
    add_numpy_case("fortran_2d", lambda: np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4)),
                   desc="2-D float64 (3, 4), Fortran order (is_fortran; order 'F' at protocol 5)")
    add_numpy_case("fortran_3d", lambda: np.asfortranarray(np.arange(24, dtype="<i2").reshape(2, 3, 4)),
                   desc="3-D int16 (2, 3, 4), Fortran order")
    add_numpy_case("noncontiguous",
                   lambda: [np.arange(20, dtype="<i8")[::3], np.arange(12, dtype="<f8").reshape(3, 4)[:, 1:3]],
                   desc="non-contiguous views (a strided slice, a column slice): pickled as C-order copies")
    add_numpy_case("bigendian_i4", arr([1, -2, 0x01020304], ">i4"),
                   desc="big-endian >i4 (numpy byte-swaps _reconstruct arrays to native order on load)")
    add_numpy_case("bigendian_f8", arr([1.5, -0.0, inf], ">f8"), desc="big-endian >f8")
    add_numpy_case("matrix", lambda: np.matrix([[1, 2], [3, 4]], dtype="<i8"), desc="numpy.matrix subclass")
    add_numpy_case("recarray",
                   lambda: np.rec.array([(1, 2.5, b"ab"), (3, -1.0, b"c")],
                                        dtype=[("a", "<i4"), ("b", "<f8"), ("c", "S2")]),
                   desc="numpy.recarray subclass, dtype (numpy.record, [...])")

    def shared_array():
        a = np.arange(4, dtype="<f8")
        return [a, a, {"again": a}]
    add_numpy_case("shared_array", shared_array, desc="one array three times (memo)")

    def shared_dtype():
        dt = np.dtype([("a", "<i4"), ("b", "<f8")])
        return [np.zeros(2, dt), np.zeros(1, dt), dt, np.arange(3, dtype="<f8"), np.ones(2, dtype="<f8")]
    add_numpy_case("shared_dtype", shared_dtype,
                   desc="arrays sharing a dtype object: a structured one, and numpy's float64 singleton")

    def scalars():
        dt = np.dtype([("a", "<i4"), ("b", "<f8")])
        v = np.zeros(1, dt)
        v[0] = (7, -1.5)
        return [np.arange(2, dtype="<f8"), np.float64(1.5), np.float64(-0.0), np.int64(-7), np.bool_(True),
                np.float16(0.5), np.complex64(1 + 2j), np.str_("h\xe9llo"), np.bytes_(b"ab"),
                np.datetime64("2024-01-02T03:04:05.123456789", "ns"), np.datetime64("2024-01-02", "D"), v[0]]
    add_numpy_case("scalars", scalars,
                   desc="numpy scalars: float64, int64, bool_, float16, complex64, str_, bytes_, datetime64, "
                        "structured void (after a float64 array)")

    def dtypes():
        return [np.dtype(x) for x in ("?", "i1", "<i2", ">i4", "<u8", "<f2", ">f8", "<c8", "g", "S5", "<U3", "V4",
                                      "O", "<M8[ns]", "<M8", "<m8[2s]")] \
            + [np.dtype(titled), aligned, np.dtype([("id", "<i4"), ("m", "<f4", (2, 3))]),
               np.dtype([("n", "<i4"), ("o", "O")]), np.dtype(("<f4", (2, 3)))]
    add_numpy_case("dtypes", dtypes, desc="standalone dtype objects of every kind")

    numpy_oob_cases()
    numpy_scalar_shapes_case()

    def np2_2d():
        return np.arange(6, dtype="<f8").reshape(2, 3)
    add_numpy2_case("np2_float64_2d", np2_2d, desc="2-D float64")

    def np2_mixed():
        a = np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3))
        return [np.arange(3, dtype="<i8"), a, object_array(), np.float64(2.5), np.arange(10, dtype="<i2")[::2], a]
    add_numpy2_case("np2_mixed", np2_mixed,
                    desc="arrays (C, Fortran, object, strided; one shared) and a float64 scalar")


class MadeReduce:
    """Pickles as the reduce tuple it is given (for streams numpy itself does not write)."""

    def __init__(self, rv):
        self.rv = rv

    def __reduce__(self):
        return self.rv


def numpy_scalar_shapes_case():
    """scalar(dtype, bytes) calls numpy does not write but loads, and re-pickles differently: what the
    loaded scalar reports is numpy's canonical form (native order, no trailing NULs, bool 0/1,
    np.True_ a singleton, a dtype of its own per datetime64 scalar)."""
    import numpy as np
    scalar = np.core.multiarray.scalar
    dt = np.dtype("<M8[s]")

    def make():
        return [MadeReduce((scalar, (np.dtype("S5"), b"ab\x00\x00\x00"))),
                MadeReduce((scalar, (np.dtype("<U3"), "a".encode("utf-32-le") + bytes(8)))),
                MadeReduce((scalar, (np.dtype(">f8"), struct.pack(">d", 1.5)))),
                MadeReduce((scalar, (np.dtype(">c8"), struct.pack(">ff", 1.5, -2.0)))),
                MadeReduce((scalar, (np.dtype("?"), b"\x02"))),
                MadeReduce((scalar, (np.dtype("?"), b"\x01"))),
                MadeReduce((scalar, (dt, struct.pack("<q", 5)))),
                MadeReduce((scalar, (dt, struct.pack("<q", -5))))]
    for p in range(6):
        obj = make()
        data = dumps_checked(obj, p)
        expected = walk_json(obj, p)
        assert expected == inert_json(data)
        loaded = pickle.loads(data)
        want = [np.bytes_(b"ab"), np.str_("a"), np.float64(1.5), np.complex64(1.5 - 2j), np.True_, np.True_,
                np.datetime64(5, "s"), np.datetime64(-5, "s")]
        np_same(want, loaded)
        assert loaded[4] is loaded[5]
        FX.checks["roundtrip"] += 1
        FX.add("numpy/scalar_shapes.p%d.pkl" % p, data, p, [], "json",
               "scalar(dtype, bytes) as numpy does not write it: S5 with NULs, >f8, >c8, bool 2, two "
               "separate True, two datetime64 sharing a dtype", expected)


def numpy_oob_cases():
    import numpy as np

    def make():
        w = np.arange(6, dtype="<f8")                                  # writable
        r = np.arange(12, dtype="<i4").reshape(3, 4)
        r.flags.writeable = False                                      # read-only
        f = np.asfortranarray(np.arange(6, dtype="<c16").reshape(2, 3))  # Fortran order
        b = np.array([1, 2], dtype=">i4")                              # big-endian (kept by _frombuffer)
        z = np.array(7, dtype="<i8")
        z.flags.writeable = False                                      # 0-d, read-only
        return [w, r, f, r, b, z, "tail"]
    obj = make()
    bufs = []
    data = dumps_checked(obj, 5, buffer_callback=lambda b: bufs.append(b) or None)
    bufs = bufs[:len(bufs) // 2]  # dumps_checked ran twice
    raw = [bytes(b.raw()) for b in bufs]
    expected = walk_json(obj, 5, oob=True)
    assert expected == inert_json(data, buffers=raw)
    loaded = pickle.loads(data, buffers=[bytearray(x) for x in raw])
    np_same(obj, loaded)
    FX.checks["roundtrip"] += 1
    FX.add("numpy/oob.p5.pkl", data, 5, ["buffers=%d" % len(raw)], "json",
           "arrays out-of-band (NEXT_BUFFER; READONLY_BUFFER for read-only arrays): writable, read-only "
           "(twice), Fortran, big-endian, 0-d", expected, buffers=raw)
    FX.add("numpy/oob_nobuffers.p5.pkl", data, 5, ["buffers=none"], "error:kMissingBuffer",
           "same stream, no buffers given")
    try:
        pickle.loads(data, buffers=None)
    except pickle.UnpicklingError:
        FX.checks["python rejects"] += 1
    else:
        raise AssertionError("CPython loaded numpy/oob_nobuffers")

    obj = make()
    data = dumps_checked(obj, 5)
    expected = walk_json(obj, 5)
    assert expected == inert_json(data)
    np_same(obj, pickle.loads(data))
    FX.checks["roundtrip"] += 1
    FX.add("numpy/inband_readonly.p5.pkl", data, 5, [], "json",
           "the same arrays in-band: read-only -> BYTES, writable -> BYTEARRAY8", expected)


def all_cases():
    add_case("root_none", lambda: None, desc="None as the root")
    add_case("root_true", lambda: True, desc="True as the root")
    add_case("root_int", lambda: -123456, desc="an int as the root")
    add_case("root_str", lambda: "root", desc="a str as the root")
    add_case("root_empty_tuple", lambda: (), desc="() as the root")
    add_case("ints", lambda: list(INTS), desc="ints at every opcode boundary, LONG1 and LONG4 sizes")
    add_case("int_huge", lambda: [2**79999 - 1, 2**80000, -(2**80000) - 1], protocols=(2, 3, 4, 5),
             desc="ints of 10000 and 10001+ bytes ($int hex form above 10000); protocols 0/1 would need "
                  "> 4300 decimal digits")
    add_case("bools_none", lambda: [True, False, None, [None], (True,)], desc="True, False, None")
    add_case("floats", lambda: list(FLOATS), desc="floats incl. -0.0, subnormal, nan, inf", check=same_float_list)
    add_case("strs", lambda: list(STRS), desc="str: empty, latin-1, BMP, astral, lone surrogates, escapes, 255/256 bytes")
    add_case("str_long", lambda: ["a\u20ac" * 300, "z" * 70000], desc="str > 255 bytes and > 65535 bytes")
    add_case("bytes", lambda: [b"", b"\x00", b"\xff" * 255, bytes(range(256)), b"\\\n\r\x1a"],
             desc="bytes: empty, 1, 255, 256 bytes")
    add_case("bytes_large", lambda: b"0123456789abcdef" * 4375, desc="70000 bytes (unframed at protocol 4/5)")
    add_case("bytearrays", lambda: [bytearray(), bytearray(b"\x00\x01\xff"), bytearray(range(256))],
             desc="bytearray: empty, small, 256")
    add_case("bytearray_large", lambda: bytearray(b"fedcba9876543210" * 4375), desc="bytearray of 70000 bytes")
    add_case("lists", lambda: [[], [1], ["a", "b"], list(range(1000)), list(range(1001)), [[[]]]],
             desc="lists: empty, 1, 2, 1000, 1001 items (APPEND/APPENDS batching)")
    add_case("tuples", lambda: [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), tuple(range(1001)), ((),)],
             desc="tuples of 0..4 and 1001 items")
    add_case("dict_empty", lambda: {}, desc="empty dict")
    add_case("dict_one", lambda: {"a": 1}, desc="dict with one item (SETITEM)")
    add_case("dict_1000", lambda: {"k%d" % i: i for i in range(1000)},
             desc="dict with 1000 str keys (C pickler adds an empty MARK SETITEMS)")
    add_case("dict_1001", lambda: {i: -i for i in range(1001)}, desc="dict with 1001 int keys")
    # deliberate key collisions: 1 == 1.0 == True and 0 == False keep the first key, the last value
    add_case("dict_mixed_keys",
             lambda: {1: "a", 2.0: "b", True: "c", 0: "zero", "s": 1, None: 2, (1, 2): 3, b"k": 4, 1.5: 5,
                      -3: 6, frozenset([1]): 7, False: 8},
             desc="non-str keys; 1/True and 0/False collide in Python")
    add_case("dict_dollar_keys", lambda: {"$id": 1, "$ref": 2, "plain": 3}, desc="str keys starting with $")
    add_case("nested", make_nested, desc="nested containers, 100 levels of alternating list/dict")
    add_case("shared", make_shared, desc="shared list/dict/tuple/set/frozenset/bytearray/object ($id/$ref)")
    add_case("self_list", make_self_list, desc="list containing itself", check=recursive_check)
    add_case("self_dict", make_self_dict, desc="dict containing itself", check=recursive_check)
    add_case("recursive_tuple", make_recursive_tuple, desc="t = ([],); t[0].append(t)", check=recursive_check)
    add_case("recursive_tuple4", make_recursive_tuple4, desc="4-tuple reached through its own list item",
             check=recursive_check)
    add_case("sets", lambda: [{3, 1, 2}, {"apple", "banana", "cherry"}, set(), frozenset(), frozenset([5, 4]),
                              frozenset(["x", "y"]), {(1, 2), None}],
             desc="sets/frozensets of ints and strs, empty", check=sets_check)
    add_case("set_1000", lambda: set(range(1000)), desc="set of 1000 (C pickler adds an empty MARK ADDITEMS)",
             check=lambda a, b: a == b)
    add_case("set_1001", lambda: [set(range(1001)), frozenset(range(1001))], desc="set and frozenset of 1001",
             check=sets_check)
    add_case("obj_plain", lambda: fc.Plain(1, "x"), desc="default reduce with __dict__ state")
    add_case("obj_empty", lambda: [fc.Empty(), fc.Empty()], desc="default reduce, no state")
    add_case("obj_slotted", lambda: fc.Slotted(1, [2]), protocols=(2, 3, 4, 5),
             desc="__slots__: state (None, {slots}); protocols 0/1 refuse")
    add_case("obj_newargs", lambda: fc.WithNewArgs(7), desc="__getnewargs__: NEWOBJ args")
    add_case("obj_newargs_ex", lambda: fc.WithNewArgsEx(7, tag="t"), protocols=(4, 5),
             desc="__getnewargs_ex__: NEWOBJ_EX with kwargs")
    add_case("obj_reduce", lambda: [fc.Point(1, 2), fc.Point(3.5, "y")], desc="custom __reduce__ (callable, args)")
    add_case("obj_setstate", lambda: fc.WithSetState(5), desc="__getstate__ returns a tuple")
    add_case("obj_nested_class", lambda: [fc.Outer.Inner(), fc.Outer.Inner], desc="instance of Outer.Inner and the class")
    add_case("obj_self", make_self_object, desc="object whose state refers to itself", check=recursive_check)
    add_case("list_subclass", mylist, desc="list subclass: listitems, state; empty; 1001 items")
    add_case("list_subclass_self", make_self_mylist, desc="list subclass containing itself", check=recursive_check)
    add_case("dict_subclass", mydict, desc="dict subclass: dictitems, state; empty; 1001 items")
    add_case("ordered_dict", ordered_dicts, desc="collections.OrderedDict: dictitems")
    add_case("globals", globals_list, desc="functions and classes by reference; Outer.Inner nested")
    add_case("globals_compat", compat_globals, fix_imports_rows=True,
             desc="globals renamed by fix_imports at protocols 0-2")
    add_case("shapes_compat", compat_shapes, fix_imports_rows=True,
             desc="reduce shapes spelled with Python 2 names at protocols 0-2")
    persistent_cases()
    picklebuffer_cases()
    frames_cases()
    py2_cases()
    bad_cases()
    my_data_case()
    numpy_cases()
    return sklearn_cases()


# ------------------------------------------------------------------------------------------------
# CPython's re-dump of every loadable fixture: fixtures/redump/ and fixtures/REDUMP.tsv

REDUMP_HEADER = "source\tprotocol\tvariant\texpect\tbuffers\tnote"

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


# ================================================================================================
# joblib: fixtures/joblib/ and fixtures/JOBLIB.tsv (begin of the joblib section)
#
# Files joblib.dump itself wrote (every compressor at several levels, protocols 0-5, object
# arrays, mixed graphs, the tutorial's files), and for each what CPython and joblib make of it
# after joblib.load: pickle.dumps(joblib.load(f), protocol=2), and joblib.dump(joblib.load(f),
# out, protocol=P, compress=C). Self-contained: joblib_fixtures() makes, writes and verifies its
# own files (fixtures/joblib/README.md documents them); nothing else in this script uses them.
# ================================================================================================

JL = os.path.join(FIX, "joblib")
JL_HEADER = "file\tcodec\tlevel\tprotocol\tpickle2\tjoblib\texact\tdescription"
# joblib's registration order, which is also the order _detect_compressor tries the magics in.
JL_MAGICS = (("zlib", b"\x78"), ("gzip", b"\x1f\x8b"), ("bz2", b"BZ"), ("lzma", b"\x5d\x00"),
             ("xz", b"\xfd7zXZ"), ("lz4", b"\x04\x22\x4d\x18"))
# What a compressed row's level column holds when the file was written with compress='NAME'.
JL_DEFAULT = "default"
JL_UNMATCHABLE_SKLEARN = (
    "no: sklearn's DistanceMetric (a Cython extension type) re-pickles through its own __getstate__, "
    "which rebuilds its vec/mat arrays from typed memoryviews with a new dtype object; the stream "
    "shares one dtype with _fit_X, CPython's re-dump does not")


def jl_codec_of(data):
    for name, magic in JL_MAGICS:
        if data.startswith(magic):
            return name
    return "none"


def jl_decompress(data):
    import bz2
    import lzma
    import zlib
    import lz4.frame
    codec = jl_codec_of(data)
    if codec == "zlib":
        return zlib.decompress(data)
    if codec == "gzip":
        return zlib.decompress(data, 31)
    if codec == "bz2":
        return bz2.decompress(data)
    if codec in ("lzma", "xz"):
        return lzma.decompress(data)
    if codec == "lz4":
        return lz4.frame.decompress(data)
    return data


def jl_compress_arg(codec, level):
    """joblib.dump's compress= for a (codec, level) row: 0, 'NAME' (default level) or a tuple."""
    if codec == "none":
        return 0
    return codec if level == JL_DEFAULT else (codec, level)


def jl_dump(obj, protocol, compress, name="out"):
    """The bytes joblib.dump(obj, <tmp>/name, compress, protocol) writes (twice: must agree)."""
    import tempfile
    import warnings
    import joblib
    outs = []
    for _ in range(2):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                joblib.dump(obj, path, compress=compress, protocol=protocol)
            with open(path, "rb") as f:
                outs.append(f.read())
    assert outs[0] == outs[1], "joblib.dump is not repeatable"
    return outs[0]


def jl_load(data, name="in"):
    """joblib.load of `data` written to a file (joblib loads by path, as the C++ tests do)."""
    import tempfile
    import warnings
    import joblib
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return joblib.load(path)


def jl_expectations(data, protocol, compress):
    """(pickle.dumps(joblib.load(f), 2), joblib.dump(joblib.load(f), out, protocol, compress)),
    each from two independent loads that must agree (joblib.load leaves the padding bytes of
    structured arrays uninitialised; a fixture holding one would not be repeatable)."""
    p2 = [pickle.dumps(jl_load(data), protocol=2) for _ in range(2)]
    assert p2[0] == p2[1], "pickle.dumps(joblib.load(f), 2) is not repeatable"
    redump = [jl_dump(jl_load(data), protocol, compress) for _ in range(2)]
    assert redump[0] == redump[1], "joblib.dump(joblib.load(f)) is not repeatable"
    return p2[0], redump[0]


# ---- the object graphs (fresh objects on every call)

def jl_object_array(items, shape=None):
    import numpy as np
    a = np.empty(len(items), dtype=object)
    for i, v in enumerate(items):
        a[i] = v
    return a.reshape(shape) if shape else a


def jl_mixed():
    """Builtin values and arrays of many dtypes and layouts in one graph."""
    import numpy as np
    shared = np.arange(6, dtype="<f8").reshape(2, 3)
    return {
        "name": "joblib fixture", "caf\xe9": "\u20ac \U0001F600", "none": None, "flags": [True, False],
        "ints": [0, -1, 255, 65536, -2**31, 2**63, -2**100], "floats": [0.0, -0.0, 1.5, 1e300, float("inf")],
        "bytes": b"\x00\xff" * 8, "tuple": (1, ("nested", 2.5)), "set": {"a", "b", "c"},
        "frozenset": frozenset({1, 2}), "nested": {"list": [[], {}, ()], "key": {"deeper": [1, 2, 3]}},
        "f8": np.arange(10, dtype="<f8") / 4, "i4": np.array([-2**31, -1, 0, 1, 2**31 - 1], dtype="<i4"),
        "u1": np.arange(0, 256, 51, dtype="u1"), "b1": np.array([True, False, True]),
        "c16": np.array([1 + 2j, -0.5j], dtype="<c16"), "f2": np.array([0.5, -2.0, 65504.0], dtype="<f2"),
        "U3": np.array(["abc", "", "\xe9\u20ac\U0001F600"], dtype="<U3"), "S4": np.array([b"ab", b"\x00x", b""]),
        "M8": np.array(["2024-01-02T03:04:05.123456789", "NaT"], dtype="<M8[ns]"),
        "m8": np.array([1, -3], dtype="<m8[2s]"),
        "fortran": np.asfortranarray(np.arange(12, dtype="<i8").reshape(3, 4)),
        "bigendian": [np.array([1, -2, 0x01020304], dtype=">i4"), np.array([1.5, -0.0], dtype=">f8")],
        "zero_d": np.array(3.25), "empty": [np.zeros((0, 3)), np.zeros((3, 0), dtype="<i4")],
        "shared": [shared, shared, {"again": shared}], "matrix": np.matrix([[1, 2], [3, 4]], dtype="<i8"),
        "objects": jl_object_array([1, "a", None, [1, 2], {"k": (1,)}]),
        "scalars": [np.float64(1.5), np.int64(-7), np.bool_(True), np.float32(0.25)], "dtype": np.dtype("<i2"),
    }


def jl_object_arrays():
    """Object arrays: 1-D, 2-D, Fortran-ordered, holding arrays (numeric and object) and shared items."""
    import numpy as np
    inner = np.arange(3, dtype="<i8")
    item = {"shared": True}
    two_d = jl_object_array(["a", ["b", None], None, ("t", 1)], (2, 2))
    return {
        "flat": jl_object_array([1, "abc", {"a": 1, "b": 2}, None, 2.5, b"x"]),
        "two_d": two_d, "fortran": np.asfortranarray(jl_object_array(list(range(6)), (2, 3))),
        "holds_arrays": jl_object_array([inner, inner, jl_object_array(["deep", inner]), np.float64(2.0)]),
        "shared_items": jl_object_array([item, item, [item]]),
        "same_object_array_twice": [two_d, two_d],
        "empty": np.empty((0,), dtype=object),
    }


def jl_layouts():
    """Array layouts and classes: orders, views, byte orders, structured dtypes, subclasses, sharing."""
    import numpy as np
    be_struct = np.zeros(3, dtype=[("a", ">i4"), ("b", ">f8"), ("c", ">c8"), ("d", ">U2"), ("t", ">M8[s]")])
    be_struct["a"], be_struct["b"], be_struct["c"] = [1, -2, 3], [1.5, -0.0, 1e300], [1 + 2j, -1j, 0]
    be_struct["d"], be_struct["t"] = ["ab", "\xe9", ""], [0, 86400, -1]
    mixed_struct = np.zeros(2, dtype=[("a", ">i4"), ("s", "S3"), ("b", "<f8")])  # a '|' field: kept as is
    mixed_struct["a"], mixed_struct["s"], mixed_struct["b"] = [7, -7], [b"ab", b"xyz"], [0.5, 2.0]
    packed = np.zeros(2, dtype=[("id", "<i4"), ("m", "<f4", (2, 3))])  # a subarray field, no padding
    packed["id"], packed["m"] = [1, 2], np.arange(12, dtype="<f4").reshape(2, 2, 3)
    rec = np.rec.array([(1, 2.5, b"ab"), (3, -1.0, b"c")], dtype=[("a", "<i4"), ("b", "<f8"), ("c", "S2")])
    titled_dt = np.dtype({"names": ["x", "y"], "formats": [">i2", ">f4"], "offsets": [0, 2], "titles": ["T1", None],
                          "itemsize": 6})  # packed: no padding
    titled = np.zeros(3, dtype=titled_dt)
    titled["x"], titled["y"] = [1, -2, 3], [1.5, 2.0, -3.0]
    shared = np.arange(4, dtype="<u2")
    be_dtype = np.dtype(">i8")
    return {
        "fortran_2d": np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4)),
        "fortran_3d": np.asfortranarray(np.arange(24, dtype="<i2").reshape(2, 3, 4)),
        "views": [np.arange(20, dtype="<i8")[::3], np.arange(12, dtype="<f8").reshape(3, 4)[:, 1:3],
                  np.arange(12, dtype="<i4").reshape(3, 4).T],
        "bigendian": [np.array([1, -2, 0x01020304], dtype=">i4"), np.array([1 + 2j], dtype=">c16"),
                      np.array(["\xe9t\xe9"], dtype=">U3"), np.array([1, 2], dtype=be_dtype),
                      np.array([3], dtype=be_dtype), be_dtype],
        "bigendian_struct": be_struct, "mixed_order_struct": mixed_struct, "subarray_field": packed,
        "bigendian_titled": [titled, titled_dt], "memmap": jl_memmap(),
        "zero_d": [np.array(7, dtype="<i8"), np.array(b"xy"), np.array(-1.5, dtype=">f4")],
        "empty": [np.zeros(0), np.zeros((2, 0, 3), dtype="<i2"), np.asfortranarray(np.zeros((0, 2)))],
        "shared": [shared, shared, (shared,)], "matrix": np.matrix([[0, 1, 2]], dtype="<i8"), "recarray": rec,
        "longdouble": jl_longdouble(),
        "void": np.array([b"\x00\x01\x02\x03", b"\xff\xfe\xfd\xfc"], dtype="V4"),
    }


def jl_longdouble():
    """x86-64 long double (10 bytes of value in 16): the padding bytes set (zero), so files repeat."""
    import numpy as np
    vals = np.array([1.5, -2.25, 1e-300], dtype=np.longdouble)
    raw = bytearray(vals.tobytes())
    size = vals.dtype.itemsize
    for i in range(len(vals)):
        raw[size * i + 10:size * (i + 1)] = bytes(size - 10)
    return np.frombuffer(bytes(raw), dtype=np.longdouble).copy()


def jl_memmap():
    """A numpy.memmap (joblib writes its subclass, loads a plain ndarray), over a deleted file."""
    import tempfile
    import numpy as np
    tmp = tempfile.mkdtemp()
    try:
        m = np.memmap(os.path.join(tmp, "m.dat"), dtype="<f4", mode="w+", shape=(2, 3))
        m[:] = np.arange(6, dtype="<f4").reshape(2, 3)
        m.flush()
    finally:
        shutil.rmtree(tmp)  # the mapping stays readable
    return m


def jl_big():
    """Larger than a pickle frame (64 KiB) and than the readers' 64 KiB chunks: arrays, bytes, a str,
    and a list longer than a 1000-item batch."""
    import numpy as np
    return {"floats": np.arange(10000, dtype="<f8") / 2, "ints": np.arange(20000, dtype="<i4").reshape(200, 100),
            "bytes": bytes(range(256)) * 300, "str": "joblib \u20ac " * 7000, "list": list(range(2500)),
            "fortran": np.asfortranarray(np.arange(10000, dtype="<i8").reshape(50, 200))}


def jl_tutorial_model():
    """The KNeighborsClassifier of fixtures/sklearn/model.pkl (same data, split and parameters)."""
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KNeighborsClassifier
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42, stratify=y)
    model = KNeighborsClassifier(n_neighbors=3, weights="distance", algorithm="kd_tree", leaf_size=40, p=1,
                                 metric="euclidean")
    model.fit(X_train, y_train)
    return model


def jl_tutorial_array():
    import numpy as np
    return np.arange(100).reshape(10, 10)


JL_LEVELS = (("zlib", 1), ("zlib", 3), ("zlib", 9), ("zlib", JL_DEFAULT), ("gzip", 1), ("gzip", 9),
             ("gzip", JL_DEFAULT), ("bz2", 1), ("bz2", 9), ("lzma", 1), ("lzma", 6), ("lzma", 9), ("xz", 1),
             ("xz", 6), ("xz", 9), ("lz4", JL_DEFAULT), ("lz4", 9))


def jl_cases():
    """(file name, graph maker, protocol, codec, level, description, exact) for every fixture."""
    import numpy as np
    cases = []
    graphs = (("mixed", jl_mixed, "mixed graph: builtins (str, int, float, bytes, tuple, set, dict) and arrays of "
                                  "many dtypes, Fortran, big-endian, 0-d, empty, shared, matrix, object, scalars"),
              ("object_arrays", jl_object_arrays, "object arrays: 1-D, 2-D, Fortran, holding arrays, shared items"),
              ("layouts", jl_layouts, "array layouts: Fortran, views, big-endian (plain, structured, titled), "
                                      "structured, subarray field, 0-d, empty, shared, matrix, recarray, "
                                      "memmap, longdouble, void"))
    for name, make, desc in graphs:
        for p in range(6):
            cases.append(("%s.p%d.joblib" % (name, p), make, p, "none", "-", "%s; protocol %d" % (desc, p), "yes"))
    for codec, level in JL_LEVELS:
        tag = "%s%s" % (codec, "" if level == JL_DEFAULT else level)
        how = "compress='%s' (its default level)" % codec if level == JL_DEFAULT else \
            "compress=('%s', %d)" % (codec, level)
        cases.append(("mixed.p4.%s.joblib" % tag, jl_mixed, 4, codec, level,
                      "mixed graph; %s, protocol 4" % how, "yes"))
    for codec, level in (("gzip", 3), ("bz2", 9), ("xz", 6), ("lz4", JL_DEFAULT), ("zlib", 1)):
        cases.append(("object_arrays.p2.%s%s.joblib" % (codec, "" if level == JL_DEFAULT else level),
                      jl_object_arrays, 2, codec, level,
                      "object arrays; compress=%r, protocol 2" % (jl_compress_arg(codec, level),), "yes"))
    for p in (4, 5):
        cases.append(("big.p%d.joblib" % p, jl_big, p, "none", "-",
                      "arrays, bytes and a str larger than a frame, a 2500-item list; protocol %d" % p, "yes"))
    for codec, level in (("gzip", 3), ("bz2", 9), ("xz", 6), ("lz4", JL_DEFAULT)):
        cases.append(("big.p4.%s%s.joblib" % (codec, "" if level == JL_DEFAULT else level), jl_big, 4, codec, level,
                      "big graph; compress=%r, protocol 4" % (jl_compress_arg(codec, level),), "yes"))
    # The tutorial's files, dumped exactly as the tutorial does (default protocol, file names as given).
    assert pickle.DEFAULT_PROTOCOL == 4
    cases.append(("model.joblib", jl_tutorial_model, 4, "none", "-",
                  "the tutorial's joblib.dump(model, 'model.joblib'): fixtures/sklearn/model.pkl's fitted "
                  "KNeighborsClassifier", JL_UNMATCHABLE_SKLEARN))
    cases.append(("array.joblib", jl_tutorial_array, 4, "none", "-",
                  "the tutorial's joblib.dump(np.arange(100).reshape(10, 10), 'array.joblib')", "yes"))
    cases.append(("array_compressed.joblib", jl_tutorial_array, 4, "zlib", 3,
                  "the tutorial's joblib.dump(array, 'array_compressed.joblib', compress=3) (zlib level 3)", "yes"))
    cases.append(("array_finely_compressed.joblib", jl_tutorial_array, 4, "gzip", 9,
                  "the tutorial's joblib.dump(array, 'array_finely_compressed.joblib', compress=('gzip', 9))",
                  "yes"))
    assert np.arange(1).dtype == np.int64
    return cases


JL_TUTORIAL_COMPRESS = {"array_compressed.joblib": 3, "array_finely_compressed.joblib": ("gzip", 9)}


def joblib_fixtures():
    """Writes fixtures/joblib/ (sources, expect/<hash>.pkl|.joblib, README.md) and fixtures/JOBLIB.tsv,
    then re-reads and checks them. Returns joblib's version."""
    import joblib
    files, rows, checks = {}, [], collections.Counter()

    def store(data, ext):
        rel = "joblib/expect/%s%s" % (hashlib.sha256(data).hexdigest()[:16], ext)
        assert files.get(rel, data) == data
        files[rel] = data
        return rel

    for name, make, protocol, codec, level, desc, exact in jl_cases():
        compress = JL_TUTORIAL_COMPRESS.get(name, jl_compress_arg(codec, level))
        data = jl_dump(make(), None if name in ("model.joblib", "array.joblib") or name in JL_TUTORIAL_COMPRESS
                       else protocol, compress, name=name)
        assert jl_codec_of(data) == codec, name
        if codec != "none":  # compressed = joblib's uncompressed stream through the compressor
            assert jl_decompress(data) == jl_dump(make(), protocol, 0), name
            checks["compressed source decompresses to joblib's uncompressed output"] += 1
        rel = "joblib/" + name
        assert rel not in files
        files[rel] = data
        p2, redump = jl_expectations(data, protocol, jl_compress_arg(codec, level))
        assert jl_codec_of(redump) == codec
        if codec != "none":
            assert jl_decompress(redump) == jl_dump(jl_load(data), protocol, 0), name
        rows.append((rel, codec, str(level), str(protocol), store(p2, ".pkl"),
                     rel if redump == data else store(redump, ".joblib"), exact, desc))
        checks["rows"] += 1
        checks["rows whose re-dump is the source itself"] += redump == data

    if os.path.isdir(JL):
        shutil.rmtree(JL)
    os.makedirs(os.path.join(JL, "expect"))
    for rel, data in sorted(files.items()):
        with open(os.path.join(FIX, rel), "wb") as f:
            f.write(data)
    with open(os.path.join(JL, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(JL_README.format(joblib=joblib.__version__))
    lines = [JL_HEADER]
    for r in rows:
        assert all(c and "\t" not in c and "\n" not in c for c in r), r
        lines.append("\t".join(r))
    with open(os.path.join(FIX, "JOBLIB.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    checks.update(jl_verify())
    total = sum(len(d) for d in files.values())
    print("joblib: %d rows, %d files, %.2f MB (joblib %s)" % (len(rows), len(files) + 2, total / 1e6,
                                                             joblib.__version__))
    for k, v in sorted(checks.items()):
        print("joblib: %s: %d" % (k, v))
    assert total < 3e6, "fixtures/joblib/ must stay under 3 MB"
    return joblib.__version__


def jl_verify():
    """Re-reads JOBLIB.tsv and fixtures/joblib/ from disk: every file referenced exists, nothing is
    unreferenced, names match contents, and joblib still makes the recorded expectations."""
    counts = collections.Counter()
    with open(os.path.join(FIX, "JOBLIB.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == JL_HEADER and lines[-1] == ""
    referenced = {"joblib/README.md"}
    for line in lines[1:-1]:
        rel, codec, level, protocol, p2_rel, redump_rel, exact, _ = line.split("\t")
        assert exact == "yes" or exact.startswith("no: "), line
        assert (codec == "none") == (level == "-"), line
        data, p2, redump = (open(os.path.join(FIX, r), "rb").read() for r in (rel, p2_rel, redump_rel))
        for r, d in ((p2_rel, p2), (redump_rel, redump)):
            if r.startswith("joblib/expect/"):
                assert hashlib.sha256(d).hexdigest()[:16] == os.path.basename(r).split(".")[0], r
        assert jl_codec_of(data) == codec and jl_codec_of(redump) == codec, rel
        lv = level if level in ("-", JL_DEFAULT) else int(level)
        assert jl_expectations(data, int(protocol), jl_compress_arg(codec, lv)) == (p2, redump), rel
        referenced.update((rel, p2_rel, redump_rel))
        counts["verified from disk: rows"] += 1
        counts["verified from disk: exact rows"] += exact == "yes"
    on_disk = set()
    for dirpath, _, names in os.walk(JL):
        on_disk.update(os.path.relpath(os.path.join(dirpath, n), FIX) for n in names)
    assert on_disk == referenced, sorted(on_disk ^ referenced)[:5]
    return counts


JL_README = """\
# joblib fixtures

Generated by `tools/gen_fixtures.py` (its joblib section, `joblib_fixtures()`); do not edit by
hand. Written by joblib {joblib} (Debian 12's python3-joblib) with python3-lz4 for lz4; the tutorial
model with scikit-learn. Every file here is what `joblib.dump` itself wrote.

## JOBLIB.tsv

`fixtures/JOBLIB.tsv`, tab-separated, a header line then one row per file:

| column | meaning |
|---|---|
| `file` | the joblib file, relative to `fixtures/` |
| `codec` | `none`, `zlib`, `gzip`, `bz2`, `lzma`, `xz` or `lz4` (joblib's magic-byte detection agrees) |
| `level` | `-` (uncompressed), the level of `compress=(codec, level)`, or `default` for `compress='codec'` (the codec's default: zlib/gzip 3, bz2 9, lzma/xz preset 6, lz4 0) |
| `protocol` | the pickle protocol of the stream (joblib's default, 4, for the tutorial files) |
| `pickle2` | `pickle.dumps(joblib.load(file), protocol=2)`, CPython's C pickler |
| `joblib` | `joblib.dump(joblib.load(file), out, protocol=protocol, compress=<as written>)`; the file itself when identical |
| `exact` | `yes`: picklejar must write these very bytes (below); `no: <reason>`: it cannot, for the reason given |
| `description` | short text |

Expectations are stored once each as `expect/<hash>.pkl` / `expect/<hash>.joblib` (`<hash>`: the
first 16 hex digits of the content's SHA-256). Every expectation is made twice from two independent
`joblib.load`s, and every `joblib.dump` is run twice; all must agree.

What `tests/unit/joblib_test.cc` checks per row (`exact` = `yes`):

- `picklejar::dump(joblib::load(file).root(), {{.protocol = 2}})` is byte-identical to `pickle2`;
  the same for a load from memory and (uncompressed files) with `MmapMode::kReadOnly`;
- `joblib::dump(root, {{.protocol = P, .compression = {{codec, level}}}})`: for `codec` none,
  byte-identical to `joblib`; compressed, its decompressed bytes equal `joblib`'s decompressed bytes
  (which the generator checked are joblib's uncompressed output).

## Why some rows are not exact

- `model.joblib`: sklearn's `DistanceMetric` is a Cython extension type whose `__getstate__`
  rebuilds its `vec`/`mat` arrays from typed memoryviews, with a dtype object that is new (the
  stream shares one dtype object with `_fit_X`; CPython's re-dump writes a second one). The bytes
  depend on sklearn's code, not on the stream; no reader of the stream can reproduce them (the same
  reason as `sklearn/model.pkl` in REDUMP.tsv). The test checks that the two differ only in sharing:
  both load to values that are equal when shared references are expanded.

Not in the fixtures, because joblib's own output is not repeatable: a structured array whose
fields do not cover every byte of the item (padding between or after fields, e.g. `align=True`
dtypes). `joblib.load` makes it with `np.empty` and assigns the data field by field, so the padding
bytes of the loaded array are uninitialised memory, and `pickle.dumps(joblib.load(f))` differs from
run to run. picklejar keeps the bytes the file holds.

## joblib behaviour these files pin down

- Arrays (numpy.ndarray, numpy.matrix, numpy.memmap) are `NumpyArrayWrapper`s followed by their raw
  bytes, aligned to 16 in the uncompressed stream; object arrays are nested protocol-2 pickles.
- After `joblib.load` every array is in native byte order: non-native plain dtypes and structured
  dtypes whose fields are *all* non-native are byte-swapped with a new native dtype
  (`array.byteswap().newbyteorder('=')`: a new dtype object per array, never numpy's builtin
  singleton, which numpy's own unpickling uses when it swaps; for a structured dtype, newbyteorder
  makes a new dtype per field and drops title entries from the fields dict). Structured dtypes
  with any `|` field, a nested structure or a subarray field are left as they are.
- `numpy.memmap` is loaded as a plain ndarray; numpy scalars re-pickle with numpy's dtype singletons.
"""
# ================================================================================================
# joblib: end of the joblib section
# ================================================================================================


# ------------------------------------------------------------------------------------------------
# README

README = """\
# picklejar golden fixtures

Generated by `tools/gen_fixtures.py`; do not edit by hand. Regenerate with

```sh
/usr/bin/python3 tools/gen_fixtures.py
```

(Debian 12's Python with python3-numpy and python3-sklearn; the script re-executes itself with
`PYTHONHASHSEED=0` and is deterministic: two runs write identical bytes). It replaces
`fixtures/pickle/`, `fixtures/numpy/`, `fixtures/sklearn/model*`, `fixtures/redump/`,
`fixtures/MANIFEST.tsv`, `fixtures/REDUMP.tsv` and this file.

Made with: Python {python}, numpy {numpy}, scikit-learn {sklearn} ({platform}).

## Files

- `joblib/` and `JOBLIB.tsv`: files `joblib.dump` wrote and what `joblib.load` makes of them
  (the script's joblib section, `joblib_fixtures()`), documented in `joblib/README.md`.
  `joblib-corpus/` is not generated: joblib's own cross-version test files, with their README
  and LICENSE.
- `pickle/<name>.p<N>.pkl`: a Python value pickled by CPython's `pickle.dumps(value, N)` (C
  pickler) at protocol N (0-5). The values use `tools/fixture_classes.py` (module
  `fixture_classes`) for user classes.
- `pickle/<name>.pkl`: hand-made streams: Python 2 style (`py2_*`), frames (`frame_*`) and
  malformed ones (`bad_*`).
- `pickle/my_data.pickle`: the tutorial's dict, `pickle.dump(..., protocol=pickle.HIGHEST_PROTOCOL)`.
- `numpy/<name>.p<N>.pkl`: numpy objects pickled by CPython with numpy at protocol N (0-5): arrays
  of every dtype class (`bool`, `int8`-`int64`, `uint8`-`uint64`, `float16`-`float64`,
  `complex64`/`complex128`, `longdouble` (`<f16`, x86-64 80-bit values in 16 bytes; the 6 padding
  bytes are set by the script, zeros and `abcdef012345`), `datetime64_ns`/`_D`/`_generic`,
  `timedelta64_2s`, `bytes_S5`, `str_U3`, `void_V4`, `struct_*` (titles and offsets, aligned,
  subarray field, object field)), object arrays, layouts (`zero_d`, `empty_0x3`, `empty_3x0`,
  `c_order_2d`, `fortran_2d`, `fortran_3d`, `noncontiguous`, `bigendian_i4`, `bigendian_f8`),
  subclasses (`matrix`, `recarray`), sharing (`shared_array`, `shared_dtype`), numpy scalars
  (`scalars`), standalone dtypes (`dtypes`), and `scalar_shapes` (`scalar(dtype, bytes)` calls numpy
  loads but does not write itself), `struct_object_nested` and `bigendian_shared`. At protocol 5 plain contiguous arrays are
  `numpy.core.numeric._frombuffer(PickleBuffer, dtype, shape, order)`, everything else (object
  dtypes, subclasses, datetimes, non-contiguous views, protocols 0-4)
  `numpy.core.multiarray._reconstruct` + BUILD state. `numpy/oob.p5.pkl` holds arrays out-of-band
  (`buffers=5`: writable, read-only twice (one array, so one buffer), Fortran order, big-endian,
  0-d read-only), `numpy/oob_nobuffers.p5.pkl` the same stream without buffers
  (`error:kMissingBuffer`), `numpy/inband_readonly.p5.pkl` the same arrays in-band.
- `numpy/np2_*.p{{2,4,5}}.pkl`: numpy 2.x module paths (`numpy._core.multiarray`,
  `numpy._core.numeric`). numpy 1.24 cannot write them, so they are pickled by a `Pickler` whose
  `reducer_override` returns numpy's own reduce tuple with the function replaced by a stand-in of
  the same name in a stand-in module `numpy._core.*` (one module str per module, as numpy's
  functions share theirs). The script checks the result is the numpy 1 stream with only those names
  changed: byte for byte (GLOBAL lines) below protocol 4, opcode for opcode (FRAME sizes aside) at 4-5.
- `sklearn/model.pkl`: `pickle.dumps` (default protocol 4) of
  `KNeighborsClassifier(n_neighbors=3, weights='distance', algorithm='kd_tree', leaf_size=40, p=1,
  metric='euclidean')` fitted on the iris training split
  (`train_test_split(X, y, test_size=0.3, random_state=42, stratify=y)`).
  `sklearn/model_iris_split.json` holds `X_test`, `y_test`, `predict` (= `model.predict(X_test)`),
  `X_train` and `y_train` (what the model keeps as `_fit_X` and `_y`).
- Next to each pickle: `<stem>.dis`, the exact output of `pickletools.dis(data, out, annotate=0)`
  (absent when pickletools itself rejects the stream; big ints are printed in full, as with
  `sys.set_int_max_str_digits(0)`), and `<stem>.json`, the value picklejar must load, in the tagged
  JSON form of `docs/JSON.md`: one line, no trailing newline. `<stem>.buf<i>.bin` are out-of-band
  buffers for protocol 5.

## MANIFEST.tsv

Tab-separated, a header line then one row per fixture:

| column | meaning |
|---|---|
| `file` | path relative to `fixtures/` |
| `protocol` | the protocol it was written with, `-` for hand-made streams |
| `options` | `-`, or comma-separated load options: `encoding=ASCII`, `encoding=latin1`, `encoding=bytes`, `encoding=utf-8` (how Python 2 str opcodes decode; default ASCII), `fix_imports=0` (no Python 2 -> 3 name mapping), `buffers=N` (pass the N files `<stem>.buf<i>.bin`, in order, as out-of-band buffers), `buffers=none` (pass no buffers) |
| `expect` | `json`: loading succeeds and the value prints as `<stem>.json`; `error:<Code>`: loading fails with that `picklejar::ErrorCode` |
| `dis` | `dis` if `<stem>.dis` exists, else `-` |
| `description` | short text |

The same stream appears under several names when it is loaded with different options (for example
the `py2_*__<encoding>` family and the `*_nofix` rows), because each file has one expected value.

## How the expected JSON is made

For pickles written by the script, the JSON is computed twice and the two must agree: once from
the original Python object, walking it as CPython's pickler does (`__reduce_ex__(protocol)`, memo
by `id()`, `copyreg.__newobj__` -> `"newobj"`, `copyreg.__newobj_ex__` -> `"newobj_ex"`, protocol
0/1 `copyreg._reconstructor(cls, object, None)` -> `"newobj"` with empty args, `state` only when a
BUILD is written, `listitems`/`dictitems` only when the iterators are non-empty), and once from the
bytes by an inert unpickler (a `pickle._Unpickler` subclass that imports and calls nothing). Every
stream that CPython can load is also loaded by `pickle.loads` and compared with the original.
Hand-made streams take their JSON from `pickle.loads` (builtin values) or from the inert
unpickler (INST/OBJ objects, `fix_imports=0`).

Choices the JSON encodes (see `docs/JSON.md`):

- Loading never imports: classes and functions are `$global`; instances are inert `$object`s.
  NumPy arrays, dtypes and scalars are therefore inert objects as pickled
  (`numpy.core.multiarray._reconstruct` + state holding the dtype object and the raw bytes,
  `numpy.core.numeric._frombuffer(...)`, `numpy.dtype(...)` + state, `numpy.core.multiarray.scalar(dtype,
  bytes)`); picklejar adds a typed reading on the side that does not change the JSON.
- Known reduce shapes become plain values: `set(list)`, `frozenset(list)`, `bytearray()`,
  `bytearray(bytes)`, `bytes()`, `_codecs.encode(str, 'latin1')`, `getattr(global, 'name')`
  (nested class, dotted qualname) and `copyreg._reconstructor(cls, object, None)`. The callable
  is matched by its name *after* the `fix_imports` mapping, so with `fix_imports=0` the Python 2
  spellings (`__builtin__ set`, `copy_reg _reconstructor`, ...) stay inert `"reduce"` objects
  (`*_nofix` rows); `_codecs encode` has no Python 2 alias and is still recognised.
- Strings are escaped exactly as Python's `json.dumps(..., ensure_ascii=True)` does, which
  includes U+007F as `\\u007f`.
- Sets keep the pickled order (the original object's iteration order).
- Out-of-band buffers print as `{{"$buffer":...,"readonly":...}}`, `readonly` true iff
  READONLY_BUFFER follows NEXT_BUFFER; persistent ids as `{{"$persid":...}}`, never shared (the
  pickler does not memoize them).

## REDUMP.tsv and redump/

CPython's re-dump of every fixture it can load, so that a test can check that picklejar's load then
dump gives the same bytes as `pickle.dumps(pickle.loads(x), protocol=N)`. For each MANIFEST row
with expect `json`, the stream is loaded by CPython's C unpickler with the row's options
(`fix_imports=0` rows are left out: CPython cannot import their Python 2 names) and dumped by the C
pickler (`pickle.dumps`) at each protocol 0-5, under `PYTHONHASHSEED=0` and CPython's default
4300-digit limit for int/str conversion. Special loads:

- persistent ids (`persistent_id.*`): `persistent_load(pid)` returns a marker holding `pid`, and the
  pickler's `persistent_id` gives that `pid` back for markers (at protocol 0 CPython writes
  `str(pid)` in PERSID, so a tuple id becomes the text `('key', 1)`);
- out-of-band buffers (`buffers=N`): buffer i is passed as `pickle.PickleBuffer(bytes(data))` when
  its NEXT_BUFFER is directly followed by READONLY_BUFFER (read-only), else as
  `pickle.PickleBuffer(bytearray(data))`. The loaded value then holds PickleBuffers, which protocols
  0-4 refuse; at protocol 5 there is an extra `oob` row, `pickle.dumps(obj, 5,
  buffer_callback=cb)` with `cb` returning False for every buffer (all out-of-band).
- numpy 2.x paths (`numpy/np2_*`): numpy 1.24 cannot import `numpy._core`, so the stream is loaded
  as numpy >= 1.26.1 loads it (`numpy._core.*` are numpy 1.24's `numpy.core.*` modules) and
  re-dumped by the stand-in `Pickler` above: numpy 1.24's re-dump with the numpy 2 names (note
  `numpy 1.24's re-dump with numpy 2 names`), which is what picklejar writes for arrays and scalars
  it loaded with numpy 2 names (`DumpOptions::numpy_paths = kAsLoaded`).

What numpy changes on a load, and so in CPython's re-dump (all decided by the stream, and matched
by picklejar): `_reconstruct` arrays of non-native byte order are byte-swapped to native order with
a new dtype; a dtype loads as a new object (`dtype(..., copy=True)`), while a scalar re-pickles with
the dtype it reports: numpy's own singleton for builtin numeric types (shared by all scalars of the
type, never by a loaded array), a new dtype per `str_`/`bytes_`/`datetime64`/`timedelta64` scalar
(sized without trailing NULs), its own for `void`; `bool_` scalars are the singletons
`np.True_`/`np.False_`; a byte-swapped array's new dtype is numpy's singleton for plain numbers,
a copy for str and datetimes; the elements of a structured array with object fields (pickled as
tuples, subarray fields as arrays) are derived again from the array, so those arrays keep the
field's dtype and byte order; at protocol 5 contiguous plain arrays become `_frombuffer`
(read-only arrays as BYTES or READONLY_BUFFER) unless numpy cannot export them as a buffer
(datetimes anywhere in the dtype, non-native longdouble, overlapping fields), at 0-4 everything
`_reconstruct`; CPython's 1-byte bytes (`b'b'` in every `_reconstruct` call) are shared singletons.

Each distinct stream is stored once as `redump/<hash>.pkl`, `<hash>` being the first 16 hex digits
of the SHA-256 of the `.pkl` bytes, with its out-of-band buffers as `redump/<hash>.buf<i>.bin`.
Many rows share a file (a re-dump seldom depends on the protocol the source was written with),
and many files are byte-identical to the source fixture (`identical to source` in `note`).

Tab-separated, a header line then one row per (source, protocol, variant):

| column | meaning |
|---|---|
| `source` | the MANIFEST `file` that was loaded (with that row's options) |
| `protocol` | the protocol of the re-dump, 0-5 |
| `variant` | `inband`, or `oob` (protocol 5 only, for sources holding out-of-band buffers) |
| `expect` | `redump/<hash>.pkl`: the bytes CPython writes; `error:<Class>`: CPython's pickler raises that Python exception class (`PicklingError` for a PickleBuffer below protocol 5, `TypeError` for `__slots__` objects at protocols 0/1, `ValueError` for ints of more than 4300 digits at protocols 0/1); `unmatchable`: see below |
| `buffers` | the number of `redump/<hash>.buf<i>.bin` files of an `oob` row, else 0 |
| `note` | short text: the exception message, `identical to source`, or for `unmatchable` rows `cpython=<what CPython gives>; <reason>` |

`unmatchable` rows are re-dumps that depend on Python code or runtime state that is not in the
stream, so no reader of the stream alone can reproduce them; CPython's bytes are still stored and
named in `note`. They are decided by rules on the stream, not by which outputs differ:

- INST/OBJ opcodes with arguments (`py2_inst`, `py2_obj`), all protocols: CPython calls the class,
  and the attributes its `__init__` sets end up in the re-dump's state.
- objects made by `copyreg._reconstructor` (protocol 0/1 streams) whose class defines
  `__getnewargs__` or `__getnewargs_ex__` (`obj_newargs.p0/p1`), re-dumped at protocols 2-5: the
  NEWOBJ arguments come from `__getnewargs__` and are not in the stream.
- numpy objects inside the BUILD state of an object whose class is an extension (non-heap) type
  defining its own `__reduce__`, `__reduce_ex__` or `__getstate__` (`sklearn/model.pkl`: sklearn's
  Cython `KDTree`, made by `newObj(KDTree)`), all protocols: re-pickling runs that class's code,
  which rebuilds some of its arrays from Cython memoryviews, with new dtype objects where the stream
  shared one. numpy objects elsewhere (numpy's own arrays, dtypes and scalars, Python classes'
  `__dict__` state) are matchable.
- a global whose object CPython pickles under another module than the stream names (after the
  `fix_imports` mapping): `functools.reduce` is `_functools.reduce`, `pickle.Pickler` is
  `_pickle.Pickler`, `io.StringIO` is `_io.StringIO`. CPython writes the object's own
  `__module__`, mapped to Python 2 names below protocol 3; the row is unmatchable at each protocol
  where that name differs from the stream's (`globals*.p0-p2` re-dumped at 3-5,
  `py2_builtin_globals` at all).

## Where CPython's two unpicklers differ

- `frame_crossing.pkl` (an argument crossing a frame end) and `frame_nested.pkl` (FRAME inside a
  frame): the C unpickler on bytes (`pickle.loads`) accepts both, the pure-Python `pickle._loads`
  rejects them. picklejar follows `pickle.loads`, treating frames as a read-ahead hint. (The C
  unpickler reading a *file* object, `pickle.load(io.BytesIO(data))`, mis-reads
  `frame_crossing.pkl` and fails with a UnicodeDecodeError.)
- `frame_overrun.pkl` (FRAME longer than the rest of the input): the C unpickler fails with
  "pickle data was truncated", the pure-Python one loads it. picklejar must fail (`kBadFrame`).
- `bad_binstring_negative.pkl`: pure Python says "negative byte count", C says "pickle data was
  truncated"; picklejar reports `kBadLength`.
- `bad_no_stop.pkl` (the input ends between opcodes, before any STOP) is `kNoStop`; an input that ends inside an opcode is `kTruncated`.
- Valid protocol 0 STRING fixtures holding non-ASCII bytes (`py2_string_latin1__*`,
  `py2_string_utf8__*`) have no `.dis`: pickletools requires STRING to be ASCII.

## License

The fixtures are generated by this project and are under the project's license. The iris data
inside `sklearn/model.pkl` and `sklearn/model_iris_split.json` is R. A. Fisher's Iris data set
(1936) as shipped with scikit-learn, from the UCI Machine Learning Repository
(https://archive.ics.uci.edu/dataset/53/iris), which makes it available under CC BY 4.0; the
data itself is generally considered public domain.
"""


def cpython_load(rel, data, kw):
    # pickle.loads on bytes: the C unpickler reading a file object mis-reads frame_crossing.pkl.
    if os.path.basename(rel).startswith("persistent_id"):
        return ExtUnpickler(io.BytesIO(data), **kw).load()
    if os.path.basename(rel).startswith("np2_"):
        with numpy2_modules("load"):
            return pickle.loads(data, **kw)
    return pickle.loads(data, **kw)


def verify_written():
    """Re-reads every MANIFEST row from disk and checks it against CPython and the inert unpickler."""
    counts = collections.Counter()
    with open(os.path.join(FIX, "MANIFEST.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == "file\tprotocol\toptions\texpect\tdis\tdescription" and lines[-1] == ""
    for line in lines[1:-1]:
        rel, proto, opts, expect, dis, _ = line.split("\t")
        stem = os.path.join(FIX, rel.rsplit(".", 1)[0])
        with open(os.path.join(FIX, rel), "rb") as f:
            data = f.read()
        assert (dis == "dis") == os.path.exists(stem + ".dis"), rel
        kw = {}
        for o in ([] if opts == "-" else opts.split(",")):
            k, v = o.split("=")
            if k == "encoding":
                kw["encoding"] = v
            elif k == "fix_imports":
                kw["fix_imports"] = v != "0"
            elif k == "buffers":
                n = 0 if v == "none" else int(v)
                kw["buffers"] = None if v == "none" else []
                for i in range(n):
                    with open("%s.buf%d.bin" % (stem, i), "rb") as bf:
                        kw["buffers"].append(bf.read())
                assert not os.path.exists("%s.buf%d.bin" % (stem, n)), rel
            else:
                raise AssertionError(o)
        if expect == "json":
            with open(stem + ".json", encoding="ascii") as jf:
                want = jf.read()
            assert inert_json(data, **kw) == want, rel
            try:
                cpython_load(rel, data, kw)
                counts["json rows: CPython loads"] += 1
            except ImportError:
                assert kw.get("fix_imports") is False, rel
                counts["json rows: fix_imports=0, CPython cannot import the Python 2 names"] += 1
        else:
            assert expect.startswith("error:k") and not os.path.exists(stem + ".json"), rel
            try:
                cpython_load(rel, data, kw)
            except Exception as e:  # noqa: BLE001
                assert expect != "error:kDecode" or isinstance(e, UnicodeDecodeError), rel
                counts["error rows: CPython fails"] += 1
            else:
                raise AssertionError("CPython loads error fixture " + rel)
    return counts


def verify_redump():
    """Re-reads REDUMP.tsv and fixtures/redump/: every path exists, names match the SHA-256 of the
    content, nothing is left unreferenced, and every stored stream loads in the inert unpickler."""
    counts = collections.Counter()
    with open(os.path.join(FIX, "REDUMP.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == REDUMP_HEADER and lines[-1] == ""
    with open(os.path.join(FIX, "MANIFEST.tsv"), encoding="utf-8") as f:
        manifest = {line.split("\t")[0]: line.split("\t") for line in f.read().split("\n")[1:-1]}
    referenced = set()
    seen = set()
    for line in lines[1:-1]:
        source, proto, variant, expect, nbuf, note = line.split("\t")
        assert manifest[source][3] == "json" and "fix_imports=0" not in manifest[source][2], source
        assert (source, proto, variant) not in seen and proto in "012345" and len(proto) == 1
        seen.add((source, proto, variant))
        assert variant == "inband" or (variant == "oob" and proto == "5"), line
        path = expect
        if expect == "unmatchable":
            assert note.startswith("cpython="), line
            path = note[len("cpython="):].split(";")[0]
        if path.startswith("error:"):
            assert nbuf == "0", line
            counts["rows: CPython raises" if expect != "unmatchable" else "rows: unmatchable, CPython raises"] += 1
            continue
        assert path.startswith("redump/") and path.endswith(".pkl"), line
        with open(os.path.join(FIX, path), "rb") as f:
            data = f.read()
        assert hashlib.sha256(data).hexdigest()[:16] == os.path.basename(path)[:-4], path
        stem = path[:-4]
        n = int(nbuf)
        assert variant == "oob" or n == 0, line
        bufs = []
        for i in range(n):
            with open(os.path.join(FIX, "%s.buf%d.bin" % (stem, i)), "rb") as f:
                bufs.append(f.read())
            referenced.add("%s.buf%d.bin" % (stem, i))
        assert not os.path.exists(os.path.join(FIX, "%s.buf%d.bin" % (stem, n))), line
        referenced.add(path)
        inert_json(data, buffers=bufs if variant == "oob" else None)
        counts["rows: %s" % ("unmatchable, CPython dumps" if expect == "unmatchable" else "CPython dumps")] += 1
    on_disk = {"redump/" + n for n in os.listdir(REDUMP)}
    assert on_disk == referenced, sorted(on_disk ^ referenced)[:5]
    counts["redump files"] = len(on_disk)
    return counts


def main():
    got = platform.python_version()
    if got != EXPECTED_VERSIONS["python"]:
        print("warning: Python %s, fixtures were made with %s" % (got, EXPECTED_VERSIONS["python"]), file=sys.stderr)
    np_v, sk_v = all_cases()
    for k, v in (("numpy", np_v), ("sklearn", sk_v)):
        if v != EXPECTED_VERSIONS[k]:
            print("warning: %s %s, fixtures were made with %s" % (k, v, EXPECTED_VERSIONS[k]), file=sys.stderr)
    FX.put("README.md", README.format(python=got, numpy=np_v, sklearn=sk_v,
                                      platform="Debian 12 python3 packages"))
    redump_cases()
    FX.write()
    expects = collections.Counter(r[3].split(":")[0] for r in FX.rows)
    total = sum(len(d) for d in FX.files.values())
    print("rows: %d (%s)" % (len(FX.rows), ", ".join("%s %d" % kv for kv in sorted(expects.items()))))
    print("checks: %s" % ", ".join("%s %d" % kv for kv in sorted(FX.checks.items())))
    print("files: %d, %.2f MB" % (len(FX.files) + 1, total / 1e6))
    for k, v in sorted(verify_written().items()):
        print("verified from disk: %s: %d" % (k, v))
    kinds = collections.Counter("unmatchable" if r[3] == "unmatchable" else r[3].split(":")[0].split("/")[0]
                                for r in FX.redump_rows)
    variants = collections.Counter(r[2] for r in FX.redump_rows)
    print("REDUMP.tsv rows: %d (%s; %s); from %d json rows, %d fix_imports=0 rows skipped"
          % (len(FX.redump_rows), ", ".join("%s %d" % kv for kv in sorted(variants.items())),
             ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
             len({r[0] for r in FX.redump_rows}), FX.redump_skipped))
    print("unmatchable rows by reason: %s" % ", ".join("%s %d" % kv for kv in sorted(FX.redump_reasons.items())))
    pkls = [k for k in FX.redump_files if k.endswith(".pkl")]
    print("redump/: %d distinct streams, %d files, %d bytes (%.2f MB)"
          % (len(pkls), len(FX.redump_files), sum(map(len, FX.redump_files.values())),
             sum(map(len, FX.redump_files.values())) / 1e6))
    for k, v in sorted(verify_redump().items()):
        print("verified from disk: %s: %d" % (k, v))
    joblib_fixtures()  # fixtures/joblib/, fixtures/JOBLIB.tsv (the joblib section)


if __name__ == "__main__":
    main()
