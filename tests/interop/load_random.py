#!/usr/bin/env python3
"""Live interop: CPython writes randomised structures, picklejar loads and re-dumps them.

For seeded random object graphs (every builtin type, nesting, shared references and cycles) at
every protocol 0-5, CPython's pickle.dumps writes a file, `picklejar json` loads it, and this script
rebuilds Python objects from the tagged JSON (docs/JSON.md) and checks they equal the originals:
same types (1, 1.0 and True are different here), same values, and the same sharing (two places
hold one object in picklejar's output exactly when they did in Python). Then `picklejar recode`
re-dumps each file at every protocol, and the bytes must equal CPython's
pickle.dumps(pickle.loads(file), protocol) (run with PYTHONHASHSEED=0, as CTest does, so str sets
iterate the same way in both runs of CPython).

Run by CTest with Debian's /usr/bin/python3: load_random.py --cli build/bin/picklejar ...
"""
import argparse
import json
import math
import os
import pickle
import random
import sys
import tempfile

import _cli

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


def random_value(rng, depth, pool):
    if depth <= 0 or rng.random() < 0.3:
        if pool and rng.random() < 0.15:
            return rng.choice(pool)  # a shared reference
        return random_atom(rng)
    kind = rng.randrange(6)
    n = rng.choice([0, 1, 2, 3, 8, 1001 if depth == 1 else 5])
    if kind == 0:
        v = [random_value(rng, depth - 1, pool) for _ in range(n)]
        if rng.random() < 0.1:
            v.append(v)  # a cycle
    elif kind == 1:
        v = tuple(random_value(rng, depth - 1, pool) for _ in range(n))
    elif kind == 2:
        v = {random_key(rng): random_value(rng, depth - 1, pool) for _ in range(n)}
        if rng.random() < 0.1:
            v['self'] = v
    elif kind == 3:
        v = {random_key(rng, True) for _ in range(n)}
    elif kind == 4:
        v = frozenset(random_key(rng, True) for _ in range(n))
    else:
        v = random_atom(rng)
    if not isinstance(v, ATOM_TYPES):
        pool.append(v)
    return v


def decode(text):
    """Tagged JSON -> Python objects, with $id/$ref sharing (cycles through lists and dicts)."""
    ids = {}

    def tagged(o):
        if '$ref' in o:
            return ids[o['$ref']]
        ident = o.get('$id')
        keys = [k for k in o if k != '$id']
        tag = keys[0]
        val = o[tag]
        if tag == '$list':
            out = []
            if ident is not None:
                ids[ident] = out
            out.extend(conv(x) for x in val)
            return out
        if tag == '$dict':
            out = {}
            if ident is not None:
                ids[ident] = out
            for k, v in val:
                out[conv(k)] = conv(v)
            return out
        if tag == '$tuple':
            out = tuple(conv(x) for x in val)
        elif tag == '$set':
            out = {conv(x) for x in val}
        elif tag == '$frozenset':
            out = frozenset(conv(x) for x in val)
        elif tag == '$bytes':
            out = bytes.fromhex(val)
        elif tag == '$bytearray':
            out = bytearray.fromhex(val)
        elif tag == '$float':
            out = float(val)
        elif tag == '$int':
            out = int(val, 16)
        else:
            raise ValueError('unexpected tag %r' % tag)
        if ident is not None:
            ids[ident] = out
        return out

    def conv(o):
        if isinstance(o, list):
            return [conv(x) for x in o]
        if isinstance(o, dict):
            if any(k.startswith('$') for k in o):
                return tagged(o)
            return {k: conv(v) for k, v in o.items()}
        return o

    return conv(json.loads(text))


def same(a, b, seen_a, seen_b, path):
    """Structural equality with exact types, NaN == NaN, and matching identity of shared values."""
    if type(a) is not type(b):
        raise AssertionError('%s: type %s != %s' % (path, type(a).__name__, type(b).__name__))
    if isinstance(a, float):
        ok = (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
        if not ok:
            raise AssertionError('%s: %r != %r' % (path, a, b))
        return
    if isinstance(a, (type(None), bool, int, str, bytes)):
        if a != b:
            raise AssertionError('%s: %r != %r' % (path, a, b))
        return
    if type(a) is tuple and len(a) == 0:
        return
    # Sharing: the k-th distinct container met in `a` must be the k-th met in `b`.
    ka, kb = seen_a.get(id(a)), seen_b.get(id(b))
    if ka is not None or kb is not None:
        if ka != kb:
            raise AssertionError('%s: sharing differs' % path)
        return
    seen_a[id(a)] = seen_b[id(b)] = len(seen_a)
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            raise AssertionError('%s: length %d != %d' % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, seen_a, seen_b, '%s[%d]' % (path, i))
    elif isinstance(a, dict):
        if list(map(repr, a)) != list(map(repr, b)):
            raise AssertionError('%s: keys %r != %r' % (path, list(a)[:5], list(b)[:5]))
        for (k, x), y in zip(a.items(), b.values()):
            same(x, y, seen_a, seen_b, '%s[%r]' % (path, k))
    elif isinstance(a, (set, frozenset, bytearray)):
        if a != b:
            raise AssertionError('%s: %r != %r' % (path, a, b))
    else:
        raise AssertionError('%s: unexpected type %s' % (path, type(a)))


def main():
    ap = argparse.ArgumentParser()
    _cli.add_arguments(ap)
    ap.add_argument('--fixtures')
    ap.add_argument('--build')
    ap.add_argument('--cases', type=int, default=150)
    args = ap.parse_args()
    sys.setrecursionlimit(100000)
    rng = random.Random(20261201)
    failures = 0
    checked = 0
    redumps = 0
    with tempfile.TemporaryDirectory() as tmp, _cli.Cli.from_args(args) as cli:
        for case in range(args.cases):
            obj = random_value(rng, 4, [])
            for proto in range(6):
                path = os.path.join(tmp, 'case%d.p%d.pkl' % (case, proto))
                with open(path, 'wb') as f:
                    f.write(pickle.dumps(obj, protocol=proto))
                r = cli.run(['json', path])
                if r.returncode != 0:
                    print('FAIL case %d protocol %d: exit %d: %s' % (case, proto, r.returncode, r.stderr.decode()))
                    failures += 1
                    continue
                try:
                    same(obj, decode(r.stdout.decode()), {}, {}, 'root')
                except (AssertionError, KeyError, ValueError, TypeError, IndexError) as e:
                    print('FAIL case %d protocol %d: %s' % (case, proto, e))
                    failures += 1
                checked += 1
                loaded = pickle.loads(open(path, 'rb').read())
                for out_proto in range(6):
                    want = pickle.dumps(loaded, protocol=out_proto)
                    r = cli.run(['recode', '--protocol', out_proto, path, '-'])
                    redumps += 1
                    if r.returncode != 0 or r.stdout != want:
                        failures += 1
                        where = next((i for i in range(min(len(want), len(r.stdout)))
                                      if want[i] != r.stdout[i]), min(len(want), len(r.stdout)))
                        print('FAIL case %d protocol %d re-dumped at %d: exit %d, first difference at byte %d: %s'
                              % (case, proto, out_proto, r.returncode, where, r.stderr.decode()[:200]))
    print('%d pickles loaded, %d re-dumps compared, %d failures' % (checked, redumps, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
