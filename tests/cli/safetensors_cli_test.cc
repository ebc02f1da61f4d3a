// `picklejar recode --safetensors [--strict] IN OUT`: transcripts (the exact header safetensors'
// own writer makes for linear.pt), what is left out and said on stderr, --strict, stdin/stdout,
// and the usage errors.
#include <gtest/gtest.h>
#include <picklejar/torch.h>

#include <filesystem>
#include <string>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;
using picklejar_cli_test::CliRun;
using picklejar_cli_test::quote;
using picklejar_cli_test::slurp;

const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

class SafetensorsCli : public picklejar_cli_test::CliTest {};

std::string bytes_of(const picklejar::Value& t) {
  picklejar::ByteView b = picklejar::torch::TensorRef(t).data();
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

TEST_F(SafetensorsCli, LinearStateDict) {
  fs::path out = work() / "linear.safetensors";
  CliRun r = cli("recode --safetensors " + fixture("torch/linear.pt") + " " + quote(out));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
  // Sorted by dtype, then name (bias before weight), offsets after the header, spaces to 8 bytes.
  std::string header =
      R"({"__metadata__":{"format":"pt"},"bias":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
      R"("weight":{"dtype":"F32","shape":[3,4],"data_offsets":[12,60]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string len(8, '\0');
  for (size_t i = 0, n = header.size(); i < 8; ++i, n >>= 8) len[i] = static_cast<char>(n & 0xff);
  picklejar::Document doc = picklejar::torch::load(kFixtures / "torch/linear.pt");
  picklejar::Value sd = picklejar::torch::as_dict(doc.root());
  EXPECT_EQ(slurp(out), len + header + bytes_of(sd.at(std::string("bias"))) + bytes_of(sd.at(std::string("weight"))));

  // The same through standard input and output, and mapped.
  CliRun piped = cli("recode --safetensors - -", kFixtures / "torch/linear.pt");
  ASSERT_EQ(piped.status, 0) << piped.err;
  EXPECT_EQ(piped.out, slurp(out));
  fs::path mapped = work() / "mapped.safetensors";
  ASSERT_EQ(cli("recode --safetensors --mmap " + fixture("torch/linear_legacy.pt") + " " + quote(mapped)).status, 0);
  EXPECT_EQ(slurp(mapped), slurp(out));
}

TEST_F(SafetensorsCli, LeftOutValuesAreNamedOnStderr) {
  fs::path out = work() / "ckpt.safetensors";
  CliRun r = cli("recode --safetensors " + fixture("torch/checkpoint.pt") + " " + quote(out));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.rfind("picklejar: safetensors: left out 'epoch': not a tensor (int)\n", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("picklejar: safetensors: left out 'loss': not a tensor (float)\n"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(out));

  CliRun c = cli("recode --safetensors " + fixture("torch/dtypes.pt") + " " + quote(work() / "d.safetensors"));
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_NE(c.err.find("left out 'complex64': complex64 tensor: safetensors has no complex dtype\n"), std::string::npos)
      << c.err;
}

TEST_F(SafetensorsCli, StrictRefusesAndWritesNothing) {
  fs::path out = work() / "strict.safetensors";
  CliRun r = cli("recode --safetensors --strict " + fixture("torch/checkpoint.pt") + " " + quote(out));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("picklejar: kUnsupported", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("'epoch' cannot be written: not a tensor (int)"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(cli("recode --safetensors --strict " + fixture("torch/linear.pt") + " " + quote(out)).status, 0);
  EXPECT_TRUE(fs::exists(out));
}

TEST_F(SafetensorsCli, BareTensorAndBadInputFail) {
  fs::path out = work() / "t.safetensors";
  CliRun r = cli("recode --safetensors " + fixture("torch/tensor.pt") + " " + quote(out));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("picklejar: kTypeMismatch", 0), 0u) << r.err;
  EXPECT_FALSE(fs::exists(out));
  CliRun bad = cli("recode --safetensors " + fixture("torch/bad/short_record.pt") + " " + quote(out));
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.err.rfind("picklejar: kBadLength", 0), 0u) << bad.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(SafetensorsCli, UsageErrors) {
  const std::string io = fixture("torch/linear.pt") + " " + quote(work() / "x");
  for (const std::string& args : {"recode --strict " + io, "recode --safetensors --protocol 2 " + io,
                                  "recode --safetensors --joblib " + io, "show --safetensors " + io}) {
    CliRun r = cli(args);
    EXPECT_EQ(r.status, 2) << args << ": " << r.err;
  }
}

}  // namespace
