#!/usr/bin/env python3
"""Live interop with joblib: joblib writes, picklejar reads; picklejar writes, joblib reads.

For seeded random object graphs holding numpy arrays (many dtypes, byte orders, layouts, object
arrays, matrices, shared arrays, numpy scalars) and builtin values:

1. joblib.dump writes each graph with every compressor (none, zlib, gzip, bz2, lzma, xz, lz4) at a
   random level and protocol. `picklejar json` and `picklejar show` load the file (exit 0), and
   `picklejar recode --protocol 2 IN -` writes exactly pickle.dumps(joblib.load(IN), protocol=2).
2. `picklejar recode --joblib --protocol P --compress SPEC IN OUT` writes what
   joblib.dump(joblib.load(IN), OUT, compress=SPEC, protocol=P) writes (the same bytes once
   decompressed; compressed bytes identical too are counted, not required), and joblib.load(OUT)
   gives back equal contents, also with mmap_mode='r' for uncompressed output.
3. Without --compress, or with a bare level, OUT's extension chooses the codec as joblib does.

Structured arrays with padding bytes are left out: joblib.load leaves their padding uninitialised,
so pickle.dumps(joblib.load(f)) is not repeatable (fixtures/joblib/README.md).

Run by CTest with Debian's /usr/bin/python3: joblib_roundtrip.py --cli build/bin/picklejar ...
"""
import argparse
import bz2
import io
import lzma
import math
import os
import pickle
import random
import sys
import tempfile
import warnings
import zlib

import joblib
import numpy as np

import _cli

try:
    import lz4.frame
except ImportError:  # joblib then cannot write lz4 either
    lz4 = None

CODECS = ['none', 'zlib', 'gzip', 'bz2', 'lzma', 'xz'] + (['lz4'] if lz4 else [])
MAGICS = [('zlib', b'\x78'), ('gzip', b'\x1f\x8b'), ('bz2', b'BZ'), ('lzma', b'\x5d\x00'),
          ('xz', b'\xfd7zXZ'), ('lz4', b'\x04\x22\x4d\x18')]

PLAIN_DTYPES = ['|b1', '|i1', '|u1', '<i2', '>i2', '<u2', '<i4', '>i4', '<u4', '<i8', '>i8', '<u8', '<f2', '>f2',
                '<f4', '>f4', '<f8', '>f8', '<c8', '>c16', '<c16', '|S3', '<U2', '>U3', '|V4', '<M8[ns]',
                '>M8[D]', '<m8[s]', '<M8']


def codec_of(data):
    for name, magic in MAGICS:
        if data.startswith(magic):
            return name
    return 'none'


def decompress(data):
    codec = codec_of(data)
    if codec == 'zlib':
        return zlib.decompress(data)
    if codec == 'gzip':
        return zlib.decompress(data, 31)
    if codec == 'bz2':
        return bz2.decompress(data)
    if codec in ('lzma', 'xz'):
        return lzma.decompress(data)
    if codec == 'lz4':
        return lz4.frame.decompress(data)
    return data


