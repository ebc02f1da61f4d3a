// `picklejar info|show|json|dis` of torch.save files (zip and legacy stream), from a path and from
// standard input, and their errors; `recode --torch`.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>
#include <picklejar/torch.h>

#include <filesystem>
#include <string>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;
using picklejar_cli_test::CliRun;
using picklejar_cli_test::slurp;

const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

class TorchCli : public picklejar_cli_test::CliTest {};

TEST_F(TorchCli, InfoListsTensors) {
  CliRun r = cli("info " + fixture("torch/linear.pt"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("format: torch zip\narchive root: linear\nprotocol: 2\nroot: object collections.OrderedDict\n", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("tensors: 2\n"
                       "  weight: float32 (3, 4) storage 0 offset 0, 48 bytes\n"
                       "  bias: float32 (3,) storage 1 offset 0, 12 bytes\n"),
            std::string::npos)
      << r.out;
}

TEST_F(TorchCli, InfoMarksViewsAndSharing) {
  for (const char* name : {"torch/views.pt", "torch/views_legacy.pt"}) {
    CliRun r = cli("info --mmap " + fixture(name));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("  slice: float32 (2, 3) stride (6, 1) storage "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" offset 8, 24 bytes (shared storage)\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  alias: the same tensor as base\n"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("  base: float32 (4, 6) stride"), std::string::npos) << r.out;  // contiguous: no stride
  }
  CliRun legacy = cli("info " + fixture("torch/parameters_legacy.pt"));
  EXPECT_NE(legacy.out.find("format: torch legacy stream\n"), std::string::npos) << legacy.out;
  EXPECT_NE(legacy.out.find("  weight: float32 (2, 3) storage "), std::string::npos) << legacy.out;
  EXPECT_NE(legacy.out.find(" parameter requires_grad\n"), std::string::npos) << legacy.out;
}

TEST_F(TorchCli, ShowPrintsTensors) {
  CliRun r = cli("show " + fixture("torch/tensor.pt"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "tensor(dtype=float64, shape=(2, 3), data=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])\n");
  CliRun in = cli("show -", kFixtures / "torch/tensor_legacy.pt");
  EXPECT_EQ(in.status, 0) << in.err;
  EXPECT_EQ(in.out, r.out);
}

TEST_F(TorchCli, DisIsPickletools) {
  for (const char* stem : {"torch/conv_bn", "torch/conv_bn_legacy"}) {
    CliRun r = cli("dis " + fixture(std::string(stem) + ".pt"));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, slurp(kFixtures / (std::string(stem) + ".dis"))) << stem;
  }
  CliRun in = cli("dis -", kFixtures / "torch/linear.pt");
  EXPECT_EQ(in.out, slurp(kFixtures / "torch/linear.dis"));
}

TEST_F(TorchCli, JsonIsTheFaithfulForm) {
  CliRun r = cli("json " + fixture("torch/tensor.pt"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\"$object\":{\"how\":\"reduce\",\"callable\":{\"$global\":[\"torch._utils\",\"_rebuild_tensor_v2\"]}", 0),
            0u)
      << r.out;
}

TEST_F(TorchCli, JsonArrayValuesPrintsTensorsAsLists) {
  CliRun r = cli("json --arrays values " + fixture("torch/tensor_tar.pt"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "[[1.0,2.0,3.0],[4.0,5.0,6.0]]\n");
  CliRun e = cli("json --arrays values " + fixture("torch/scalars_empty.pt"));
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_EQ(e.out, "{\"f32_0d\":3.5,\"i64_0d\":7,\"bool_0d\":true,\"empty\":[],\"empty_0x3\":[],"
                   "\"empty_2x0_i32\":[[],[]]}\n");
}

TEST_F(TorchCli, Errors) {
  CliRun ts = cli("info " + fixture("torch/bad/torchscript_like.pt"));
  EXPECT_EQ(ts.status, 1);
  EXPECT_NE(ts.err.find("kUnsupported"), std::string::npos) << ts.err;
  EXPECT_NE(ts.err.find("TorchScript"), std::string::npos) << ts.err;
  CliRun shrt = cli("show " + fixture("torch/bad/short_record.pt"));
  EXPECT_EQ(shrt.status, 1);
  EXPECT_NE(shrt.err.find("kBadLength"), std::string::npos) << shrt.err;
  CliRun bufs = cli("show --buffers-in " + picklejar_cli_test::quote(work()) + " " + fixture("torch/linear.pt"));
  EXPECT_EQ(bufs.status, 2) << bufs.err;
  CliRun recode = cli("recode " + fixture("torch/linear.pt") + " " + picklejar_cli_test::quote(work() / "out.pkl"));
  EXPECT_EQ(recode.status, 1) << recode.err;
  EXPECT_NE(recode.err.find("use recode --torch"), std::string::npos) << recode.err;
  EXPECT_FALSE(fs::exists(work() / "out.pkl"));
  CliRun recode_in = cli("recode - " + picklejar_cli_test::quote(work() / "out.pkl"), kFixtures / "torch/linear.pt");
  EXPECT_EQ(recode_in.status, 1) << recode_in.err;
  EXPECT_NE(recode_in.err.find("use recode --torch"), std::string::npos) << recode_in.err;
}

// What torch::dump writes for what torch::load reads from `file`, under `root`.
std::string dumped(const fs::path& file, const std::string& root) {
  picklejar::Document doc = picklejar::torch::load(file);
  std::vector<uint8_t> b = picklejar::torch::dump(doc.root(), {.root = root});
  return std::string(b.begin(), b.end());
}

TEST_F(TorchCli, RecodeTorchWritesTorchSaveFiles) {
  // Any torch format in, torch.save's zip out, named by OUT's stem.
  for (const char* name : {"linear_legacy", "views_tar", "checkpoint"}) {
    fs::path out = work() / (std::string(name) + "_out.pt");
    CliRun r = cli("recode --torch " + fixture(std::string("torch/") + name + ".pt") + " " + picklejar_cli_test::quote(out));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(slurp(out), dumped(kFixtures / "torch" / (std::string(name) + ".pt"), std::string(name) + "_out")) << name;
  }
  // Standard input to standard output: root "archive", as torch.save to a buffer.
  CliRun pipe = cli("recode --torch - -", kFixtures / "torch/tensor_tar.pt");
  ASSERT_EQ(pipe.status, 0) << pipe.err;
  EXPECT_EQ(pipe.out, dumped(kFixtures / "torch/tensor_tar.pt", "archive"));
  // torch.save's protocol can be chosen.
  CliRun p4 = cli("recode --torch --protocol 4 " + fixture("torch/linear.pt") + " " + picklejar_cli_test::quote(work() / "p4.pt"));
  ASSERT_EQ(p4.status, 0) << p4.err;
  picklejar::Document four = picklejar::torch::load(work() / "p4.pt");
  picklejar::torch::TensorRef w(picklejar::torch::as_dict(four.root()).at("weight"));
  EXPECT_EQ(w.shape(), (std::vector<int64_t>{3, 4}));
  // A pickle holding tensors (pickle.dumps): its tensors become torch.save's.
  CliRun pickled = cli("recode --torch " + fixture("torch-write/pickled/views.p4.pickled") + " " +
                       picklejar_cli_test::quote(work() / "v.pt"));
  ASSERT_EQ(pickled.status, 0) << pickled.err;
  picklejar::Document views = picklejar::torch::load_pickle(kFixtures / "torch-write/pickled/views.p4.pickled");
  std::vector<uint8_t> want = picklejar::torch::dump(views.root(), {.root = "v"});
  EXPECT_EQ(slurp(work() / "v.pt"), std::string(want.begin(), want.end()));
  // A plain pickle: the same object inside a torch file.
  CliRun plain = cli("recode --torch " + fixture("pickle/my_data.pickle") + " " + picklejar_cli_test::quote(work() / "d.pt"));
  ASSERT_EQ(plain.status, 0) << plain.err;
  picklejar::Document a = picklejar::torch::load(work() / "d.pt");
  picklejar::Document b = picklejar::load_file(kFixtures / "pickle/my_data.pickle");
  EXPECT_TRUE(a.root().equals(b.root()));
}

TEST_F(TorchCli, RecodeTorchErrorsLeaveNothing) {
  CliRun bad = cli("recode --torch " + fixture("torch/bad/short_record.pt") + " " + picklejar_cli_test::quote(work() / "x.pt"));
  EXPECT_EQ(bad.status, 1) << bad.err;
  EXPECT_NE(bad.err.find("kBadLength"), std::string::npos) << bad.err;
  CliRun usage = cli("recode --torch --joblib " + fixture("torch/linear.pt") + " " + picklejar_cli_test::quote(work() / "x.pt"));
  EXPECT_EQ(usage.status, 2) << usage.err;
  CliRun nodir = cli("recode --torch " + fixture("torch/linear.pt") + " " + picklejar_cli_test::quote(work() / "no" / "x.pt"));
  EXPECT_EQ(nodir.status, 3) << nodir.err;
  CliRun notfor = cli("info --torch " + fixture("torch/linear.pt"));
  EXPECT_EQ(notfor.status, 2) << notfor.err;
  EXPECT_TRUE(fs::is_empty(work()));
}

}  // namespace
