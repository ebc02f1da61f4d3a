#!/usr/bin/python3
"""Generates picklejar's golden fixtures: fixtures/pickle/, fixtures/numpy/, fixtures/sklearn/model*,
fixtures/MANIFEST.tsv, fixtures/redump/, fixtures/REDUMP.tsv and fixtures/README.md.

Run with Debian's interpreter from the repository root or anywhere:

    /usr/bin/python3 tools/gen_fixtures.py
    /usr/bin/python3 tools/gen_fixtures.py --only torch     # one self-contained family

Every pickle gets, next to it, `<stem>.dis` (pickletools.dis(data, out, annotate=0)) and
`<stem>.json`: the value picklejar must load, in the tagged form of docs/JSON.md, one line, no
trailing newline. The expected JSON of a pickle written here is computed twice, independently:

  1. from the original Python object, by walking it the way CPython's pickler does
     (`Walker`: __reduce_ex__(protocol), memo by id(), known reduce shapes), and
  2. from the bytes, by an inert unpickler (`InertUnpickler`, a subclass of pickle._Unpickler that
     never imports or calls anything: globals stay (module, qualname), REDUCE/NEWOBJ/... build
     inert objects),

and the two must print identically. Hand-made pickles (Python 2 style, malformed, frames) get
their JSON from what pickle.loads returns (builtin values only) or from the inert unpickler, and
are checked against CPython's C unpickler. REDUMP.tsv records CPython's pickle.dumps(pickle.loads(x), N)
of every loadable fixture at protocols 0-5 (`redump_cases`). The run is deterministic: it re-executes itself with
PYTHONHASHSEED=0, and writing the fixtures twice gives identical bytes.

This file is the driver; each fixture family is a module of tools/fixturegen/:

  common        paths, versions, interpreter settings (recursion limit, int digits)
  jsonform      the printed form of an expected value (docs/JSON.md)
  walker        expected JSON from the object (Walker) and the fix_imports name maps
  inert         expected JSON from the bytes (InertUnpickler)
  output        the fixture set being written (FX), MANIFEST.tsv rows, add_case
  pickle_cases  fixtures/pickle/
  numpy_cases   fixtures/numpy/
  sklearn_case  fixtures/sklearn/model*
  redump        fixtures/redump/, REDUMP.tsv
  joblib_cases  fixtures/joblib/, JOBLIB.tsv
  array_values  fixtures/arrayvalues/ (`json --arrays values` of fixtures/numpy/)
  torch_cases   fixtures/torch/, TORCH.tsv (objects in torch_build, error cases in torch_bad,
                fixtures/torch/README.md in torch_readme)
  torch_write   fixtures/torch-write/, TORCH_WRITE.tsv: what torch.save writes, for the torch writer
  scan_cases    fixtures/scan/, SCAN.tsv: malicious and benign files for `picklejar scan`
                (scan_catalogue the rows, scan_payloads, scan_containers, scan_record the
                globals Python looks up, scan_readme)
  readme        fixtures/README.md
  forms_cases   fixtures/forms/, FORMS.tsv: CPython's re-dumps of the forms a re-dump keeps
                (getattr reduces, _reconstructor, the cached singletons per opcode path)
  verify        re-reading what was written
"""

import collections
import os
import platform
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    env = dict(os.environ, PYTHONHASHSEED="0")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

from fixturegen.array_values import array_values_fixtures  # noqa: E402
from fixturegen.common import EXPECTED_VERSIONS  # noqa: E402
from fixturegen.forms_cases import forms_fixtures  # noqa: E402
from fixturegen.internals_cases import internals_fixtures  # noqa: E402
from fixturegen.joblib_cases import joblib_fixtures  # noqa: E402
from fixturegen.numpy_cases import numpy_cases  # noqa: E402
from fixturegen.output import FX  # noqa: E402
from fixturegen.pickler_cases import pickler_fixtures  # noqa: E402
from fixturegen.pickle_cases import (  # noqa: E402
    bad_cases, frames_cases, my_data_case, persistent_cases, picklebuffer_cases, py2_cases, value_cases)
