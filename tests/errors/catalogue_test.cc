// The hostile-input catalogue, data-driven over the fixtures:
//  - truncation at every offset of every small fixture (< 4 KB): a picklejar::Error, never a crash
//    (from memory and from a stream);
//  - seeded byte mutations (a fixed seed, 20 per fixture) through the fuzz entry points;
//  - huge declared lengths (BINBYTES8, BINUNICODE8, FRAME, LONG4, BINUNICODE, BYTEARRAY8, ...): an
//    error without an allocation of that size (checked by counting operator new where no
//    sanitizer replaces it; under ASan a huge allocation would itself be reported);
//  - memo bombs: LONG_BINPUT at huge sparse indices, millions of PUTs: fast and bounded;
//  - 1,000,000-deep lists, tuples and dicts through dump (every protocol), show, json, equality
//    and destruction.
#define PICKLEJAR_FUZZ_REPLAY 1
#include "../fuzz/fuzz_entries.h"
#include "codec/codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

// ---- allocation tracking ----------------------------------------------------------------------

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define PICKLEJAR_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PICKLEJAR_SANITIZED 1
#endif

namespace {
std::atomic<size_t> g_largest_allocation{0};
std::atomic<bool> g_tracking{false};
}  // namespace

#ifndef PICKLEJAR_SANITIZED
// Replaces the global operator new for this test binary (new[] and the nothrow forms call it):
// forwards to malloc, and remembers the largest request while tracking is on. Not inlined, so the
// compiler does not pair a caller's new with the free() inside delete (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t n) {
  if (g_tracking.load(std::memory_order_relaxed)) {
    size_t prev = g_largest_allocation.load(std::memory_order_relaxed);
    while (n > prev && !g_largest_allocation.compare_exchange_weak(prev, n)) {
    }
  }
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  return p;
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
constexpr bool kTracksAllocations = true;
#else
constexpr bool kTracksAllocations = false;
#endif

