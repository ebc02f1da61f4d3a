"""fixtures/forms/ and fixtures/FORMS.tsv: what CPython re-pickles a loaded stream to,
pickle.dumps(pickle.loads(IN), N) for N = 0-5, for the forms a re-dump must keep
(tests/unit/pickle/forms_test.cc loads IN with picklejar and dumps it at N).

Two families:

- singletons: CPython's cached objects (small ints, one-character strs, one-byte bytes, the empty
  str/bytes/tuple; frozenset() is not one in 3.11) made by every opcode path that can make them,
  twice each, next to a reference made the other way, so the expected bytes record which of them
  CPython shares (one memo entry, later a GET) and which it holds as new objects. The inputs are
  CPython's own pickles of such graphs at protocols 0-5 and hand-made streams for the paths its
  pickler never writes (Python 2 strs read with encoding='bytes', bytes(bytearray) reduces, ...).
- forms: getattr(cls, name) reduces (methods of builtins, classmethods, a nested class),
  copyreg._reconstructor (plain classes at protocols 0-1; a class whose __reduce__ returns
  object.__reduce__()'s result at every protocol; list and dict subclasses, also holding an
  instance that holds them; set, frozenset and tuple subclasses holding an instance that holds them,
  which CPython writes as two calls, the outer one popped), bytearrays next to equal bytes, and
  interned names next to equal strs (attribute, slot and keyword names, enum members: ALL_CAPS,
  getattr again at 4+; numpy's datetime unit, a cached one-byte bytes).

Left out, because the stream cannot tell them apart (picklejar re-dumps the commoner reading):
a protocol 0/1 _reconstructor of a class with its own object.__reduce__() (read as a plain class:
NEWOBJ at 2+); below protocol 4 a getattr reduce under a non-builtins class of a CapWords name that
is not a nested class (read as one: a dotted STACK_GLOBAL at 4+) or of another name that is one, or
is a function (read as a method or enum member);
an empty list or dict subclass, or a subclass of int, float, str, bytes or tuple, from a protocol
2+ stream re-dumped below 2 (SKIP_REDUMP).

The user classes live in __main__ while the cases are pickled and loaded.
"""

import enum
import hashlib
import os
import pickle

import numpy as np

from .common import FIX
from .common import classes_in_main as common_classes_in_main, replace_tree

FORMS = os.path.join(FIX, "forms")
FORMS_HEADER = "case\tencoding\tinput\tprotocol\texpect"


class Outer:
    class Inner:
        pass


class Object:
    pass


class Plain:
    def __init__(self):
        self.a = 1


class ObjRed:
    def __init__(self):
        self.a = 1

    def __reduce__(self):
        return object.__reduce__(self)


class MyList(list):
    pass


class MyDict(dict):
    pass


class IntSub(int):
    pass


class FloatSub(float):
    pass


class StrSub(str):
    pass


class BytesSub(bytes):
    pass


class TupleSub(tuple):
    pass


class SetSub(set):
    pass


class Slotted:
    __slots__ = ("a", "z")

    def __init__(self):
        self.a, self.z = 1, 2


class Level(enum.Enum):
    B = 1
    HIGH = 2


class FrozenSetSub(frozenset):
    pass


class NewArgsEx:
    """__getnewargs_ex__ with keywords: NEWOBJ_EX at 4+, functools.partial(cls.__new__, ...) at 2-3."""

    def __new__(cls, a=None, *, k=None):
        return super().__new__(cls)

    def __init__(self, a=None, *, k=None):
        self.a, self.k = a, k

    def __getnewargs_ex__(self):
        return (self.a,), {"k": self.k}


class WithMaker:
    def __init__(self, v=None):
        self.v = v

    @classmethod
    def make(cls, v):
        return cls(v)

    def __reduce__(self):
        return type(self).make, (self.v,)


MAIN_CLASSES = {"Outer": Outer, "Object": Object, "Plain": Plain, "ObjRed": ObjRed, "MyList": MyList,
                "MyDict": MyDict, "WithMaker": WithMaker, "IntSub": IntSub, "FloatSub": FloatSub,
                "StrSub": StrSub, "BytesSub": BytesSub, "TupleSub": TupleSub, "NewArgsEx": NewArgsEx,
                "SetSub": SetSub, "FrozenSetSub": FrozenSetSub, "Slotted": Slotted, "Level": Level}


def classes_in_main():
    return common_classes_in_main(MAIN_CLASSES, (Outer.Inner,))


def fresh(b):
    """A new one-byte bytes object (bytes(bytearray) copies), not CPython's cached one."""
    return bytes(bytearray(b))


def recursive_list_inst():
    o = Object()
    o.attr = MyList([o])
    return o


def recursive_dict_inst():
    o = Object()
    o.attr = MyDict.fromkeys([o])
    return o


def recursive_inst(factory):
    """An instance holding a collection that holds it: the collection's reduce is reached again
    through its own arguments, so CPython writes two calls (the outer one popped, then a GET)."""
    o = Object()
    o.attr = factory([o])
    return o


