"""fixtures/scan/ and fixtures/SCAN.tsv: malicious and benign files for `picklejar scan` (issue 14).

Self-contained like joblib_cases and torch_cases: scan_fixtures() makes, writes and re-reads its
own files. Each row says what the scanner must conclude under the default `ml` policy (verdict,
the known-dangerous globals it must name) and which globals Python's unpickler would look up,
decided by running the pure-Python unpickler with stubs (scan_record), never by hand. Every
planted dangerous global must be among those. The payloads are inert: written by hand or by a
pickler from names, never executed (scan_payloads). Rows by family are in scan_catalogue.
"""

import collections
import os

from .common import FIX, replace_tree
from .scan_record import c_unpickler_globals, globals_of, joblib_reader_globals

SCAN = os.path.join(FIX, "scan")
HEADER = "file\tcontainer\tfamily\tverdict\tdangerous\tglobals\tdescription"
CONTAINERS = ("plain", "concat", "zlib", "gzip", "bz2", "xz", "lzma", "lz4", "joblib", "npy", "npz",
              "torch-zip", "torch-legacy", "torch-tar", "zip")
VERDICTS = ("safe", "unsafe", "unreadable")
# Families whose unsafe files stop Python with an error after the payload was looked up.
ERROR_AFTER_PAYLOAD = ("broken-after-payload", "ext-code")


class Catalogue:
    def __init__(self):
        self.rows = []
        self.files = {}  # path relative to fixtures/ -> bytes
        self.joblib_checked = 0  # joblib rows whose globals joblib's own reader confirmed

    def add(self, name, container, family, verdict, dangerous, description, data=None, ref=None):
        """A row for scan/<name> holding `data`, or for an existing file `ref` under fixtures/."""
        assert container in CONTAINERS and verdict in VERDICTS, (container, verdict)
        if ref is None:
            rel = "scan/" + name
            assert rel not in self.files, rel
            self.files[rel] = data
        else:
            rel = ref
            with open(os.path.join(FIX, ref), "rb") as f:
                data = f.read()
        found, _, errors = globals_of(container, data)
        dangerous = sorted(set(dangerous))
        missing = set(dangerous) - set(found)
        assert not missing, "%s: planted %s, but Python looks up only %s" % (rel, missing, found)
        if verdict == "safe":
            assert not dangerous and not errors, (rel, errors)
        elif verdict == "unreadable":
            assert errors and not dangerous, (rel, found)
        elif errors:
            assert family in ERROR_AFTER_PAYLOAD, (rel, errors)
        if verdict == "unsafe" and family != "ext-code":
            assert found, rel
        if container in ("plain", "concat") and not family.startswith("nested"):
            c_found, c_error = c_unpickler_globals(data)
            assert c_found == set(found) and bool(c_error) == bool(errors), (rel, c_found, c_error, errors)
        if container == "joblib" and "numpy.core.multiarray._reconstruct" not in found:
            # no object array (their pickle always names _reconstruct): joblib's reader is safe to run
            jl_found, jl_error = joblib_reader_globals(data)
            assert jl_found == set(found) and bool(jl_error) == bool(errors), (rel, jl_found, jl_error, errors)
            self.joblib_checked += 1
        assert "\t" not in description and "\n" not in description
        self.rows.append((rel, container, family, verdict, ";".join(dangerous), ";".join(found), description))


def write_scan_tsv(rows):
    """SCAN.tsv: like common.write_tsv, but `dangerous` and `globals` may be empty."""
    for r in rows:
        assert len(r) == 7 and all("\t" not in c and "\n" not in c for c in r), r
        assert all(r[i] for i in (0, 1, 2, 3, 6)), r
    lines = [HEADER] + ["\t".join(r) for r in rows]
    with open(os.path.join(FIX, "SCAN.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def scan_verify(rows):
    """Re-reads SCAN.tsv and fixtures/scan/: every file listed once, every row's globals again
    from the bytes on disk."""
    with open(os.path.join(FIX, "SCAN.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == HEADER and lines[-1] == ""
    listed = set()
    for line in lines[1:-1]:
        cells = line.split("\t")
        assert len(cells) == 7, line
        rel, container = cells[0], cells[1]
        assert rel not in listed, rel
        listed.add(rel)
        with open(os.path.join(FIX, rel), "rb") as f:
            assert ";".join(globals_of(container, f.read())[0]) == cells[5], rel
    on_disk = {"scan/" + n for n in os.listdir(SCAN)} - {"scan/README.md"}
    assert on_disk <= listed, on_disk - listed
    return len(lines) - 2


def scan_fixtures():
    from .scan_catalogue import catalogue
    from .scan_readme import scan_readme
    cat = Catalogue()
    catalogue(cat)
    files = dict(cat.files)
    files["scan/README.md"] = scan_readme(cat.rows).encode("utf-8")
    replace_tree(SCAN, [], files)
    write_scan_tsv(cat.rows)
    verified = scan_verify(cat.rows)
    by_family = collections.Counter(r[2] for r in cat.rows)
    by_container = collections.Counter(r[1] for r in cat.rows)
    by_verdict = collections.Counter(r[3] for r in cat.rows)
    print("scan: %d rows, %d files written, %.2f MB; verified from disk: %d"
          % (len(cat.rows), len(cat.files), sum(map(len, cat.files.values())) / 1e6, verified))
    print("  joblib rows confirmed by joblib's NumpyUnpickler: %d" % cat.joblib_checked)
    print("  verdicts: %s" % ", ".join("%s %d" % kv for kv in sorted(by_verdict.items())))
    print("  containers: %s" % ", ".join("%s %d" % kv for kv in sorted(by_container.items())))
    print("  families: %s" % ", ".join("%s %d" % kv for kv in sorted(by_family.items())))
