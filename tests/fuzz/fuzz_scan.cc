// libFuzzer target: the scanner (picklejar/scan.h) on arbitrary bytes. Run with tools/fuzz.sh scan
// SECONDS. Invariants: scan() never crashes nor throws; its verdict agrees with what it recorded
// (unreadable exactly when an error was recorded and nothing unsafe was seen; safe never with an
// error); and a plain input (no container magic) whose first pickle joblib's loader (which also
// reads plain pickles) cannot read to its STOP is never called safe.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "picklejar/error.h"
#include "picklejar/joblib.h"
#include "picklejar/picklejar.h"
#include "picklejar/scan.h"
#include "codec/codec.h"  // internal: sniff_codec, the scanner's own first look at the bytes

namespace {

// The replay test (tests/unit/scan/fuzz_scan_replay_test.cc) includes this file with
// PICKLEJAR_FUZZ_REPLAY defined, to get an exception instead of an abort.
[[noreturn]] void fail(const std::string& what) {
#ifdef PICKLEJAR_FUZZ_REPLAY
  throw std::logic_error(what);
#endif
  std::fprintf(stderr, "picklejar fuzz_scan failure: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

bool plain(const uint8_t* p, size_t n) {
  if (picklejar::internal::sniff_codec(p, n) != picklejar::Codec::kNone) return false;
  if (n >= 2 && p[0] == 'P' && p[1] == 'K') return false;
  if (n >= 6 && std::memcmp(p, "\x93NUMPY", 6) == 0) return false;
  if (n >= 262 && std::memcmp(p + 257, "ustar", 5) == 0) return false;
  for (size_t i = 0; i + 2 <= n && i < 8; ++i)
    if (p[i] == 0x8a && p[i + 1] == 10) return false;  // maybe torch's legacy magic number
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  picklejar::ScanOptions o;
  o.limits.max_input_bytes = uint64_t{1} << 20;
  o.limits.max_memory_bytes = uint64_t{64} << 20;
  o.limits.max_memo_entries = uint64_t{1} << 16;
  o.limits.max_container_items = uint64_t{1} << 16;
  picklejar::ScanReport r;
  try {
    r = picklejar::scan(picklejar::ByteView(data, size), o);
  } catch (const std::exception& e) {
    fail(std::string("scan threw: ") + e.what());
  }
  if (r.verdict == picklejar::Verdict::kSafe && !r.error.empty()) fail("safe with an error: " + r.error);
  if (r.verdict == picklejar::Verdict::kUnreadable && r.error.empty()) fail("unreadable without an error");
  if (r.verdict != picklejar::Verdict::kSafe || !plain(data, size)) return 0;
  picklejar::joblib::LoadOptions lo;
  lo.pickle.limits = o.limits;
  lo.pickle.encoding = "latin1";
  lo.pickle.buffers.emplace(4096, picklejar::BufferView{});
  try {
    (void)picklejar::joblib::load(picklejar::ByteView(data, size), lo);
  } catch (const picklejar::Error& e) {
    // kUnsupported: what the loader does not do (joblib's legacy side files from memory), not damage.
    if (e.code() != picklejar::ErrorCode::kUnsupported) fail(std::string("safe, but the loader cannot read it: ") + e.what());
  }
  return 0;
}