def attr_names():
    """Attributes named 'k' and 'z' next to equal strs: CPython interns the names BUILD sets, and
    3.11's interned 'k' is not its cached one-character 'k' ('z' is): see interned_str."""
    o = Plain()
    o.k, o.z = "k", "z"
    return [o, "k", "z", Plain()]


def with_state(cls, items):
    x = cls(items)
    x.note = "n"
    return x


# Graphs CPython pickles at protocols 0-5 (each protocol's stream is one input).
GRAPHS = [
    ("ints", lambda: [0, 1, 255, 256, -5, -6, 2**31, True, None, 0, 1]),
    ("str1", lambda: ["a", "a", "\xe9", "\xe9", "\u20ac", "\u20ac", "", "", "ab", "".join(["a", "b"])]),
    ("bytes1", lambda: [b"x", b"x", fresh(b"x"), fresh(b"x"), b"\xff", b"", b"", b"xy"]),
    ("bytearray1", lambda: [bytearray(b")"), bytearray(b")"), b")"]),
    ("bytearray_then_bytes", lambda: [bytearray(b"m"), b"m"]),
    ("bytes_then_bytearray", lambda: [b"m", bytearray(b"m")]),
    ("bytearray_empty", lambda: [bytearray(), bytearray(), b"", bytearray(b"ab"), b"ab"]),
    ("fresh_then_cached", lambda: [fresh(b"q"), b"q", fresh(b"q")]),
    ("empties", lambda: [(), (), "", "", b"", b"", frozenset(), frozenset(), [(), ""]]),
    ("singletons_as_keys", lambda: {"a": b"a", b"a": "a", (): frozenset(), "": b""}),
    ("str_upper", lambda: str.upper),
    ("dict_fromkeys", lambda: dict.fromkeys),
    ("bytearray_maketrans", lambda: bytearray.maketrans),
    ("two_fromkeys", lambda: [dict.fromkeys, dict.fromkeys, str.upper, bytes.upper, str]),
    ("shared_method", lambda: [str.upper, str.upper, str]),
    ("nested_class", lambda: [Outer.Inner, Outer.Inner, Outer]),
    ("classmethod_reduce", lambda: [WithMaker(1), WithMaker(2)]),
    ("plain", lambda: Plain()),
    ("objred_rest", lambda: [ObjRed(), ObjRed()]),
    ("list_subclass", lambda: with_state(MyList, [1, "a", b"b"])),
    ("dict_subclass", lambda: with_state(MyDict, {"k": 1, 2: "v"})),
    ("empty_subclasses", lambda: [MyList(), MyDict()]),
    ("newargs_ex", lambda: [NewArgsEx(1, k="v"), NewArgsEx((), k=[])]),
    ("builtin_subclasses", lambda: [IntSub(5), FloatSub(2.5), StrSub("sx"), BytesSub(b"ab"), TupleSub((1.5, "x")),
                                    with_state(IntSub, 7)]),
    ("recursive_inst_list", recursive_list_inst),
    ("recursive_list_inst", lambda: recursive_list_inst().attr),
    ("recursive_inst_dict", recursive_dict_inst),
    ("recursive_dict_inst", lambda: recursive_dict_inst().attr),
    ("recursive_inst_set", lambda: recursive_inst(SetSub)),
    ("recursive_set_inst", lambda: recursive_inst(SetSub).attr),
    ("recursive_frozenset_inst", lambda: recursive_inst(FrozenSetSub).attr),
    ("recursive_tuple_inst", lambda: recursive_inst(TupleSub).attr),
    ("interned_attr_names", attr_names),
    ("interned_slot_names", lambda: [Slotted(), "a", "z"]),
    ("interned_keywords", lambda: [NewArgsEx(1, k="k"), "k"]),
    ("interned_enum_names", lambda: [Level.B, "B", Level.HIGH, "HIGH"]),
    ("datetime_units", lambda: [np.dtype("M8[s]"), np.dtype("m8[s]"), b"s", np.dtype("M8[D]")]),
]
# A protocol 0/1 stream of these is read as the plain class it cannot be told apart from.
# newargs_ex: protocols 0-1 write _reconstructor(cls, object, None), which says nothing of
# __getnewargs_ex__ (CPython re-dumps it at 2+ with the arguments the class's code gives).
MIN_PROTOCOL = {"objred_rest": 2, "newargs_ex": 2, "interned_keywords": 2,
                "interned_slot_names": 2}  # (__slots__ without __getstate__: TypeError below 2)
# Re-dumps left out: (source protocol, target protocol) -> True. An empty list or dict subclass
# loaded from NEWOBJ (2+) shows nothing of its base, which _reconstructor names below protocol 2.
SKIP_REDUMP = {"empty_subclasses": lambda src, out: src >= 2 and out < 2,
               # Likewise a subclass of int, float, str, bytes or tuple: NEWOBJ(cls, (value,)) could as
               # well be any class whose __getnewargs__ returns (value,).
               "builtin_subclasses": lambda src, out: src >= 2 and out < 2,
               "recursive_tuple_inst": lambda src, out: src >= 2 and out < 2}

