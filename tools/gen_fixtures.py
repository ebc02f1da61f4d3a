#!/usr/bin/python3
"""Generates picklejar's golden fixtures: fixtures/pickle/, fixtures/sklearn/model*, fixtures/MANIFEST.tsv,
fixtures/redump/, fixtures/REDUMP.tsv and fixtures/README.md.

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
    def __init__(self, proto, persistent_id=None, oob=False, fix_write=True, fix_read=True):
        self.proto = proto
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
    split = {"X_test": X_test.tolist(), "y_test": y_test.tolist(), "predict": pred.tolist()}
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
    return sklearn_cases()


# ------------------------------------------------------------------------------------------------
# CPython's re-dump of every loadable fixture: fixtures/redump/ and fixtures/REDUMP.tsv

REDUMP_HEADER = "source\tprotocol\tvariant\texpect\tbuffers\tnote"

UNMATCHABLE_INST = "INST/OBJ with args: __init__ sets attributes that the re-dump's state holds"
UNMATCHABLE_NEWARGS = "_reconstructor object of a class with __getnewargs__: NEWOBJ args not in the stream"
UNMATCHABLE_NUMPY = "numpy objects: numpy canonicalises dtypes on load"
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


def cpython_redump(obj, proto, persistent, oob=False):
    """CPython's C pickler: (bytes, out-of-band buffers); raises what the pickler raises."""
    outs = []
    for _ in range(2):
        bufs = []
        cb = (lambda b: bufs.append(b) or False) if oob else None
        if persistent:
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
            if persistent:
                obj = MarkerUnpickler(io.BytesIO(data), **kw).load()
            else:
                obj = pickle.loads(data, **kw)  # on bytes: see cpython_load

            # Rules, decided from the stream (never from the outputs): (protocols, reason)
            reasons = []
            if scan.inst_with_args:
                reasons.append((range(6), UNMATCHABLE_INST))
            if any(hasattr(c, "__getnewargs__") or hasattr(c, "__getnewargs_ex__")
                   for c in map(resolve_global, scan.reconstructed)):
                reasons.append((range(2, 6), UNMATCHABLE_NEWARGS))
            if any(g.module == "numpy" or g.module.startswith("numpy.") for g in scan.globals):
                reasons.append((range(6), UNMATCHABLE_NUMPY))
            # Globals CPython knows under another module (functools.reduce is _functools.reduce)
            # are matchable: picklejar carries CPython's table of them (tools/gen_compat_tables.py).

            variants = [(p, "inband") for p in range(6)]
            if scan.buffers_readonly:
                variants.append((5, "oob"))
            for p, variant in variants:
                try:
                    out, bufs = cpython_redump(obj, p, persistent, oob=variant == "oob")
                except Exception as e:  # noqa: BLE001 - the exception class is the expectation
                    cpython, note = "error:" + type(e).__name__, note_text(e)
                    bufs = []
                else:
                    assert variant == "oob" or not bufs
                    cpython = store(out, bufs)
                    same = out == data and (variant == "inband" or bufs == [bytes(b) for b in raw])
                    note = "; ".join(([] if variant == "inband" else ["%d out-of-band buffers" % len(bufs)])
                                     + (["identical to source"] if same else [])) or "-"
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
`fixtures/pickle/`, `fixtures/sklearn/model*`, `fixtures/redump/`, `fixtures/MANIFEST.tsv`,
`fixtures/REDUMP.tsv` and this file.

Made with: Python {python}, numpy {numpy}, scikit-learn {sklearn} ({platform}).

## Files

- `pickle/<name>.p<N>.pkl`: a Python value pickled by CPython's `pickle.dumps(value, N)` (C
  pickler) at protocol N (0-5). The values use `tools/fixture_classes.py` (module
  `fixture_classes`) for user classes.
- `pickle/<name>.pkl`: hand-made streams: Python 2 style (`py2_*`), frames (`frame_*`) and
  malformed ones (`bad_*`).
- `pickle/my_data.pickle`: the tutorial's dict, `pickle.dump(..., protocol=pickle.HIGHEST_PROTOCOL)`.
- `sklearn/model.pkl`: `pickle.dumps` (default protocol 4) of
  `KNeighborsClassifier(n_neighbors=3, weights='distance', algorithm='kd_tree', leaf_size=40, p=1,
  metric='euclidean')` fitted on the iris training split
  (`train_test_split(X, y, test_size=0.3, random_state=42, stratify=y)`).
  `sklearn/model_iris_split.json` holds `X_test`, `y_test` and `predict` (= `model.predict(X_test)`).
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
  NumPy arrays in `sklearn/model.pkl` are therefore inert `numpy.core.multiarray._reconstruct`
  objects whose state holds the dtype object and the raw bytes.
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
- any stream naming a `numpy` global (`sklearn/model.pkl`), all protocols: numpy canonicalises
  dtypes on load, so the re-dumped arrays differ from the stream.
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


if __name__ == "__main__":
    main()
