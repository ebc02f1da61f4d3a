"""Classes and functions pickled by tools/gen_fixtures.py.

The fixtures refer to these by the module name `fixture_classes` (the generator puts tools/ on
sys.path), so loading a fixture in Python needs tools/ on sys.path too. picklejar never imports
anything: it keeps instances of these classes inert (`$object` in docs/JSON.md).

Keep this module stable: renaming or reordering attributes changes the fixtures' bytes.
"""


class Plain:
    """An ordinary class: state is its __dict__."""

    def __init__(self, a=1, b=2):
        self.a = a
        self.b = b

    def __eq__(self, other):
        return type(other) is type(self) and other.__dict__ == self.__dict__


class Empty:
    """No attributes at all: the default reduce has no state."""

    def __eq__(self, other):
        return type(other) is type(self)


class Slotted:
    """__slots__ only: state is (None, {slot: value}); CPython refuses protocols 0 and 1."""

    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __eq__(self, other):
        return type(other) is type(self) and (other.x, other.y) == (self.x, self.y)


class WithNewArgs:
    """__new__ needs an argument, supplied by __getnewargs__ (NEWOBJ args at protocol >= 2)."""

    def __new__(cls, n):
        self = super().__new__(cls)
        self.n = n
        return self

    def __getnewargs__(self):
        return (self.n,)

    def __eq__(self, other):
        return type(other) is type(self) and other.__dict__ == self.__dict__


class WithNewArgsEx:
    """__new__ needs a positional and a keyword-only argument (__getnewargs_ex__)."""

    def __new__(cls, n, *, tag):
        self = super().__new__(cls)
        self.n = n
        self.tag = tag
        return self

    def __getnewargs_ex__(self):
        return ((self.n,), {"tag": self.tag})

    def __eq__(self, other):
        return type(other) is type(self) and other.__dict__ == self.__dict__


def make_point(x, y):
    """Module-level function used as a reduce callable."""
    return Point(x, y)


def some_function():
    """A module-level function pickled by reference."""
    return 42


class Point:
    """Custom __reduce__ returning (callable, args) only."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __reduce__(self):
        return (make_point, (self.x, self.y))

    def __eq__(self, other):
        return type(other) is type(self) and (other.x, other.y) == (self.x, self.y)


class MyList(list):
    """A list subclass whose __reduce__ gives state and listitems."""

    def __reduce__(self):
        return (MyList, (), dict(self.__dict__) or None, iter(self), None)

    def __eq__(self, other):
        return (type(other) is type(self) and list(other) == list(self)
                and other.__dict__ == self.__dict__)


class MyDict(dict):
    """A dict subclass whose __reduce__ gives state and dictitems."""

    def __reduce__(self):
        return (MyDict, (), dict(self.__dict__) or None, None, iter(self.items()))

    def __eq__(self, other):
        return (type(other) is type(self) and dict(other) == dict(self)
                and other.__dict__ == self.__dict__)


class WithSetState:
    """__getstate__ returns a tuple, __setstate__ takes it back."""

    def __init__(self, value):
        self.value = value
        self.cache = None

    def __getstate__(self):
        return (self.value, "v1")

    def __setstate__(self, state):
        self.value, version = state
        assert version == "v1"
        self.cache = None

    def __eq__(self, other):
        return type(other) is type(self) and other.value == self.value


class Outer:
    """Holds a nested class (qualname 'Outer.Inner')."""

    class Inner:
        def __init__(self):
            self.z = 3

        def __eq__(self, other):
            return type(other) is type(self) and other.__dict__ == self.__dict__


class External:
    """Objects the fixtures' Pickler replaces by a persistent id."""

    def __init__(self, n):
        self.n = n
