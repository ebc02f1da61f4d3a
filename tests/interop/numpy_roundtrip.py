#!/usr/bin/env python3
"""Live interop with numpy: numpy writes random arrays, `picklejar recode` re-dumps them.

For seeded random numpy values (arrays of every dtype class: bool, signed and unsigned ints, float16
to longdouble, complex, datetime64/timedelta64 with units, bytes, str, void, structured with
offsets, titles, alignment, subarray and object fields, object arrays; C and Fortran order,
non-contiguous views, 0-d, empty and > 64 KiB arrays, big-endian data, numpy.matrix and
numpy.recarray, shared arrays and dtypes, numpy scalars), pickled by numpy at every protocol 0-5:

- `picklejar recode --protocol N` of each file, for every N in 0-5, must give exactly the bytes of
  numpy's own `pickle.dumps(pickle.loads(file), N)`, and `pickle.loads` of our output must equal
  what numpy loads from the file: same type, dtype (byte order included), shape, memory order
  (flags.c_contiguous / f_contiguous), writeable flag, np.array_equal (NaN equal NaN) and identical
  bytes;
- protocol 5 out-of-band: numpy writes the arrays with a buffer_callback, `picklejar recode
  --buffers-in DIR --buffers-out DIR2 --protocol 5` must give the bytes and buffers numpy gives for
  `pickle.dumps(pickle.loads(file, buffers=...), 5, buffer_callback=lambda b: False)`, and
  `picklejar recode --buffers-in DIR --protocol N` (0-4, in-band) numpy's in-band re-dump.

Run by CTest with Debian's /usr/bin/python3 (numpy 1.24): numpy_roundtrip.py --cli build/bin/picklejar ...
"""
import argparse
import os
import pickle
import sys
import tempfile

import numpy as np

import _cli

# ---- random values ---------------------------------------------------------------------------

INT_KINDS = ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]
FLOAT_KINDS = ["f2", "f4", "f8", "g"]
COMPLEX_KINDS = ["c8", "c16"]
DATETIME_UNITS = ["", "[ns]", "[us]", "[ms]", "[s]", "[2s]", "[15m]", "[h]", "[D]", "[W]", "[M]", "[Y]"]


def pick(rng, seq):
    return seq[rng.randint(len(seq))]


def order_prefix(rng, kind):
    return pick(rng, ["<", "<", ">"]) if kind not in ("b1", "i1", "u1") else "|"


def random_shape(rng):
    kind = rng.randint(10)
    if kind == 0:
        return ()
    if kind == 1:
        return tuple(int(x) for x in pick(rng, [(0,), (0, 3), (3, 0), (2, 0, 2)]))
    if kind == 2:
        return (int(rng.randint(9000, 12000)),)  # > 64 KiB of data for 8-byte types: outside frames
    nd = int(rng.randint(1, 4))
    return tuple(int(rng.randint(1, 6)) for _ in range(nd))


def random_numbers(rng, dtype, shape):
    n = int(np.prod(shape)) if shape else 1
    k = dtype.kind
    if k == "b":
        v = rng.randint(0, 2, size=n).astype(bool)
    elif k in "iu":
        info = np.iinfo(dtype)
        v = rng.randint(0, 256, size=n * dtype.itemsize).astype(np.uint8).view(dtype.newbyteorder("="))[:n]
        v = np.concatenate([v[: max(n - 2, 0)], np.array([info.min, info.max], dtype=dtype.newbyteorder("="))])[:n]
    elif k == "f":
        v = (rng.standard_normal(n) * 10 ** rng.randint(-5, 6)).astype(dtype.newbyteorder("="))
        if n >= 4:
            v[:4] = [np.nan, np.inf, -0.0, -np.inf]
    elif k == "c":
        v = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dtype.newbyteorder("="))
        if n >= 2:
            v[:2] = [complex(np.nan, 1), complex(-0.0, np.inf)]
    elif k in "Mm":
        v = rng.randint(-10 ** 6, 10 ** 6, size=n).astype("i8")
        if n >= 2:
            v[1] = np.iinfo("i8").min  # NaT
        v = v.view(dtype.newbyteorder("="))
    else:
        raise AssertionError(k)
    return v.astype(dtype).reshape(shape)


