// `picklejar recode --progress/--quiet` on a generated input over the 64 MiB threshold (issue 16).
// The default (a progress line only when stderr is a terminal) is checked here for its off side:
// stderr is a file, so nothing is printed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;
using picklejar_cli_test::CliRun;
using picklejar_cli_test::quote;

class Progress : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::string(PICKLEJAR_CLI_PATH).empty()) return;
    dir_ = fs::temp_directory_path() / ("picklejar_progress_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // A protocol 4 pickle of one 70 MiB bytes object: PROTO 4, BINBYTES8 n, data, STOP.
    const uint64_t n = uint64_t{70} << 20;
    std::ofstream f(dir_ / "big.pkl", std::ios::binary);
    f.write("\x80\x04\x8e", 3);
    for (int i = 0; i < 8; ++i) f.put(static_cast<char>((n >> (8 * i)) & 0xff));
    std::string chunk(1 << 20, 'x');
    for (uint64_t i = 0; i < (n >> 20); ++i) f.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    f.put('.');
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void SetUp() override {
    if (std::string(PICKLEJAR_CLI_PATH).empty()) GTEST_SKIP() << "CLI not built (PICKLEJAR_BUILD_TOOLS=OFF)";
  }
  CliRun cli(const std::string& args, const fs::path& stdin_file = {}) {
    return picklejar_cli_test::run_cli(args, stdin_file, dir_ / "io", counter_);
  }
  static fs::path big() { return dir_ / "big.pkl"; }
  static fs::path out() { return dir_ / "out.pkl"; }

  static inline fs::path dir_;
  int counter_ = 0;
};

TEST_F(Progress, ForcedProgressReportsReadingAndWriting) {
  CliRun r = cli("recode --progress " + quote(big()) + " " + quote(out()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_GT(fs::file_size(out()), uint64_t{70} << 20);
  // Not a terminal: whole lines (no carriage returns), ending with each phase's summary.
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("picklejar: read " + big().string() + ": 70.0 MiB in "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("picklejar: wrote " + out().string() + ": 70.0 MiB in "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/s)\n"), std::string::npos) << r.err;
}

TEST_F(Progress, ForcedProgressFromStandardInput) {
  CliRun r = cli("recode --progress - " + quote(out()), big());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("picklejar: read <stdin>: 70.0 MiB in "), std::string::npos) << r.err;
}

// stderr on a terminal (a pseudo-terminal from util-linux's `script`): the line is redrawn in place
// without being asked for.
TEST_F(Progress, ATerminalGetsTheLineByDefault) {
  if (!fs::exists("/usr/bin/script")) GTEST_SKIP() << "needs util-linux's script (Debian: bsdutils)";
  std::string inner = quote(std::string(PICKLEJAR_CLI_PATH)) + " recode " + quote(big()) + " " + quote(out());
  fs::path transcript = dir_ / "transcript";
  std::string cmd = "/usr/bin/script -qec " + quote(inner) + " /dev/null >" + quote(transcript) + " </dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string t = picklejar_cli_test::slurp(transcript);
  EXPECT_NE(t.find("\rpicklejar: read " + big().string() + ": 70.0 MiB in "), std::string::npos) << t;
  EXPECT_NE(t.find("\x1b[K"), std::string::npos) << t;
  // Standard input redirected from a big file counts as a big input too.
  std::string piped = quote(std::string(PICKLEJAR_CLI_PATH)) + " recode - " + quote(out()) + " <" + quote(big());
  ASSERT_EQ(std::system(("/usr/bin/script -qec " + quote(piped) + " /dev/null >" + quote(transcript)).c_str()), 0);
  t = picklejar_cli_test::slurp(transcript);
  EXPECT_NE(t.find("\rpicklejar: read <stdin>: 70.0 MiB in "), std::string::npos) << t;
  std::string quiet = "/usr/bin/script -qec " + quote(inner + " --quiet") + " /dev/null >" + quote(transcript) + " </dev/null";
  ASSERT_EQ(std::system(quiet.c_str()), 0);
  EXPECT_EQ(picklejar_cli_test::slurp(transcript).find("picklejar: read"), std::string::npos);
}

TEST_F(Progress, QuietAndNonTerminalPrintNothing) {
  CliRun quiet = cli("recode --quiet " + quote(big()) + " " + quote(out()));
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  CliRun plain = cli("recode " + quote(big()) + " " + quote(out()));
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(plain.err, "");
}

TEST_F(Progress, ProgressAndQuietContradict) {
  CliRun r = cli("recode --progress --quiet " + quote(big()) + " " + quote(out()));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("contradict"), std::string::npos) << r.err;
}

}  // namespace
