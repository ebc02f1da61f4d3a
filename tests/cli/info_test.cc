// `picklejar info`: one load with every option (stdin, --buffers-in, --mmap), object arrays counted
// in objects (issue 16).
#include <gtest/gtest.h>
#include <picklejar/joblib.h>
#include <picklejar/picklejar.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;
using picklejar_cli_test::CliRun;
using picklejar_cli_test::quote;

const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

class Info : public picklejar_cli_test::CliTest {};

TEST_F(Info, ReadsStandardInput) {
  CliRun file = cli("info " + fixture("joblib/model.joblib"));
  ASSERT_EQ(file.status, 0) << file.err;
  // Standard input was read by the load, then read again (and found empty) by a second one.
  CliRun in = cli("info -", kFixtures / "joblib/model.joblib");
  EXPECT_EQ(in.status, 0) << in.err;
  EXPECT_EQ(in.err, "");
  // The same, but for the document's memory: from memory the arrays are views into the input, from
  // a file they are copies.
  auto without_memory = [](std::string s) {
    size_t at = s.find("\nmemory: ");
    if (at != std::string::npos) s.erase(at, s.find('\n', at + 1) - at);
    return s;
  };
  EXPECT_NE(in.out.find("\nmemory: "), std::string::npos) << in.out;
  EXPECT_EQ(without_memory(in.out), without_memory(file.out));
}

TEST_F(Info, HonoursBuffersIn) {
  fs::create_directories(work() / "bufs");
  for (int i = 0; i < 4; ++i) {
    fs::copy_file(kFixtures / ("pickle/picklebuffer_oob.p5.buf" + std::to_string(i) + ".bin"),
                  work() / "bufs" / (std::to_string(i) + ".bin"));
  }
  std::string args = "--buffers-in " + quote(work() / "bufs") + " " + fixture("pickle/picklebuffer_oob.p5.pkl");
  CliRun show = cli("show " + args);
  ASSERT_EQ(show.status, 0) << show.err;
  CliRun info = cli("info " + args);
  EXPECT_EQ(info.status, 0) << info.err;  // was kMissingBuffer: the second load had no buffers
  EXPECT_EQ(info.err, "");
  EXPECT_NE(info.out.find("protocol: 5\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("root: list\n"), std::string::npos) << info.out;
}

// One load, the mapped one: before, a second load without --mmap read every array into memory.
TEST_F(Info, MmapLoadsOnceWithoutReadingTheArrays) {
  if (!fs::exists("/usr/bin/time")) GTEST_SKIP() << "needs GNU time (/usr/bin/time; tools/install_deps.sh installs it)";
  constexpr int64_t kCount = int64_t{12} << 20;  // 96 MiB of float64
  std::vector<double> data(static_cast<size_t>(kCount), 0.5);
  fs::path big = work() / "big.joblib";
  {
    picklejar::Document doc;
    picklejar::Builder b = doc.builder();
    int64_t shape[] = {kCount};
    picklejar::Value arr = b.array(std::span<const double>(data), shape);
    picklejar::joblib::dump_file(b.dict({{b.str("x"), arr}}), big);
  }
  data = {};
  CliRun r = cli("info --mmap " + quote(big), {}, true);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("root['x']: <f8 (12582912,) 100663296 bytes\n"), std::string::npos) << r.out;
  // From standard input, which cannot be mapped (a file is mapped even without --mmap: see
  // memory_test.cc).
  CliRun unmapped = cli("info -", big, true);
  ASSERT_EQ(unmapped.status, 0) << unmapped.err;
  // Relative to the unmapped run, not an absolute figure: a sanitized build's baseline is tens of
  // MiB higher. The unmapped load holds the 96 MiB array; the mapped one must not have touched it.
  EXPECT_GT(unmapped.max_rss_kib, 96 * 1024);
  EXPECT_LT(r.max_rss_kib + 64 * 1024, unmapped.max_rss_kib)
      << "info --mmap read the arrays into memory (" << r.max_rss_kib << " KiB mapped, "
      << unmapped.max_rss_kib << " KiB unmapped)";
}

TEST_F(Info, ObjectArraysCountObjectsNotBytes) {
  CliRun r = cli("info " + fixture("joblib/object_arrays.p4.joblib"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("  root['flat']: |O (6,) 6 objects\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  root['two_d']: |O (2, 2) 4 objects\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  root['empty']: |O (0,) 0 objects\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  root['holds_arrays'].items[0]: <i8 (3,) 24 bytes\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("|O (6,) 0 bytes"), std::string::npos) << r.out;
}

}  // namespace
