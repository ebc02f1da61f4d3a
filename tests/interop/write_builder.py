#!/usr/bin/env python3
"""Live interop, the other direction: picklejar WRITES, CPython READS.

<build>/bin/picklejar_interop_writer (tests/interop/builder_writer.cc) builds a corpus with the
Builder API (every builtin kind, nesting, shared values, cycles, big ints, non-ASCII and astral strs,
lone surrogates, bytes/bytearray, sets/frozensets, globals, REDUCE/NEWOBJ/NEWOBJ_EX objects,
PickleBuffers in-band and out-of-band) and dumps it at every protocol 0-5. This script loads each
file with pickle.load in this Python and checks every value exactly: types (1, 1.0 and True differ),
values, the identity of shared objects and the cycles. The builtin-only part (data.p<N>.pkl) must
also be byte for byte what CPython writes for the same Python graph: pickle.dumps(data(), N). (Not
pickle.dumps(pickle.loads(f), N): a set re-built in its own iteration order may iterate differently,
so even CPython's own output does not survive that round trip for every set.)

EXPECTED below is the Python description of the corpus; keep it in step with builder_writer.cc.
Run by CTest with Debian's /usr/bin/python3: write_builder.py --cli build/bin/picklejar --build build.
"""
import argparse
import collections
import copyreg
import datetime
import fractions
import functools
import math
import os
import pickle
import subprocess
import sys
import tempfile
import types


def data():
    """The builtin-types-only part (builder_writer.cc: Corpus::data)."""
    all256 = bytes(range(256))
    s = [1, 2]
    self_list = []
    self_list.append(self_list)
    self_dict = {}
    self_dict['self'] = self_dict
    rec = ([],)
    rec[0].append(rec)
    rec4 = ([], 1, 2, 3)
    rec4[0].append(rec4)
    text, blob, ba, fs1, tup = 'shared text', b'shared bytes', bytearray(b'shared bytearray'), frozenset([7]), (1, 't')
    return {
        'none': None,
        'true': True,
        'false': False,
        'ints': [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31, 2**31, -2**31 - 1, 2**63 - 1, -2**63, 2**63,
                 -2**63 - 1, 2**64, 2**100, -2**100, 2**2040 + 12345,
                 -123456789012345678901234567890123456789012345678901234567890],
        'floats': [0.0, -0.0, 1.5, 0.1, 1e300, 5e-324, math.inf, -math.inf, math.nan],
        'strs': ['', 'a', '\xe9', 'ascii', 'caf\xe9', '\u20acuro', '\U0001f600 astral', '\ud800', 'lone \udc00 low',
                 'a\\b\nc\rd\x00e\x1af', 'x' * 300, '\U0001f600' * 100],
        'bytes': [b'', b'\x00', b'\xff\xfe', all256, b'z' * 70000],
        'bytearrays': [bytearray(), bytearray(b'abc'), bytearray(all256)],
        'tuples': [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), ((), ((),))],
        'nested': {'a': [1, {'b': (2, [3, {'c': frozenset([4])}])}]},
        'sets': [set([1, 2, 'x', b'y', (1, 'z')]), set(), frozenset(), frozenset(['p', 'q'])],  # insertion order
        'shared': {'a': s, 'b': s, 'c': (s, s)},
        'shared_atoms': [text, text, blob, blob, ba, ba, fs1, fs1, tup, tup],
        'self_list': self_list,
        'self_dict': self_dict,
        'recursive_tuple': rec,
        'recursive_tuple4': rec4,
        'big_list': list(range(2500)),
        'big_dict': {i: str(i) for i in range(1001)},
        'big_set': set(range(1000)),
    }


