"""Seeded random object graphs for the interop scripts (a module they share, not a test).

random_value(rng, depth, pool) draws builtin values (load_random.py checks picklejar's loads of
them); with a Rich it also draws what the differential test needs: every reduce form of
_diffclasses, stdlib objects, globals and methods, numpy arrays, scalars and dtypes, PickleBuffers.
"""
import collections
import math
import pickle

import _diffclasses as dc

ATOM_TYPES = (type(None), bool, int, float, str, bytes)


def random_atom(rng):
    kind = rng.randrange(9)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        bits = rng.choice([7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 200, 2100])
        return rng.randrange(-(1 << bits), 1 << bits)
    if kind == 3:
        return rng.choice([0.0, -0.0, 1.5, 1e16, 1e-5, 1e300, 5e-324, math.inf, -math.inf,
                           rng.uniform(-1e6, 1e6), rng.random()])
    if kind == 4:
        alphabet = 'ab\n\\"\' \t\x00\x7f\xe9\u20ac\U0001f600\u0100'
        return ''.join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 5, 300])))
    if kind == 5:
        return bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 3, 256, 300])))
    if kind == 6:
        return bytearray(rng.randrange(256) for _ in range(rng.choice([0, 2, 40])))
    if kind == 7:
        return ''
    return rng.randrange(-1000, 1000)


def random_key(rng, in_set=False):
    # CPython hashes None (and classes, functions) by address: a set holding one iterates in an
    # order that changes from run to run, so no re-dump could match. Dict keys keep their order.
    kind = rng.randrange(3 if in_set else 4)
    if kind == 0:
        return rng.randrange(-50, 50)
    if kind == 1:
        return ''.join(rng.choice('abcxyz$\u00e9') for _ in range(rng.randrange(1, 6)))
    if kind == 2:
        return (rng.randrange(10), 'k')
    return rng.choice([None, True, 2.5, b'k'])


def random_value(rng, depth, pool, rich=None):
    """A random object graph: builtin containers and atoms, shared references and cycles.

    rich: None (builtin types only), or a Rich whose atoms and nodes (user classes, numpy values,
    buffers) join in; without it the values drawn from `rng` never change, so seeds keep meaning.
    """
    if depth <= 0 or rng.random() < 0.3:
        if pool and rng.random() < 0.15:
            return rng.choice(pool)  # a shared reference
        return random_atom(rng) if rich is None else rich.atom(rng)
    kind = rng.randrange(6 if rich is None else 6 + rich.NODE_WEIGHT)
    n = rng.choice([0, 1, 2, 3, 8, 1001 if depth == 1 else 5]) if rich is None else rich.size(rng, depth)
    if kind == 0:
        v = [random_value(rng, depth - 1, pool, rich) for _ in range(n)]
        if rng.random() < 0.1:
            v.append(v)  # a cycle
    elif kind == 1:
        v = tuple(random_value(rng, depth - 1, pool, rich) for _ in range(n))
    elif kind == 2:
        v = {random_key(rng): random_value(rng, depth - 1, pool, rich) for _ in range(n)}
        if rng.random() < 0.1:
            v['self'] = v
    elif kind == 3:
        v = {random_key(rng, True) for _ in range(n)}
    elif kind == 4:
        v = frozenset(random_key(rng, True) for _ in range(n))
    elif kind == 5:
        v = random_atom(rng) if rich is None else rich.atom(rng)
    else:
        v = rich.node(rng, depth, pool)
    if not isinstance(v, ATOM_TYPES):
        pool.append(v)
    return v



# Values CPython caches or treats specially: small ints, one-char str, one-byte bytes, empties.
_SPECIAL_ATOMS = [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31 - 1, 2**31, 2**63, -2**63 - 1,
                  'a', '\x00', '\xe9', '\u20ac', '', b'', b'a', b'\x00', b'\xff', (), frozenset(),
                  math.nan, -math.nan, 1e-310, -0.0, 1.0, True, False, None,
                  Ellipsis, NotImplemented, type(None), type(Ellipsis), type(NotImplemented)]

# Globals: functions, classes, nested classes, methods of builtins and classmethods (the
# getattr(cls, name) reduce), a bound method of a class, enums.
_GLOBALS = [len, int, dict, object, pickle.PickleBuffer, collections.OrderedDict, math.floor,
            dc.function, dc.Plain, dc.Outer, dc.Outer.Inner, dc.Outer.Inner.Deeper,
            dc.Plain.sm, dc.Outer.Inner.method, dc.Plain.cm, str.upper, dict.fromkeys,
            bytearray.maketrans, int.from_bytes, dc.Color.RED, dc.Color.GREEN, dc.Flag.A,
            dc.Flag(3), dc.THE_STRING_REDUCED, dc.Point]


