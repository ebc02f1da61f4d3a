// The public torch API: zero-copy tensors (a zip's stored members are views into the caller's
// bytes, at the data offsets torch's writer chose), typed access, shared storages, Parameters,
// show and dis.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>
#include <picklejar/torch.h>

#include <sstream>

#include "torch_test_util.h"

namespace {

using namespace picklejar::torch_test;
namespace pt = picklejar::torch;
using picklejar::ByteView;
using picklejar::Document;
using picklejar::Kind;

TEST(TorchApi, ZipTensorsPointIntoTheFile) {
  std::string f = slurp(fixtures() + "/torch/linear.pt");
  Json exp = read_json(fixtures() + "/torch/linear.expect.json");
  ByteView data(reinterpret_cast<const uint8_t*>(f.data()), f.size());
  Document doc = pt::load(data);
  for (const char* name : {"weight", "bias"}) {
    pt::TensorRef t(doc.root().as_object().dict_items.at(name));
    std::string member = exp["root"].str + "/data/" + std::string(t.storage_key());
    for (const Json& m : exp["members"].items) {
      if (m["name"].str == member) {
        EXPECT_EQ(t.data().data(), data.data() + m["data_offset"].as_int()) << name << ": not a view into the file";
      }
    }
  }
  pt::TensorRef w(doc.root().as_object().dict_items.at("weight"));
  EXPECT_EQ(w.as<float>().size(), 12u);
  EXPECT_EQ(w.as<float>()[0], static_cast<float>(exp["tensors"][0]["values"][0].num));
  EXPECT_THROW(w.as<double>(), picklejar::Error);
  EXPECT_THROW(w.as<int32_t>(), picklejar::Error);
}

TEST(TorchApi, MmapLoadReadsTheSameTensors) {
  Document a = pt::load(fixtures() + "/torch/large.pt", {.mmap = true});
  Document b = pt::load(fixtures() + "/torch/large.pt");
  pt::TensorRef x(a.root().at("w")), y(b.root().at("w"));
  ASSERT_EQ(x.data().size(), 64u * 64u * 4u);
  EXPECT_TRUE(std::equal(x.data().begin(), x.data().end(), y.data().begin()));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(x.data().data()) % 64, 0u);  // torch aligns data to 64 bytes
}

TEST(TorchApi, ViewsShareOneStorage) {
  Document doc = pt::load(fixtures() + "/torch/views.pt");
  pt::TensorRef base(doc.root().at("base")), tr(doc.root().at("transpose")), sl(doc.root().at("slice"));
  EXPECT_TRUE(base.storage().is(tr.storage()));
  EXPECT_TRUE(doc.root().at("alias").is(doc.root().at("base")));
  EXPECT_FALSE(tr.is_contiguous());
  EXPECT_THROW(tr.as<float>(), picklejar::Error);  // kUnsupported: not contiguous
  EXPECT_EQ(sl.storage_offset(), 8);
  std::vector<uint8_t> c = sl.contiguous_bytes();  // base[1:3, 2:5] of arange(24).reshape(4, 6)
  std::vector<float> v(6);
  std::memcpy(v.data(), c.data(), 24);
  EXPECT_EQ(v, (std::vector<float>{8, 9, 10, 14, 15, 16}));
}

