// torch::write_safetensors: every torch fixture written as .safetensors and read back by a parser
// written here from the format's description (huggingface/safetensors README and its reader's
// checks in safetensors/src/tensor.rs), not from the writer: an 8-byte little-endian header length
// N, N bytes of JSON starting with '{', data_offsets relative to the bytes after the header,
// contiguous from 0 and covering them exactly, each range shape x dtype size long. Values are
// compared with the tensors torch::inspect gives for the source.
#include <gtest/gtest.h>
#include <picklejar/joblib.h>
#include <picklejar/ndarray.h>
#include <picklejar/torch.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "torch_test_util.h"

namespace {

using namespace picklejar::torch_test;
namespace pt = picklejar::torch;
namespace fs = std::filesystem;
using picklejar::Error;
using picklejar::ErrorCode;

struct StTensor {
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;
  std::string data;
};
struct StFile {
  uint64_t header_len = 0;
  std::map<std::string, std::string> metadata;
  std::map<std::string, StTensor> tensors;
  std::vector<std::string> data_order;  // names by data_offsets
};

size_t st_size(const std::string& dtype) {
  static const std::map<std::string, size_t> sizes = {
      {"BOOL", 1}, {"U8", 1}, {"I8", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2}, {"BF16", 2},
      {"I32", 4},  {"U32", 4}, {"F32", 4}, {"F64", 8}, {"I64", 8}, {"U64", 8}};
  auto it = sizes.find(dtype);
  if (it == sizes.end()) throw std::runtime_error("unknown safetensors dtype " + dtype);
  return it->second;
}

// The reader: throws std::runtime_error naming the first rule the file breaks.
StFile parse_safetensors(const std::string& f) {
  auto fail = [](const std::string& why) { throw std::runtime_error("not a valid safetensors file: " + why); };
  if (f.size() < 8) fail("shorter than 8 bytes");
  StFile out;
  for (int i = 7; i >= 0; --i) out.header_len = out.header_len << 8 | static_cast<uint8_t>(f[static_cast<size_t>(i)]);
  if (out.header_len > f.size() - 8) fail("header length past the end");
  std::string header = f.substr(8, static_cast<size_t>(out.header_len));
  if (header.empty() || header[0] != '{') fail("header does not start with '{'");
  Json h = JsonParser(header).parse();
  if (h.type != Json::kObject) fail("header is not an object");
  std::vector<std::pair<uint64_t, std::string>> by_offset;
  for (const auto& [name, v] : h.members) {
    if (name == "__metadata__") {
      for (const auto& [k, s] : v.members) {
        if (s.type != Json::kString) fail("__metadata__ value not a string");
        out.metadata[k] = s.str;
      }
      continue;
    }
    StTensor t;
    t.dtype = v["dtype"].str;
    uint64_t n = 1;
    for (const Json& d : v["shape"].items) {
      if (d.type != Json::kNumber || d.num < 0) fail("bad shape");
      t.shape.push_back(d.as_int());
      n *= static_cast<uint64_t>(d.as_int());
    }
    const Json& offs = v["data_offsets"];
    if (offs.items.size() != 2) fail("data_offsets is not a pair");
    t.begin = static_cast<uint64_t>(offs[0].as_int());
    t.end = static_cast<uint64_t>(offs[1].as_int());
    if (t.end < t.begin || t.end - t.begin != n * st_size(t.dtype)) fail(name + ": range does not match shape x dtype");
    if (!out.tensors.emplace(name, t).second) fail("duplicate name " + name);
    by_offset.emplace_back(t.begin, name);
  }
  std::sort(by_offset.begin(), by_offset.end(), [&](const auto& a, const auto& b) {
    const StTensor &x = out.tensors[a.second], &y = out.tensors[b.second];
    return std::make_pair(x.begin, x.end) < std::make_pair(y.begin, y.end);
  });
  uint64_t at = 0;
  for (const auto& [begin, name] : by_offset) {
    StTensor& t = out.tensors[name];
    if (t.begin != at) fail(name + ": data_offsets not contiguous");
    at = t.end;
    t.data = f.substr(static_cast<size_t>(8 + out.header_len + t.begin), static_cast<size_t>(t.end - t.begin));
    out.data_order.push_back(name);
  }
  if (8 + out.header_len + at != f.size()) fail("the data does not end at the end of the file");
  return out;
}

std::string st_code(pt::DType t) {
  switch (t) {
    case pt::DType::kFloat32: return "F32";
    case pt::DType::kFloat64: return "F64";
    case pt::DType::kFloat16: return "F16";
    case pt::DType::kBFloat16: return "BF16";
    case pt::DType::kInt64: return "I64";
    case pt::DType::kInt32: return "I32";
    case pt::DType::kInt16: return "I16";
    case pt::DType::kInt8: return "I8";
    case pt::DType::kUInt8: return "U8";
    case pt::DType::kBool: return "BOOL";
    default: return "";
  }
}

// The order of safetensors' Dtype enum (safetensors/src/tensor.rs), which its writer sorts by.
int st_rank(const std::string& code) {
  static const std::vector<std::string> order = {"BOOL", "U8",  "I8",  "F8_E5M2", "F8_E4M3", "I16", "U16", "F16",
                                                 "BF16", "I32", "U32", "F32",    "F64",     "I64", "U64"};
  return static_cast<int>(std::find(order.begin(), order.end(), code) - order.begin());
}

std::string to_st(const picklejar::Value& root, pt::SafetensorsReport* report = nullptr,
                  const pt::SafetensorsOptions& o = {}) {
  std::ostringstream out;
  pt::SafetensorsReport r = pt::write_safetensors(root, out, o);
  if (report) *report = r;
  return out.str();
}

std::vector<std::string> zip_fixtures() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fixtures() + "/torch"))
    if (e.path().extension() == ".pt") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Every fixture that is a dict or list of tensors, in every container format: each tensor of a
