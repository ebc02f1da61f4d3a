"""Classes with every way of reducing, for the differential test (a module it imports, not a test).

tests/interop/differential.py pickles instances of these; CPython's pickle.loads must import them,
so they live in an importable module rather than in the script. Each class re-pickles after a load
exactly as the original pickled (its reduce depends on the stream's contents alone), except those
with CROSS_PROTOCOL = False: their reduce at one protocol comes from code the stream does not hold
at another (a __reduce_ex__ that branches on the protocol), so only same-protocol re-dumps of them
can be compared.
"""
import collections
import copyreg
import enum


class Plain:
    """Default reduce: copyreg._reconstructor at protocols 0-1, NEWOBJ + __dict__ at 2+."""

    def method(self):
        return self

    @classmethod
    def cm(cls):
        return cls

    @staticmethod
    def sm():
        return None


class Slots:
    """__slots__ without __getstate__: protocols 0-1 refuse it; 2+ write (None, slots) state."""
    __slots__ = ('a', 'b')


class SlotsDict:
    __slots__ = ('a', '__dict__')


class GetState:
    """__getstate__/__setstate__ with a non-dict state (a list, kept as it was loaded)."""
    s = None  # what a load without BUILD (a falsy state at protocols 0-1) re-pickles

    def __init__(self, state=None):
        self.s = state

    def __getstate__(self):
        return self.s

    def __setstate__(self, state):
        self.s = state


class FalsyState:
    """A falsy __getstate__ result: CPython writes no BUILD at all."""

    def __getstate__(self):
        return {}


def make(cls, *args):
    o = cls.__new__(cls)
    o.args = args
    return o


class ReduceArgs:
    """__reduce__ -> (callable, args); the args are all the state."""

    def __reduce__(self):
        return (make, (ReduceArgs,) + self.args)


class ReduceState:
    """__reduce__ -> (cls, args, state) with a dict state applied by the default BUILD."""

    def __init__(self, *args):
        self.args = args

    def __reduce__(self):
        state = dict(self.__dict__)
        args = state.pop('args')
        return (ReduceState, args, state or None)


class ReduceItems:
    """__reduce__ -> 5-tuple with listitems and dictitems iterators (APPENDS and SETITEMS)."""

    def __init__(self):
        self.items = []
        self.mapping = {}

    def append(self, x):
        self.items.append(x)

    def __setitem__(self, k, v):
        self.mapping[k] = v

    def __reduce__(self):
        return (ReduceItems, (), None, iter(self.items), iter(self.mapping.items()))


def set_state(obj, state):
    obj.st = state


class ReduceSetter:
    """__reduce__ -> 6-tuple with a state_setter (protocol 5's form; every protocol accepts it)."""
    st = None  # a None state is not written: the loaded object keeps this one

    def __reduce__(self):
        return (ReduceSetter, (), self.st, None, None, set_state)


class ReduceExByProtocol:
    """__reduce_ex__ that answers differently below and from protocol 2."""
    CROSS_PROTOCOL = False

    def __init__(self, v=None):
        self.v = v

    def __reduce_ex__(self, protocol):
        if protocol < 2:
            return (ReduceExByProtocol, (self.v,))
        return (with_v, (ReduceExByProtocol, self.v))


def with_v(cls, v):
    o = cls.__new__(cls)
    o.v = v
    return o


class ReduceObjectReduce:
    """__reduce__ returning object.__reduce__()'s result: copyreg._reconstructor at every
    protocol (where the default reduce writes NEWOBJ from protocol 2)."""
    RECONSTRUCTOR_ALWAYS = True

    def __reduce__(self):
        return object.__reduce__(self)


class ReduceString:
    """__reduce__ returning a string: pickled as the global of that name."""

    def __reduce__(self):
        return 'THE_STRING_REDUCED'


THE_STRING_REDUCED = ReduceString()


class NewArgs:
    """__getnewargs__: NEWOBJ with arguments from protocol 2 (protocols 0-1 use _reconstructor)."""

    def __new__(cls, x=None):
        o = object.__new__(cls)
        o.x = x
        return o

    def __getnewargs__(self):
        return (self.x,)


class NewArgsEx:
    """__getnewargs_ex__ with keyword arguments: NEWOBJ_EX at 4+, copyreg.__newobj_ex__ before."""

    def __new__(cls, x=None, *, k=None):
        o = object.__new__(cls)
        o.x, o.k = x, k
        return o

    def __getnewargs_ex__(self):
        return ((self.x,), {'k': self.k})


class ListSub(list):
    """A list subclass with attributes: NEWOBJ + APPENDS + BUILD (or _reconstructor + list)."""


class DictSub(dict):
    pass


class IntSub(int):
    pass


class StrSub(str):
    pass


class TupleSub(tuple):
    pass


class FrozenSub(frozenset):
    pass


class Registered:
    """Reduced by a copyreg.pickle registration, not by the class."""

    def __init__(self, v=None):
        self.v = v


def reduce_registered(obj):
    return (Registered, (obj.v,))


copyreg.pickle(Registered, reduce_registered)


class Outer:
    """Nested classes: a dotted __qualname__ (getattr reduce below protocol 4)."""

    class Inner:
        class Deeper:
            pass

        def method(self):
            return self


class Color(enum.Enum):
    RED = 1
    GREEN = 'g'


class Flag(enum.IntFlag):
    A = 1
    B = 2


Point = collections.namedtuple('Point', 'x y')


def function():
    return None