namespace picklejar {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using Clock = std::chrono::steady_clock;

struct TrackAllocations {
  TrackAllocations() {
    g_largest_allocation = 0;
    g_tracking = true;
  }
  ~TrackAllocations() { g_tracking = false; }
  size_t largest() const { return g_largest_allocation.load(); }
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

std::string le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

std::string read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

// Every distinct pickle under fixtures/ (golden, hand-made, redump, numpy, bad; a stream kept under
// several names, for several load options, counts once), as (relative name, bytes) in name order.
const std::vector<std::pair<std::string, std::string>>& fixture_pickles() {
  static const auto all = [] {
    std::vector<std::pair<std::string, std::string>> v;
    const fs::path root = PICKLEJAR_FIXTURES_DIR;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      auto ext = e.path().extension();
      if (ext != ".pkl" && ext != ".pickle") continue;
      v.emplace_back(fs::relative(e.path(), root).string(), read_all(e.path()));
    }
    std::sort(v.begin(), v.end());
    std::set<std::string> seen;
    std::vector<std::pair<std::string, std::string>> unique;
    for (auto& f : v)
      if (seen.insert(f.second).second) unique.push_back(std::move(f));
    return unique;
  }();
  return all;
}

// The JSON of a successful load, or "" when it throws Error. Other exceptions propagate.
std::string json_or_empty(const std::function<Document()>& load_it) {
  try {
    Document d = load_it();
    return to_json(d.root());
  } catch (const Error&) {
    return "";
  }
}

// ---- truncation ---------------------------------------------------------------------------------

// From memory at every offset; through load_stream (a different reader: copied payloads, chunked
// reads) at every offset of the fixtures under 1 KB and every 7th offset of the others.
TEST(Catalogue, TruncationAtEveryOffsetOfEverySmallFixture) {
  size_t fixtures = 0, prefixes = 0;
  for (const auto& fixture : fixture_pickles()) {
    const std::string& name = fixture.first;  // not a structured binding: clang 14's lambdas cannot capture one
    const std::string& data = fixture.second;
    if (data.size() >= 4096) continue;
    ++fixtures;
    // A fixture may carry bytes after its STOP: a prefix holding the STOP loads the same value.
    const std::string full = json_or_empty([&] { return load(view(data)); });
    for (size_t k = 0; k < data.size(); ++k) {
      const std::string prefix = data.substr(0, k);
      ++prefixes;
      const int modes = data.size() < 1024 || k % 7 == 0 ? 2 : 1;
      for (int mode = 0; mode < modes; ++mode) {
        try {
          Document d;
          if (mode == 0) {
            d = load(view(prefix));
          } else {
            std::istringstream in(prefix);
            d = load_stream(in);
          }
          EXPECT_TRUE(!full.empty() && to_json(d.root()) == full)
              << name << " cut at " << k << (mode ? " (stream)" : "") << " loaded";
        } catch (const Error&) {
          // expected
        } catch (const std::exception& e) {
          ADD_FAILURE() << name << " cut at " << k << (mode ? " (stream)" : "") << ": not an Error: " << e.what();
        }
      }
    }
  }
  EXPECT_GT(fixtures, 500u);
  EXPECT_GT(prefixes, 100000u);
}

// ---- seeded mutations ---------------------------------------------------------------------------

std::string mutate(std::string s, std::mt19937& rng) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % (n ? n : 1)); };
  static const uint64_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff,
                                          0x7fffffffffffffffull, 0xffffffffffffffffull};
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    switch (rng() % 6) {
      case 0:  // replace a byte
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng());
        break;
      case 1:  // insert a byte
        s.insert(s.begin() + static_cast<ptrdiff_t>(pick(s.size() + 1)), static_cast<char>(rng()));
        break;
      case 2:  // delete a run
        if (!s.empty()) {
          size_t at = pick(s.size());
          s.erase(at, 1 + pick(std::min<size_t>(8, s.size() - at)));
        }
        break;
      case 3:  // duplicate a chunk elsewhere
        if (!s.empty()) {
          size_t at = pick(s.size()), len = 1 + pick(std::min<size_t>(64, s.size() - at));
          std::string chunk = s.substr(at, len);
          s.insert(pick(s.size() + 1), chunk);
        }
        break;
      case 4:  // overwrite with an interesting little-endian integer (a length, an index)
        if (s.size() >= 9) {
          int width = (rng() % 2) ? 4 : 8;
          size_t at = pick(s.size() - static_cast<size_t>(width));
          s.replace(at, static_cast<size_t>(width), le(kInteresting[rng() % std::size(kInteresting)], width));
        }
        break;
      case 5:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << (rng() % 8));
        break;
    }
  }
  return s;
}

TEST(Catalogue, SeededMutationsOfEveryFixture) {
  constexpr int kPerFixture = 20;
  size_t runs = 0;
  uint32_t index = 0;
  for (const auto& [name, data] : fixture_pickles()) {
    std::mt19937 rng(0x5eed0000u + index++);  // fixed: the same mutants on every run
    if (data.size() > 16384) continue;          // the big arrays add time, not coverage
    for (int m = 0; m < kPerFixture; ++m) {
      const std::string mutant = mutate(data, rng);
      const auto* p = reinterpret_cast<const uint8_t*>(mutant.data());
      ++runs;
      try {
        picklejar_fuzz::fuzz_load(p, mutant.size());
        picklejar_fuzz::fuzz_roundtrip(p, mutant.size());
        picklejar_fuzz::fuzz_disassemble(p, mutant.size());
      } catch (const std::exception& e) {
        ADD_FAILURE() << name << " mutant " << m << ": " << e.what();
      }
    }
  }
  EXPECT_GT(runs, 10000u);
}

// ---- huge declared lengths ------------------------------------------------------------------------

struct HugeCase {
  const char* what;
  std::string data;
};

