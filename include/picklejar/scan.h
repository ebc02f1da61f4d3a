// The pickle safety scanner (README "Scanning untrusted files"): what loading a file in Python
// would import and call, found by running picklejar's own VM over every pickle the file holds,
// never by listing opcodes, and judged against a Policy (picklejar/policy.h). Containers are
// sniffed by content: plain pickles (several in a row too), zlib/gzip/bz2/xz/lzma/lz4, joblib
// (array data skipped by its declared size, never read into arrays), .npy/.npz object arrays,
// PyTorch zip (every pickle member) and legacy files, plain zip archives of pickles, and the
// nested pickles a call would load (pickle.loads(b'...'), torch's _load_from_bytes).
// Thread safety: every function is reentrant; scan different inputs on different threads freely.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "picklejar/export.h"
#include "picklejar/limits.h"
#include "picklejar/policy.h"
#include "picklejar/value.h"

namespace picklejar {

enum class Verdict : uint8_t {
  kSafe,        // read to the end; every global within the policy, none known dangerous
  kUnsafe,      // a global outside the policy (or known dangerous), or a call of a non-global value
  kUnreadable,  // nothing outside the policy before the point where the file could not be read
};
PICKLEJAR_EXPORT std::string_view verdict_name(Verdict v) noexcept;  // "safe", "unsafe", "unreadable"

// One global looked up by one opcode, and everything the stream did with that lookup's value.
struct GlobalFinding {
  std::string module, name;  // after fix_imports, as Python's find_class gets them
  std::string part;          // where in the file: "" (the file itself), "gzip", "archive/data.pkl", ...
  uint64_t offset = 0;       // the opcode's offset in that part's (decoded) pickle stream
  std::string opcode;        // GLOBAL, STACK_GLOBAL, INST, or "getattr" (made by builtins.getattr)
  GlobalUse use = GlobalUse::kReference;  // the strongest use seen (even if the result was dropped)
  bool built = false;                     // an instance of it got BUILD state
  std::vector<std::string> calls;         // the first kListedCalls calls: "REDUCE at 40 with (str, int)"
  uint64_t call_count = 0;                // every call of it
  static constexpr size_t kListedCalls = 16;
  bool allowed = false;    // the policy allows it for `use`
  bool dangerous = false;  // known dangerous (is_known_dangerous): unsafe under every policy
};

// Something outside every policy that is not a global: a call of a value made by another call.
struct ScanIssue {
  std::string part;
  uint64_t offset = 0;
  std::string message;
};

struct ScanReport {
  std::string path;  // as given to scan_file (empty for scan of memory)
  Verdict verdict = Verdict::kSafe;
  std::vector<GlobalFinding> globals;  // in the order the stream looked them up, part by part
  std::vector<ScanIssue> issues;
  std::vector<std::string> parts;      // what was opened: "pickle at 0", "gzip", "zip member a/data.pkl", ...
  std::string error;                   // why the file could not be read to the end (unreadable)
  std::string error_part;
  uint64_t error_offset = 0;
};

struct ScanOptions {
  Policy policy = Policy::builtin("ml");
  Limits limits{};
  // How deep containers and nested pickles may nest (a pickle in a zip in a gzip is 3); deeper is
  // unreadable.
  int max_nesting = 8;
};

// Scans a file's bytes in memory. Never throws for bad input (that is the verdict unreadable).
PICKLEJAR_EXPORT ScanReport scan(ByteView data, const ScanOptions& options = {});
// Scans a file (mapped, not read into memory). Throws Error(kIo) when it cannot be opened.
PICKLEJAR_EXPORT ScanReport scan_file(const std::filesystem::path& path, const ScanOptions& options = {});

// Whether module.qualname is a known-dangerous global (process execution, code evaluation,
// imports, file and network access, pickle loaders, call gadgets such as functools.partial or
// operator.attrgetter): named as such in every report, whatever the policy.
PICKLEJAR_EXPORT bool is_known_dangerous(std::string_view module, std::string_view qualname);

// The reports as text (one block per file), JSON (an array of reports) or SARIF 2.1.0 (one run,
// one result per global outside the policy, issue or unreadable file).
PICKLEJAR_EXPORT void write_scan_text(std::span<const ScanReport> reports, std::ostream& out);
PICKLEJAR_EXPORT void write_scan_json(std::span<const ScanReport> reports, std::ostream& out);
PICKLEJAR_EXPORT void write_scan_sarif(std::span<const ScanReport> reports, std::ostream& out);

}  // namespace picklejar