# Streams CPython's pickler never writes: opcode paths to the same singletons. (name, encoding, bytes)
P2 = b"\x80\x02"
HAND = [
    ("py2_string_bytes", "bytes", b"(lp0\nS'x'\np1\naS'x'\np2\naS''\np3\naS''\np4\na."),
    ("py2_binstring_bytes", "bytes", b"]q\x00(U\x01xU\x01xT\x01\x00\x00\x00xU\x00T\x00\x00\x00\x00e."),
    ("py2_string_ascii", "ASCII", b"(lp0\nS'x'\np1\naS'x'\np2\naS''\naU\x01xa."),
    ("py2_string_latin1", "latin1", b"]q\x00(U\x01\xe9U\x01\xe9T\x01\x00\x00\x00xe."),
    ("binbytes_twice", "ASCII", b"\x80\x03]q\x00(C\x01xC\x01xB\x01\x00\x00\x00xC\x00C\x00e."),
    ("binbytes8", "ASCII", b"\x80\x04]\x94(\x8e\x01\x00\x00\x00\x00\x00\x00\x00x\x8e\x01\x00\x00\x00\x00\x00\x00\x00xe."),
    ("codecs_encode_twice", "ASCII",
     P2 + b"]q\x00(c_codecs\nencode\nq\x01X\x01\x00\x00\x00xq\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05"
     b"h\x01h\x02h\x03\x86q\x06Rq\x07e."),
    ("bytes_of_bytearray", "ASCII",
     b"\x80\x03]q\x00(cbuiltins\nbytes\ncbuiltins\nbytearray\nC\x01x\x85R\x85RC\x01xcbuiltins\nbytes\n"
     b"cbuiltins\nbytearray\nC\x01x\x85R\x85Re."),
    ("bytes_of_str_latin1", "ASCII",
     b"\x80\x03]q\x00(cbuiltins\nbytes\nX\x01\x00\x00\x00xX\x07\x00\x00\x00latin-1\x86RC\x01x"
     b"cbuiltins\nbytes\nX\x01\x00\x00\x00xX\x06\x00\x00\x00latin1\x86Re."),
    ("bytes_of_bytes", "ASCII", b"\x80\x03]q\x00(cbuiltins\nbytes\nC\x01x\x85RC\x01xcbuiltins\nbytes\n)Re."),
    ("unicode_paths", "ASCII",
     b"(lp0\n" + b"a".join([b"Va\np1\n", b"Va\np2\n", b"V\\u00e9\np3\n", b"X\x01\x00\x00\x00a",
                           b"X\x02\x00\x00\x00\xc3\xa9", b"\x8c\x01a", b"\x8c\x02\xc3\xa9",
                           b"\x8d\x01\x00\x00\x00\x00\x00\x00\x00a", b"V\n", b"X\x00\x00\x00\x00"]) + b"a."),
    ("empty_tuple_paths", "ASCII", b"\x80\x02]((t)(tcbuiltins\ntuple\n)Re."),
    ("frozenset_paths", "ASCII",
     b"\x80\x04]((\x91(\x91cbuiltins\nfrozenset\n)Rcbuiltins\nfrozenset\n]\x85Re."),
]


def redumps(data, encoding):
    """[(protocol, bytes)] of pickle.dumps(pickle.loads(data), N) for N = 0-5 (a protocol CPython
    refuses is left out)."""
    out = []
    for n in range(6):
        try:
            a = pickle.dumps(pickle.loads(data, encoding=encoding), n)
        except (pickle.PicklingError, TypeError, RecursionError):
            continue
        b = pickle.dumps(pickle.loads(data, encoding=encoding), n)
        assert a == b, "re-pickling is not repeatable"
        out.append((n, a))
    return out


def forms_fixtures():
    """Writes fixtures/forms/ and fixtures/FORMS.tsv."""
    files, rows, names_in = {}, [], []

    def add(case, encoding, data, skip=lambda n: False):
        rel = "forms/%s.in.pkl" % case
        names_in.append(rel)
        assert rel not in files, rel
        files[rel] = data
        for n, out in redumps(data, encoding):
            if skip(n):
                continue
            orel = "forms/out/%s.pkl" % hashlib.sha256(out).hexdigest()[:16]  # equal re-dumps share a file
            files[orel] = out
            rows.append((case, encoding, rel, str(n), orel))

    names = [g[0] for g in GRAPHS] + [h[0] for h in HAND]
    assert len(set(names)) == len(names)
    with classes_in_main():
        for name, make in GRAPHS:
            for p in range(MIN_PROTOCOL.get(name, 0), 6):
                try:
                    data = pickle.dumps(make(), p)
                except RecursionError:
                    continue
                assert data == pickle.dumps(make(), p), name
                skip = SKIP_REDUMP.get(name)
                add("%s.src%d" % (name, p), "ASCII", data, (lambda n, p=p, skip=skip: skip(p, n)) if skip else
                    (lambda n: False))
        for name, encoding, data in HAND:
            add(name, encoding, data)
    replace_tree(FORMS, ("out",), files)
    with open(os.path.join(FIX, "FORMS.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write(FORMS_HEADER + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("forms: %d inputs, %d re-dumps (%d files)" % (len(names_in), len(rows), len(files) - len(names_in)))
