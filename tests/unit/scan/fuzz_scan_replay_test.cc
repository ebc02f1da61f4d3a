// The fuzz target tests/fuzz/fuzz_scan.cc without libFuzzer: its invariants (no crash, no throw, a
// verdict that agrees with the recorded error, never `safe` about a plain pickle the loader cannot
// read to its STOP) over every fixture, whole and cut short at three places.
#define PICKLEJAR_FUZZ_REPLAY
#include "../../fuzz/fuzz_scan.cc"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace {

namespace fs = std::filesystem;

TEST(ScanFuzzReplay, FixturesWholeAndCut) {
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(PICKLEJAR_FIXTURES_DIR)) {
    if (!e.is_regular_file() || e.path().extension() == ".dis" || e.path().extension() == ".json") continue;
    std::ifstream f(e.path(), std::ios::binary);
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(f)), {});
    if (data.size() > (size_t{4} << 20)) continue;
    ++files;
    for (size_t cut : {data.size(), data.size() - data.size() / 2, data.size() - data.size() / 8, data.size() ? data.size() - 1 : 0}) {
      try {
        LLVMFuzzerTestOneInput(data.data(), cut);
      } catch (const std::exception& x) {
        ADD_FAILURE() << e.path().string() << " cut at " << cut << " of " << data.size() << ": " << x.what();
      }
    }
  }
  EXPECT_GT(files, 1000);
}

}  // namespace