// safetensors dtype is in the file under its path with torch's elements in row-major order; the
// rest is in the report; the layout is the one safetensors' writer makes.
TEST(TorchSafetensors, EveryFixtureReadsBackEqual) {
  size_t files = 0, tensors = 0, complex = 0, views = 0;
  for (const std::string& name : zip_fixtures()) {
    SCOPED_TRACE(name);
    picklejar::Document doc;
    pt::FileInfo info = pt::inspect(fixtures() + "/torch/" + name, {}, doc);
    if (name.rfind("tensor", 0) == 0) {
      EXPECT_THROW(to_st(doc.root()), Error);  // a bare tensor has no name
      continue;
    }
    pt::SafetensorsReport report;
    StFile st = parse_safetensors(to_st(doc.root(), &report));
    ++files;
    EXPECT_EQ(st.header_len % 8, 0u);
    EXPECT_EQ(st.metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
    std::set<std::string> skipped;
    for (const auto& s : report.skipped) skipped.insert(s.path);
    size_t written = 0;
    for (const pt::TensorInfo& ti : info.tensors) {
      pt::TensorRef t(ti.tensor);
      std::string code = st_code(t.dtype());
      if (code.empty()) {
        ++complex;
        EXPECT_TRUE(skipped.count(ti.path)) << ti.path;
        EXPECT_FALSE(st.tensors.count(ti.path)) << ti.path;
        continue;
      }
      ++written;
      ++tensors;
      views += !t.is_contiguous() || t.storage_offset() != 0;
      ASSERT_TRUE(st.tensors.count(ti.path)) << ti.path;
      const StTensor& s = st.tensors.at(ti.path);
      EXPECT_EQ(s.dtype, code) << ti.path;
      EXPECT_EQ(s.shape, t.shape()) << ti.path;
      std::vector<uint8_t> want = t.contiguous_bytes();
      EXPECT_EQ(s.data, std::string(want.begin(), want.end())) << ti.path;
    }
    EXPECT_EQ(st.tensors.size(), written);
    EXPECT_EQ(report.tensors, written);
    for (size_t i = 1; i < st.data_order.size(); ++i) {
      const std::string &a = st.data_order[i - 1], &b = st.data_order[i];
      int ra = st_rank(st.tensors.at(a).dtype), rb = st_rank(st.tensors.at(b).dtype);
      EXPECT_TRUE(ra > rb || (ra == rb && a < b)) << a << " before " << b;
    }
  }
  EXPECT_GE(files, 25u);
  EXPECT_GT(tensors, 100u);
  EXPECT_EQ(complex, 2u * 3u);  // dtypes.pt's complex64 and complex128, in each of three formats
  EXPECT_GT(views, 0u);
}

TEST(TorchSafetensors, CheckpointLeavesOutItsNonTensorValues) {
  picklejar::Document doc = pt::load(fixtures() + "/torch/checkpoint.pt");
  pt::SafetensorsReport report;
  StFile st = parse_safetensors(to_st(doc.root(), &report));
  std::map<std::string, std::string> skipped;
  for (const auto& s : report.skipped) skipped[s.path] = s.reason;
  EXPECT_EQ(skipped.at("epoch"), "not a tensor (int)");
  EXPECT_EQ(skipped.at("loss"), "not a tensor (float)");
  EXPECT_TRUE(st.tensors.count("model.0.weight"));
  EXPECT_TRUE(st.tensors.count("optimizer.state.0.momentum_buffer"));
  EXPECT_EQ(report.skipped.front().path, "epoch");  // in pickling order
  pt::SafetensorsOptions strict;
  strict.strict = true;
  try {
    to_st(doc.root(), nullptr, strict);
    ADD_FAILURE() << "strict wrote a file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("'epoch'"), std::string::npos) << e.what();
  }
}

TEST(TorchSafetensors, StrictRefusesComplexAndLeavesNoFile) {
  picklejar::Document doc = pt::load(fixtures() + "/torch/dtypes.pt");
  fs::path out = fs::temp_directory_path() / "picklejar_st_strict.safetensors";
  fs::remove(out);
  pt::SafetensorsOptions strict;
  strict.strict = true;
  try {
    pt::write_safetensors(doc.root(), out, strict);
    ADD_FAILURE() << "strict wrote complex tensors";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("complex"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(out));
  pt::SafetensorsReport r = pt::write_safetensors(doc.root(), out);
  EXPECT_EQ(r.skipped.size(), 2u);
  StFile st = parse_safetensors(slurp(out.string()));
  EXPECT_EQ(st.tensors.size(), 10u);
  fs::remove(out);
}

TEST(TorchSafetensors, SameTensorTwiceIsWrittenTwice) {
  // views.pt holds its base tensor under two names: safetensors has no sharing, so both are copies.
  picklejar::Document doc;
  pt::FileInfo info = pt::inspect(fixtures() + "/torch/views.pt", {}, doc);
  std::string first, again;
  for (const auto& t : info.tensors)
    if (!t.same_as.empty()) again = t.path, first = t.same_as;
  ASSERT_FALSE(again.empty());
  StFile st = parse_safetensors(to_st(doc.root()));
  EXPECT_EQ(st.tensors.at(first).data, st.tensors.at(again).data);
}

TEST(TorchSafetensors, OutputLimitStopsRepeatedTensors) {
  picklejar::Document doc = pt::load(fixtures() + "/torch/large.pt");  // one float32 (64, 64): 16 KiB
  picklejar::Document lin = pt::load(fixtures() + "/torch/linear.pt");
  pt::SafetensorsOptions o;
  o.max_output_bytes = 50;  // linear's weight (48 bytes) fits, its bias (12 more) does not
  try {
    to_st(lin.root(), nullptr, o);
    ADD_FAILURE() << "wrote past max_output_bytes";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded) << e.what();
  }
  o.max_output_bytes = 60;
  EXPECT_EQ(parse_safetensors(to_st(lin.root(), nullptr, o)).tensors.size(), 2u);
  (void)doc;
}

// A stride-0 view (fixtures/torch/bad/expand_bomb.pt: one float32 element seen 16M times) under a
// max_memory_bytes that allows its copy: the row-major copy repeats the element (fuzz_torch timed
// out on it when each element's offset was summed over the dimensions: fixtures/regress/).
TEST(TorchSafetensors, StrideZeroViewIsWrittenElementByElement) {
  pt::LoadOptions o;
  o.pickle.limits.max_memory_bytes = uint64_t{64} << 20;
  for (const char* file : {"/torch/bad/expand_bomb.pt", "/regress/torch_expand_safetensors.pt"}) {
    picklejar::Document doc = pt::load(fixtures() + file, o);
    pt::TensorRef t(pt::as_dict(doc.root()).at(std::string("t")));
    ASSERT_EQ(t.numel(), uint64_t{1} << 24);
    EXPECT_FALSE(t.is_contiguous());
    std::string one(reinterpret_cast<const char*>(t.storage_bytes().data()), 4);
    std::string want;
    want.reserve(size_t{64} << 20);
    for (size_t i = 0; i < (size_t{1} << 24); ++i) want += one;
    std::vector<uint8_t> b = t.contiguous_bytes();
    EXPECT_TRUE(std::string(b.begin(), b.end()) == want);
    StFile st = parse_safetensors(to_st(doc.root()));
    EXPECT_TRUE(st.tensors.at("t").data == want);
  }
}

// Names safetensors cannot hold: a key that is no str or int, a name met twice, a lone surrogate;
// a big-endian array is written little-endian; a 2-d Fortran array is left out, a 1-d one is not.
TEST(TorchSafetensors, NamesAndLayoutsOfBuiltValues) {
  picklejar::Document doc;
  auto b = doc.builder();
  const double xs[] = {1.5, -2.0, 3.25};
  const int64_t one[] = {1}, three[] = {3}, two_by_two[] = {2, 2};
  const uint8_t be_bytes[] = {0, 0, 0, 1};  // 1 as a big-endian int32
  picklejar::Value arr = b.array(std::span<const double>(xs), std::span<const int64_t>(three));
  picklejar::Value big = b.array(b.dtype(">i4"), std::span<const int64_t>(one), picklejar::ByteView(be_bytes, 4));
  const double f4[] = {1, 2, 3, 4};
  picklejar::Value fortran = b.array(std::span<const double>(f4), std::span<const int64_t>(two_by_two), true);
  picklejar::Value fortran_1d = b.array(std::span<const double>(xs), std::span<const int64_t>(three), true);
  picklejar::Value root = b.dict({{b.str("a.b"), arr},
                                  {b.str("a"), b.dict({{b.str("b"), arr}})},
                                  {b.float64(1.5), arr},
                                  {b.str("\xed\xa0\x80"), arr},
                                  {b.str("big"), big},
                                  {b.str("f"), fortran},
                                  {b.str("f1"), fortran_1d},
                                  {b.integer(7), b.list({arr})}});
  pt::SafetensorsReport report;
  std::ostringstream out;
  report = pt::write_safetensors(root, out);
  StFile st = parse_safetensors(out.str());
  std::map<std::string, std::string> skipped;
  for (const auto& s : report.skipped) skipped[s.path] = s.reason;
  EXPECT_TRUE(st.tensors.count("a.b"));
  EXPECT_EQ(skipped.at("a.b"), "its name is used by another tensor");  // the nested one, met second
  EXPECT_EQ(skipped.at("?"), "a key on its path is neither a str nor an int");
  EXPECT_EQ(skipped.at("\xed\xa0\x80"), "its name is not valid UTF-8 (it holds a lone surrogate)");
  EXPECT_NE(skipped.at("f").find("Fortran"), std::string::npos);
  EXPECT_TRUE(st.tensors.count("f1"));
  EXPECT_TRUE(st.tensors.count("7.0"));
  EXPECT_EQ(st.tensors.at("big").dtype, "I32");
  EXPECT_EQ(st.tensors.at("big").data, std::string("\x01\x00\x00\x00", 4));
  EXPECT_EQ(st.tensors.at("a.b").data, std::string(reinterpret_cast<const char*>(xs), sizeof xs));
}

// fixtures/regress/torch_json_empty_lists.pt (fuzz_torch): a legacy tar whose tensor has shape
// (432345564227567620, 0): no element, but tolist() is that many empty lists. json --arrays values
// refuses it (kLimitExceeded) instead of writing for ever; the faithful form and safetensors
// (shape and no bytes) write it.
TEST(TorchSafetensors, EmptyTensorWithAHugeShape) {
  picklejar::Document doc;
  pt::FileInfo info = pt::inspect(fixtures() + "/regress/torch_json_empty_lists.pt", {}, doc);
  ASSERT_FALSE(info.tensors.empty());
  EXPECT_EQ(pt::TensorRef(info.tensors[0].tensor).shape(), (std::vector<int64_t>{432345564227567620, 0}));
  std::ostringstream out;
  picklejar::JsonOptions values;
  values.array_values = true;
  try {
    pt::write_json(doc.root(), out, values);
    ADD_FAILURE() << "wrote the lists";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded) << e.what();
  }
  std::ostringstream faithful;
  EXPECT_NO_THROW(pt::write_json(doc.root(), faithful, picklejar::JsonOptions{}));
  StFile st = parse_safetensors(to_st(doc.root()));
  EXPECT_EQ(st.tensors.at(info.tensors[0].path).shape, (std::vector<int64_t>{432345564227567620, 0}));
}

