// Shared by the numpy unit tests: loading fixtures/numpy/ (written by tools/fixturegen/numpy_cases.py
// with CPython 3.11 + numpy 1.24) and building expected element bytes.
#pragma once

#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <cmath>
#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace picklejar::numpy_test {

namespace fs = std::filesystem;
inline const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

inline std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  EXPECT_TRUE(f.good()) << "missing " << p;
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

// A fixture loaded from memory; the input (and out-of-band buffers) outlive the document.
struct Loaded {
  std::vector<uint8_t> data;
  std::vector<std::vector<uint8_t>> buffers;
  Document doc;
  Value root() const { return doc.root(); }
};

inline std::unique_ptr<Loaded> load_fixture(const std::string& rel, size_t buffers = 0) {
  auto l = std::make_unique<Loaded>();
  l->data = read_bytes(kFixtures / rel);
  LoadOptions o;
  if (buffers) {
    std::string stem = rel.substr(0, rel.rfind('.'));
    o.buffers.emplace();
    for (size_t i = 0; i < buffers; ++i) l->buffers.push_back(read_bytes(kFixtures / (stem + ".buf" + std::to_string(i) + ".bin")));
    for (const auto& b : l->buffers) o.buffers->push_back({ByteView(b.data(), b.size()), false});
  }
  l->doc = load(ByteView(l->data.data(), l->data.size()), o);
  return l;
}

inline std::string fixture(const std::string& name, int protocol) { return "numpy/" + name + ".p" + std::to_string(protocol) + ".pkl"; }

inline std::vector<uint8_t> bytes_of(ByteView v) { return std::vector<uint8_t>(v.begin(), v.end()); }
inline std::vector<uint8_t> bytes_of(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

template <class T>
std::vector<uint8_t> le_bytes(std::initializer_list<T> values) {
  std::vector<uint8_t> out;
  for (T v : values) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.insert(out.end(), b, b + sizeof(T));
  }
  return out;
}

// UTF-32-LE of a UTF-8 string of code points below U+10000 or 4-byte sequences, padded to n chars.
inline std::vector<uint8_t> ucs4(std::u32string s, size_t n) {
  s.resize(n, U'\0');
  std::vector<uint8_t> out;
  for (char32_t c : s)
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(static_cast<uint32_t>(c) >> (8 * i)));
  return out;
}

inline ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no picklejar::Error thrown";
  return ErrorCode::kInvalidArgument;
}

// Same value, NaN equal to NaN, -0.0 different from 0.0.
template <class F>
bool same_float(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr float kInfF = std::numeric_limits<float>::infinity();
inline constexpr float kNaNF = std::numeric_limits<float>::quiet_NaN();

inline int64_t i64_at(ByteView b, size_t i) {
  int64_t v;
  std::memcpy(&v, b.data() + 8 * i, 8);
  return v;
}

}  // namespace picklejar::numpy_test