def random_simple_dtype(rng):
    c = rng.randint(7)
    if c == 0:
        return np.dtype("?")
    if c == 1:
        k = pick(rng, INT_KINDS)
        return np.dtype(order_prefix(rng, k) + k)
    if c == 2:
        k = pick(rng, FLOAT_KINDS)
        return np.dtype(order_prefix(rng, k) + k)
    if c == 3:
        k = pick(rng, COMPLEX_KINDS)
        return np.dtype(order_prefix(rng, k) + k)
    if c == 4:
        return np.dtype(order_prefix(rng, "M8") + pick(rng, ["M8", "m8"]) + pick(rng, DATETIME_UNITS))
    if c == 5:
        return np.dtype(pick(rng, ["S", "V"]) + str(rng.randint(1, 9)))
    return np.dtype(order_prefix(rng, "U") + "U" + str(rng.randint(1, 6)))


def has_longdouble(dtype):
    if dtype.subdtype is not None:
        return has_longdouble(dtype.subdtype[0])
    if dtype.names is not None:
        return any(has_longdouble(dtype.fields[n][0]) for n in dtype.names)
    return dtype.kind in "fc" and dtype.itemsize >= 16 and dtype.itemsize == np.dtype("g").itemsize * (1 + (dtype.kind == "c"))


def random_structured_dtype(rng, allow_object=True):
    while True:
        dt = random_structured_dtype1(rng, allow_object)
        # numpy loads a structured array with object fields by setting each element into new,
        # uninitialised memory: a longdouble field's 6 padding bytes are then whatever memory held,
        # and its re-dump (which reads them back) is not reproducible, not even by numpy.
        if not (dt.hasobject and has_longdouble(dt)):
            return dt


def random_structured_dtype1(rng, allow_object=True):
    nfields = int(rng.randint(1, 5))
    names, formats, titles = [], [], []
    for i in range(nfields):
        names.append("f%d" % i)
        r = rng.randint(10)
        if r == 0 and allow_object:
            formats.append(np.dtype("O"))
        elif r == 1:
            formats.append(np.dtype((random_simple_dtype(rng), (2, int(rng.randint(1, 4))))))
        elif r == 2:
            formats.append(random_structured_dtype(rng, allow_object))
        else:
            formats.append(random_simple_dtype(rng))
        titles.append("T%d" % i if rng.randint(4) == 0 else None)
    spec = {"names": names, "formats": formats}
    if any(titles):
        spec["titles"] = titles
    if rng.randint(3) == 0:
        offsets, off = [], 0
        for f in formats:
            off += int(rng.randint(0, 3))
            offsets.append(off)
            off += f.itemsize
        spec["offsets"] = offsets
        spec["itemsize"] = off + int(rng.randint(0, 4))
        return np.dtype(spec)
    return np.dtype(spec, align=bool(rng.randint(2)))


def random_object(rng, depth=2):
    r = rng.randint(7)
    if r == 0 or depth == 0:
        return int(rng.randint(-1000, 1000))
    if r == 1:
        return None
    if r == 2:
        return "".join(pick(rng, list("ab\xe9\u20ac\U0001F600")) for _ in range(int(rng.randint(0, 4))))
    if r == 3:
        return float(rng.standard_normal())
    if r == 4:
        return [random_object(rng, depth - 1) for _ in range(int(rng.randint(0, 3)))]
    if r == 5:
        return (random_object(rng, depth - 1), b"x")
    return {"k": random_object(rng, depth - 1)}


