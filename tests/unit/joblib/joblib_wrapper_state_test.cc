// What joblib.load (joblib 1.2, numpy 1.24) does with a NumpyArrayWrapper whose state is odd, and
// that picklejar::joblib::load does the same: a list shape loads, and a state joblib cannot read
// (no subclass, a subclass that is no class, an int shape) is refused. Checked with
// /usr/bin/python3; fixtures/bad/joblib_* pins the refusals through the generator.
#include <gtest/gtest.h>
#include <picklejar/joblib.h>
#include <picklejar/ndarray.h>
#include <picklejar/picklejar.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace {

namespace jl = picklejar::joblib;
using namespace std::string_literals;

std::string str_op(const std::string& s) {
  std::string out = "X";
  for (int i = 0; i < 4; ++i) out += static_cast<char>((s.size() >> (8 * i)) & 0xff);
  return out + s;
}

// A protocol-2 stream of one wrapper of three int64s (1, 2, 3), the state's items replaced or
// dropped (an empty value) as asked.
std::string wrapper_stream(const std::map<std::string, std::string>& change) {
  std::map<std::string, std::string> state = {
      {"subclass", "cnumpy\nndarray\n"},
      {"shape", "K\x03\x85"},
      {"order", str_op("C")},
      {"dtype", "cnumpy\ndtype\n" + str_op("i8") + "\x89\x88\x87R(K\x03" + str_op("<") +
                    "NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"s},
      {"allow_mmap", "\x88"}};
  for (const auto& [k, v] : change) state[k] = v;
  std::string s = "\x80\x02" "cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81}("s;
  for (const auto& [k, v] : state)
    if (!v.empty()) s += str_op(k) + v;
  s += "ub";
  for (int64_t x : {1, 2, 3})
    for (int i = 0; i < 8; ++i) s += static_cast<char>((x >> (8 * i)) & 0xff);
  return s + ".";
}

picklejar::Document load(const std::string& s) {
  return jl::load(picklejar::ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

TEST(JoblibWrapperState, AsJoblibLoadReadsIt) {
  picklejar::Document whole = load(wrapper_stream({}));
  ASSERT_EQ(whole.root().kind(), picklejar::Kind::kArray);
  picklejar::Document listed = load(wrapper_stream({{"shape", "](K\x03" "e"}}));  // joblib: array([1, 2, 3])
  ASSERT_EQ(listed.root().kind(), picklejar::Kind::kArray);
  EXPECT_EQ(listed.root().as_array().shape(), std::vector<int64_t>{3});
  picklejar::Document no_mmap_flag = load(wrapper_stream({{"allow_mmap", ""}}));  // read only with mmap_mode
  EXPECT_EQ(no_mmap_flag.root().kind(), picklejar::Kind::kArray);
}

TEST(JoblibWrapperState, WhatJoblibLoadCannotReadIsRefused) {
  // joblib.load: AttributeError (no subclass), TypeError (_reconstruct of None; len() of an int).
  for (const auto& change : std::vector<std::map<std::string, std::string>>{
           {{"subclass", ""}}, {{"subclass", "N"}}, {{"subclass", "K\x01"}}, {{"shape", "K\x03"}}}) {
    try {
      load(wrapper_stream(change));
      ADD_FAILURE() << "loaded " << change.begin()->first;
    } catch (const picklejar::Error& e) {
      EXPECT_EQ(e.code(), picklejar::ErrorCode::kBadArgument) << e.what();
    }
  }
}

}  // namespace
