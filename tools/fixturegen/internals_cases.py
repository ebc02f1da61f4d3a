"""fixtures/internals/: facts CPython computes that picklejar's internals reproduce, for their direct
unit tests: hash() of str/bytes/int/float/bool/tuple under several PYTHONHASHSEEDs and the order a
set built from given items iterates in (tests/unit/model/pyhash_test.cc), and fix_imports's name
mapping in both directions (tests/unit/pickle/globals_test.cc).

Values are written as `kind:text`: `str:` and `bytes:` hex (str as UTF-8 with lone surrogates
kept, "surrogatepass"), `int:` decimal (int64) or `bigint:` two's complement little-endian hex, `float:` repr, `bool:` 0/1, `none:`, `tuple:` items joined
by `|`. Hashes and set orders under a seed other than this run's come from a child interpreter run
with that PYTHONHASHSEED.
"""

import json
import os
import subprocess
import sys

import _compat_pickle

from .common import FIX

INTERNALS = os.path.join(FIX, "internals")
SEEDS = (0, 123, 4294967295)

# Built in the child, so strs and bytes are its own objects (hashes do not depend on that, but the
# seed does). Each value is a Python expression; the C++ test builds the same value from `kind:text`.
VALUES = [
    "''", "'a'", "'abc'", "'\\xe9'", "'\\u20ac\\u20ac'", "'\\U0001F600!'", "'\\ud800'", "'x' * 1000",
    "'caf\\xe9 \\u4e2d'",
    "b''", "b'a'", "b'abc\\xff\\x00'", "bytes(range(256))",
    "0", "1", "-1", "-2", "7", "1000", "2**31", "-2**31", "2**61 - 2", "2**61 - 1", "2**61", "-(2**61 - 1)",
    "2**62", "2**63 - 1", "-2**63", "2**63", "2**64 + 5", "-(2**100)", "10**30", "-(10**40) - 7",
    "0.0", "-0.0", "1.0", "1.5", "-1.5", "0.1", "1e300", "5e-324", "float('inf')", "float('-inf')",
    "2.0**61", "2.0**62", "1e16", "123456789.0", "-0.5", "2.5",
    "True", "False",
    "()", "(1,)", "(1, 2)", "(2, 1)", "('a', 1.5, b'x')", "(True, -1, 2**70)",
]
UNHASHED = ["None", "float('nan')", "(None,)"]  # CPython hashes these by address: no reproducible value
SETS = [
    "[3, 1, 2]",
    "['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape', 'kiwi']",
    "[b'banana', b'apple', b'cherry']",
    "[1, 'a1', b'b2', 2.5, (1, 'xy'), '\\u20ac\\u20ac']",
    "[-1, -2, 2**61 - 1, 2**61, 0, 8, 16, 32]",
    "list(range(40, 0, -1))",
    "['x%d' % i for i in range(100)]",
    "[(i, 'k') for i in range(12)]",
]

CHILD = r'''
import json, sys
out = {"hash": [], "sets": []}
for e in json.loads(sys.argv[1]):
    v = eval(e)
    out["hash"].append(hash(v))
for e in json.loads(sys.argv[2]):
    items = eval(e)
    s = set()
    for x in items:
        s.add(x)
    out["sets"].append([next(i for i, y in enumerate(items) if y is x or (type(y) is type(x) and y == x))
                        for x in s])
print(json.dumps(out))
'''


def encode(v):
    if v is None:
        return "none:"
    if isinstance(v, bool):
        return "bool:%d" % v
    if isinstance(v, int):
        if -2**63 <= v < 2**63:
            return "int:%d" % v
        return "bigint:" + v.to_bytes((v.bit_length() + 8) // 8, "little", signed=True).hex()
    if isinstance(v, float):
        return "float:" + repr(v)
    if isinstance(v, str):
        return "str:" + v.encode("utf-8", "surrogatepass").hex()
    if isinstance(v, bytes):
        return "bytes:" + v.hex()
    if isinstance(v, tuple):
        assert all(not isinstance(x, tuple) for x in v)
        return "tuple:" + "|".join(encode(x) for x in v)
    raise AssertionError(type(v))


def child(seed):
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(VALUES), json.dumps(SETS)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def compat_rows():
    """fix_imports as CPython's Unpickler.find_class (read) and Pickler.save_global (write) apply it:
    an exact (module, name) entry first, else the module alone; straight from CPython's own tables."""
    rows = []
    probe = "some_name"  # a name no NAME_MAPPING entry has: only the module is mapped
    for (module, name), (m3, n3) in sorted(_compat_pickle.NAME_MAPPING.items()):
        rows.append(("read", module, name, m3, n3))
    for module, m3 in sorted(_compat_pickle.IMPORT_MAPPING.items()):
        assert (module, probe) not in _compat_pickle.NAME_MAPPING
        rows.append(("read", module, probe, m3, probe))
    for (module, name), (m2, n2) in sorted(_compat_pickle.REVERSE_NAME_MAPPING.items()):
        rows.append(("write", module, name, m2, n2))
    for module, m2 in sorted(_compat_pickle.REVERSE_IMPORT_MAPPING.items()):
        if (module, probe) in _compat_pickle.REVERSE_NAME_MAPPING:
            continue
        rows.append(("write", module, probe, m2, probe))
    rows.append(("read", "no_such_module", "x", "no_such_module", "x"))
    rows.append(("write", "no_such_module", "x", "no_such_module", "x"))
    return rows


def internals_fixtures():
    """Writes fixtures/internals/{pyhash,set_order,compat_globals}.tsv."""
    os.makedirs(INTERNALS, exist_ok=True)
    hash_lines = ["seed\tvalue\thash"]
    set_lines = ["seed\titems\torder"]
    for seed in SEEDS:
        got = child(seed)
        for expr, h in zip(VALUES, got["hash"]):
            hash_lines.append("%d\t%s\t%d" % (seed, encode(eval(expr)), h))
        for expr in UNHASHED:
            hash_lines.append("%d\t%s\t-" % (seed, encode(eval(expr))))
        for expr, order in zip(SETS, got["sets"]):
            items = eval(expr)
            assert sorted(order) == list(range(len(items))), expr
            set_lines.append("%d\t%s\t%s" % (seed, "\x20".join(encode(x) for x in items), " ".join(map(str, order))))
    rows = compat_rows()
    files = {
        "pyhash.tsv": hash_lines,
        "set_order.tsv": set_lines,
        "compat_globals.tsv": ["direction\tmodule\tname\twant_module\twant_name"] + ["\t".join(r) for r in rows],
    }
    for name, lines in files.items():
        assert all(line.count("\t") == lines[0].count("\t") for line in lines), name
        with open(os.path.join(INTERNALS, name), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
    print("internals: %d hashes, %d set orders, %d fix_imports rows"
          % (len(hash_lines) - 1, len(set_lines) - 1, len(rows)))