from fixturegen.readme import README  # noqa: E402
from fixturegen.redump import redump_cases  # noqa: E402
from fixturegen.scan_cases import scan_fixtures  # noqa: E402
from fixturegen.sklearn_case import sklearn_cases  # noqa: E402
from fixturegen.torch_cases import torch_fixtures  # noqa: E402
from fixturegen.torch_write import torch_write_fixtures  # noqa: E402
from fixturegen.verify import verify_redump, verify_written  # noqa: E402


def all_cases():
    value_cases()
    persistent_cases()
    picklebuffer_cases()
    frames_cases()
    py2_cases()
    bad_cases()
    my_data_case()
    numpy_cases()
    return sklearn_cases()


# Families that make, write and verify their own files: `--only NAME` regenerates just one.
SELF_CONTAINED = {"joblib": joblib_fixtures, "pickler": pickler_fixtures, "internals": internals_fixtures,
                  "torch": torch_fixtures, "torchwrite": torch_write_fixtures, "arrayvalues": array_values_fixtures,
                  "scan": scan_fixtures, "forms": forms_fixtures}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--only" and sys.argv[2] in SELF_CONTAINED:
        SELF_CONTAINED[sys.argv[2]]()
        return
    if len(sys.argv) != 1:
        sys.exit("usage: gen_fixtures.py [--only %s]" % "|".join(sorted(SELF_CONTAINED)))
    got = platform.python_version()
    if got != EXPECTED_VERSIONS["python"]:
        print("warning: Python %s, fixtures were made with %s" % (got, EXPECTED_VERSIONS["python"]), file=sys.stderr)
    np_v, sk_v = all_cases()
    for k, v in (("numpy", np_v), ("sklearn", sk_v)):
        if v != EXPECTED_VERSIONS[k]:
            print("warning: %s %s, fixtures were made with %s" % (k, v, EXPECTED_VERSIONS[k]), file=sys.stderr)
    FX.put("README.md", README.format(python=got, numpy=np_v, sklearn=sk_v,
                                      platform="Debian 12 python3 packages"))
    redump_cases()
    FX.write()
    expects = collections.Counter(r[3].split(":")[0] for r in FX.rows)
    total = sum(len(d) for d in FX.files.values())
    print("rows: %d (%s)" % (len(FX.rows), ", ".join("%s %d" % kv for kv in sorted(expects.items()))))
    print("checks: %s" % ", ".join("%s %d" % kv for kv in sorted(FX.checks.items())))
    print("files: %d, %.2f MB" % (len(FX.files) + 1, total / 1e6))
    for k, v in sorted(verify_written().items()):
        print("verified from disk: %s: %d" % (k, v))
    kinds = collections.Counter("unmatchable" if r[3] == "unmatchable" else r[3].split(":")[0].split("/")[0]
                                for r in FX.redump_rows)
    variants = collections.Counter(r[2] for r in FX.redump_rows)
    print("REDUMP.tsv rows: %d (%s; %s); from %d json rows, %d fix_imports=0 rows skipped"
          % (len(FX.redump_rows), ", ".join("%s %d" % kv for kv in sorted(variants.items())),
             ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
             len({r[0] for r in FX.redump_rows}), FX.redump_skipped))
    print("unmatchable rows by reason: %s" % ", ".join("%s %d" % kv for kv in sorted(FX.redump_reasons.items())))
    pkls = [k for k in FX.redump_files if k.endswith(".pkl")]
    print("redump/: %d distinct streams, %d files, %d bytes (%.2f MB)"
          % (len(pkls), len(FX.redump_files), sum(map(len, FX.redump_files.values())),
             sum(map(len, FX.redump_files.values())) / 1e6))
    for k, v in sorted(verify_redump().items()):
        print("verified from disk: %s: %d" % (k, v))
    joblib_fixtures()  # fixtures/joblib/, fixtures/JOBLIB.tsv
    pickler_fixtures()  # fixtures/pickler/, fixtures/PICKLER.tsv
    internals_fixtures()  # fixtures/internals/
    torch_fixtures()  # fixtures/torch/, fixtures/TORCH.tsv
    torch_write_fixtures()  # fixtures/torch-write/, fixtures/TORCH_WRITE.tsv (reads fixtures/torch/)
    array_values_fixtures()  # fixtures/arrayvalues/, from fixtures/numpy/
    scan_fixtures()  # fixtures/scan/, fixtures/SCAN.tsv (refers to files of sklearn/, torch/, joblib/)


if __name__ == "__main__":
    main()
