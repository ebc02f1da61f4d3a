// The scanner's machinery (internal to src/scan/): Scanner opens containers (containers.cc) and runs
// each pickle through the VM with a PickleObserver (observer.cc) that records every global, call
// and BUILD into the report; scan.cc holds the public entry points and the verdict.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "io/byte_reader.h"
#include "model/document_impl.h"
#include "pickle/hooks.h"
#include "picklejar/compression.h"
#include "picklejar/load.h"
#include "picklejar/scan.h"

namespace picklejar::internal {

using picklejar::Codec;

// An n-byte little-endian unsigned field (zip, tar and torch's legacy framing).
inline uint64_t le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// A pickle a call would load (pickle.loads(b'...'), torch's _load_from_bytes): its bytes, copied
// out of the document that held them, and where the call was.
struct NestedPickle {
  std::vector<uint8_t> bytes;
  uint64_t offset = 0;
  std::string loader;
};

// Records one pickle run (one document) into a report.
class PickleObserver final : public VmObserver {
 public:
  PickleObserver(ScanReport& report, const Policy& policy, std::string part)
      : report_(report), policy_(policy), part_(std::move(part)) {}

  void on_global(const DocumentImpl& d, uint32_t global, uint64_t offset, int opcode) override;
  void on_call(const DocumentImpl& d, uint32_t callable, uint32_t args, uint32_t kwargs, uint64_t offset,
               int opcode) override;
  void on_build(const DocumentImpl& d, uint32_t obj, uint32_t state, uint64_t offset) override;

  std::vector<NestedPickle> nested;

 private:
  // The finding of a global node; a global no lookup made (the registry's getattr result) gets one
  // made at `offset`.
  GlobalFinding& finding(const DocumentImpl& d, uint32_t global, uint64_t offset, const char* opcode);
  void raise_use(GlobalFinding& f, GlobalUse use);
  // A global passed to a call that constructs or calls it (copyreg._reconstructor's cls and base,
  // numpy's _reconstruct subtype): counted as that use.
  void use_argument(const DocumentImpl& d, uint32_t arg, GlobalUse use, uint64_t offset);
  static bool bytes_argument(const DocumentImpl& d, uint32_t id, std::vector<uint8_t>* out);

  ScanReport& report_;
  const Policy& policy_;
  std::string part_;
  std::unordered_map<uint32_t, size_t> by_node_;  // global node -> index in report_.globals
  std::unordered_set<uint32_t> loaded_;            // the arguments of loader calls seen
};

class Scanner {
 public:
  Scanner(ScanReport& report, const ScanOptions& options);
  static constexpr size_t kOutOfBandBuffers = 4096;

  // Sniffs `data` by content and scans what it holds as the part `part`; errors are recorded (the
  // first one names the report's error), never thrown.
  void scan_bytes(ByteView data, const std::string& part, int depth);

 private:
  void scan_pickles(ByteView data, const std::string& part, int depth);
  // Runs one pickle from `in` into `doc` (with joblib's skipping hook, or `hooks`), observed; then
  // scans the nested pickles it would load. Returns its root.
  uint32_t run_one(ByteReader& in, Document& doc, const std::string& part, int depth, VmHookList hooks = {});
  // Runs pickles from `in` until its end (or `count` of them); returns the number run.
  // `at_end` says whether a streamed reader's input is done (memory readers know).
  int run_pickles(ByteReader& in, const std::string& part, int depth, int count = -1,
                  const std::function<bool()>& at_end = {});
  void scan_decoded(ByteView data, Codec codec, const std::string& part, int depth);
  void scan_zip(ByteView data, const std::string& part, int depth);
  void scan_npy(ByteView data, const std::string& part, int depth);
  void scan_tar(ByteView data, const std::string& part, int depth);
  void scan_legacy_torch(ByteView data, const std::string& part, int depth);
  void record_error(const std::string& part, uint64_t offset, const std::string& message);
  std::string child(const std::string& part, const std::string& name) const {
    return part.empty() ? name : part + "/" + name;
  }

  ScanReport& report_;
  const ScanOptions& opt_;
  picklejar::LoadOptions load_;  // what every pickle is run with
};

}  // namespace picklejar::internal
