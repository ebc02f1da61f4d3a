#!/usr/bin/env python3
"""Live interop for multi-threaded compression: `picklejar recode --joblib --threads N` output
is read by joblib.load, and by the codec's own Python module, as the same data.

joblib.dump writes a graph holding several MiB of arrays (so every codec's output has many
chunks: 1 MiB deflate chunks, 1.8 MB bz2 streams at level 9, xz blocks at preset 1); picklejar
recodes it with zlib, gzip, bz2 and xz on 2 and 3 threads. Checks:
  - joblib.load(OUT) equals joblib.load(IN), array for array (in a child process with a timeout:
    joblib 1.2 loops forever on a second gzip member, so a hang is a failure, not a stuck test);
  - zlib/gzip: zlib.decompressobj reads ONE stream ending exactly at the end of the file; the bytes
    it gives are what joblib.dump writes uncompressed (gzip.decompress, bz2.decompress and
    lzma.decompress agree too);
  - --threads 1 writes the very bytes joblib.dump writes with that compressor.

Run by CTest with Debian's /usr/bin/python3: joblib_threads.py --cli build/bin/picklejar ...
"""
import argparse
import bz2
import gzip
import lzma
import os
import subprocess
import sys
import tempfile
import zlib

import joblib
import numpy as np

LOAD_AND_COMPARE = r'''
import sys, joblib, numpy as np
a = joblib.load(sys.argv[1]); b = joblib.load(sys.argv[2])
assert sorted(a) == sorted(b), (sorted(a), sorted(b))
for k in a:
    if isinstance(a[k], np.ndarray):
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape, k
        assert np.array_equal(a[k], b[k]), k
    else:
        assert a[k] == b[k], k
'''


def graph():
    g = np.random.default_rng(12)
    return {
        'weights': np.cumsum(g.normal(size=700_000)).round(3),      # 5.6 MB, compressible
        'noise': g.random(200_000, dtype=np.float32),               # 0.8 MB, barely compressible
        'ids': np.arange(300_000, dtype=np.int64) * 7,
        'names': ['feature_%d' % i for i in range(2000)],
        'name': 'model',
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli', required=True)
    ap.add_argument('--cli-batch')  # unused: few command lines, each its own process (threads)
    ap.add_argument('--fixtures')
    ap.add_argument('--build')
    args = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'in.joblib')
        joblib.dump(graph(), src)
        plain = open(src, 'rb').read()
        for codec, level in [('zlib', 3), ('gzip', 3), ('bz2', 9), ('xz', 1)]:
            ref = os.path.join(tmp, 'ref.' + codec)
            joblib.dump(joblib.load(src), ref, compress=(codec, level))
            for threads in (1, 2, 3):
                out = os.path.join(tmp, 'out.%s.%d' % (codec, threads))
                cmd = [args.cli, 'recode', '--joblib', '--compress', '%s:%d' % (codec, level),
                       '--threads', str(threads), src, out]
                r = subprocess.run(cmd, capture_output=True)
                what = '%s level %d, %d threads' % (codec, level, threads)
                if r.returncode != 0:
                    failures.append('%s: recode failed: %s' % (what, r.stderr.decode()))
                    continue
                data = open(out, 'rb').read()
                if threads == 1 and data != open(ref, 'rb').read():
                    failures.append('%s: not the bytes joblib.dump writes' % what)
                try:
                    subprocess.run([sys.executable, '-c', LOAD_AND_COMPARE, src, out], check=True, timeout=120,
                                   capture_output=True)
                except subprocess.TimeoutExpired:
                    failures.append('%s: joblib.load did not finish in 120 s' % what)
                except subprocess.CalledProcessError as e:
                    failures.append('%s: joblib.load differs: %s' % (what, e.stderr.decode()[-2000:]))
                if codec in ('zlib', 'gzip'):
                    d = zlib.decompressobj(31 if codec == 'gzip' else 15)
                    body = d.decompress(data)
                    if not d.eof or d.unused_data:
                        failures.append('%s: not exactly one %s stream' % (what, codec))
                    if body != plain:
                        failures.append('%s: zlib.decompressobj gives other bytes' % what)
                decode = {'zlib': zlib.decompress, 'gzip': gzip.decompress, 'bz2': bz2.decompress,
                          'xz': lzma.decompress}[codec]
                if decode(data) != plain:
                    failures.append('%s: %s.decompress gives other bytes' % (what, decode.__module__))
                print('%-26s %9d bytes (joblib.dump: %d)' % (what, len(data), os.path.getsize(ref)))
    for f in failures:
        print('FAIL', f)
    print('joblib_threads: %d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