// numpy arrays in a plain pickle or joblib file are written as tensors too (little-endian, C order);
// the rest of layouts.p4.joblib (Fortran order, complex, str, structured, ...) is left out.
TEST(TorchSafetensors, NumpyArraysOfAJoblibFile) {
  picklejar::Document doc = picklejar::joblib::load(fixtures() + "/joblib/layouts.p4.joblib");
  pt::SafetensorsReport report;
  StFile st = parse_safetensors(to_st(doc.root(), &report));
  std::map<std::string, std::string> skipped;
  for (const auto& s : report.skipped) skipped[s.path] = s.reason;
  size_t arrays = 0, fortran = 0;
  ASSERT_EQ(doc.root().kind(), picklejar::Kind::kDict);
  for (const auto& [k, v] : doc.root().dict_items()) {
    if (v.kind() != picklejar::Kind::kArray || k.kind() != picklejar::Kind::kStr) continue;
    std::string key(k.as_str());
    picklejar::ArrayRef a = v.as_array();
    if (!st.tensors.count(key)) {
      EXPECT_TRUE(skipped.count(key)) << key;
      fortran += skipped[key].find("Fortran") != std::string::npos;
      continue;
    }
    ++arrays;
    std::vector<uint8_t> b = a.byteswapped();
    EXPECT_EQ(st.tensors.at(key).data, std::string(b.begin(), b.end())) << key;
    EXPECT_EQ(st.tensors.at(key).shape, a.shape()) << key;
  }
  EXPECT_GT(arrays, 0u);
  EXPECT_GT(fortran, 0u);
}

}  // namespace
