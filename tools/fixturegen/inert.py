"""Expected JSON from the bytes: an unpickler that imports and calls nothing."""

import io
import pickle
import struct

from .jsonform import ABSENT, EMPTY_TUPLE, Node, global_atom, scalar_atom, to_json
from .walker import map_read

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
            elif key == ("builtins", "tuple") and len(args) <= 1 and (not args or type(args[0]) in (tuple, list)):
                return tuple(args[0]) if args else ()
            elif key == ("copyreg", "_reconstructor") and len(args) == 3 and isinstance(args[0], IGlobal):
                # picklejar's reading: a NEWOBJ object; a list/dict state becomes its items
                base, state = args[1], args[2]
                if base == IGlobal("builtins", "object") and state is None:
                    return IObject("newobj", args[0], ())
                if base == IGlobal("builtins", "list") and type(state) is list:
                    o = IObject("newobj", args[0], ())
                    o.listitems = list(state)
                    return o
                if base == IGlobal("builtins", "dict") and type(state) is dict:
                    o = IObject("newobj", args[0], ())
                    o.dictitems = dict(state)
                    return o
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
