"""fixtures/arrayvalues/: what `picklejar json --arrays values` prints for each loadable numpy
fixture (fixtures/numpy/<stem>.pkl -> fixtures/arrayvalues/<stem>.json, one line, no trailing
newline), computed by numpy 1.24 from the loaded object: every ndarray as json.dumps of its
ndarray.tolist(), in the tagged form of docs/JSON.md ("Array values").

tolist() gives Python bool, int, float, complex, bytes and str elements (object arrays: their
items). An array whose elements are other objects (datetime64/timedelta64: datetime objects or ints
by unit; longdouble: numpy scalars; structured: tuples) keeps the faithful form, so for a fixture
whose root is such an array (and holds no other arrays) the expected text is its faithful .json. Fixtures whose value holds
something this printer leaves faithful besides arrays (numpy scalars, dtypes), shares a container,
or needs out-of-band buffers or numpy 2.x module paths to load are skipped.

Run by tools/gen_fixtures.py after fixtures/numpy/ is written, or alone:
`gen_fixtures.py --only arrayvalues` (reads the committed fixtures/numpy/).
"""

import json
import math
import os
import pickle

from .common import FIX, NP, replace_tree

VALUES_DIR = "arrayvalues"

README = """# fixtures/arrayvalues/

Written by tools/fixturegen/array_values.py (do not edit): `<stem>.json` is what
`picklejar json --arrays values` prints for `../numpy/<stem>.pkl` (one line, no trailing newline):
each ndarray as `json.dumps(ndarray.tolist())` in the tagged form of docs/JSON.md ("Array values"),
computed by numpy from the loaded object. Read by tests/unit/numpy/json_values_test.cc.
"""


class Skip(Exception):
    """The value holds something the values form prints faithfully (or cannot compare here)."""


def has_values_form(dt):
    """Whether tolist() of an array of `dt` gives elements docs/JSON.md can print."""
    if dt.fields is not None or dt.subdtype is not None:
        return False
    if dt.kind == "f":
        return dt.itemsize in (2, 4, 8)
    if dt.kind == "c":
        return dt.itemsize in (8, 16)
    return dt.kind in "biuSUVO"


def plain(x, seen):
    """`x` as json.dumps input in the tagged form; containers of the pickled value must not repeat
    (`seen`), as picklejar would label them ($id/$ref); arrays may (tolist() makes fresh lists)."""
    import numpy as np
    if x is None or isinstance(x, (bool, int, str)):
        return x
    if isinstance(x, float):
        if math.isnan(x):
            return {"$float": "nan"}
        if math.isinf(x):
            return {"$float": "inf" if x > 0 else "-inf"}
        return x
    if isinstance(x, complex):
        return {"$complex": [plain(x.real, seen), plain(x.imag, seen)]}
    if isinstance(x, bytes):
        return {"$bytes": x.hex()}
    if type(x) not in (list, tuple, dict) and not isinstance(x, np.ndarray):
        raise Skip(type(x).__name__)
    if isinstance(x, np.ndarray):  # printed in full at every occurrence
        if not has_values_form(x.dtype):
            raise Skip("dtype " + x.dtype.str)
        return tolist_plain(x.tolist(), x.ndim, seen if x.dtype.kind == "O" else set())
    if id(x) in seen:
        raise Skip("shared " + type(x).__name__)
    seen.add(id(x))
    if type(x) is list:
        return [plain(i, seen) for i in x]
    if type(x) is tuple:
        return {"$tuple": [plain(i, seen) for i in x]}
    if not all(type(k) is str and not k.startswith("$") for k in x):
        raise Skip("dict keys")
    return {k: plain(v, seen) for k, v in x.items()}


def tolist_plain(x, ndim, seen):
    """tolist()'s `ndim` levels of nested lists (fresh objects: never shared) with their elements
    (an object array's items: the pickled objects themselves) made plain."""
    if ndim:
        return [tolist_plain(i, ndim - 1, seen) for i in x]
    return plain(x, seen)


def holds_arrays(x):
    """Whether tolist() output `x` holds an ndarray (an object field's value) anywhere."""
    import numpy as np
    if isinstance(x, np.ndarray):
        return True
    if isinstance(x, (list, tuple)):
        return any(holds_arrays(i) for i in x)
    if isinstance(x, dict):
        return any(holds_arrays(v) for v in x.values())
    return False


def values_json(obj):
    return json.dumps(plain(obj, set()), separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def array_values_fixtures():
    """Writes fixtures/arrayvalues/ from fixtures/numpy/."""
    import numpy as np
    files = {os.path.join(VALUES_DIR, "README.md"): README.encode()}
    skipped = {}
    for name in sorted(os.listdir(NP)):
        if not name.endswith(".pkl"):
            continue
        stem = name[:-len(".pkl")]
        if os.path.exists(os.path.join(NP, stem + ".buf0.bin")):
            skipped[stem] = "out-of-band buffers"
            continue
        with open(os.path.join(NP, name), "rb") as f:
            data = f.read()
        try:
            obj = pickle.loads(data)
        except Exception as e:  # numpy 2.x module paths, or a fixture that does not load
            skipped[stem] = "load: " + type(e).__name__
            continue
        try:
            text = values_json(obj)
        except Skip as e:
            # A root array printed faithfully is its faithful .json, unless it holds arrays (object
            # fields): those would be printed as values inside the faithful form.
            if not isinstance(obj, np.ndarray) or has_values_form(obj.dtype) or (
                    obj.dtype.hasobject and holds_arrays(obj.tolist())):
                skipped[stem] = str(e)
                continue
            with open(os.path.join(NP, stem + ".json"), "rb") as f:
                text = f.read().decode("ascii")  # the faithful form, printed unchanged
        files[os.path.join(VALUES_DIR, stem + ".json")] = text.encode("ascii")
    replace_tree(os.path.join(FIX, VALUES_DIR), (), files)
    print("arrayvalues: %d files, %d numpy fixtures skipped (%s)"
          % (len(files) - 1, len(skipped), ", ".join(sorted(set(v.split(":")[0] for v in skipped.values())))))