def random_array(rng, depth):
    kind = rng.randrange(10)
    shape = rng.choice([(), (0,), (1,), (5,), (3, 4), (2, 3, 2), (0, 3), (300,)])
    n = int(np.prod(shape)) if shape else 1
    if kind == 0 and depth > 0:  # object array: atoms and arrays
        a = np.empty(n, dtype=object)
        for i in range(n):
            a[i] = random_array(rng, depth - 1) if rng.random() < 0.2 else random_atom(rng)
        return a.reshape(shape)
    if kind == 1:  # structured, no padding; sometimes every field big-endian (joblib swaps those)
        order = rng.choice('<>')
        fields = [('a', order + 'i4'), ('b', order + 'f8')]
        if rng.random() < 0.5:
            fields.append(('c', '|S2' if rng.random() < 0.5 else order + 'c8'))
        dt = np.dtype(fields)
        raw = bytes(rng.randrange(256) for _ in range(n * dt.itemsize))
        return np.frombuffer(raw, dtype=dt).copy().reshape(shape)
    if kind == 2:
        return np.matrix(np.arange(6, dtype=rng.choice(['<i8', '<f8', '>f4'])).reshape(2, 3))
    dt = np.dtype(rng.choice(PLAIN_DTYPES))
    if dt.kind in 'SUV':
        raw = bytes(rng.choice(b'abc\x00\xe9') for _ in range(n * dt.itemsize))
        if dt.kind == 'U':
            chars = ''.join(rng.choice('ab\xe9\u20ac\U0001F600') for _ in range(n * (dt.itemsize // 4)))
            raw = chars.encode('utf-32-be' if dt.byteorder == '>' else 'utf-32-le')
        a = np.frombuffer(raw, dtype=dt).copy().reshape(shape)
    elif dt.kind == 'b':
        a = np.array([rng.random() < 0.5 for _ in range(n)], dtype=dt).reshape(shape)
    elif dt.kind in 'Mm':
        a = np.array([rng.randrange(-2**40, 2**40) for _ in range(n)], dtype=dt.byteorder + 'i8').view(dt)
        a = a.reshape(shape)
    elif dt.kind == 'f' and dt.itemsize == 2:
        a = np.array([rng.uniform(-100, 100) for _ in range(n)]).astype(dt).reshape(shape)
    else:
        # Random bytes: every bit pattern (NaN payloads, subnormals) must survive.
        raw = bytes(rng.randrange(256) for _ in range(n * dt.itemsize))
        a = np.frombuffer(raw, dtype=dt).copy().reshape(shape)
    r = rng.random()
    if r < 0.2 and a.ndim >= 2:
        a = np.asfortranarray(a)
    elif r < 0.3 and a.ndim >= 1 and a.shape[0] > 2:
        a = a[::2]  # a strided view: written in C order
    elif r < 0.35 and a.ndim >= 2:
        a = a.T
    return a


def random_atom(rng):
    kind = rng.randrange(8)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randrange(-(1 << rng.choice([7, 31, 63, 100])), 1 << 62)
    if kind == 3:
        return rng.choice([0.0, -0.0, 1.5, math.inf, rng.uniform(-1e6, 1e6)])
    if kind == 4:
        return ''.join(rng.choice('ab \xe9\u20ac\U0001F600') for _ in range(rng.choice([0, 1, 5, 70])))
    if kind == 5:
        return bytes(rng.randrange(256) for _ in range(rng.choice([0, 3, 40])))
    if kind == 6:
        return rng.choice([np.float64(rng.random()), np.int64(rng.randrange(-99, 99)), np.bool_(True),
                           np.float32(0.5), np.complex128(1 - 2j), np.dtype(rng.choice(PLAIN_DTYPES))])
    return rng.randrange(-1000, 1000)


def random_value(rng, depth, pool):
    r = rng.random()
    if depth <= 0 or r < 0.25:
        if pool and rng.random() < 0.15:
            return rng.choice(pool)  # a shared reference (arrays too: joblib writes each occurrence)
        return random_array(rng, 1) if rng.random() < 0.5 else random_atom(rng)
    n = rng.choice([0, 1, 2, 3, 6])
    kind = rng.randrange(4)
    if kind == 0:
        v = [random_value(rng, depth - 1, pool) for _ in range(n)]
    elif kind == 1:
        v = tuple(random_value(rng, depth - 1, pool) for _ in range(n))
    elif kind == 2:
        v = {rng.choice(['k', 'x', 'caf\xe9', 'arr']) + str(i): random_value(rng, depth - 1, pool) for i in range(n)}
    else:
        v = {rng.choice(['a', 'b', 'c', 'dd']) + str(i) for i in range(n)}
    pool.append(v)
    return v


def same(a, b, path='root', mmap=False):
    """Equal contents: exact types (a memmap may stand for an ndarray when mmap), arrays by class,
    dtype, shape and bytes (object arrays element by element), NaN == NaN."""
    if mmap and isinstance(b, np.memmap) and type(a) is np.ndarray:
        b = np.asarray(b)
    if type(a) is not type(b):
        raise AssertionError('%s: type %s != %s' % (path, type(a).__name__, type(b).__name__))
    if isinstance(a, np.ndarray):
        if a.dtype != b.dtype or a.dtype.str != b.dtype.str or a.shape != b.shape:
            raise AssertionError('%s: %s%s != %s%s' % (path, a.dtype.str, a.shape, b.dtype.str, b.shape))
        if a.dtype.hasobject:
            for i, (x, y) in enumerate(zip(a.ravel(), b.ravel())):
                same(x, y, '%s.flat[%d]' % (path, i), mmap)
        elif a.tobytes() != b.tobytes():
            raise AssertionError('%s: array data differs' % path)
        return
    if isinstance(a, np.dtype):
        if a != b or a.str != b.str:
            raise AssertionError('%s: dtype %r != %r' % (path, a, b))
        return
    if isinstance(a, np.generic):
        if a.dtype != b.dtype or a.tobytes() != b.tobytes():
            raise AssertionError('%s: scalar %r != %r' % (path, a, b))
        return
    if isinstance(a, float):
        if not ((math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))):
            raise AssertionError('%s: %r != %r' % (path, a, b))
        return
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            raise AssertionError('%s: length %d != %d' % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, '%s[%d]' % (path, i), mmap)
        return
    if isinstance(a, dict):
        if list(a) != list(b):
            raise AssertionError('%s: keys differ' % path)
        for k in a:
            same(a[k], b[k], '%s[%r]' % (path, k), mmap)
        return
    if a != b:
        raise AssertionError('%s: %r != %r' % (path, a, b))


def first_difference(a, b):
    return next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))