def expected(protocol):
    """The whole corpus at `protocol` (builder_writer.cc: Corpus::corpus)."""
    od = collections.OrderedDict([('a', 1), ('b', [2])])
    od2 = collections.OrderedDict([('k', 'v')])
    od2.note = 'hi'
    ns = argparse.Namespace(alpha=1, beta=[1, 2])
    ns.me = ns
    d = {
        'data': data(),
        'globals': [set, len, collections.OrderedDict, range, ValueError, functools.reduce, copyreg._reconstructor,
                    argparse._SubParsersAction._ChoicesPseudoAction, collections.OrderedDict, set],
        'ordered': [od, od2, od],
        'namespace': ns,
        'date': datetime.date(2024, 2, 29),
        'fraction': fractions.Fraction(3, 4),
    }
    if protocol >= 2:
        d['newobj'] = datetime.timedelta(1, 2, 3)
        d['newobj_ex'] = datetime.timedelta(days=1, seconds=5)
    if protocol >= 5:
        a = b'read-only in-band'
        d['buffers'] = [a, bytearray(b'writable in-band'), memoryview(b'read-only out-of-band'),
                        bytearray(b'writable out-of-band'), bytearray(b'B' * 100000), a]
    return d


class Mismatch(AssertionError):
    pass


def same(want, got, path, seen):
    """Exact structural equality: same types, values (NaN == NaN, -0.0 != 0.0), and the same
    sharing of containers and objects (`seen` maps id(want) -> id(got) for every one met)."""
    if isinstance(want, memoryview):
        # An out-of-band read-only buffer: READONLY_BUFFER made a read-only memoryview.
        if type(got) is not memoryview or not got.readonly or got.tobytes() != want.tobytes():
            raise Mismatch('%s: want read-only memoryview of %r, got %r' % (path, want.tobytes()[:20], got))
        return
    if isinstance(want, (type, types.FunctionType, types.BuiltinFunctionType)):
        # classes and functions (globals): the very object
        if got is not want:
            raise Mismatch('%s: want %r, got %r' % (path, want, got))
        return
    if type(want) is not type(got):
        raise Mismatch('%s: type %s != %s' % (path, type(want).__name__, type(got).__name__))
    if isinstance(want, float):
        if not ((math.isnan(want) and math.isnan(got)) or
                (want == got and math.copysign(1, want) == math.copysign(1, got))):
            raise Mismatch('%s: %r != %r' % (path, want, got))
        return
    if isinstance(want, (type(None), bool, int, str, bytes, datetime.date, datetime.timedelta, fractions.Fraction)):
        if want != got:
            raise Mismatch('%s: %r != %r' % (path, want, got))
        return
    if type(want) is tuple and not want:
        return
    # Sharing: a container met again must be the same object it was the first time.
    if id(want) in seen:
        if seen[id(want)] is not got:
            raise Mismatch('%s: sharing differs (a shared object was loaded as two)' % path)
        return
    if any(g is got for g in seen.values()):
        raise Mismatch('%s: two distinct objects were loaded as one' % path)
    seen[id(want)] = got
    if isinstance(want, (list, tuple)):
        if len(want) != len(got):
            raise Mismatch('%s: length %d != %d' % (path, len(want), len(got)))
        for i, (w, g) in enumerate(zip(want, got)):
            same(w, g, '%s[%d]' % (path, i), seen)
    elif isinstance(want, dict):  # dict and OrderedDict: keys in order, then values
        if list(want) != list(got):
            raise Mismatch('%s: keys %r != %r' % (path, list(want)[:8], list(got)[:8]))
        for k in want:
            same(want[k], got[k], '%s[%r]' % (path, k), seen)
        if isinstance(want, collections.OrderedDict):
            same(vars(want), vars(got), path + '.__dict__', seen)
    elif isinstance(want, (set, frozenset, bytearray)):
        if want != got:
            raise Mismatch('%s: %r != %r' % (path, want, got))
    elif isinstance(want, argparse.Namespace):
        same(vars(want), vars(got), path + '.__dict__', seen)
    else:
        raise Mismatch('%s: unexpected type %s' % (path, type(want)))


