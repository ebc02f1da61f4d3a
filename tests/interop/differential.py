#!/usr/bin/env python3
"""Live interop, differential: picklejar's recode against CPython's re-pickle, byte for byte.

For seeded random object graphs (tests/interop/_graphs.py: every builtin type, shared and recursive
structure, every reduce form of _diffclasses.py, stdlib objects, globals and methods, numpy arrays,
scalars and dtypes, PickleBuffers) CPython pickles each graph at protocols 0-5 (at 5 also with its
buffers out-of-band; at 0-2 also with fix_imports=False) and picklejar (tests/interop/_recode.py,
one server process) recodes every such input at every protocol 0-5 (at 5 also out-of-band); the
bytes, and the out-of-band buffers, must equal CPython's pickle.dumps(pickle.loads(IN), N), run in a
worker process that holds no original graph (see Redumper). A check is skipped only when CPython itself
cannot write it (a PickleBuffer below protocol 5, __slots__ at protocols 0-1, ...), when its
bytes come from code the stream does not hold (fixtures/README.md "unmatchable"), when the graph
holds a class attribute that a getattr reduce below protocol 4 shows with a name whose spelling
misleads (README "The fidelity rule"), or when CPython's bytes depend on what its loading process
had interned (Runner.interning_only, asked only of checks that differ); skips are counted.

Differences are grouped by cause (classify()); the first of each cause is shrunk to a small graph
and printed with its pickle bytes. EXPECTED lists causes already owned by a fix in progress: they
are counted but do not fail the run, and the run fails when one no longer occurs (remove it then).

  differential.py --build BUILD [--seed S] [--cases N] [--report FILE] [--log FILE]
Graph K of seed S is the same in every run: --seed S --first-case K --cases 1 replays it (--log
lists every difference as seed:case, check, cause).
Run by CTest (which also passes --cli, --cli-batch and --fixtures, unused here) with
PYTHONHASHSEED=0, which picklejar's set order assumes; the script re-runs itself with it otherwise.
"""
import argparse
import collections
import copy
import copyreg
import enum
import io
import itertools
import os
import pickle
import pickletools
import random
import re
import reprlib
import struct
import subprocess
import sys
import time
import traceback
import types

import _diffclasses
import _graphs
from _recode import Recoder, RecodeError

DEFAULT_SEED = 12
DEFAULT_CASES = 600  # ~10 s of CPU in a Release build
MAX_GRAPH_BYTES = 8 << 20  # keeps a run's time and memory bounded

# cause -> who owns its fix (issue 12). Counted, not failed; the run fails if one stops occurring.
EXPECTED = {}


class Check:
    """One comparison: graph pickled at `inp` (oob_in: buffers out-of-band; py3_names: with
    fix_imports=False, Python 3 module names at protocols 0-2), recoded at `out`."""

    def __init__(self, inp, oob_in, out, oob_out, py3_names=False):
        self.inp, self.oob_in, self.out, self.oob_out = inp, oob_in, out, oob_out
        self.py3_names = py3_names

    def __str__(self):
        return 'protocol %d%s%s -> %d%s' % (
            self.inp, ' (out-of-band)' if self.oob_in else '',
            ' (fix_imports=False)' if self.py3_names else '',
            self.out, ' (out-of-band)' if self.oob_out else '')


def cpython_input(obj, check):
    """(IN bytes, [(buffer bytes, readonly)]) as CPython pickles `obj`, or an exception."""
    if not check.oob_in:
        return pickle.dumps(obj, check.inp, fix_imports=not check.py3_names), None
    bufs = []
    data = pickle.dumps(obj, check.inp, buffer_callback=bufs.append)
    return data, [(m.tobytes(), m.readonly) for m in map(memoryview, bufs)]


def cpython_redump(data, buffers, out, oob_out, loads=pickle.loads):
    """What CPython writes: pickle.dumps(pickle.loads(IN), N) and its out-of-band buffers."""
    py_buffers = None
    if buffers is not None:
        # writable buffers as bytearrays; read-only ones stay PickleBuffers over bytes, as a
        # read-only buffer given to pickle.loads does (READONLY_BUFFER keeps it).
        py_buffers = [pickle.PickleBuffer(b if ro else bytearray(b)) for b, ro in buffers]
    loaded = loads(data, buffers=py_buffers)
    if not oob_out:
        return pickle.dumps(loaded, out), []
    bufs = []
    data = pickle.dumps(loaded, out, buffer_callback=bufs.append)
    return data, [(m.tobytes(), m.readonly) for m in map(memoryview, bufs)]