class Run:
    def __init__(self, cli):
        self.cli = cli
        self.failures = 0
        self.counts = {}

    def count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n

    def fail(self, where, what):
        self.failures += 1
        print('FAIL %s: %s' % (where, what))

    def cli_run(self, args):
        return self.cli.run(args)


def jl_dump(obj, path, compress, protocol):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        joblib.dump(obj, path, compress=compress, protocol=protocol)
    with open(path, 'rb') as f:
        return f.read()


def jl_load(path, mmap_mode=None):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return joblib.load(path, mmap_mode=mmap_mode)


def check_file(run, tmp, where, path, protocol, codec, level):
    """picklejar reads what joblib wrote; then writes it back for joblib."""
    for cmd in ('json', 'show'):
        r = run.cli_run([cmd, path])
        if r.returncode != 0:
            run.fail(where, '%s: exit %d: %s' % (cmd, r.returncode, r.stderr.decode()[:300]))
            return
        run.count('files loaded by `picklejar %s`' % cmd)
    loaded = jl_load(path)
    want = pickle.dumps(loaded, protocol=2)
    r = run.cli_run(['recode', '--protocol', '2', path, '-'])
    run.count('protocol 2 re-dumps compared')
    if r.returncode != 0 or r.stdout != want:
        run.fail(where, 'recode --protocol 2: exit %d, first difference at byte %d of %d: %s'
                 % (r.returncode, first_difference(r.stdout, want), len(want), r.stderr.decode()[:300]))

    # picklejar writes a joblib file; joblib must read it back.
    spec = [] if codec == 'none' else ['--compress', codec if level is None else '%s:%d' % (codec, level)]
    out = os.path.join(tmp, 'ours.joblib')
    r = run.cli_run(['recode', '--joblib', '--protocol', str(protocol)] + spec + [path, out])
    if r.returncode != 0:
        run.fail(where, 'recode --joblib: exit %d: %s' % (r.returncode, r.stderr.decode()[:300]))
        return
    with open(out, 'rb') as f:
        ours = f.read()
    compress = 0 if codec == 'none' else (codec if level is None else (codec, level))
    theirs = jl_dump(loaded, os.path.join(tmp, 'theirs.joblib'), compress, protocol)
    run.count('joblib re-dumps compared')
    if codec_of(ours) != codec:
        run.fail(where, 'recode --joblib wrote %s, not %s' % (codec_of(ours), codec))
    elif decompress(ours) != decompress(theirs):
        a, b = decompress(ours), decompress(theirs)
        run.fail(where, 'recode --joblib: (decompressed) first difference at byte %d of %d'
                 % (first_difference(a, b), len(b)))
    if codec != 'none':
        run.count('compressed re-dumps compared')
        if ours == theirs:
            run.count('compressed re-dumps byte-identical to joblib\'s (same compression libraries)')
    try:
        same(loaded, jl_load(out))
        run.count('joblib.load of picklejar output: equal contents')
        if codec == 'none':
            same(loaded, jl_load(out, mmap_mode='r'), mmap=True)
            run.count("joblib.load(mmap_mode='r') of picklejar output: equal contents")
    except Exception as e:  # noqa: BLE001 (joblib's own errors too)
        run.fail(where, 'joblib.load of picklejar output: %s: %s' % (type(e).__name__, e))


