// The fuzz entry points (tests/fuzz/fuzz_entries.h) without libFuzzer: every file under fixtures/
// (the golden pickles, their .json/.dis/.bin companions, and fixtures/bad/, where each input a
// fuzzer found is kept) goes through load+print+dump, load->dump->load and the disassembler.
// Built by any compiler as part of the ordinary test binary, so the sanitizer build (.ci/run)
// replays the fuzz regressions too.
#define PICKLEJAR_FUZZ_REPLAY 1
#include "../fuzz/fuzz_entries.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

std::vector<fs::path> all_fixture_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(PICKLEJAR_FIXTURES_DIR))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<uint8_t> read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

template <typename Entry>
void replay_all(const char* name, Entry entry) {
  auto files = all_fixture_files();
  ASSERT_GT(files.size(), 800u);
  bool saw_bad = false;
  for (const auto& f : files) {
    if (f.parent_path().filename() == "bad") saw_bad = true;
    std::vector<uint8_t> data = read_all(f);
    try {
      entry(data.data(), data.size());
    } catch (const picklejar_fuzz::FuzzFailure& e) {
      ADD_FAILURE() << name << " on " << f.string() << ": " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << " on " << f.string() << " threw " << e.what();
    }
  }
  EXPECT_TRUE(saw_bad) << "fixtures/bad/ is missing";
}

TEST(FuzzReplay, LoadPrintDump) { replay_all("fuzz_load", picklejar_fuzz::fuzz_load); }
TEST(FuzzReplay, RoundTrip) { replay_all("fuzz_roundtrip", picklejar_fuzz::fuzz_roundtrip); }
TEST(FuzzReplay, Disassemble) { replay_all("fuzz_disassemble", picklejar_fuzz::fuzz_disassemble); }

// fuzz_joblib takes a mode byte first: every joblib fixture (and every bad pickle) in every mode
// (as it is, compressed by each codec, inspected). Its findings, fixtures/regress/joblib_*, already
// start with their mode byte: each is replayed as it is.
TEST(FuzzReplay, Joblib) {
  size_t n = 0, regress = 0;
  for (const auto& f : all_fixture_files()) {
    const std::string dir = f.parent_path().filename().string();
    if (dir == "regress" && f.filename().string().rfind("joblib_", 0) == 0) {
      std::vector<uint8_t> data = read_all(f);
      try {
        picklejar_fuzz::fuzz_joblib(data.data(), data.size());
      } catch (const picklejar_fuzz::FuzzFailure& e) {
        ADD_FAILURE() << "fuzz_joblib on " << f.string() << ": " << e.what();
      } catch (const std::exception& e) {
        ADD_FAILURE() << "fuzz_joblib on " << f.string() << " threw " << e.what();
      }
      ++regress;
      continue;
    }
    if (dir != "joblib" && dir != "joblib-corpus" && dir != "bad") continue;
    if (f.extension() == ".md" || f.extension() == ".expect" || f.filename() == "LICENSE") continue;
    std::vector<uint8_t> data = read_all(f);
    data.insert(data.begin(), 0);
    for (uint8_t mode = 0; mode < 8; ++mode) {
      data[0] = mode;
      try {
        picklejar_fuzz::fuzz_joblib(data.data(), data.size());
      } catch (const picklejar_fuzz::FuzzFailure& e) {
        ADD_FAILURE() << "fuzz_joblib mode " << int(mode) << " on " << f.string() << ": " << e.what();
      } catch (const std::exception& e) {
        ADD_FAILURE() << "fuzz_joblib mode " << int(mode) << " on " << f.string() << " threw " << e.what();
      }
    }
    ++n;
  }
  EXPECT_GT(n, 100u);
  EXPECT_GT(regress, 0u) << "fixtures/regress/joblib_* is missing";
}

// fuzz_torch over every fixture (the torch files, fixtures/torch/bad/ and the torch_* findings in
// fixtures/regress/ among them; the rest is refused as not a torch file, or read as a legacy stream).
TEST(FuzzReplay, Torch) {
  size_t torch = 0;
  for (const auto& f : all_fixture_files()) torch += f.extension() == ".pt" || f.filename().string().rfind("torch_", 0) == 0;
  EXPECT_GT(torch, 40u);
  replay_all("fuzz_torch", picklejar_fuzz::fuzz_torch);
}

// The entry points themselves must not mistake a clean rejection for a finding.
TEST(FuzzReplay, TrivialInputs) {
  const std::vector<std::string> inputs = {"", ".", "N.", "\x80\x05N.", "(", "\xff", "\x80\x04\x95", "]q\x00h\x00" "a."s};
  for (const auto& s : inputs) {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    EXPECT_NO_THROW(picklejar_fuzz::fuzz_load(p, s.size()));
    EXPECT_NO_THROW(picklejar_fuzz::fuzz_roundtrip(p, s.size()));
    EXPECT_NO_THROW(picklejar_fuzz::fuzz_disassemble(p, s.size()));
    EXPECT_NO_THROW(picklejar_fuzz::fuzz_joblib(p, s.size()));
    EXPECT_NO_THROW(picklejar_fuzz::fuzz_torch(p, s.size()));
  }
}

}  // namespace
