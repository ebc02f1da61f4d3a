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
from _graphs import random_value

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