class Rich:
    """The differential test's additions to random_value (see there). numpy: draw numpy values;
    buffers: draw PickleBuffers (which protocols 0-4 refuse, so not every graph should hold one)."""
    NODE_WEIGHT = 4  # of random_value's node kinds, how many draw from node() (vs 6 builtin ones)

    def __init__(self, numpy=True, buffers=False):
        self.np = None
        if numpy:
            import numpy
            self.np = numpy
        self.buffers = buffers
        self.drawn = []  # str and bytes drawn so far: the same object again is a memo reference

    def size(self, rng, depth):
        # mostly small (fast, and small reproducers); sometimes past a 1000-item batch
        if depth == 1 and rng.random() < 0.03:
            return rng.choice([999, 1000, 1001])
        return rng.choice([0, 1, 2, 3, 5])

    def atom(self, rng):
        if self.drawn and rng.random() < 0.1:
            return rng.choice(self.drawn)
        v = self.new_atom(rng)
        if type(v) in (str, bytes) and len(v) > 1:
            self.drawn.append(v)
        return v

    def new_atom(self, rng):
        kind = rng.randrange(10)
        if kind < 4:
            return random_atom(rng) if rng.random() < 0.3 else self.small_atom(rng)
        if kind == 4:
            return rng.choice(_SPECIAL_ATOMS)
        if kind == 5:
            return rng.choice(_GLOBALS)
        if kind == 6:
            bits = rng.choice([8, 16, 31, 32, 64, 2040, 2048, 2056, 14000])  # LONG1/LONG4 edges
            return rng.choice([-1, 1]) * (rng.randrange(1 << bits) if rng.random() < 0.5 else 1 << bits)
        if kind == 7:
            n = rng.choice([1, 2, 255, 256, 65536 if rng.random() < 0.1 else 3])
            c = rng.choice(['x', '\udc80', '\ud800', '\U0010ffff', '\\u0041', '\r\n', 'é'])
            return (c * n)[:n] if rng.random() < 0.5 else rng.choice(['x', '\udc80', '\x80'])
        if kind == 8:
            return complex(rng.choice([0.0, -0.0, 1.5, math.inf, math.nan]), rng.uniform(-2, 2))
        if self.buffers and rng.random() < 0.5:
            data = bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 7, 300])))
            return pickle.PickleBuffer(data if rng.random() < 0.5 else bytearray(data))
        if self.np is not None:
            return self.numpy_atom(rng)
        return rng.choice([b'\x01' * rng.choice([1, 255, 256]), bytearray(b'z')])

    def small_atom(self, rng):
        kind = rng.randrange(6)
        if kind == 0:
            return rng.randrange(-300, 70000)
        if kind == 1:
            return ''.join(rng.choice('ab\xe9\u20ac\n\\') for _ in range(rng.choice([0, 1, 1, 2, 3])))
        if kind == 2:
            return bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 1, 2, 3])))
        if kind == 3:
            return bytearray(rng.randrange(256) for _ in range(rng.choice([0, 1, 1, 2])))
        if kind == 4:
            return rng.choice([0.0, -0.0, 0.5, -2.25, 1e300, math.nan, -math.nan, math.inf])
        return rng.choice([None, True, False])

    def node(self, rng, depth, pool):
        kind = rng.randrange(27 if self.np is not None else 25)
        sub = lambda: random_value(rng, depth - 1, pool, self)  # noqa: E731
        n = rng.choice([0, 1, 2, 3, 5])
        if kind == 0:
            o = dc.Plain()
            for i in range(n):
                setattr(o, rng.choice(['a', 'b', 'attr%d' % i]), sub())
            if rng.random() < 0.2:
                o.me = o  # a cycle through an object's state
            return o
        if kind in (1, 2):  # __slots__ only, or slots and a __dict__
            o, names = (dc.Slots(), ['a', 'b']) if kind == 1 else (dc.SlotsDict(), ['a', 'extra'])
            for name in names[:n]:
                setattr(o, name, sub())
            return o
        if kind == 3:
            o = dc.GetState([sub() for _ in range(n)])
            if rng.random() < 0.2:
                o.s.append(o)
            return o
        if kind == 4:
            return dc.FalsyState()
        if kind == 5:
            return dc.make(dc.ReduceArgs, *[sub() for _ in range(n)])
        if kind == 6:
            o = dc.ReduceState(*[sub() for _ in range(n)])
            if rng.random() < 0.5:
                o.extra = sub()
            return o
        if kind == 7:
            o = dc.ReduceItems()
            for _ in range(n):
                o.append(sub())
            for i in range(rng.choice([0, 1, 3])):
                o[random_key(rng)] = sub()
            if rng.random() < 0.2:
                o.append(o)
            return o
        if kind == 8:
            o = dc.ReduceSetter()
            o.st = sub()
            return o
        if kind == 9:
            return dc.ReduceExByProtocol(sub())
        if kind == 10:
            return dc.NewArgs(sub())
        if kind == 11:
            return dc.NewArgsEx(sub(), k=sub())
        if kind == 12:
            o = dc.ListSub(sub() for _ in range(n))
            if rng.random() < 0.5:
                o.attr = sub()
            if rng.random() < 0.2:
                o.append(o)
            return o
        if kind == 13:
            o = dc.DictSub((random_key(rng), sub()) for _ in range(n))
            if rng.random() < 0.5:
                o.attr = sub()
            if rng.random() < 0.2:
                o['self'] = o
            return o
        if kind == 14:
            o = rng.choice([dc.IntSub(rng.randrange(-300, 300)), dc.IntSub(1 << 70), dc.StrSub('s\xe9'),
                            dc.TupleSub((sub(), sub())), dc.FrozenSub(random_key(rng, True) for _ in range(n))])
            if rng.random() < 0.3 and not isinstance(o, dc.FrozenSub):
                o.__dict__['attr'] = sub()
            return o
        if kind == 15:
            return dc.Registered(sub())
        if kind == 16:
            o = dc.Outer.Inner()
            o.v = sub()
            return o
        if kind == 17:
            return collections.OrderedDict((random_key(rng), sub()) for _ in range(n))
        if kind == 18:
            o = collections.defaultdict(rng.choice([list, int, None]))
            for _ in range(n):
                o[random_key(rng)] = sub()
            return o
        if kind == 19:
            return collections.deque((sub() for _ in range(n)), rng.choice([None, 5]))
        if kind == 20 and rng.random() < 0.5:
            # sets of frozensets, tuples and floats (hashes CPython computes from the values)
            return {frozenset(random_key(rng, True) for _ in range(rng.randrange(3))),
                    rng.choice([0.5, -0.0, 1e300, 3.25]), (rng.randrange(9), frozenset({1, 'a'}))}
        if kind == 20:
            return collections.Counter({random_key(rng): rng.randrange(5) for _ in range(n)})
        if kind == 21:
            return dc.Point(sub(), sub())
        if kind == 22 and rng.random() < 0.2:
            # a deep chain of containers (the writers' and readers' nesting limits)
            v = sub()
            for i in range(rng.choice([50, 300, 900])):
                v = [v] if i % 3 == 0 else (v,) if i % 3 == 1 else {'k': v}
            return v
        if kind == 22:
            # a cycle through a tuple: the tuple's list holds the tuple
            t = ([sub() for _ in range(n)], sub())
            t[0].append(t)
            return t
        if kind == 23:
            o = dc.Plain() if rng.random() < 0.5 else dc.Outer.Inner()
            o.v = sub()
            return o.method  # a bound method: getattr(obj, 'method')
        if kind == 24:
            o = dc.ReduceObjectReduce()
            if rng.random() < 0.7:
                o.v = sub()
            return o
        if kind == 25:
            return self.numpy_array(rng, sub)
        a = self.np.empty(n + 1, dtype=object)  # element by element: numpy would unpack lists
        for i in range(n):
            a[i] = sub()
        return a

    def numpy_atom(self, rng):
        np = self.np
        kind = rng.randrange(4)
        if kind == 0:
            return rng.choice([np.float64(1.5), np.float32(-0.0), np.int64(-7), np.int8(3),
                               np.uint16(65535), np.bool_(True), np.bool_(False), np.complex64(1j),
                               np.str_('ab'), np.bytes_(b'x\x00'), np.datetime64('2020-01-02'),
                               np.timedelta64(5, 's'), np.longdouble(1) / 3, np.float16(2)])
        if kind == 1:
            return np.dtype(rng.choice(['f8', '>i2', '<u4', '?', 'U3', 'S2', 'M8[ns]', 'O', 'c8',
                                        [('a', '<i4'), ('b', '>f8')], ('i1', (2,))]))
        return self.numpy_array(rng, None)

    def numpy_array(self, rng, sub):
        np = self.np
        dtype = rng.choice(['i1', '<i4', '>i4', 'u2', '<f8', '>f8', 'f4', '?', 'c16', 'U3', 'S4',
                            '<M8[s]', 'f2', [('a', '<i4'), ('b', 'f8')]])
        shape = rng.choice([(), (0,), (3,), (2, 3), (1, 2, 2), (0, 4)])
        size = int(np.prod(shape))
        raw = np.random.default_rng(rng.randrange(1 << 32)).integers(0, 256, size * 16, dtype='u1')
        a = np.frombuffer(raw.tobytes(), dtype='u1')[:size * np.dtype(dtype).itemsize]
        a = a.view(dtype).reshape(shape).copy()  # writable, C order
        if np.dtype(dtype).kind == 'U':
            a = np.array(['ab', '\xe9', ''][:1] * size, dtype=dtype).reshape(shape)
        order = rng.randrange(4)
        if order == 1 and a.ndim >= 2:
            a = np.asfortranarray(a)
        elif order == 2 and a.ndim >= 1 and a.shape[0] > 1:
            a = a[::2]  # not contiguous
        elif order == 3:
            a.flags.writeable = False
        return a
