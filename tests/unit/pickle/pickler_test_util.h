// Shared by the pickler's unit tests (pickler_*_test.cc): building values with the Builder, and
// what CPython's C pickler wrote for them (fixtures/PICKLER.tsv and fixtures/pickler/, made by
// tools/fixturegen/pickler_cases.py).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "picklejar/picklejar.h"

namespace picklejar::pickler_test {

using namespace std::string_literals;

// ---- expectations ---------------------------------------------------------------------------

inline uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

struct Want {
  enum Kind { kExact, kBig, kUnsupported } kind = kExact;
  std::string bytes;  // kExact: the whole pickle
  size_t size = 0;    // kBig: size, FNV-1a-64, first and last bytes
  uint64_t fnv = 0;
  std::string head, tail;
};
inline Want Exact(std::string s) {
  Want w;
  w.bytes = std::move(s);
  return w;
}
inline Want Big(size_t size, uint64_t fnv, std::string head, std::string tail) {
  Want w;
  w.kind = Want::kBig;
  w.size = size;
  w.fnv = fnv;
  w.head = std::move(head);
  w.tail = std::move(tail);
  return w;
}
// CPython raises (PicklingError / TypeError): picklejar must throw Error(kUnsupported).
inline Want Unsupported() {
  Want w;
  w.kind = Want::kUnsupported;
  return w;
}

inline std::string as_string(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

// Where two byte strings first differ, for a readable failure message.
inline std::string first_difference(const std::string& want, const std::string& got) {
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  return "sizes " + std::to_string(want.size()) + " (CPython) and " + std::to_string(got.size()) +
         " (picklejar), first difference at byte " + std::to_string(i);
}

inline ::testing::AssertionResult Matches(const Want& w, const std::string& got) {
  switch (w.kind) {
    case Want::kExact:
      if (got == w.bytes) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << first_difference(w.bytes, got) << "\n  got:  "
                                           << ::testing::PrintToString(got) << "\n  want: "
                                           << ::testing::PrintToString(w.bytes);
    case Want::kBig: {
      bool ok = got.size() == w.size && fnv1a(got) == w.fnv && got.compare(0, w.head.size(), w.head) == 0 &&
                got.size() >= w.tail.size() && got.compare(got.size() - w.tail.size(), w.tail.size(), w.tail) == 0;
      if (ok) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure()
             << "size " << got.size() << " (want " << w.size << "), head "
             << ::testing::PrintToString(got.substr(0, w.head.size())) << " (want "
             << ::testing::PrintToString(w.head) << "), tail "
             << ::testing::PrintToString(got.size() >= w.tail.size() ? got.substr(got.size() - w.tail.size()) : got)
             << " (want " << ::testing::PrintToString(w.tail) << "), hash match " << (fnv1a(got) == w.fnv);
    }
    case Want::kUnsupported:
      return ::testing::AssertionFailure() << "dumped " << ::testing::PrintToString(got.substr(0, 200))
                                           << " but CPython refuses this value at this protocol";
  }
  return ::testing::AssertionFailure();
}

inline const std::filesystem::path kFixtures = PICKLEJAR_FIXTURES_DIR;

inline std::string read_fixture(const std::filesystem::path& rel) {
  std::ifstream f(kFixtures / rel, std::ios::binary);
  EXPECT_TRUE(f.good()) << (kFixtures / rel);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

inline std::vector<uint8_t> hex_bytes(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// fixtures/PICKLER.tsv: (case, protocol, hash_seed) -> a fixture path, or "unsupported".
inline const std::map<std::tuple<std::string, int, uint32_t>, std::string>& pickler_rows() {
  static const auto rows = [] {
    std::map<std::tuple<std::string, int, uint32_t>, std::string> m;
    std::ifstream f(kFixtures / "PICKLER.tsv");
    std::string line;
    std::getline(f, line);  // header
    while (std::getline(f, line)) {
      size_t a = line.find('\t'), b = line.find('\t', a + 1), c = line.find('\t', b + 1);
      m[{line.substr(0, a), std::stoi(line.substr(a + 1, b - a - 1)),
         static_cast<uint32_t>(std::stoul(line.substr(b + 1, c - b - 1)))}] = line.substr(c + 1);
    }
    return m;
  }();
  return rows;
}

// What CPython wrote for a case (its name in PICKLER.tsv) at a protocol, under a hash seed.
inline Want expected(const std::string& name, int protocol, uint32_t hash_seed = 0) {
  const auto& rows = pickler_rows();
  auto it = rows.find({name, protocol, hash_seed});
  if (it == rows.end()) {
    ADD_FAILURE() << "no row in fixtures/PICKLER.tsv for " << name << " at protocol " << protocol;
    return Unsupported();
  }
  if (it->second == "unsupported") return Unsupported();
  return Exact(read_fixture(it->second));
}

// ---- building values ----------------------------------------------------------------------------


inline ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }
template <size_t N>
ByteView View(const uint8_t (&a)[N]) {
  return ByteView(a, N);
}
inline ByteView View(const std::vector<uint8_t>& v) { return ByteView(v.data(), v.size()); }

inline Value S(Builder& b, const std::string& s) { return b.str(s); }
inline Value By(Builder& b, const std::string& s) { return b.bytes(view(s)); }
inline Value BA(Builder& b, const std::string& s) { return b.bytearray(view(s)); }
inline std::string Rep(const std::string& s, size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) r += s;
  return r;
}
inline std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

// Two's complement little-endian bytes of a magnitude (little-endian) with a sign.
inline std::vector<uint8_t> twos_complement(std::vector<uint8_t> mag, bool negative) {
  mag.push_back(0);  // room for the sign bit
  if (negative) {
    for (auto& x : mag) x = static_cast<uint8_t>(~x);
    for (auto& x : mag) {
      if (++x != 0) break;
    }
  }
  return mag;
}
// An int from its decimal text ("-123..."), any size.
inline Value Dec(Builder& b, std::string_view text) {
  bool neg = !text.empty() && text[0] == '-';
  if (neg) text.remove_prefix(1);
  std::vector<uint8_t> mag;  // little-endian
  for (char c : text) {
    unsigned carry = static_cast<unsigned>(c - '0');
    for (auto& x : mag) {
      unsigned v = x * 10u + carry;
      x = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
    while (carry) {
      mag.push_back(static_cast<uint8_t>(carry));
      carry >>= 8;
    }
  }
  auto bytes = twos_complement(mag, neg);
  return b.big_integer(ByteView(bytes.data(), bytes.size()));
}
// ±2**k.
inline Value Pow2(Builder& b, int k, bool negative) {
  std::vector<uint8_t> mag(static_cast<size_t>(k / 8 + 1), 0);
  mag.back() = static_cast<uint8_t>(1u << (k % 8));
  auto bytes = twos_complement(mag, negative);
  return b.big_integer(ByteView(bytes.data(), bytes.size()));
}
inline std::vector<Value> Ints(Builder& b, int n) {
  std::vector<Value> v;
  for (int i = 0; i < n; ++i) v.push_back(b.integer(i));
  return v;
}
inline Value List(Builder& b, const std::vector<Value>& items) { return b.list(std::span<const Value>(items)); }
inline Value DictOf(Builder& b, int n) {  // {i: i for i in range(n)}
  Value d = b.dict();
  for (int i = 0; i < n; ++i) b.set_item(d, b.integer(i), b.integer(i));
  return d;
}
inline Value SetOf(Builder& b, int n) {  // set(range(n))
  Value s = b.set();
  for (int i = 0; i < n; ++i) b.add(s, b.integer(i));
  return s;
}
inline std::vector<Value> NumberedStrs(Builder& b, int n) {  // ['x%d' % i for i in range(n)]
  std::vector<Value> v;
  for (int i = 0; i < n; ++i) v.push_back(b.str("x" + std::to_string(i)));
  return v;
}

// Buffer memory (PickleBuffers borrow it; it must outlive the documents).
inline const uint8_t kAbc[] = {'a', 'b', 'c'};
inline const uint8_t kXyz[] = {'x', 'y', 'z'};
inline const std::vector<uint8_t> kBig70000(70000, 'a');

inline std::string D(const Value& v, int protocol, DumpOptions o = {}) {
  o.protocol = protocol;
  return as_string(dump(v, o));
}

}  // namespace picklejar::pickler_test