std::vector<HugeCase> huge_cases() {
  const uint64_t h8 = 0x7ffffffffffffff0ull;
  const std::string tail = std::string(100, 'x') + ".";
  return {
      {"BINBYTES8", "\x80\x04\x8e" + le(h8, 8) + tail},
      {"BINBYTES8 2^64-1", "\x80\x04\x8e" + le(~uint64_t{0}, 8) + tail},
      {"BINBYTES8 1 TiB", "\x80\x04\x8e" + le(uint64_t{1} << 40, 8) + tail},
      {"BINUNICODE8", "\x80\x04\x8d" + le(h8, 8) + tail},
      {"BYTEARRAY8", "\x80\x05\x96" + le(h8, 8) + tail},
      {"FRAME", "\x80\x04\x95" + le(h8, 8) + "N."},
      {"LONG4", "\x80\x02\x8b" + le(0x7fffffff, 4) + tail},
      {"LONG4 negative", "\x80\x02\x8b" + le(0xffffffff, 4) + tail},
      {"BINUNICODE", "\x80\x03X" + le(0xffffffff, 4) + tail},
      {"BINBYTES", "\x80\x03" "B" + le(0xffffffff, 4) + tail},
      {"BINSTRING", "T" + le(0x7fffffff, 4) + tail},
      {"BINSTRING negative", "T" + le(0x80000000, 4) + tail},
      {"LONG1 255", "\x80\x02\x8a\xff" + std::string(10, '\x01')},
  };
}

TEST(Catalogue, HugeDeclaredLengthsFailWithoutAllocating) {
  const fs::path dir = fs::temp_directory_path() / ("picklejar_huge_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // A streamed payload of unknown length is read in 1 MiB steps; nothing else may come near.
  constexpr size_t kMaxAllocation = size_t{4} << 20;
  for (const auto& c : huge_cases()) {
    const fs::path file = dir / "huge.pkl";
    std::ofstream(file, std::ios::binary) << c.data;
    for (int mode = 0; mode < 3; ++mode) {
      const char* how = mode == 0 ? "memory" : mode == 1 ? "file" : "stream";
      TrackAllocations track;
      try {
        Document d;
        if (mode == 0) {
          d = load(view(c.data));
        } else if (mode == 1) {
          d = load_file(file);
        } else {
          std::istringstream in(c.data);
          d = load_stream(in);
        }
        // Only FRAME may load, from a stream: a frame is a read-ahead hint, and a stream does not
        // know how many bytes are left.
        EXPECT_TRUE(std::string(c.what) == "FRAME" && mode == 2) << c.what << " (" << how << ") loaded";
      } catch (const Error& e) {
        EXPECT_TRUE(e.code() == ErrorCode::kTruncated || e.code() == ErrorCode::kBadLength ||
                    e.code() == ErrorCode::kBadFrame || e.code() == ErrorCode::kLimitExceeded)
            << c.what << " (" << how << "): " << e.what();
        EXPECT_NE(e.offset(), Error::kNoOffset) << e.what();
      }
      if (kTracksAllocations) {
        EXPECT_LT(track.largest(), kMaxAllocation) << c.what << " (" << how << ") allocated " << track.largest();
      }
    }
  }
  fs::remove_all(dir);
}

// ---- memo bombs ---------------------------------------------------------------------------------

TEST(Catalogue, MemoBombsStayFastAndBounded) {
  // 1,000,000 LONG_BINPUTs at pseudo-random 32-bit indices (sparse), then GETs of some of them.
  std::mt19937 rng(7);
  std::string sparse = "\x80\x02N";
  std::vector<uint32_t> idx;
  for (int i = 0; i < 1000000; ++i) {
    idx.push_back(static_cast<uint32_t>(rng()));
    sparse += "r" + le(idx.back(), 4);
  }
  sparse += "0(";  // POP the None, then a list of memo GETs
  for (int i = 0; i < 1000; ++i) sparse += "j" + le(idx[static_cast<size_t>(i) * 997], 4);
  sparse += "l.";
  auto t = Clock::now();
  {
    TrackAllocations track;
    Document d = load(view(sparse));
    EXPECT_EQ(d.root().size(), 1000u);
    EXPECT_TRUE(d.root()[0].is_none());
    if (kTracksAllocations) {
      EXPECT_LT(track.largest(), size_t{64} << 20) << "one allocation of " << track.largest();
    }
  }
  EXPECT_LT(seconds_since(t), 30.0);

  // 2,000,000 BINPUTs at the same index and 2,000,000 MEMOIZEs (dense, one entry each).
  std::string puts = "\x80\x04N";
  for (int i = 0; i < 2000000; ++i) puts += "q\x07";
  for (int i = 0; i < 2000000; ++i) puts += "\x94";
  puts += "h\x07.";
  t = Clock::now();
  {
    Document d = load(view(puts));
    EXPECT_TRUE(d.root().is_none());
  }
  EXPECT_LT(seconds_since(t), 30.0);

  // Indices that would make a dense table huge (each far past the last) stay in the sparse map:
  // 100,000 entries at stride 2^16 must not allocate a 6.5-billion-slot table.
  std::string strided = "\x80\x02N";
  for (uint32_t i = 0; i < 100000; ++i) strided += "r" + le(i * 65536u, 4);
  strided += ".";
  {
    TrackAllocations track;
    t = Clock::now();
    Document d = load(view(strided));
    EXPECT_TRUE(d.root().is_none());
    EXPECT_LT(seconds_since(t), 30.0);
    if (kTracksAllocations) {
      EXPECT_LT(track.largest(), size_t{64} << 20);
    }
  }

  // With a memo limit the bomb stops at the first entry past it.
  LoadOptions small;
  small.limits.max_memo_entries = 1000;
  try {
    (void)load(view(sparse), small);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded);
    EXPECT_EQ(e.offset(), 3u + 5u * 1000u);  // the 1001st LONG_BINPUT
  }
}

