// Peak memory of the CLI on a big array (issue 15, items 5 and 6): `recode` streams array data from
// where it lives (the mapped input or the block it was decompressed into) to OUT, holding one copy
// of the array, never the whole output; `info` and `show` of an uncompressed file map it and touch
// only what they print. Bounds are relative to the array and to the same CLI's run on a tiny input,
// so a sanitized build's higher baseline does not matter. Output bytes are the library's
// in-memory dump's (golden tests tie that to joblib's and CPython's).
#include <gtest/gtest.h>
#include <picklejar/joblib.h>
#include <picklejar/picklejar.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "../sanitized.h"
#include "cli_run.h"

namespace {

namespace fs = std::filesystem;
using picklejar_cli_test::CliRun;
using picklejar_cli_test::quote;
using picklejar_cli_test::slurp;

constexpr int64_t kCount = int64_t{8} << 20;  // 64 MiB of float64
constexpr long kArrayKib = static_cast<long>(kCount * 8 / 1024);

class Memory : public picklejar_cli_test::CliTest {
 protected:
  void SetUp() override {
    picklejar_cli_test::CliTest::SetUp();
    if (IsSkipped()) return;
    if (!fs::exists("/usr/bin/time")) GTEST_SKIP() << "needs GNU time (/usr/bin/time; tools/install_deps.sh installs it)";
    // A tiny input's peak: the CLI's own baseline (higher under the sanitizers).
    CliRun tiny = cli("recode --joblib " + fixture("pickle/my_data.pickle") + " " + quote(work() / "tiny.joblib"), {},
                      true);
    ASSERT_EQ(tiny.status, 0) << tiny.err;
    baseline_kib_ = tiny.max_rss_kib;
  }

  // {'x': float64 array of kCount values, 'n': 3} as joblib.dump writes it (uncompressed, or with
  // `compression`); the value itself is left in root_.
  fs::path make_big(const std::string& name, picklejar::Compression compression = {}) {
    data_.resize(static_cast<size_t>(kCount));
    for (size_t i = 0; i < data_.size(); ++i) data_[i] = static_cast<double>(i) * 0.25;
    picklejar::Builder b = doc_.builder();
    int64_t shape[] = {kCount};
    picklejar::Value arr = b.array(std::span<const double>(data_), shape);
    root_ = b.dict({{b.str("x"), arr}, {b.str("n"), b.integer(3)}});
    fs::path path = work() / name;
    picklejar::joblib::DumpOptions o;
    o.compression = compression;
    picklejar::joblib::dump_file(root_, path, o);
    return path;
  }

  // Peak memory beyond the baseline.
  long above_baseline(const CliRun& r) const { return r.max_rss_kib - baseline_kib_; }

  // Runs `recode FLAGS IN OUT`: at most 1.1 times the array above the baseline, and OUT holds
  // `want` (the library's in-memory dump).
  void expect_recode(const std::string& flags, const fs::path& in, const fs::path& out, const std::vector<uint8_t>& want) {
    CliRun r = cli("recode " + flags + quote(in) + " " + quote(out), {}, true);
    ASSERT_EQ(r.status, 0) << r.err;
    // (ASan keeps freed blocks in quarantine for a while: its peak is higher, the bound looser.)
    EXPECT_LE(above_baseline(r), kArrayKib * (PICKLEJAR_TEST_SANITIZED ? 15 : 11) / 10) << r.max_rss_kib << " KiB peak, " << baseline_kib_ << " KiB baseline";
    EXPECT_TRUE(slurp(out) == std::string(want.begin(), want.end())) << "recode " << flags << "wrote other bytes";
  }

  long baseline_kib_ = 0;
  std::vector<double> data_;  // the array borrows it
  picklejar::Document doc_;
  picklejar::Value root_;
};

// Before: the loaded array, the whole output in a vector (grown by doubling) and a copy of it: about
// three times the array.
TEST_F(Memory, RecodeJoblibHoldsOneCopyOfTheArray) {
  fs::path in = make_big("in.joblib");
  fs::path out = work() / "out.joblib";
  expect_recode("--joblib ", in, out, picklejar::joblib::dump(root_));
  EXPECT_TRUE(slurp(out) == slurp(in));
}

// The same from a compressed input (read into one block, not mapped) and into a compressed output,
// and into a plain pickle.
TEST_F(Memory, RecodeStreamsCompressedAndPickleOutputs) {
  picklejar::Compression gz;
  gz.codec = picklejar::Codec::kGzip;
  gz.level = 1;
  fs::path in = make_big("in.joblib.gz", gz);
  fs::path out = work() / "out.joblib";
  expect_recode("--joblib ", in, out, picklejar::joblib::dump(root_));
  fs::path zout = work() / "out.joblib.z";  // zlib at joblib's default level, from the extension
  picklejar::joblib::DumpOptions zo;
  zo.compression = picklejar::joblib::compression_for(std::nullopt, zout);
  expect_recode("--joblib ", out, zout, picklejar::joblib::dump(root_, zo));
  expect_recode("", out, work() / "out.pkl", picklejar::dump(root_));
}

// info and show map an uncompressed file without being asked and read none of the array (show
// reads the 8 elements it prints); before, info and show read the array, and show --mmap copied it
// to print them.
TEST_F(Memory, InfoAndShowTouchOnlyWhatTheyPrint) {
  fs::path in = make_big("in.joblib");
  for (std::string command : {"info", "info --mmap", "show", "show --mmap"}) {
    SCOPED_TRACE(command);
    CliRun r = cli(command + " " + quote(in), {}, true);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_LT(above_baseline(r), kArrayKib / 8) << r.max_rss_kib << " KiB peak, " << baseline_kib_ << " KiB baseline";
    if (command.rfind("show", 0) == 0) {
      EXPECT_EQ(r.out,
                "{\n  'x': ndarray(dtype='<f8', shape=(8388608,), data=[0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, "
                "... (8388608 values)]),\n  'n': 3,\n}\n");
    } else {
      EXPECT_NE(r.out.find("  root['x']: <f8 (8388608,) 67108864 bytes\n"), std::string::npos) << r.out;
    }
  }
  // Standard input cannot be mapped: the same output, the array in memory.
  CliRun piped = cli("show -", in, true);
  ASSERT_EQ(piped.status, 0) << piped.err;
  EXPECT_GT(above_baseline(piped), kArrayKib);
  EXPECT_EQ(piped.out, cli("show " + quote(in)).out);
}

}  // namespace
