// `picklejar info|show|json|dis` of torch.save files (zip and legacy stream), from a path and from
// standard input, and their errors.
#include <gtest/gtest.h>

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
  EXPECT_NE(recode.err.find("not supported yet"), std::string::npos) << recode.err;
  EXPECT_FALSE(fs::exists(work() / "out.pkl"));
  CliRun recode_in = cli("recode - " + picklejar_cli_test::quote(work() / "out.pkl"), kFixtures / "torch/linear.pt");
  EXPECT_EQ(recode_in.status, 1) << recode_in.err;
  EXPECT_NE(recode_in.err.find("not supported yet"), std::string::npos) << recode_in.err;
}

}  // namespace
