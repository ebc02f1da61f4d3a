// Every torch file of fixtures/TORCH.tsv (zip and legacy stream made by real torch 1.13's torch.save,
// legacy tar written by tools/fixturegen/torch_tar.py and read back by torch.load) loads with torch::load, mapped and read, to what its .expect.json sidecar says torch.load made of
// it: the same tensors in pickling order (dtype, shape, stride, storage offset, storage key and
// size, requires_grad, Parameter or not, contiguity, the sha256 of the elements in row-major
// order and the listed values), the same sharing (a tensor met again is the same value; tensors
// of one storage key share one storage value), and the same object around them.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>
#include <picklejar/torch.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "torch_test_util.h"

namespace {

using namespace picklejar::torch_test;
namespace pt = picklejar::torch;
using picklejar::Kind;
using picklejar::Value;

struct Row {
  std::string file, format, casename;
};
void PrintTo(const Row& r, std::ostream* os) { *os << r.file; }

std::vector<Row> good_rows() {
  std::vector<Row> rows;
  std::istringstream in(slurp(fixtures() + "/TORCH.tsv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string x; std::getline(s, x, '\t');) f.push_back(x);
    if (f.size() < 3 || f[0].rfind("torch/bad/", 0) == 0) continue;
    rows.push_back({f[0], f[1], f[2]});
  }
  return rows;
}

std::string stem(const std::string& file) { return fixtures() + "/" + file.substr(0, file.size() - 3); }

std::vector<int64_t> ints(const Json& a) {
  std::vector<int64_t> out;
  for (const Json& x : a.items) out.push_back(x.as_int());
  return out;
}

// One listed value against one element (Python's tolist() of the tensor, as the sidecar writes it).
void expect_element(const Json& want, pt::DType dtype, const uint8_t* p, const std::string& where) {
  auto number = [](const Json& j) -> double {
    if (j.type == Json::kString) return j.str == "nan" ? NAN : j.str == "inf" ? INFINITY : -INFINITY;
    return j.num;
  };
  auto same = [&](double want_v, double got) {
    if (std::isnan(want_v)) return std::isnan(got);
    return want_v == got && std::signbit(want_v) == std::signbit(got);
  };
  double got = 0, got_im = 0;
  switch (dtype) {
    case pt::DType::kFloat32: { float v; std::memcpy(&v, p, 4); got = v; break; }
    case pt::DType::kFloat64: std::memcpy(&got, p, 8); break;
    case pt::DType::kComplex64: { float v[2]; std::memcpy(v, p, 8); got = v[0], got_im = v[1]; break; }
    case pt::DType::kComplex128: { double v[2]; std::memcpy(v, p, 16); got = v[0], got_im = v[1]; break; }
    case pt::DType::kBool: EXPECT_EQ(want.b, p[0] != 0) << where; return;
    case pt::DType::kInt64: { int64_t v; std::memcpy(&v, p, 8); EXPECT_EQ(want.as_int(), v) << where; return; }
    case pt::DType::kInt32: { int32_t v; std::memcpy(&v, p, 4); EXPECT_EQ(want.as_int(), v) << where; return; }
    case pt::DType::kInt16: { int16_t v; std::memcpy(&v, p, 2); EXPECT_EQ(want.as_int(), v) << where; return; }
    case pt::DType::kInt8: EXPECT_EQ(want.as_int(), static_cast<int8_t>(p[0])) << where; return;
    case pt::DType::kUInt8: EXPECT_EQ(want.as_int(), p[0]) << where; return;
    default: return;  // float16 / bfloat16: covered by the sha256 of their bit patterns
  }
  if (dtype == pt::DType::kComplex64 || dtype == pt::DType::kComplex128) {
    EXPECT_TRUE(same(number(want[0]), got) && same(number(want[1]), got_im)) << where;
  } else {
    EXPECT_TRUE(same(number(want), got)) << where << ": " << want.str << " vs " << got;
  }
}

// The sidecar's "value" skeleton against the loaded object; tensors by index into `tensors`.
void expect_value(const Json& want, Value got, const std::vector<Value>& tensors, const std::string& where) {
  if (want.type == Json::kObject && want.has("tensor")) {
    ASSERT_EQ(got.kind(), Kind::kTensor) << where;
    EXPECT_TRUE(got.is(tensors.at(static_cast<size_t>(want["tensor"].as_int())))) << where << ": not the same tensor";
    return;
  }
  auto entries = [&](const Json& pairs, Value dict) {
    ASSERT_EQ(dict.kind(), Kind::kDict) << where;
    ASSERT_EQ(dict.size(), pairs.items.size()) << where;
    size_t i = 0;
    for (auto [k, v] : dict.dict_items()) {
      const Json& kj = pairs[i][0];
      if (kj.type == Json::kString) {
        EXPECT_EQ(k.as_str(), kj.str) << where;
      } else {
        EXPECT_EQ(k.as_int(), kj.as_int()) << where;
      }
      expect_value(pairs[i][1], v, tensors, where + "." + (kj.type == Json::kString ? kj.str : kj.str));
      ++i;
    }
  };
  switch (want.type) {
    case Json::kNull: EXPECT_EQ(got.kind(), Kind::kNone) << where; return;
    case Json::kBool: EXPECT_EQ(got.as_bool(), want.b) << where; return;
    case Json::kString: EXPECT_EQ(got.as_str(), want.str) << where; return;
    case Json::kNumber:
      if (want.str.find_first_of(".eE") != std::string::npos) {
        EXPECT_EQ(got.kind(), Kind::kFloat) << where;
        EXPECT_EQ(got.as_float(), want.num) << where;
      } else {
        EXPECT_EQ(got.as_int(), want.as_int()) << where;
      }
      return;
    case Json::kArray: {
      ASSERT_EQ(got.kind(), Kind::kList) << where;
      ASSERT_EQ(got.size(), want.items.size()) << where;
      for (size_t i = 0; i < want.items.size(); ++i) expect_value(want[i], got[i], tensors, where + "[" + std::to_string(i) + "]");
      return;
    }
    case Json::kObject:
      if (want.has("tuple")) {
        ASSERT_EQ(got.kind(), Kind::kTuple) << where;
        ASSERT_EQ(got.size(), want["tuple"].items.size()) << where;
        for (size_t i = 0; i < got.size(); ++i) expect_value(want["tuple"][i], got[i], tensors, where);
      } else if (want.has("dict")) {
        entries(want["dict"], got);
      } else if (want.has("OrderedDict")) {
        // collections.OrderedDict() + SETITEMS (its items) + BUILD({'_metadata': ...}).
        ASSERT_EQ(got.kind(), Kind::kObject) << where;
        picklejar::ObjectRef o = got.as_object();
        EXPECT_EQ(o.callable.as_global().module, "collections") << where;
        EXPECT_EQ(o.callable.as_global().name, "OrderedDict") << where;
        if (want["OrderedDict"].items.empty()) {
          EXPECT_FALSE(o.dict_items.valid() && o.dict_items.size() != 0) << where;
        } else {
          entries(want["OrderedDict"], o.dict_items);
        }
        if (want.has("_metadata")) expect_value(want["_metadata"], o.state.at("_metadata"), tensors, where + "._metadata");
      } else {
        FAIL() << where << ": unknown skeleton form";
      }
      return;
  }
}

// `json --arrays values` of a tensor: nested lists of the tensor's shape whose elements, in order,
// are the sidecar's values (the same number text: both are repr() of the Python float; nan and
// inf tagged; complex as $complex pairs).
void expect_json_values(const Json& got, const std::vector<int64_t>& shape, size_t depth, const Json& want, size_t& k,
                        const std::string& where) {
  if (depth == shape.size()) {
    const Json& w = want[k++];
    if (got.type == Json::kObject && got.has("$complex")) {
      ASSERT_EQ(w.type, Json::kArray) << where;
      for (size_t i = 0; i < 2; ++i) {
        const Json& part = got["$complex"][i];
        EXPECT_EQ(part.has("$float") ? part["$float"].str : part.str, w[i].str) << where;
      }
    } else if (got.type == Json::kObject && got.has("$float")) {
      EXPECT_EQ(got["$float"].str, w.str) << where;
    } else if (got.type == Json::kBool) {
      EXPECT_EQ(got.b, w.b) << where;
    } else {
      EXPECT_EQ(got.str, w.str) << where;
    }
    return;
  }
  ASSERT_EQ(got.type, Json::kArray) << where;
  ASSERT_EQ(got.items.size(), static_cast<size_t>(shape[depth])) << where;
  for (const Json& item : got.items) expect_json_values(item, shape, depth + 1, want, k, where);
}

class TorchFixture : public ::testing::TestWithParam<Row> {};

void check_file(const Row& row, bool mmap) {
  SCOPED_TRACE(row.file + (mmap ? " (mmap)" : " (read)"));
  Json exp = read_json(stem(row.file) + ".expect.json");
  picklejar::Document doc;
  pt::FileInfo info = pt::inspect(fixtures() + "/" + row.file, {.mmap = mmap}, doc);
  EXPECT_EQ(info.format, row.format == "zip"   ? pt::Format::kZip
                         : row.format == "tar" ? pt::Format::kLegacyTar
                                               : pt::Format::kLegacyStream);
  if (row.format == "zip") {
    EXPECT_EQ(info.root, exp["root"].str);
  }
  EXPECT_EQ(info.protocol, 2);
  const Json& tensors = exp["tensors"];
  ASSERT_EQ(info.tensors.size(), tensors.items.size());
  std::map<std::string, Value> storage_by_key;
  std::vector<Value> firsts;  // index -> tensor, for the value skeleton
  for (size_t i = 0; i < tensors.items.size(); ++i) {
    const Json& want = tensors[i];
    const pt::TensorInfo& got = info.tensors[i];
    std::string where = "tensor '" + want["path"].str + "'";
    EXPECT_EQ(got.path, want["path"].str);
    firsts.push_back(got.tensor);
    if (want.has("same_as")) {
      EXPECT_EQ(got.same_as, want["same_as"].str) << where;
      continue;
    }
    EXPECT_EQ(got.same_as, "") << where;
    pt::TensorRef t(got.tensor);
    EXPECT_EQ(pt::dtype_name(t.dtype()), want["dtype"].str) << where;
    EXPECT_EQ(t.shape(), ints(want["shape"])) << where;
    EXPECT_EQ(t.strides(), ints(want["stride"])) << where;
    EXPECT_EQ(t.storage_offset(), want["storage_offset"].as_int()) << where;
    EXPECT_EQ(t.storage_key(), want["storage_key"].str) << where;
    EXPECT_EQ(t.storage_numel(), static_cast<uint64_t>(want["storage_numel"].as_int())) << where;
    EXPECT_EQ(t.storage_location(), "cpu") << where;
    EXPECT_EQ(t.requires_grad(), want["requires_grad"].b) << where;
    EXPECT_EQ(t.is_parameter(), want["parameter"].b) << where;
    EXPECT_EQ(t.is_contiguous(), want["contiguous"].b) << where;
    EXPECT_EQ(t.numel(), static_cast<uint64_t>(want["numel"].as_int())) << where;
    std::vector<uint8_t> bytes = t.contiguous_bytes();
    EXPECT_EQ(bytes.size(), static_cast<size_t>(want["nbytes"].as_int())) << where;
    EXPECT_EQ(sha256_hex(bytes.data(), bytes.size()), want["sha256"].str) << where;
    if (want.has("values")) {
      size_t item = pt::dtype_itemsize(t.dtype());
      ASSERT_EQ(want["values"].items.size() * item, bytes.size()) << where;
      for (size_t k = 0; k < want["values"].items.size(); ++k)
        expect_element(want["values"][k], t.dtype(), bytes.data() + k * item, where + " value " + std::to_string(k));
      std::ostringstream json;
      pt::write_json(got.tensor, json, picklejar::JsonOptions{.array_values = true});
      size_t k = 0;
      expect_json_values(JsonParser(json.str()).parse(), t.shape(), 0, want["values"], k, where + " json " + json.str());
      EXPECT_EQ(k, want["values"].items.size()) << where;
    }
    // Sharing: one storage value per key, as torch.load makes one storage object per key.
    auto [it, fresh] = storage_by_key.emplace(std::string(t.storage_key()), t.storage());
    if (!fresh) {
      EXPECT_TRUE(it->second.is(t.storage())) << where << " does not share its key's storage";
    }
    if (t.is_contiguous() && t.numel()) {
      EXPECT_EQ(t.data().size(), bytes.size()) << where;
    }
  }
  // Distinct keys are distinct storages, each holding the bytes the sidecar hashed.
  for (const Json& s : exp["storages"].items) {
    auto it = storage_by_key.find(s["key"].str);
    ASSERT_NE(it, storage_by_key.end()) << "storage " << s["key"].str;
    for (const auto& [k, v] : storage_by_key) {
      if (k != s["key"].str) {
        EXPECT_FALSE(v.is(it->second));
      }
    }
  }
  for (const pt::TensorInfo& t : info.tensors) {
    if (!t.same_as.empty()) continue;
    pt::TensorRef r(t.tensor);
    for (const Json& s : exp["storages"].items) {
      if (s["key"].str != r.storage_key()) continue;
      EXPECT_EQ(r.storage_bytes().size(), static_cast<size_t>(s["nbytes"].as_int()));
      EXPECT_EQ(sha256_hex(r.storage_bytes().data(), r.storage_bytes().size()), s["sha256"].str);
    }
  }
  expect_value(exp["value"], doc.root(), [&] {
    // The skeleton indexes first occurrences; a same_as record points at its first.
    std::vector<Value> out = firsts;
    for (size_t i = 0; i < out.size(); ++i)
      if (!info.tensors[i].same_as.empty())
        for (size_t j = 0; j < i; ++j)
          if (info.tensors[j].path == info.tensors[i].same_as) out[i] = out[j];
    return out;
  }(), "root");
}

TEST_P(TorchFixture, LoadsAsTorchLoadDoes) {
  check_file(GetParam(), false);
  check_file(GetParam(), true);
}

INSTANTIATE_TEST_SUITE_P(TorchFixtures, TorchFixture, ::testing::ValuesIn(good_rows()),
                         [](const ::testing::TestParamInfo<Row>& i) {
                           std::string n = i.param.file.substr(6, i.param.file.size() - 9);
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(TorchFixtures, ManifestListsEveryFile) {
  std::map<std::string, int> formats;
  for (const Row& r : good_rows()) ++formats[r.format];
  EXPECT_GE(formats["zip"], 12);
  EXPECT_GE(formats["legacy"], 11);
  EXPECT_GE(formats["tar"], 10);
}

}  // namespace