def fill(rng, dtype, shape):
    """An array of `dtype` and `shape` with random contents: random numbers (with NaN, inf, -0.0,
    NaT, extremes), random objects for object fields (other fields zero), random bytes (padding
    included) for everything else."""
    if dtype.hasobject:
        a = np.zeros(shape, dtype=dtype)
        flat = a.reshape(-1)
        for i in range(flat.size):
            if dtype.names is None:
                flat[i] = random_object(rng)
            else:
                flat[i] = tuple(random_object(rng) if dtype.fields[n][0].hasobject and dtype.fields[n][0].names is None
                                and dtype.fields[n][0].subdtype is None else flat[i][n] for n in dtype.names)
        return a
    if dtype.kind in "biufcmM" and dtype.names is None:
        return random_numbers(rng, dtype, shape)
    n = int(np.prod(shape)) if shape else 1
    raw = rng.randint(0, 256, size=n * dtype.itemsize).astype(np.uint8).tobytes()
    if dtype.kind == "U":  # valid code points only
        raw = np.array(rng.randint(0x20, 0x2FF, size=n * dtype.itemsize // 4), dtype="<u4").astype(
            dtype.byteorder.replace("|", "<").replace("=", "<") + "u4").tobytes()
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def random_array(rng):
    r = rng.randint(12)
    if r == 0:
        dtype = np.dtype("O")
    elif r in (1, 2):
        dtype = random_structured_dtype(rng)
    else:
        dtype = random_simple_dtype(rng)
    shape = random_shape(rng)
    if dtype.itemsize > 16 and shape and shape[0] > 1000:
        shape = (50,)
    if dtype.hasobject and shape and shape[0] > 1000:
        shape = (30,)
    a = fill(rng, dtype, shape)
    layout = rng.randint(6)
    if layout == 0 and a.ndim >= 2:
        a = np.asfortranarray(a)
    elif layout == 1 and a.ndim >= 1 and a.shape[0] > 2:
        a = a[:: int(rng.randint(2, 4))]  # non-contiguous view
    elif layout == 2 and a.ndim >= 2:
        a = a.T  # Fortran-contiguous view
    elif layout == 3 and a.ndim == 2 and dtype.names is None and not dtype.hasobject and rng.randint(2):
        a = np.matrix(a)
    elif layout == 4 and dtype.names is not None and not dtype.hasobject and a.ndim >= 1:
        a = a.view(np.recarray)
    if rng.randint(5) == 0 and isinstance(a, np.ndarray) and a.flags.forc:
        a.flags.writeable = False
    return a


def random_scalar(rng):
    dtype = random_simple_dtype(rng)
    if dtype.kind == "V" and rng.randint(2):
        dtype = random_structured_dtype(rng, allow_object=False)
    return fill(rng, dtype, ()).reshape(1)[0]


def random_value(rng):
    r = rng.randint(5)
    if r <= 1:
        return random_array(rng)
    if r == 2:
        a = random_array(rng)
        b = random_array(rng)
        return [a, b, a, {"again": b}]  # shared arrays
    if r == 3:
        dt = random_structured_dtype(rng, allow_object=False)
        shape = (int(rng.randint(1, 4)),)
        return [fill(rng, dt, shape), fill(rng, dt, shape), dt, np.arange(3.0), np.ones(2)]  # shared dtypes
    return [random_scalar(rng) for _ in range(int(rng.randint(1, 5)))] + [np.arange(2.0), np.float64(1.5)]


# ---- comparison --------------------------------------------------------------------------------

def same(a, b, path="root"):
    if type(a) is not type(b):
        raise AssertionError("%s: type %s != %s" % (path, type(a).__name__, type(b).__name__))
    if isinstance(a, np.ndarray):
        if a.dtype != b.dtype or a.dtype.str != b.dtype.str or a.dtype.descr != b.dtype.descr:
            raise AssertionError("%s: dtype %r != %r" % (path, a.dtype, b.dtype))
        if a.shape != b.shape:
            raise AssertionError("%s: shape %r != %r" % (path, a.shape, b.shape))
        for flag in ("c_contiguous", "f_contiguous", "writeable"):
            if getattr(a.flags, flag) != getattr(b.flags, flag):
                raise AssertionError("%s: flags.%s differs" % (path, flag))
        if a.dtype.hasobject:
            same(a.tolist(), b.tolist(), path)
            return
        if a.tobytes(order="A") != b.tobytes(order="A"):
            raise AssertionError("%s: element bytes differ" % path)
        if a.dtype.names is None and a.dtype.kind in "biufc" and a.dtype.itemsize <= 16:
            if not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
                raise AssertionError("%s: np.array_equal is False" % path)
    elif isinstance(a, np.generic):
        if a.dtype != b.dtype or a.tobytes() != b.tobytes():
            raise AssertionError("%s: scalar %r != %r" % (path, a, b))
    elif isinstance(a, np.dtype):
        if a != b or a.str != b.str:
            raise AssertionError("%s: dtype %r != %r" % (path, a, b))
    elif isinstance(a, (list, tuple)):
        if len(a) != len(b):
            raise AssertionError("%s: length" % path)
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, "%s[%d]" % (path, i))
    elif isinstance(a, dict):
        if list(a) != list(b):
            raise AssertionError("%s: keys" % path)
        for k in a:
            same(a[k], b[k], "%s[%r]" % (path, k))
    elif isinstance(a, float) and a != a:
        if b == b:
            raise AssertionError("%s: nan != %r" % (path, b))
    elif a != b:
        raise AssertionError("%s: %r != %r" % (path, a, b))


