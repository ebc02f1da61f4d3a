"""Inert payloads for fixtures/scan/: opcodes assembled by hand, or Python's own pickler writing an
object whose __reduce__ names a callable. Nothing here ever calls what it names; the arguments are
harmless anyway (an echo, a path that does not exist, a closed local port)."""

import io
import marshal
import pickle
import struct

CMD = "echo picklejar-scan-test"


class Name:
    """A global written as (module, name) without importing it (NamePickler writes it)."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # save_reduce wants a callable; never called
        raise AssertionError("a payload name is never called")


class Reduce:
    """pickles as func(*args): func a real callable (written by its true module) or a Name."""

    def __init__(self, func, args):
        self.func, self.args = func, tuple(args)

    def __reduce__(self):
        return self.func, self.args

    def __call__(self, *args):  # a call's result can be called in turn; never called here
        raise AssertionError("a payload is never called")


class NamePickler(pickle._Pickler):
    """The pure-Python pickler (so save() can be intercepted) writing Names as globals."""

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, Name):
            self.write(glob(obj.module, obj.name, self.proto))
            return
        super().save(obj, save_persistent_id)


def dumps(obj, protocol):
    out = []
    for _ in range(2):
        f = io.BytesIO()
        NamePickler(f, protocol).dump(obj)
        out.append(f.getvalue())
    assert out[0] == out[1], "not repeatable"
    return out[0]


def call(module, name, *args):
    return Reduce(Name(module, name), args)


# ------------------------------------------------------------------------------------------------
# Opcodes by hand

def proto(p):
    return b"\x80" + bytes([p]) if p >= 2 else b""


def ustr(s, p):
    """A str in the form Python's own pickler would use at protocol p."""
    b = s.encode("utf-8")
    if p == 0:
        return b"V" + s.encode("raw_unicode_escape") + b"\n"
    if p < 4 or len(b) > 255:
        return b"X" + struct.pack("<I", len(b)) + b
    return b"\x8c" + bytes([len(b)]) + b


def string(s, how):
    """A str pushed by a named opcode: STRING, SHORT_BINSTRING, BINSTRING, UNICODE, BINUNICODE,
    SHORT_BINUNICODE, BINUNICODE8 (Python 3 decodes the *STRING ones to str)."""
    b = s.encode("ascii")
    return {"STRING": b"S'" + b + b"'\n", "SHORT_BINSTRING": b"U" + bytes([len(b)]) + b,
            "BINSTRING": b"T" + struct.pack("<I", len(b)) + b, "UNICODE": b"V" + b + b"\n",
            "BINUNICODE": b"X" + struct.pack("<I", len(b)) + b,
            "SHORT_BINUNICODE": b"\x8c" + bytes([len(b)]) + b,
            "BINUNICODE8": b"\x8d" + struct.pack("<Q", len(b)) + b}[how]


def glob(module, name, p):
    if p >= 4:
        return ustr(module, p) + ustr(name, p) + b"\x93"
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def tup(items, p):
    if p >= 2 and len(items) <= 3:
        return b"".join(items) + (b")", b"\x85", b"\x86", b"\x87")[len(items)]
    return b"(" + b"".join(items) + b"t"


def reduce_ops(module, name, p, *args):
    """module.name(*args) left on the stack; args are str."""
    return glob(module, name, p) + tup([ustr(a, p) for a in args], p) + b"R"


def system_ops(p, module="posix"):
    return reduce_ops(module, "system", p, CMD)


def whole(body, p):
    return proto(p) + body + b"."


def inject(data, ops):
    """`ops` run first and their result is dropped (POP), then the original pickle (protocol 2,
    no frames, no memo use in ops) goes on as before."""
    assert data[:2] == b"\x80\x02", data[:2]
    return data[:2] + ops + b"0" + data[2:]


def code_bytes():
    """marshal of a code object printing a marker (for the types.FunctionType gadget)."""
    return marshal.dumps(compile("print('picklejar-scan-test')", "<picklejar-scan>", "exec"))