// ---- 1,000,000-deep structures ------------------------------------------------------------------

constexpr size_t kDepth = 1000000;

std::string deep_list() { return "\x80\x02" + std::string(kDepth, ']') + std::string(kDepth - 1, 'a') + "."; }
std::string deep_tuple() { return "\x80\x02N" + std::string(kDepth, '\x85') + "."; }
std::string deep_dict() {
  std::string s = "\x80\x02";
  for (size_t i = 0; i + 1 < kDepth; ++i) s += "}K\x00"s;
  s += "}" + std::string(kDepth - 1, 's') + ".";
  return s;
}

void deep_checks(const std::string& what, const std::string& data, std::initializer_list<int> protocols) {
  SCOPED_TRACE(what);
  auto t = Clock::now();
  Document d = load(view(data));
  Value v = d.root();
  std::string json = to_json(v);
  EXPECT_GE(json.size(), 2 * kDepth);
  std::string show = to_show(v);
  EXPECT_GE(show.size(), 2 * kDepth);
  EXPECT_TRUE(v.equals(v));
  for (int p : protocols) {
    SCOPED_TRACE("protocol " + std::to_string(p));
    DumpOptions o;
    o.protocol = p;
    std::vector<uint8_t> bytes = dump(v, o);
    Document again = load(ByteView(bytes.data(), bytes.size()));
    EXPECT_TRUE(again.root().equals(v));
    EXPECT_TRUE(v.equals(again.root()));
    EXPECT_EQ(to_json(again.root()), json);
    // Equality honours max_depth without recursing.
    try {
      (void)v.equals(again.root(), kDepth / 2);
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded);
    }
  }
  auto destroy_start = Clock::now();
  { Document gone = std::move(d); }
  EXPECT_LT(seconds_since(destroy_start), 5.0);
  EXPECT_LT(seconds_since(t), 300.0);
}

TEST(Catalogue, MillionDeepListThroughDumpShowJsonEqualityAndDestruction) {
  deep_checks("list", deep_list(), {0, 1, 2, 3, 4, 5});
  // Two deep lists that differ only at the bottom are not equal.
  std::string a = deep_list(), b = a;
  b.insert(2 + kDepth, "K\x01" "a");  // the innermost list gets an item
  Document da = load(view(a)), db = load(view(b));
  EXPECT_FALSE(da.root().equals(db.root()));
  EXPECT_FALSE(db.root().equals(da.root()));
}