def same_values(a, b, path="root"):
    """The array values agree: type, dtype up to byte order (numpy loads _reconstruct data in native
    order), shape, Fortran order of 2+-D arrays that are not also C-contiguous, np.array_equal."""
    if isinstance(a, np.ndarray):
        if type(a) is not type(b) or a.shape != b.shape:
            raise AssertionError("%s: type or shape differs" % path)
        if a.dtype.newbyteorder("=") != b.dtype.newbyteorder("=") and a.dtype != b.dtype:
            raise AssertionError("%s: dtype %r != %r" % (path, a.dtype, b.dtype))
        if a.flags.f_contiguous != b.flags.f_contiguous and (a.flags.c_contiguous or a.flags.f_contiguous):
            raise AssertionError("%s: flags.f_contiguous differs" % path)
        if a.dtype.hasobject:
            same(a.tolist(), b.tolist(), path)
        elif a.dtype.names is None and a.dtype.kind in "mM":  # NaT != NaT: compare the int64 values
            if not np.array_equal(a.astype("<i8"), b.astype("<i8")):
                raise AssertionError("%s: datetime values differ" % path)
        elif a.dtype.names is None and a.dtype.kind in "biufcSU":
            if not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
                raise AssertionError("%s: np.array_equal is False" % path)
        elif a.dtype == b.dtype and a.tobytes() != b.tobytes():  # structured, void: C-order bytes
            raise AssertionError("%s: element bytes differ" % path)
    elif isinstance(a, (list, tuple)):
        for i, (x, y) in enumerate(zip(a, b)):
            same_values(x, y, "%s[%d]" % (path, i))
    elif isinstance(a, dict):
        for k in a:
            same_values(a[k], b[k], "%s[%r]" % (path, k))
    else:
        same(a, b, path)


def sharing(v, seen=None, out=None):
    """The identity pattern of the arrays and dtypes inside v (which positions are one object)."""
    seen = {} if seen is None else seen
    out = [] if out is None else out
    if isinstance(v, (np.ndarray, np.dtype)):
        out.append(seen.setdefault(id(v), len(seen)))
        if isinstance(v, np.ndarray):
            out.append(seen.setdefault(id(v.dtype), len(seen)))
    elif isinstance(v, (list, tuple)):
        for x in v:
            sharing(x, seen, out)
    elif isinstance(v, dict):
        for x in v.values():
            sharing(x, seen, out)
    return out


def first_difference(a, b):
    return next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))


# ---- the checks --------------------------------------------------------------------------------

