// Running build/bin/picklejar from the CLI transcript tests, as a shell user would.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace picklejar_cli_test {

struct CliRun {
  int status = -1;
  std::string out, err;
  long max_rss_kib = 0;  // the CLI's peak resident memory (run_cli's `measure`)
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

inline void spit(const std::filesystem::path& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << data;
}

// Single-quotes `s` for /bin/sh.
inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}
inline std::string quote(const std::filesystem::path& p) { return quote(p.string()); }

// Runs `picklejar ARGS` (ARGS already shell-quoted) through /bin/sh with stdin from `stdin_file`
// (else /dev/null); stdout and stderr go to files in `io_dir`, numbered by `counter`. With
// `measure`, CliRun::max_rss_kib is the CLI's peak memory, from GNU time: a process's peak
// (ru_maxrss) counts the memory of the process it was forked from, here a test binary that may be
// big, so it must be forked from a small one.
inline CliRun run_cli(const std::string& args, const std::filesystem::path& stdin_file,
                      const std::filesystem::path& io_dir, int& counter, bool measure = false) {
  std::filesystem::create_directories(io_dir);
  std::filesystem::path out = io_dir / ("out" + std::to_string(counter));
  std::filesystem::path err = io_dir / ("err" + std::to_string(counter));
  std::filesystem::path rss = io_dir / ("rss" + std::to_string(counter++));
  std::string cmd = measure ? "/usr/bin/time -f %M -o " + quote(rss) + " " : "";
  cmd += quote(std::string(PICKLEJAR_CLI_PATH)) + " " + args + " >" + quote(out) + " 2>" + quote(err) + " <" +
         (stdin_file.empty() ? std::string("/dev/null") : quote(stdin_file));
  int raw = std::system(cmd.c_str());
  CliRun r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.out = slurp(out);
  r.err = slurp(err);
  if (measure) r.max_rss_kib = std::atol(slurp(rss).c_str());
  return r;
}

// A CLI test with its own scratch directory (removed afterwards); skipped when the CLI is not built.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(PICKLEJAR_CLI_PATH).empty()) GTEST_SKIP() << "CLI not built (PICKLEJAR_BUILD_TOOLS=OFF)";
    const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("picklejar_" + std::string(t->test_suite_name()) + "_" + std::to_string(::getpid()) + "_" + t->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "work");
    std::filesystem::create_directories(dir_ / "io");
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // Runs the CLI (see run_cli); its stdout and stderr are kept outside work().
  CliRun cli(const std::string& args, const std::filesystem::path& stdin_file = {}, bool measure = false) {
    return run_cli(args, stdin_file, dir_ / "io", counter_, measure);
  }
  // The scratch directory for the test's own files.
  std::filesystem::path work() const { return dir_ / "work"; }
  static std::string fixture(const std::string& rel) {
    return quote(std::filesystem::path(PICKLEJAR_FIXTURES_DIR) / rel);
  }

  std::filesystem::path dir_;
  int counter_ = 0;
};

}  // namespace picklejar_cli_test
