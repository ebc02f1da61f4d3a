"""The printed form of an expected value (docs/JSON.md): the tagged JSON a fixture's .json holds."""

import json
import pickle


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