class Run:
    def __init__(self, cli, tmp):
        self.cli, self.tmp = cli, tmp
        self.failures = 0
        self.recodes = 0
        self.loads = 0

    def fail(self, what):
        self.failures += 1
        print("FAIL " + what)

    def recode(self, path, proto, buffers_in=None, buffers_out=None):
        cmd = ["recode", "--protocol", str(proto)]
        if buffers_in is not None:
            cmd += ["--buffers-in", buffers_in]
        if buffers_out is not None:
            cmd += ["--buffers-out", buffers_out]
        r = self.cli.run(cmd + [path, "-"])
        self.recodes += 1
        return r

    def compare(self, label, r, want, loaded, buffers=None):
        """r: our recode; want: numpy's re-dump bytes; loaded: what numpy loaded from the source;
        buffers: the out-of-band buffers of both outputs (protocol 5 out-of-band)."""
        if r.returncode != 0:
            self.fail("%s: exit %d: %s" % (label, r.returncode, r.stderr.decode()[:300]))
            return
        if r.stdout != want:
            self.fail("%s: %d bytes, numpy %d, first difference at byte %d"
                      % (label, len(r.stdout), len(want), first_difference(r.stdout, want)))
        try:
            ours = pickle.loads(r.stdout, buffers=buffers)
            # Exactly what numpy's own re-dump loads as (dtype with byte order, flags, bytes, sharing) ...
            theirs = pickle.loads(want, buffers=buffers)
            same(theirs, ours)
            if sharing(theirs) != sharing(ours):
                raise AssertionError("sharing of arrays/dtypes differs")
            # ... and the same arrays as the source: np.array_equal, dtype, memory order.
            same_values(loaded, ours)
            self.loads += 1
        except Exception as e:  # noqa: BLE001 - any failure is reported
            self.fail("%s: loading our output: %s: %s" % (label, type(e).__name__, e))

    def inband(self, case, value):
        for proto in range(6):
            data = pickle.dumps(value, proto)
            path = os.path.join(self.tmp, "case%d.p%d.pkl" % (case, proto))
            with open(path, "wb") as f:
                f.write(data)
            loaded = pickle.loads(data)
            for out in range(6):
                want = pickle.dumps(loaded, out)
                self.compare("case %d protocol %d -> %d" % (case, proto, out), self.recode(path, out), want, loaded)

    def out_of_band(self, case, value):
        bufs = []
        data = pickle.dumps(value, 5, buffer_callback=lambda b: bufs.append(b) or False)
        if not bufs:
            return
        raw = [bytes(b.raw()) for b in bufs]
        src = os.path.join(self.tmp, "oob%d" % case)
        dst = os.path.join(self.tmp, "oob%d.out" % case)
        os.makedirs(src)
        os.makedirs(dst)
        for i, b in enumerate(raw):
            with open(os.path.join(src, "%d.bin" % i), "wb") as f:
                f.write(b)
        path = os.path.join(src, "data.pkl")
        with open(path, "wb") as f:
            f.write(data)
        loaded = pickle.loads(data, buffers=[bytearray(b) for b in raw])  # as --buffers-in gives them

        out_bufs = []
        want = pickle.dumps(loaded, 5, buffer_callback=lambda b: out_bufs.append(b) or False)
        want_raw = [bytes(b.raw()) for b in out_bufs]
        r = self.recode(path, 5, buffers_in=src, buffers_out=dst)
        got_raw = []
        i = 0
        while os.path.exists(os.path.join(dst, "%d.bin" % i)):
            with open(os.path.join(dst, "%d.bin" % i), "rb") as f:
                got_raw.append(f.read())
            i += 1
        if r.returncode == 0 and got_raw != want_raw:
            self.fail("case %d out-of-band: %d buffers, numpy %d (or contents differ)" % (case, len(got_raw), len(want_raw)))
        self.compare("case %d out-of-band -> 5 out-of-band" % case, r, want, loaded,
                     buffers=[bytearray(b) for b in got_raw])
        for out in range(5):
            self.compare("case %d out-of-band -> %d" % (case, out), self.recode(path, out, buffers_in=src),
                         pickle.dumps(loaded, out), loaded)
        self.compare("case %d out-of-band -> 5 in-band" % case, self.recode(path, 5, buffers_in=src),
                     pickle.dumps(loaded, 5), loaded)


def main():
    ap = argparse.ArgumentParser()
    _cli.add_arguments(ap)
    ap.add_argument("--fixtures")
    ap.add_argument("--build")
    ap.add_argument("--cases", type=int, default=60)
    ap.add_argument("--seed", type=int, default=20261201)
    args = ap.parse_args()
    rng = np.random.RandomState(args.seed)
    with tempfile.TemporaryDirectory() as tmp, _cli.Cli.from_args(args) as cli:
        run = Run(cli, tmp)
        for case in range(args.cases):
            value = random_value(rng)
            run.inband(case, value)
            run.out_of_band(case, value)
    print("%d cases, %d recodes compared with numpy, %d outputs loaded back, %d failures"
          % (args.cases, run.recodes, run.loads, run.failures))
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
