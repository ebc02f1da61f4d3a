// model/pyhash: CPython 3.11's hash() of str, bytes, int, float, bool and tuple values under several
// PYTHONHASHSEEDs, and the order a set built from given items iterates in, against what CPython
// computed (fixtures/internals/pyhash.tsv and set_order.tsv, made by
// tools/fixturegen/internals_cases.py in child interpreters run with each seed).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "model/value_access.h"
#include "model/pyhash.h"
#include "picklejar/picklejar.h"

namespace picklejar {
namespace {

std::vector<std::vector<std::string>> read_tsv(const std::string& name) {
  std::ifstream f(std::string(PICKLEJAR_FIXTURES_DIR) + "/internals/" + name);
  EXPECT_TRUE(f.good()) << name;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    std::vector<std::string> cols;
    std::istringstream s(line);
    std::string col;
    while (std::getline(s, col, '\t')) cols.push_back(col);
    if (line.back() == '\t') cols.emplace_back();
    rows.push_back(cols);
  }
  return rows;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t at = 0;
  for (;;) {
    size_t next = s.find(sep, at);
    out.emplace_back(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
    if (next == std::string_view::npos) return out;
    at = next + 1;
  }
}

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// A value from the generator's `kind:text` form.
Value make(Builder& b, std::string_view spec) {
  size_t colon = spec.find(':');
  std::string_view kind = spec.substr(0, colon), text = spec.substr(colon + 1);
  if (kind == "none") return b.none();
  if (kind == "bool") return b.boolean(text == "1");
  if (kind == "int") return b.integer(std::stoll(std::string(text)));
  if (kind == "bigint") {
    std::string raw = unhex(text);  // two's complement, little-endian
    return b.big_integer(ByteView(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()));
  }
  if (kind == "float") return b.float64(std::strtod(std::string(text).c_str(), nullptr));
  if (kind == "str") return b.str(unhex(text));
  if (kind == "bytes") {
    std::string raw = unhex(text);
    return b.bytes(ByteView(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()));
  }
  if (kind == "tuple") {
    std::vector<Value> items;
    if (!text.empty())
      for (const std::string& item : split(text, '|')) items.push_back(make(b, item));
    return b.tuple(std::span<const Value>(items));
  }
  ADD_FAILURE() << "unknown kind in " << spec;
  return b.none();
}

TEST(PyHash, MatchesCPythonForEverySeed) {
  auto rows = read_tsv("pyhash.tsv");
  ASSERT_GE(rows.size(), 150u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    SCOPED_TRACE(r[1] + " with PYTHONHASHSEED=" + r[0]);
    Document doc;
    Builder b = doc.builder();
    Value v = make(b, r[1]);
    auto key = internal::py_hash_key(static_cast<uint32_t>(std::stoul(r[0])));
    std::optional<int64_t> got = internal::py_hash(internal::impl_of(doc), v.id(), key);
    if (r[2] == "-") {
      EXPECT_EQ(got, std::nullopt) << "CPython hashes this by address";
    } else {
      EXPECT_EQ(got, std::optional<int64_t>(std::stoll(r[2])));
    }
  }
}

TEST(PyHash, SeedZeroIsAllZeroKey) {
  auto key = internal::py_hash_key(0);
  EXPECT_EQ(key.k0, 0u);
  EXPECT_EQ(key.k1, 0u);
  auto other = internal::py_hash_key(123);
  EXPECT_FALSE(other.k0 == 0 && other.k1 == 0);
}

TEST(PySetOrder, MatchesCPythonForEverySeed) {
  auto rows = read_tsv("set_order.tsv");
  ASSERT_GE(rows.size(), 20u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    SCOPED_TRACE(r[1] + " with PYTHONHASHSEED=" + r[0]);
    Document doc;
    Builder b = doc.builder();
    std::vector<uint32_t> ids;
    for (const std::string& item : split(r[1], ' ')) ids.push_back(make(b, item).id());
    auto key = internal::py_hash_key(static_cast<uint32_t>(std::stoul(r[0])));
    std::vector<uint32_t> got = internal::py_set_order(internal::impl_of(doc), ids.data(), ids.size(), key);
    std::vector<uint32_t> want;
    for (const std::string& i : split(r[2], ' ')) want.push_back(ids[std::stoul(i)]);
    EXPECT_EQ(got, want);
  }
}

TEST(PySetOrder, UnhashableItemKeepsTheGivenOrder) {
  Document doc;
  Builder b = doc.builder();
  std::vector<uint32_t> ids = {b.integer(3).id(), b.none().id(), b.integer(1).id()};
  EXPECT_EQ(internal::py_set_order(internal::impl_of(doc), ids.data(), ids.size(), internal::py_hash_key(0)), ids)
      << "None hashes by address in CPython: no reproducible order";
}

}  // namespace
}  // namespace picklejar