def check_identities(root, protocol):
    """The sharing and cycles spelled out (same() checks them too, generically)."""
    d = root['data']
    assert d['shared']['a'] is d['shared']['b'] is d['shared']['c'][0] is d['shared']['c'][1]
    sa = d['shared_atoms']
    for i in range(0, len(sa), 2):
        assert sa[i] is sa[i + 1], 'shared_atoms[%d] and [%d] are not one object' % (i, i + 1)
    assert d['self_list'][0] is d['self_list']
    assert d['self_dict']['self'] is d['self_dict']
    assert d['recursive_tuple'][0][0] is d['recursive_tuple']
    assert d['recursive_tuple4'][0][0] is d['recursive_tuple4']
    assert root['ordered'][0] is root['ordered'][2] and root['ordered'][0] is not root['ordered'][1]
    assert root['namespace'].me is root['namespace']
    assert root['globals'][0] is set and root['globals'][-1] is set
    if protocol >= 5:
        b = root['buffers']
        assert b[0] is b[5] and type(b[0]) is bytes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli')  # unused: the writer is found in the build directory
    ap.add_argument('--cli-batch')  # unused
    ap.add_argument('--fixtures')
    ap.add_argument('--build', required=True)
    args = ap.parse_args()
    # Set order follows str hashes: picklejar's default hash_seed 0 is CPython's PYTHONHASHSEED=0.
    if os.environ.get('PYTHONHASHSEED') != '0':
        env = dict(os.environ, PYTHONHASHSEED='0')
        return subprocess.call([sys.executable] + sys.argv, env=env)
    sys.setrecursionlimit(100000)
    writer = os.path.join(args.build, 'bin', 'picklejar_interop_writer')
    if not os.access(writer, os.X_OK):
        print('FAIL: %s not found (it is built by the default target)' % writer)
        return 1
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([writer, tmp], capture_output=True, text=True)
        if r.returncode != 0:
            print('FAIL: %s exited %d: %s' % (writer, r.returncode, r.stderr))
            return 1
        for protocol in range(6):
            path = os.path.join(tmp, 'corpus.p%d.pkl' % protocol)
            with open(path, 'rb') as f:
                raw = f.read()
            try:
                if protocol >= 2 and raw[:2] != bytes([0x80, protocol]):
                    raise Mismatch('no PROTO %d opcode first' % protocol)
                buffers = None
                if protocol == 5:
                    buffers = []
                    while os.path.exists(os.path.join(tmp, 'corpus.p5.buf%d.bin' % len(buffers))):
                        with open(os.path.join(tmp, 'corpus.p5.buf%d.bin' % len(buffers)), 'rb') as f:
                            buffers.append(bytearray(f.read()))
                    if len(buffers) != 3:
                        raise Mismatch('%d out-of-band buffers written, want 3' % len(buffers))
                with open(path, 'rb') as f:
                    got = pickle.load(f, buffers=buffers)
                same(expected(protocol), got, 'corpus.p%d' % protocol, {})
                check_identities(got, protocol)
            except Exception as e:  # noqa: BLE001 -- report every protocol
                print('FAIL corpus protocol %d: %s: %s' % (protocol, type(e).__name__, e))
                failures += 1
            # The builtin-only part: the very bytes CPython writes for the same graph.
            with open(os.path.join(tmp, 'data.p%d.pkl' % protocol), 'rb') as f:
                raw = f.read()
            try:
                same(data(), pickle.loads(raw), 'data.p%d' % protocol, {})
                want = pickle.dumps(data(), protocol)
                if want != raw:
                    at = next((i for i in range(min(len(raw), len(want))) if raw[i] != want[i]),
                              min(len(raw), len(want)))
                    raise Mismatch('pickle.dumps(data(), %d) differs from picklejar\'s bytes at byte %d of %d: '
                                   'CPython %r, picklejar %r' % (protocol, at, len(raw), want[at:at + 40],
                                                                raw[at:at + 40]))
            except Exception as e:  # noqa: BLE001
                print('FAIL data protocol %d: %s: %s' % (protocol, type(e).__name__, e))
                failures += 1
    print('%d protocols written by picklejar and loaded by CPython, %d failures' % (6, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