TEST(Catalogue, MillionDeepTupleThroughDumpShowJsonEqualityAndDestruction) {
  deep_checks("tuple", deep_tuple(), {2, 5});
}

TEST(Catalogue, MillionDeepDictThroughDumpShowJsonEqualityAndDestruction) {
  deep_checks("dict", deep_dict(), {1, 4});
}

TEST(Catalogue, SharedAndCyclicValuesCompareInLinearTime) {
  // t0 = (None,None); t(k+1) = (tk, tk): 2^200 leaves when expanded, 200 distinct pairs.
  std::string s = "\x80\x02N";
  for (int i = 0; i < 200; ++i) s += "2\x86";  // DUP, TUPLE2
  s += ".";
  Document a = load(view(s)), b = load(view(s));
  auto t = Clock::now();
  EXPECT_TRUE(a.root().equals(b.root()));
  EXPECT_LT(seconds_since(t), 5.0);
  // l = [l], in two documents: equal shapes compare equal instead of recursing forever.
  std::string cyc = "\x80\x02]q\x00h\x00" "a."s;
  Document c1 = load(view(cyc)), c2 = load(view(cyc));
  EXPECT_TRUE(c1.root().equals(c2.root()));
  std::string other = "\x80\x02]q\x00h\x00" "aK\x01" "a."s;  // l = [l, 1]
  Document c3 = load(view(other));
  EXPECT_FALSE(c1.root().equals(c3.root()));
}


// ---- joblib: decompression bombs, hostile codec headers, absurd wrappers -----------------------

std::string compress_with(const std::string& codec, const std::string& raw) {
  const std::vector<uint8_t> packed = picklejar_fuzz::compress_fastest(codec, view(raw));
  return std::string(packed.begin(), packed.end());
}

// Small files that decompress to 6 MiB: one BINBYTES8 of zeros (a declared length), and 3M
// NONE+POP pairs (nothing declared: only the count of decoded bytes can stop it). With
// max_input_bytes at 1 MiB, load, inspect and disassemble stop with kLimitExceeded, whatever the
// codec, without allocating anything near the decoded size.
TEST(Catalogue, DecompressionBombsStopAtTheInputLimit) {
  constexpr size_t kDecoded = size_t{6} << 20;
  const std::string declared = "\x80\x04\x8e"s + le(kDecoded, 8) + std::string(kDecoded, '\0') + ".";
  std::string undeclared = "\x80\x04";
  for (size_t i = 0; i < kDecoded / 2; ++i) undeclared += "N0";
  undeclared += "N.";
  joblib::LoadOptions opt;
  opt.pickle.limits.max_input_bytes = uint64_t{1} << 20;
  for (const char* codec : {"zlib", "gzip", "bz2", "lzma", "xz", "lz4"}) {
    for (const std::string* raw : {&declared, static_cast<const std::string*>(&undeclared)}) {
      const std::string bomb = compress_with(codec, *raw);
      const std::string what = std::string(codec) + (raw == &declared ? " BINBYTES8" : " NONE+POP") + " bomb of " +
                               std::to_string(bomb.size()) + " bytes";
      ASSERT_LT(bomb.size(), kDecoded / 16) << what;
      TrackAllocations track;
      for (int op = 0; op < 3; ++op) {
        try {
          if (op == 0) (void)joblib::load(view(bomb), opt);
          if (op == 1) (void)joblib::inspect(view(bomb), opt);
          if (op == 2) {
            std::ostringstream out;
            joblib::disassemble(view(bomb), out, opt);
          }
          ADD_FAILURE() << what << ": operation " << op << " did not stop";
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded) << what << ": " << e.what();
          EXPECT_NE(e.offset(), Error::kNoOffset) << e.what();
        }
      }
      if (kTracksAllocations) {
        EXPECT_LT(track.largest(), size_t{3} << 20) << what;
      }
    }
  }
}