TEST(TorchApi, ParametersAndDTypes) {
  Document doc = pt::load(fixtures() + "/torch/parameters.pt");
  pt::TensorRef w(doc.root().at("weight")), frozen(doc.root().at("frozen")), g(doc.root().at("grad_tensor"));
  EXPECT_TRUE(w.is_parameter() && w.requires_grad());
  EXPECT_TRUE(frozen.is_parameter() && !frozen.requires_grad());
  EXPECT_TRUE(!g.is_parameter() && g.requires_grad());
  EXPECT_EQ(doc.root().at("weight").kind(), Kind::kTensor);
  EXPECT_EQ(picklejar::kind_name(Kind::kTensor), "Tensor");
  // The inert call stays readable: _rebuild_parameter(tensor, requires_grad, hooks).
  EXPECT_EQ(doc.root().at("weight").as_object().callable.as_global().name, "_rebuild_parameter");

  Document dt = pt::load(fixtures() + "/torch/dtypes.pt");
  picklejar::Value items = dt.root().as_object().dict_items;
  EXPECT_EQ(pt::TensorRef(items.at("bfloat16")).as<uint16_t>()[2], 0x3f80);  // 1.0
  EXPECT_EQ(pt::TensorRef(items.at("float16")).as<uint16_t>()[2], 0x3c00);   // 1.0
  EXPECT_EQ(pt::TensorRef(items.at("int64")).as<int64_t>()[3], INT64_MAX);
  EXPECT_EQ(pt::TensorRef(items.at("complex128")).as<std::complex<double>>()[0], std::complex<double>(0.1, 0.2));
  EXPECT_TRUE(pt::TensorRef(items.at("bool")).as<bool>()[0]);
  EXPECT_THROW((void)pt::TensorRef(dt.root()), picklejar::Error);  // an OrderedDict is no tensor
}

TEST(TorchApi, ShowPrintsTensors) {
  Document doc = pt::load(fixtures() + "/torch/tensor.pt");
  std::ostringstream s;
  pt::write_show(doc.root(), s);
  EXPECT_EQ(s.str(), "tensor(dtype=float64, shape=(2, 3), data=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])");
  Document v = pt::load(fixtures() + "/torch/views.pt");
  std::ostringstream t;
  pt::write_show(v.root().at("slice"), t);
  EXPECT_EQ(t.str(), "tensor(dtype=float32, shape=(2, 3), stride=(6, 1), storage_offset=8, "
                     "data=[8.0, 9.0, 10.0, 14.0, 15.0, 16.0])");
}

// `dis` lists data.pkl as pickletools.dis does (the fixtures' .dis files), and a legacy stream's
// five pickles with the headers the generator wrote.
TEST(TorchApi, DisassemblyMatchesPickletools) {
  for (const char* stem : {"linear", "linear_legacy", "views", "checkpoint_legacy", "dtypes", "views_tar", "checkpoint_tar"}) {
    std::ostringstream out;
    pt::disassemble(fixtures() + "/torch/" + stem + ".pt", out);
    EXPECT_EQ(out.str(), slurp(fixtures() + "/torch/" + stem + ".dis")) << stem;
  }
}

TEST(TorchApi, Sniffing) {
  for (const char* name : {"linear.pt", "linear_legacy.pt", "linear_tar.pt"}) {
    std::string f = slurp(fixtures() + "/torch/" + name);
    EXPECT_TRUE(pt::looks_like_torch(ByteView(reinterpret_cast<const uint8_t*>(f.data()), f.size()))) << name;
  }
  std::string p = slurp(fixtures() + "/pickle/my_data.pickle");
  EXPECT_FALSE(pt::looks_like_torch(ByteView(reinterpret_cast<const uint8_t*>(p.data()), p.size())));
}

}  // namespace

namespace {
// A loaded state_dict re-pickles through the generic pickler (tensors are still their inert
// _rebuild_tensor_v2 calls, storages their persistent ids) to the very data.pkl torch wrote, where
// no storage is named twice. (Where one is, torch pickles a new persistent id tuple for each use
// while the document shares one storage value: torch::dump writes those as torch does.)
TEST(TorchApi, LoadedDocumentRepicklesToDataPkl) {
  for (const char* stem : {"linear", "tensor", "dtypes", "lstm", "large", "embedding"}) {
    std::string f = slurp(fixtures() + "/torch/" + stem + ".pt");
    Json exp = read_json(fixtures() + "/torch/" + stem + ".expect.json");
    const Json& pkl = exp["members"][0];
    std::string want = f.substr(static_cast<size_t>(pkl["data_offset"].as_int()), static_cast<size_t>(pkl["size"].as_int()));
    Document doc = pt::load(ByteView(reinterpret_cast<const uint8_t*>(f.data()), f.size()));
    std::vector<uint8_t> got = picklejar::dump(doc.root(), {.protocol = 2});
    EXPECT_EQ(std::string(got.begin(), got.end()), want) << stem;
  }
}
}  // namespace
