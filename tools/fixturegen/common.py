"""Paths, versions, interpreter settings and the TSV writer shared by every fixture family."""

import contextlib
import os
import shutil
import sys

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TOOLS)
FIX = os.path.join(ROOT, "fixtures")
PKL = os.path.join(FIX, "pickle")
SKL = os.path.join(FIX, "sklearn")
REDUMP = os.path.join(FIX, "redump")
NP = os.path.join(FIX, "numpy")
JL = os.path.join(FIX, "joblib")

# REDUMP.tsv's header: written by output.Fixtures.write, checked by verify.verify_redump.
REDUMP_HEADER = "source\tprotocol\tvariant\texpect\tbuffers\tnote"



def replace_tree(top, subdirs, files):
    """Empties the directory `top` (with `subdirs` under it), then writes files {path relative to
    fixtures/: bytes} in name order."""
    if os.path.isdir(top):
        shutil.rmtree(top)
    for d in ("",) + tuple(subdirs):
        os.makedirs(os.path.join(top, d), exist_ok=True)
    for rel, data in sorted(files.items()):
        with open(os.path.join(FIX, rel), "wb") as f:
            f.write(data)


def write_tsv(rel, header, rows):
    """fixtures/<rel>: the header line, then one tab-joined line per row (cells non-empty, one line)."""
    lines = [header]
    for r in rows:
        assert all(c and "\t" not in c and "\n" not in c for c in r), r
        lines.append("\t".join(r))
    with open(os.path.join(FIX, rel), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

import fixture_classes as fc  # noqa: E402,F401

sys.setrecursionlimit(100000)
# Big ints are printed in decimal by pickletools and json; lift CPython's 4300-digit guard here.
sys.set_int_max_str_digits(0)

# The versions the committed fixtures were made with (README.md records them too).
# torch: torch.__version__ of Debian 12's python3-torch 1.13.1+dfsg (its build reports 1.13.0a0).
EXPECTED_VERSIONS = {"python": "3.11.2", "numpy": "1.24.2", "sklearn": "1.2.1", "torch": "1.13.0a0"}


@contextlib.contextmanager
def classes_in_main(classes, nested=()):
    """Puts {name: class} in __main__ while pickling, as if defined there (with `nested` classes,
    whose qualname keeps their parent's)."""
    main = sys.modules["__main__"]
    for name, cls in classes.items():
        assert not hasattr(main, name), name
        cls.__module__ = "__main__"
        setattr(main, name, cls)
    for cls in nested:
        cls.__module__ = "__main__"
    try:
        yield
    finally:
        for name in classes:
            delattr(main, name)
