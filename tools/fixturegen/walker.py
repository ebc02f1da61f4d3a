"""Expected JSON from the Python object: a walk that mirrors CPython's pickler (reduce, memo, known
shapes) and the fix_imports name maps."""

import codecs
import copyreg
import pickle
import sys
import types
import _compat_pickle

from .jsonform import ABSENT, Atom, EMPTY_TUPLE, Node, global_atom, scalar_atom, to_json

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