// An lzma ("alone") header may ask for a 4 GiB dictionary, which liblzma would allocate up front:
// the decoder's memory is bounded by max_memory_bytes (found by fuzz_joblib).
TEST(Catalogue, LzmaHeaderAskingForAHugeDictionary) {
  // properties 0x5d, dictionary 0xC0000000 (joblib's magic is 5d 00; 2^31 + 2^30, a size the
  // picky header check of Python's lzma module takes), uncompressed size unknown, then a little data.
  const std::string bomb = "\x5d\x00\x00\x00\xc0\xff\xff\xff\xff\xff\xff\xff\xff"s + std::string(64, '\0');
  joblib::LoadOptions opt;
  opt.pickle.limits.max_memory_bytes = uint64_t{256} << 20;
  try {
    (void)joblib::load(view(bomb), opt);
    ADD_FAILURE() << "loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded) << e.what();
    EXPECT_NE(std::string(e.what()).find("decoder memory"), std::string::npos) << e.what();
  }
  // A real file's dictionary (8 MiB at preset 6) is far under the default limits.
  const std::string ok = compress_with("lzma", "\x80\x04K\x07.");
  Document d = joblib::load(view(ok));
  EXPECT_EQ(d.root().as_int(), 7);
}

// NumpyArrayWrapper states claiming shapes no input can back: an Error, before anything of that
// size is allocated, from memory, from a file and with mmap.
TEST(Catalogue, JoblibWrappersClaimingAbsurdShapes) {
  const std::string base = read_all(fs::path(PICKLEJAR_FIXTURES_DIR) / "joblib" / "array.joblib");
  // array.joblib: FRAME at 2 (length at 3..10), shape (10, 10) as "K\x0aK\x0a\x86" at 100.
  const std::string shape_ops = "K\x0aK\x0a\x86";
  ASSERT_EQ(base.substr(100, 5), shape_ops);
  const std::vector<std::pair<std::string, std::string>> shapes = {
      {"(2**62,)", "\x8a\x08"s + le(uint64_t{1} << 62, 8) + "\x85"},
      {"(2**31, 2**31)", "J"s + le(0x7fffffff, 4) + "J" + le(0x7fffffff, 4) + "\x86"},
      {"(2**40, 2**40, 2**40)", "\x8a\x06"s + le(uint64_t{1} << 40, 6) + "\x8a\x06" + le(uint64_t{1} << 40, 6) +
                                    "\x8a\x06" + le(uint64_t{1} << 40, 6) + "\x87"},
      {"(-1,)", "J"s + le(0xffffffff, 4) + "\x85"},
      {"(10, -10)", "K\x0aJ"s + le(static_cast<uint32_t>(-10), 4) + "\x86"},
      {"(10, 11)", "K\x0aK\x0b\x86"s},
      {"(2**70,)", "\x8a\x09"s + le(0, 8) + "\x40" + "\x85"},
      {"('a',)", "\x8c\x01\x61\x85"s},
  };
  const fs::path dir = fs::temp_directory_path() / ("picklejar_shapes_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const auto& [name, ops] : shapes) {
    std::string f = base.substr(0, 100) + ops + base.substr(105);
    const uint64_t frame = base.size() >= 11 ? static_cast<uint64_t>(static_cast<uint8_t>(base[3])) +
                                                   (static_cast<uint64_t>(static_cast<uint8_t>(base[4])) << 8)
                                             : 0;
    f.replace(3, 8, le(frame + ops.size() - shape_ops.size(), 8));
    const fs::path file = dir / "absurd.joblib";
    std::ofstream(file, std::ios::binary) << f;
    for (int mode = 0; mode < 3; ++mode) {
      joblib::LoadOptions opt;
      if (mode == 2) opt.mmap = joblib::MmapMode::kReadOnly;
      TrackAllocations track;
      try {
        Document d = mode == 0 ? joblib::load(view(f), opt) : joblib::load(file, opt);
        ADD_FAILURE() << name << " (mode " << mode << ") loaded";
      } catch (const Error& e) {
        EXPECT_NE(e.offset(), Error::kNoOffset) << name << ": " << e.what();
      }
      if (kTracksAllocations) {
        EXPECT_LT(track.largest(), size_t{1} << 20) << name << " (mode " << mode << ")";
      }
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace picklejar