class Redumper:
    """cpython_redump in a separate CPython process (this script with --worker), which holds no
    original graph: CPython interns the keys of a BUILD dict state, so a loaded graph's sharing
    depends on which equal strings the process already holds, and the originals would be some."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), '--worker'],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def __call__(self, data, buffers, check, loader='c'):
        """loader: 'c' (pickle.loads), 'py' (the pure-Python unpickler) or 'py-no-intern' (that,
        with BUILD keeping a dict state's str keys as loaded: see Runner.interning_only)."""
        _send(self.proc.stdin, (loader, data, buffers, check.out, check.oob_out))
        reply = _receive(self.proc.stdout)
        if reply is None:
            raise RuntimeError('the CPython re-dump worker ended (exit %s)' % self.proc.wait())
        if reply[0] == 'err':
            raise Skip('CPython cannot re-dump: %s' % reply[1])
        return reply[1], reply[2]

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise RuntimeError('the CPython re-dump worker exited with %d' % self.proc.returncode)


def why_not(e):
    """An exception as a skip reason: its type and message, without addresses or long names."""
    text = re.sub(r' at 0x[0-9a-f]+', '', str(e))
    return '%s: %s' % (type(e).__name__, text if len(text) <= 70 else text[:67] + '...')


def _send(f, obj):
    blob = pickle.dumps(obj, 5)
    f.write(struct.pack('<Q', len(blob)) + blob)
    f.flush()


def _receive(f):
    head = f.read(8)
    if len(head) < 8:
        return None
    return pickle.loads(f.read(struct.unpack('<Q', head)[0]))


def loads_interning(intern):
    """pickle's pure-Python loads, its BUILD interning the str keys of a dict state with `intern`
    (sys.intern, as the C unpickler; or the identity: keys as the stream made them)."""
    def loads(data, buffers=None):
        saved, sys.intern = sys.intern, intern
        try:
            return pickle._loads(data, buffers=buffers)
        finally:
            sys.intern = saved
    return loads


def worker():
    sys.setrecursionlimit(3000)
    loaders = {'c': pickle.loads, 'py': loads_interning(sys.intern),
               'py-no-intern': loads_interning(lambda key: key)}
    while True:
        request = _receive(sys.stdin.buffer)
        if request is None:
            return 0
        try:
            reply = ('ok',) + cpython_redump(*request[1:], loads=loaders[request[0]])
        except Exception as e:
            reply = ('err', why_not(e))
        del request
        _send(sys.stdout.buffer, reply)


def recode(recoder, data, buffers, check):
    if buffers is not None:  # a read-only buffer goes as bytes, a writable one as a bytearray
        buffers = [b if ro else bytearray(b) for b, ro in buffers]
    return recoder.recode(data, check.out, buffers=buffers, out_of_band=check.oob_out)


def unmatchable(used, check):
    """Why no reader of the stream alone can write CPython's bytes for this check, or None
    (fixtures/README.md "unmatchable": the bytes come from class code the stream does not hold)."""
    if check.inp != check.out and any(not getattr(c, 'CROSS_PROTOCOL', True) for c in used
                                      if isinstance(c, type)):
        return 'a __reduce_ex__ that branches on the protocol, re-dumped at another protocol'
    if check.inp < 2 <= check.out and any(defines_newargs(c) for c in used if isinstance(c, type)):
        return '_reconstructor stream of a class defining __getnewargs__(_ex) re-dumped at 2+'
    if SET_SUBCLASS_ORDER in used:
        # its reduce lists the items in the original's order, the loaded one iterates its own
        # hash table: only a reader that knew the class makes a set could follow
        return 'a set/frozenset subclass of 2+ items (the stream does not say it is a set)'
    if check.inp < 4 <= check.out and GETATTR_SPELLING in used:
        # getattr(cls, name) below 4 is a nested class or function (a dotted global at 4+) or an
        # object reducing through getattr (a classmethod, an enum member): picklejar goes by the
        # name's spelling, and this graph holds one spelled the other way (a staticmethod, ...)
        return 'getattr(cls, name) below 4 of an attribute its name misleads about, re-dumped at 4+'
    if check.inp < 2 <= check.out and _diffclasses.ReduceObjectReduce in used:
        return '_reconstructor stream of a class whose __reduce__ is object.__reduce__ re-dumped at 2+'
    if check.oob_in and any(defines_newargs(c) for c in used if isinstance(c, type)):
        # CPython writes a PickleBuffer in __getnewargs__ and in the state as two NEXT_BUFFERs,
        # which load as two objects; its re-dump derives the arguments from the state's one
        return 'out-of-band input of a __getnewargs__ class (one buffer written twice)'
    if check.inp < 2 <= check.out and _diffclasses.FalsyState in used:
        return 'a falsy __getstate__ result: no state at 0-1, written at 2+'
    if check.out < 2 <= check.inp and any(hidden_base(c) for c in used):
        return 'NEWOBJ stream of a builtin-type subclass re-dumped at 0-1 (base not in the stream)'
    return None


def default_reduce(cls):
    return (isinstance(cls, type) and cls.__reduce_ex__ is object.__reduce_ex__
            and cls.__reduce__ is object.__reduce__ and cls not in copyreg.dispatch_table)


def defines_newargs(cls):
    return default_reduce(cls) and any(
        '__getnewargs__' in k.__dict__ or '__getnewargs_ex__' in k.__dict__
        for k in cls.__mro__ if k.__flags__ & HEAPTYPE)


SET_SUBCLASS_ORDER = 'a set subclass instance of 2+ items'  # classes_in()'s mark
GETATTR_SPELLING = 'a class attribute whose kind its name does not tell'  # classes_in()'s mark


def cap_words(name):
    return bool(name) and 'A' <= name[0] <= 'Z' and any('a' <= c <= 'z' for c in name[1:])


def misread_getattr(o):
    """Whether `o` is a class attribute that CPython writes below protocol 4 as getattr(cls, name)
    and re-dumps at 4+ the other way from what the name's spelling tells a reader of the stream
    (README "The fidelity rule": a CapWords name is read as a nested class, written at 4+ as a
    dotted global; any other name as a method or enum member, written as getattr again)."""
    if isinstance(o, (type, types.FunctionType)):  # a global: a dotted STACK_GLOBAL at 4+
        qual = getattr(o, '__qualname__', '')
        return '.' in qual and '<locals>' not in qual and not cap_words(qual.rsplit('.', 1)[1])
    if isinstance(o, enum.Enum):  # reduces to getattr(cls, name) at every protocol
        return cap_words(o.name or '')
    if isinstance(o, types.MethodType) and isinstance(o.__self__, type):  # a classmethod: likewise
        return cap_words(o.__name__)
    return False


class EmptyContainer(tuple):
    """classes_in()'s mark for an empty instance of a list or dict subclass."""

    def __new__(cls, of):
        return tuple.__new__(cls, (of,))


def hidden_base(cls):
    """A class that protocols 0-1 reduce with copyreg._reconstructor(cls, base, base(obj)) for a
    builtin base other than object: a NEWOBJ stream does not say which base that is (for a list
    or dict subclass, its APPENDS or SETITEMS do, unless the instance is empty)."""
    if isinstance(cls, EmptyContainer):
        return default_reduce(cls[0])
    if not default_reduce(cls) or not cls.__flags__ & HEAPTYPE:
        return False
    base = next(k for k in cls.__mro__ if not k.__flags__ & HEAPTYPE)
    return base not in (object, list, dict)


HEAPTYPE = 1 << 9


def ops(data):
    try:
        return [(op.name, struct.pack('>d', arg) if isinstance(arg, float) else arg)
                for op, arg, _ in pickletools.genops(data) if op.name != 'FRAME']
    except Exception as e:  # a stream pickletools cannot walk is reported as it is
        return [('UNPARSABLE', str(e))]


def first_op_difference(want, got):
    w, g = ops(want), ops(got)
    i = next((i for i in range(min(len(w), len(g))) if w[i] != g[i]), min(len(w), len(g)))
    return i, w, g


def memo_producers(op_list):
    """memo index -> the opcodes that made the memoized object (the few before its PUT, a GET
    among them replaced by the opcode that made what it gets)."""
    made, n = {}, 0
    for j, (name, arg) in enumerate(op_list):
        if name in ('PUT', 'BINPUT', 'LONG_BINPUT', 'MEMOIZE'):
            window = [made[a][-1] if o.endswith('GET') and made.get(a) else (o, a)
                      for o, a in op_list[max(0, j - 10):j]]
            made[arg if name != 'MEMOIZE' else n] = window
            n += 1
    return made


def one_char(producer):
    """Whether the opcodes before a PUT made a one-char str or a one-byte bytes (directly, or
    as _codecs.encode('c', 'latin1') at protocols 0-2)."""
    if not producer:
        return False
    name, arg = producer[-1]
    if name in ('SHORT_BINBYTES', 'BINBYTES', 'SHORT_BINUNICODE', 'BINUNICODE', 'UNICODE'):
        return len(arg) == 1
    if name == 'REDUCE':
        strs = [a for o, a in producer if o in ('UNICODE', 'BINUNICODE', 'SHORT_BINUNICODE')]
        return any(isinstance(a, str) and a.endswith('encode') for _, a in producer) and \
            len(strs) >= 2 and len(strs[-2]) == 1 and strs[-1] == 'latin1'
    return False


def reduce_pops(op_list):
    return sum(1 for j in range(len(op_list) - 1) if op_list[j][0] == 'REDUCE' and op_list[j + 1][0] == 'POP')


def classify(want, got):
    """A short name for why `got` differs from `want` (both pickle streams), from the opcodes
    around the first difference."""
    i, w, g = first_op_difference(want, got)
    if i == len(w) == len(g):
        return 'framing only (same opcodes, different FRAME)'
    if reduce_pops(w) > reduce_pops(g):
        return 'a REDUCE whose result is POPped (reduce state_setter) dropped'
    end = ('END', None)
    wi, gi = (w[i] if i < len(w) else end), (g[i] if i < len(g) else end)
    mw, mg = memo_producers(w[:i]), memo_producers(g[:i])

    def near(op_list, made):  # the arguments around the difference, a GET as what it gets
        return ' '.join(' '.join(str(x) for _, x in made[a][-4:]) if o.endswith('GET') and made.get(a)
                        else str(a) for o, a in op_list[max(0, i - 3):i + 3])
    near_w, near_g = near(w, mw), near(g, mg)
    # an empty dict/list made and applied by BUILD where CPython's ops go on without it
    empty_state = {'MARK', 'DICT', 'LIST', 'EMPTY_DICT', 'EMPTY_LIST', 'PUT', 'BINPUT', 'LONG_BINPUT',
                   'MEMOIZE'}
    j, k = i, i
    while j < len(g) and g[j][0] in empty_state:
        j += 1
    while k > 0 and g[k - 1][0] in empty_state:
        k -= 1
    if j < len(g) and g[j][0] == 'BUILD' and j > k and wi[0] != 'BUILD':
        return 'empty BUILD state written where CPython writes none (protocols 0-1 drop a falsy state)'
    if 'partial' in near_g and 'partial' not in near_w:
        return 'functools.partial(cls.__new__, ...) (protocol 2-3 __getnewargs_ex__) kept'
    if 'getattr' in near_w and 'getattr' not in near_g:
        return 'getattr(cls, name) reduce written as a dotted global'
    if 'getattr' in near_g and 'getattr' not in near_w:
        return 'getattr(cls, name) reduce kept where CPython writes a dotted global'
    if '_reconstructor' in near_w and '_reconstructor' not in near_g:
        return 'copyreg._reconstructor normalised away'
    if '_reconstructor' in near_g and '_reconstructor' not in near_w:
        return 'copyreg._reconstructor kept where CPython writes NEWOBJ'
    if (gi[0].endswith('GET') and one_char(mg.get(gi[1]))) or \
            (wi[0].endswith('GET') and one_char(mw.get(wi[1]))):
        return 'one-char str/bytes shared differently from CPython (singletons, fresh copies)'
    if wi[0] in ('SHORT_BINBYTES', 'BINBYTES', 'BYTEARRAY8') and not wi[1] and gi[0].endswith('GET'):
        return 'empty bytes/bytearray (an out-of-band buffer) shared where CPython writes two'
    if wi[0].endswith('GET') and gi[0].endswith('GET'):
        return 'memo reference to a different object (sharing differs)'
    if gi[0] == 'STOP':
        return 'picklejar output ends early (a part of the graph dropped)'
    return 'other: first differing opcode %s %s vs %s %s' % (wi[0], _short(wi[1]), gi[0], _short(gi[1]))


def _short(arg):
    r = repr(arg)
    return r if len(r) <= 40 else r[:37] + '...'


class Runner:
    def __init__(self, recoder, redump, log=None):
        self.recoder = recoder
        self.redump = redump
        self.log = log
        self.checks = 0
        self.graphs = 0
        self.skips = collections.Counter()
        self.causes = collections.Counter()
        self.coverage = collections.Counter()  # compared checks whose graph holds the class
        self.examples = {}  # cause -> (graph, used, check)

    def compare(self, obj, used, check):
        """None when picklejar writes CPython's bytes; else (cause, want, got). Raises Skip."""
        try:
            data, buffers = cpython_input(obj, check)
        except Exception as e:
            raise Skip('CPython cannot write the input: %s' % why_not(e))
        if check.oob_in and not buffers:
            raise Skip('no out-of-band buffer in the graph')
        why = unmatchable(used, check)
        if why:
            raise Skip('unmatchable: ' + why)
        want, want_bufs = self.redump(data, buffers, check)
        try:
            got, got_bufs = recode(self.recoder, data, buffers, check)
        except RecodeError as e:
            return 'picklejar error %s' % e.code, want, str(e).encode()
        if got == want and got_bufs == want_bufs:
            return None
        if got == want:
            return 'out-of-band buffers differ', repr(want_bufs).encode(), repr(got_bufs).encode()
        if self.interning_only(data, buffers, check, (want, want_bufs), (got, got_bufs)):
            raise Skip('unmatchable: CPython\'s bytes depend on the str keys its BUILD interned '
                       '(picklejar writes them as the stream shares them)')
        return classify(want, got), want, got

    def interning_only(self, data, buffers, check, want, got):
        """Whether CPython's re-dump is decided by the loading process's interned strings, and
        picklejar's equals it with a dict state's keys left as the stream made them. The C and the
        pure-Python unpicklers replace each str key of a BUILD dict state by sys.intern(key),
        which is the loaded str only if the process had not interned an equal one (3.11 interns
        the identifiers of its frozen modules at start-up: 'k', 'x', 'method', ...), so sharing a
        key with a str elsewhere depends on the process, not on the stream. Asked only for checks
        that differ: the pure-Python unpickler must give CPython's bytes with sys.intern and other
        bytes without it. (An instance __dict__ with keys shared by its class stores the key
        objects of that shared table, not the loaded ones, with or without sys.intern: this check
        does not see that, and such a graph differs.)"""
        if b'b' not in data:  # no BUILD opcode byte: nothing interned
            return False
        try:
            with_intern = self.redump(data, buffers, check, 'py')
            without = self.redump(data, buffers, check, 'py-no-intern')
        except Skip:
            return False
        return with_intern == want and without != want and got == without

    def run_graph(self, obj, used, where=''):
        self.graphs += 1
        if used is None:
            self.skips['graph the pure-Python pickler cannot walk (all its checks)'] += 1
            return
        oob = []
        try:
            size = len(pickle.dumps(obj, 5, buffer_callback=oob.append))
        except Exception:
            size = 0
        if size > MAX_GRAPH_BYTES:
            self.skips['graph over %d bytes (all its checks)' % MAX_GRAPH_BYTES] += 1
            return
        for check in all_checks(bool(oob)):
            self.checks += 1
            try:
                diff = self.compare(obj, used, check)
            except Skip as s:
                self.skips[str(s)] += 1
                continue
            for c in used:
                if isinstance(c, type) and c.__module__ not in ('builtins',):
                    self.coverage[c.__module__ + '.' + c.__qualname__] += 1
            if diff is not None:
                self.causes[diff[0]] += 1
                if self.log:
                    self.log.write('%s\t%s\t%s\n' % (where, check, diff[0]))
                self.examples.setdefault(diff[0], (obj, used, check))


class Skip(Exception):
    pass


def all_checks(out_of_band_input):
    for inp in range(6):
        variants = [(False, False)]
        if inp == 5 and out_of_band_input:
            variants.append((True, False))
        if inp < 3:
            variants.append((False, True))
        for oob_in, py3_names in variants:
            for out in range(6):
                for oob_out in ([False, True] if out == 5 else [False]):
                    yield Check(inp, oob_in, out, oob_out, py3_names)


def make_graph(seed, case):
    """The graph of (seed, case), and the set of _diffclasses classes it holds."""
    rng = random.Random('%d:%d' % (seed, case))  # str seeds do not depend on PYTHONHASHSEED
    rich = _graphs.Rich(numpy=rng.random() < 0.5, buffers=rng.random() < 0.2)
    obj = _graphs.random_value(rng, rng.choice([1, 2, 3, 4]), [], rich)
    return obj, classes_in(obj)


def classes_in(obj):
    """The classes of every object in the graph (as the pickler reaches it)."""
    found = set()

    class Spy(pickle._Pickler):
        def save(self, o, save_persistent_id=True):
            found.add(type(o))
            if isinstance(o, (list, dict)) and not o and type(o) not in (list, dict):
                found.add(EmptyContainer(type(o)))
            if isinstance(o, (set, frozenset)) and len(o) > 1 and type(o) not in (set, frozenset):
                found.add(SET_SUBCLASS_ORDER)
            if isinstance(o, type):
                found.add(o)
            if misread_getattr(o):
                found.add(GETATTR_SPELLING)
            return super().save(o, save_persistent_id)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(60000)  # the pure-Python pickler nests deeper than the C one
    try:
        Spy(io.BytesIO(), 5, buffer_callback=lambda b: False).dump(obj)
    except Exception:
        return None  # unknown: no rule can say which checks are matchable
    finally:
        sys.setrecursionlimit(limit)
    return found


def still_differs(runner, cause, check):
    def test(obj):
        used = classes_in(obj)
        if used is None:
            return False
        try:
            diff = runner.compare(obj, used, check)
        except Skip:
            return False
        return diff is not None and diff[0] == cause
    return test


def candidates(obj):
    """Smaller graphs to try in place of `obj`: its parts, and it without one of its parts."""
    if isinstance(obj, (list, tuple)) and type(obj) in (list, tuple):
        yield from obj
        for i in range(len(obj)):
            yield type(obj)(obj[:i] + obj[i + 1:])
        for i, x in enumerate(obj):
            for c in candidates(x):
                yield type(obj)(obj[:i] + type(obj)([c]) + obj[i + 1:])
    elif type(obj) is dict:
        items = list(obj.items())
        for k, v in items:
            yield v
        for i in range(len(items)):
            yield dict(items[:i] + items[i + 1:])
        for i, (k, v) in enumerate(items):
            for c in candidates(v):
                yield dict(items[:i] + [(k, c)] + items[i + 1:])
    elif type(obj) in (str, bytes, bytearray) and len(obj) > 1:
        yield obj[:len(obj) // 2]
        yield obj[:1]
    elif isinstance(obj, (set, frozenset)) and type(obj) in (set, frozenset):
        for x in obj:
            yield x
            yield type(obj)(obj - {x})
    else:
        state = getattr(obj, '__dict__', None)
        if isinstance(state, dict):
            yield from state.values()
            for k, v in state.items():  # the same object with one attribute made None
                if v is None or isinstance(obj, enum.Enum):  # enum members are singletons
                    continue
                try:
                    c = copy.copy(obj)
                except Exception:
                    continue
                if c is not obj:
                    c.__dict__[k] = None
                    yield c
        elif isinstance(obj, (list, tuple, set, frozenset, dict)):
            yield from (obj.values() if isinstance(obj, dict) else obj)


def shrink(obj, test, budget_s=20.0):
    """Greedy: the smallest graph (by its pickle's length) found that still fails `test`,
    trying the smallest candidates first."""
    def size(o):
        try:
            return len(pickle.dumps(o, 5, buffer_callback=lambda b: False))
        except Exception:
            return None
    best, best_size = obj, size(obj) or 1 << 62
    deadline = time.monotonic() + budget_s
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        sized = []
        for c in itertools.islice(candidates(best), 400):
            n = size(c)
            if n is not None and n < best_size:
                sized.append((n, len(sized), c))
        for n, _, c in sorted(sized, key=lambda x: x[:2]):
            if time.monotonic() >= deadline:
                break
            if test(c):
                best, best_size, improved = c, n, True
                break
    return best


def describe(cause, obj, check, runner, shrink_s):
    out = ['== %s' % cause]
    small = shrink(obj, still_differs(runner, cause, check), shrink_s) if shrink_s > 0 else obj
    r = reprlib.Repr()
    r.maxlevel, r.maxlist, r.maxtuple, r.maxdict, r.maxstring, r.maxother = 6, 8, 8, 8, 60, 200
    out.append('graph: %s' % r.repr(small))
    out.append('check: %s' % check)
    try:
        data, buffers = cpython_input(small, check)
        want, _ = runner.redump(data, buffers, check)
        try:
            got, _ = recode(runner.recoder, data, buffers, check)
        except RecodeError as e:
            got = str(e).encode()
        out.append('input (%d bytes): %s' % (len(data), _clip(data)))
        out.append('CPython (%d bytes): %s' % (len(want), _clip(want)))
        out.append('picklejar (%d bytes): %s' % (len(got), _clip(got)))
        i, w, g = first_op_difference(want, got)
        out.append('first differing opcode #%d: CPython %s / picklejar %s'
                   % (i, w[i:i + 3], g[i:i + 3]))
    except Exception:  # the shrunk graph should still reproduce; say so if it does not
        out.append('could not reproduce: %s' % traceback.format_exc())
    return '\n'.join(out)


def _clip(b, n=600):
    return repr(b) if len(b) <= n else repr(b[:n]) + '...'


def main():
    if sys.argv[1:] == ['--worker']:
        return worker()
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli')
    ap.add_argument('--cli-batch')
    ap.add_argument('--fixtures')
    ap.add_argument('--build', help='the build directory (bin/picklejar_recode_server)')
    ap.add_argument('--server', help='the recode server (default: BUILD/bin/picklejar_recode_server)')
    ap.add_argument('--seed', type=int, default=DEFAULT_SEED)
    ap.add_argument('--cases', type=int, default=DEFAULT_CASES, help='random graphs to draw')
    ap.add_argument('--first-case', type=int, default=0)
    ap.add_argument('--report', help='also write the summary and the reproducers to this file')
    ap.add_argument('--log', help='write every difference (seed:case, check, cause) to this file')
    ap.add_argument('--shrink-seconds', type=float, default=10.0, help='per cause (0: no shrinking)')
    args = ap.parse_args()
    if os.environ.get('PYTHONHASHSEED') != '0':
        os.environ['PYTHONHASHSEED'] = '0'
        os.execv(sys.executable, [sys.executable] + sys.argv)
    sys.setrecursionlimit(3000)  # deep enough for the graphs; a cycle CPython cannot pickle fails fast
    recoder = Recoder(args.build, args.server)
    log = open(args.log, 'w') if args.log else None
    runner = Runner(recoder, Redumper(), log)
    start = time.monotonic()
    for case in range(args.first_case, args.first_case + args.cases):
        obj, used = make_graph(args.seed, case)
        before = set(runner.causes)
        runner.run_graph(obj, used, '%d:%d' % (args.seed, case))
        for cause in set(runner.causes) - before:
            print('case %d: first difference of cause: %s' % (case, cause), flush=True)
    elapsed = time.monotonic() - start
    lines = ['seed %d, graphs %d-%d: %d graphs, %d checks, %d skipped, %d compared, %d differ (%.1f s)'
             % (args.seed, args.first_case, args.first_case + args.cases - 1, runner.graphs,
                runner.checks, sum(runner.skips.values()), runner.checks - sum(runner.skips.values()),
                sum(runner.causes.values()), elapsed)]
    lines.append('skips by reason:')
    lines += ['  %7d  %s' % (n, why) for why, n in sorted(runner.skips.items(), key=lambda x: -x[1])]
    lines.append('compared checks by class in the graph (builtins aside):')
    lines += ['  ' + ', '.join('%s %d' % kv for kv in sorted(runner.coverage.items()))]
    lines.append('differences by cause:')
    failed = False
    for cause, n in sorted(runner.causes.items(), key=lambda x: -x[1]):
        owner = EXPECTED.get(cause)
        lines.append('  %7d  %s%s' % (n, cause, ' [expected: %s]' % owner if owner else ''))
        failed |= owner is None
    for cause, owner in EXPECTED.items():
        if cause not in runner.causes:
            lines.append('  %7d  %s [expected: %s] NO LONGER OCCURS: remove it from EXPECTED'
                         % (0, cause, owner))
            failed |= args.cases >= DEFAULT_CASES and args.seed == DEFAULT_SEED
    if log:
        log.close()
    details = [describe(cause, obj, check, runner, 0 if cause in EXPECTED else args.shrink_seconds)
               for cause, (obj, used, check) in runner.examples.items()]
    recoder.close()
    runner.redump.close()
    text = '\n'.join(lines + [''] + details)
    print(text)
    if args.report:
        with open(args.report, 'w') as f:
            f.write(text + '\n')
    print('FAILED' if failed else 'OK')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
