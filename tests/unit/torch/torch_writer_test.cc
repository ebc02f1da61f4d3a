// torch::dump against what real torch.save writes (fixtures/TORCH_WRITE.tsv, fixtures/torch-write/,
// from tools/fixturegen/torch_write.py): every torch fixture loaded and written again gives the
// data.pkl torch.save writes for the object torch.load makes of it, byte for byte, and the same
// members in torch's order, each stored and 64-byte aligned; Builder-made objects give the very
// data.pkl and members torch.save wrote for the same Python objects.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>
#include <picklejar/torch.h>

#include <sstream>
#include <string>
#include <vector>

#include "torch_writer_util.h"

namespace {

using namespace picklejar::torch_test;
using picklejar::ByteView;
using picklejar::Document;

struct Row {
  std::string file, format;
};
void PrintTo(const Row& r, std::ostream* os) { *os << r.file; }

std::vector<Row> good_rows() {
  std::vector<Row> rows;
  for (const auto& f : tsv_rows("TORCH.tsv"))
    if (f.size() > 2 && f[0].rfind("torch/bad/", 0) != 0) rows.push_back({f[0], f[1]});
  return rows;
}

std::string stem_of(const std::string& file) {
  std::string base = file.substr(file.rfind('/') + 1);
  return base.substr(0, base.size() - 3);
}

// The members written are torch's: the names and bytes TORCH_WRITE.tsv lists, in its order, every
// one stored with its data on a 64-byte boundary.
void expect_members(const Archive& got, const std::vector<Expected>& want, const std::string& what) {
  ASSERT_EQ(got.members.size(), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    const Member& m = got.members[i];
    EXPECT_EQ(m.name, want[i].member) << what;
    EXPECT_EQ(m.bytes.size(), want[i].size) << what << " " << m.name;
    EXPECT_EQ(sha256_hex(reinterpret_cast<const uint8_t*>(m.bytes.data()), m.bytes.size()), want[i].sha256)
        << what << " " << m.name;
    EXPECT_EQ(m.method, 0u) << what << " " << m.name;
    EXPECT_EQ(m.data_offset % 64, 0u) << what << " " << m.name << " at " << m.data_offset;
  }
}

class TorchWriterFixtures : public ::testing::TestWithParam<Row> {};

TEST_P(TorchWriterFixtures, RewritesAsTorchSaveDoes) {
  const Row& row = GetParam();
  const std::string stem = stem_of(row.file);
  std::string source = slurp(fixtures() + "/" + row.file);
  Document doc = pt::load(fixtures() + "/" + row.file);
  std::string out = as_string(pt::dump(doc.root(), {.root = stem}));
  Archive a = read_archive(out);
  EXPECT_EQ(a.root, stem);
  ASSERT_FALSE(a.members.empty());
  const std::string want_pkl = slurp(fixtures() + "/torch-write/resave/" + stem + ".data_pkl");
  ASSERT_FALSE(want_pkl.empty());
  EXPECT_EQ(a.members[0].bytes, want_pkl) << "data.pkl of " << row.file;
  expect_members(a, expected_members("resave", row.file), row.file);
  if (row.format == "zip") {  // a torch.save zip comes back with its own data.pkl and storages
    Archive orig = read_archive(source);
    ASSERT_EQ(orig.members.size(), a.members.size());
    for (size_t i = 0; i < a.members.size(); ++i) {
      EXPECT_EQ(a.members[i].name, orig.members[i].name);
      EXPECT_EQ(a.members[i].bytes, orig.members[i].bytes) << row.file << " " << a.members[i].name;
    }
  }
  // Read back: the tensors of the source file, with the same sharing.
  EXPECT_EQ(summary_of(out), summary_of(source)) << row.file;
}

INSTANTIATE_TEST_SUITE_P(All, TorchWriterFixtures, ::testing::ValuesIn(good_rows()),
                         [](const ::testing::TestParamInfo<Row>& i) { return stem_of(i.param.file); });

TEST(TorchWriterCoverage, FixturesOfEveryFormat) {
  size_t zip = 0, legacy = 0, tar = 0;
  for (const Row& r : good_rows()) (r.format == "zip" ? zip : r.format == "legacy" ? legacy : tar)++;
  EXPECT_GE(zip, 10u);
  EXPECT_GE(legacy, 10u);
  EXPECT_GE(tar, 9u);
}

// Files pickle.dumps and joblib.dump wrote holding tensors: read by load_pickle, written as
// torch.save writes the object joblib.load makes of them.
std::vector<std::string> pickled_sources() {
  std::vector<std::string> out;
  for (const auto& f : tsv_rows("TORCH_WRITE.tsv"))
    if (f.size() == 5 && f[0] == "repickle" && (out.empty() || out.back() != f[1])) out.push_back(f[1]);
  return out;
}

class TorchWriterPickled : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchWriterPickled, RewritesAsTorchSaveDoes) {
  const std::string& rel = GetParam();
  Document doc = pt::load_pickle(fixtures() + "/" + rel);
  picklejar::Document inspected;
  std::string out = as_string(pt::dump(doc.root()));
  Archive a = read_archive(out);
  ASSERT_FALSE(a.members.empty());
  EXPECT_EQ(a.members[0].bytes, slurp(fixtures() + "/" + rel + ".data_pkl")) << rel;
  expect_members(a, expected_members("repickle", rel), rel);
  // Each pickled tensor has its own storage, as pickle.loads gives it.
  std::vector<std::string> back = summary_of(out);
  EXPECT_FALSE(back.empty());
  pt::FileInfo info = pt::inspect(ByteView(reinterpret_cast<const uint8_t*>(out.data()), out.size()), {}, inspected);
  for (size_t i = 0; i < info.tensors.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (info.tensors[i].same_as.empty() && info.tensors[j].same_as.empty()) {
        EXPECT_FALSE(pt::TensorRef(info.tensors[i].tensor).storage().is(pt::TensorRef(info.tensors[j].tensor).storage()));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, TorchWriterPickled, ::testing::ValuesIn(pickled_sources()),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param.substr(i.param.rfind('/') + 1);
                           for (char& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

TEST(TorchWriterCoverage, PickledFiles) { EXPECT_GE(pickled_sources().size(), 5u); }

class TorchWriterBuilder : public ::testing::TestWithParam<std::string> {};

// Builder-made objects are written as torch.save writes the same Python objects.
TEST_P(TorchWriterBuilder, WritesWhatTorchSaveWrites) {
  const std::string name = GetParam();
  Document doc;
  picklejar::Builder b = doc.builder();
  picklejar::Value v = build_case(b, name);
  std::string out = as_string(pt::dump(v, {.root = name}));
  std::string torch_file = slurp(fixtures() + "/torch-write/" + name + ".pt");
  Archive want = read_archive(torch_file), got = read_archive(out);
  EXPECT_EQ(got.root, want.root);
  ASSERT_EQ(got.members.size(), want.members.size()) << name;
  for (size_t i = 0; i < want.members.size(); ++i) {
    EXPECT_EQ(got.members[i].name, want.members[i].name) << name;
    EXPECT_EQ(got.members[i].bytes, want.members[i].bytes) << name << " " << want.members[i].name;
  }
  expect_members(got, expected_members("build", "torch-write/" + name + ".pt"), name);
  EXPECT_EQ(summary_of(out), summary_of(torch_file)) << name;
  // The document's own view of its tensors agrees with what it was made from.
  picklejar::Document loaded;
  pt::FileInfo mine = pt::inspect(ByteView(reinterpret_cast<const uint8_t*>(out.data()), out.size()), {}, loaded);
  EXPECT_EQ(tensor_summary(loaded, mine).size(), summary_of(torch_file).size());
}

INSTANTIATE_TEST_SUITE_P(All, TorchWriterBuilder,
                         ::testing::ValuesIn(std::vector<std::string>(std::begin(kBuildCases), std::end(kBuildCases))),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

// The generic pickler writes a Builder-made tensor as its inert call, which is what torch.save
// writes too when no storage is named twice: the document's form is torch's form.
TEST(TorchWriterDocument, BuilderFormIsTorchsForm) {
  Document doc;
  picklejar::Builder b = doc.builder();
  picklejar::Value sd = build_case(b, "b_state_dict");
  std::vector<uint8_t> generic = picklejar::dump(sd, {.protocol = 2});
  Archive want = read_archive(slurp(fixtures() + "/torch-write/b_state_dict.pt"));
  EXPECT_EQ(as_string(generic), want.find("data.pkl")->bytes);
  pt::TensorRef w(pt::as_dict(sd).at("weight"));
  EXPECT_EQ(w.dtype(), pt::DType::kFloat32);
  EXPECT_EQ(w.shape(), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(w.strides(), (std::vector<int64_t>{4, 1}));
  EXPECT_EQ(w.as<float>()[5], 5.0f);
  EXPECT_EQ(w.storage_key(), "0");
  EXPECT_EQ(w.storage_location(), "cpu");
}

}  // namespace