def check_extensions(run, tmp, obj):
    """OUT's extension picks the codec as joblib.dump(obj, OUT, compress=...) does."""
    src = os.path.join(tmp, 'ext_src.joblib')
    jl_dump(obj, src, 0, 4)
    loaded = jl_load(src)
    cases = [('x.gz', None, 0), ('x.z', None, 0), ('x.bz2', None, 0), ('x.xz', None, 0), ('x.lzma', None, 0),
             ('x.pkl', None, 0), ('x.bz2', '3', 3), ('x.gz', '0', 0), ('x.pkl', '5', 5), ('x.gz', 'bz2:2', ('bz2', 2)),
             ('x.xz', 'zlib', 'zlib')]
    if lz4:
        cases.append(('x.lz4', None, 0))
    for name, spec, compress in cases:
        out = os.path.join(tmp, 'ours_' + name)
        r = run.cli_run(['recode', '--joblib'] + ([] if spec is None else ['--compress', spec]) + [src, out])
        theirs = jl_dump(loaded, os.path.join(tmp, 'theirs_' + name), compress, None)
        run.count('extension rules compared')
        if r.returncode != 0:
            run.fail('extension %s %s' % (name, spec), 'exit %d: %s' % (r.returncode, r.stderr.decode()[:200]))
            continue
        with open(out, 'rb') as f:
            ours = f.read()
        if codec_of(ours) != codec_of(theirs) or decompress(ours) != decompress(theirs):
            run.fail('extension %s --compress %s' % (name, spec),
                     'picklejar wrote %s, joblib %s' % (codec_of(ours), codec_of(theirs)))


def main():
    ap = argparse.ArgumentParser()
    _cli.add_arguments(ap)
    ap.add_argument('--fixtures')
    ap.add_argument('--build')
    ap.add_argument('--cases', type=int, default=30)
    args = ap.parse_args()
    rng = random.Random(20261202)
    with tempfile.TemporaryDirectory() as tmp, _cli.Cli.from_args(args) as cli:
        run = Run(cli)
        for case in range(args.cases):
            obj = random_value(rng, 3, [])
            for codec in CODECS:
                protocol = rng.choice([2, 3, 4, 4, 5, 0, 1] if codec == 'none' else [2, 3, 4, 5])
                level = None
                if codec != 'none' and rng.random() < 0.8:
                    level = rng.randrange(1, 7 if codec in ('lzma', 'xz') else 10)
                path = os.path.join(tmp, 'case%d.%s.joblib' % (case, codec))
                compress = 0 if codec == 'none' else (codec if level is None else (codec, level))
                data = jl_dump(obj, path, compress, protocol)
                assert codec_of(data) == codec, (codec, data[:8])
                check_file(run, tmp, 'case %d %s level %s protocol %d' % (case, codec, level, protocol), path,
                           protocol, codec, level)
        check_extensions(run, tmp, {'a': np.arange(50.0), 'b': [1, 'x']})
    for what, n in sorted(run.counts.items()):
        print('%6d %s' % (n, what))
    print('%d failures' % run.failures)
    return 1 if run.failures else 0


if __name__ == '__main__':
    sys.exit(main())
