// Data-driven: every fixtures/bad/<name>.pkl must fail to load with exactly the ErrorCode named on
// the first line of fixtures/bad/<name>.expect, under the picklejar::Limits its `limit NAME=VALUE`
// lines set, at the offset of its `offset N` line if there is one (kLimitExceeded must always
// carry an offset); a case whose first line is `ok` (cpython_*: pickle.loads accepts it) must load
// to the tagged JSON of its `json` line. Both from memory (load) and from the file (load_file). The
// cases are written by tools/gen_bad_fixtures.py, which says what each one is.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>
#include <picklejar/joblib.h>
#include <picklejar/print.h>
#include <picklejar/torch.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace picklejar {
namespace {

namespace fs = std::filesystem;

const fs::path kBad = fs::path(PICKLEJAR_FIXTURES_DIR) / "bad";
const fs::path kTorchBad = fs::path(PICKLEJAR_FIXTURES_DIR) / "torch" / "bad";

struct BadCase {
  std::string name;
  std::string code;
  LoadOptions options;
  std::optional<uint64_t> offset;
  std::string json;     // code "ok": the tagged JSON load() must give (what pickle.loads returned)
  std::string python;   // "python E" / "joblib E": what pickle.loads / joblib.load raised (not checked)
  std::string problem;  // a malformed .expect
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

const std::map<std::string, uint64_t Limits::*>& limit_fields() {
  static const std::map<std::string, uint64_t Limits::*> fields = {
      {"max_input_bytes", &Limits::max_input_bytes},         {"max_memory_bytes", &Limits::max_memory_bytes},
      {"max_memo_entries", &Limits::max_memo_entries},       {"max_container_items", &Limits::max_container_items},
      {"max_depth", &Limits::max_depth},                     {"max_int_digits", &Limits::max_int_digits},
      {"max_decoder_bytes", &Limits::max_decoder_bytes},
  };
  return fields;
}

bool set_limit(Limits& l, const std::string& field, uint64_t v) {
  auto it = limit_fields().find(field);
  if (it == limit_fields().end()) return false;
  l.*(it->second) = v;
  return true;
}

std::optional<uint64_t> parse_u64(const std::string& s) {
  uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

BadCase read_case(const fs::path& pkl) {
  BadCase c;
  c.name = pkl.stem().string();
  fs::path expect = pkl;
  expect.replace_extension(".expect");
  std::ifstream f(expect);
  if (!f) {
    c.problem = "no " + expect.filename().string();
    return c;
  }
  std::string line;
  if (!std::getline(f, line) || line.empty()) c.problem = "empty .expect";
  c.code = line;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    if (line.rfind("limit ", 0) == 0) {
      auto eq = line.find('=');
      auto v = eq == std::string::npos ? std::nullopt : parse_u64(line.substr(eq + 1));
      if (!v || !set_limit(c.options.limits, line.substr(6, eq - 6), *v)) c.problem = "bad line '" + line + "'";
    } else if (line.rfind("offset ", 0) == 0) {
      c.offset = parse_u64(line.substr(7));
      if (!c.offset) c.problem = "bad line '" + line + "'";
    } else if (line.rfind("json ", 0) == 0) {
      c.json = line.substr(5);
    } else if (line.rfind("python ", 0) == 0 || line.rfind("joblib ", 0) == 0) {
      c.python = line;
    } else {
      c.problem = "unknown line '" + line + "'";
    }
  }
  if (c.problem.empty() && !c.json.empty() && c.code != "ok") c.problem = "a json line goes with ok only";
  return c;
}

std::vector<BadCase> all_cases(const fs::path& dir = kBad, const char* extension = ".pkl") {
  std::vector<BadCase> cases;
  if (!fs::is_directory(dir)) return cases;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == extension) cases.push_back(read_case(e.path()));
  std::sort(cases.begin(), cases.end(), [](const BadCase& a, const BadCase& b) { return a.name < b.name; });
  return cases;
}

std::vector<uint8_t> read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

class BadFixture : public ::testing::TestWithParam<BadCase> {};

void check(const BadCase& c, const char* how, const std::function<void()>& load_it) {
  try {
    load_it();
    ADD_FAILURE() << how << ": loaded; expected " << c.code;
  } catch (const Error& e) {
    EXPECT_EQ(error_code_name(e.code()), c.code) << how << ": " << e.what();
    if (c.offset) {
      EXPECT_EQ(e.offset(), *c.offset) << how << ": " << e.what();
    }
    if (e.code() == ErrorCode::kLimitExceeded) {
      EXPECT_NE(e.offset(), Error::kNoOffset) << how << ": " << e.what();
    }
  }
}

// A cpython_* case pickle.loads accepts: load() must give the value it returned.
void check_loads(const BadCase& c, const char* how, const std::function<Document()>& load_it) {
  try {
    Document doc = load_it();
    EXPECT_EQ(to_json(doc.root()), c.json) << how;
  } catch (const Error& e) {
    ADD_FAILURE() << how << ": " << e.what() << "; pickle.loads gave " << c.json;
  }
}

TEST_P(BadFixture, FailsWithTheExpectedCode) {
  const BadCase& c = GetParam();
  ASSERT_TRUE(c.problem.empty()) << c.name << ".expect: " << c.problem;
  const fs::path pkl = kBad / (c.name + ".pkl");
  std::vector<uint8_t> data = read_all(pkl);
  if (c.code == "ok") {
    ASSERT_FALSE(c.json.empty()) << c.name << ".expect: ok without a json line";
    check_loads(c, "load", [&] { return load(ByteView(data.data(), data.size()), c.options); });
    check_loads(c, "load_file", [&] { return load_file(pkl, c.options); });
    return;
  }
  check(c, "load", [&] { (void)load(ByteView(data.data(), data.size()), c.options); });
  check(c, "load_file", [&] { (void)load_file(pkl, c.options); });
}

std::string case_name(const ::testing::TestParamInfo<BadCase>& i) {
  std::string n = i.param.name;
  for (char& ch : n)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BadFixture, ::testing::ValuesIn(all_cases()), case_name);

// fixtures/bad/<name>.joblib: files joblib.load refuses, through joblib::load from memory, from the
// file and mapped (mmap_mode='r', which reads array data by another path).
class JoblibBadFixture : public ::testing::TestWithParam<BadCase> {};

TEST_P(JoblibBadFixture, FailsWithTheExpectedCode) {
  const BadCase& c = GetParam();
  ASSERT_TRUE(c.problem.empty()) << c.name << ".expect: " << c.problem;
  const fs::path file = kBad / (c.name + ".joblib");
  std::vector<uint8_t> data = read_all(file);
  joblib::LoadOptions o;
  o.pickle = c.options;
  joblib::LoadOptions mapped = o;
  mapped.mmap = joblib::MmapMode::kReadOnly;
  check(c, "joblib::load(memory)", [&] { (void)joblib::load(ByteView(data.data(), data.size()), o); });
  check(c, "joblib::load(file)", [&] { (void)joblib::load(file, o); });
  check(c, "joblib::load(mmap)", [&] { (void)joblib::load(file, mapped); });
}

INSTANTIATE_TEST_SUITE_P(Joblib, JoblibBadFixture, ::testing::ValuesIn(all_cases(kBad, ".joblib")), case_name);

// fixtures/torch/bad/<name>.pt (hostile torch zips from tools/fixturegen/torch_bad.py) through
// torch::load from memory, from the file and mapped; an expectation of `ok` must load.
class TorchBadFixture : public ::testing::TestWithParam<BadCase> {};

TEST_P(TorchBadFixture, FailsWithTheExpectedCode) {
  const BadCase& c = GetParam();
  ASSERT_TRUE(c.problem.empty()) << c.name << ".expect: " << c.problem;
  const fs::path pt = kTorchBad / (c.name + ".pt");
  std::vector<uint8_t> data = read_all(pt);
  torch::LoadOptions o;
  o.pickle = c.options;
  torch::LoadOptions mapped = o;
  mapped.mmap = true;
  const std::vector<std::pair<const char*, std::function<void()>>> loads = {
      {"torch::load(memory)", [&] { (void)torch::load(ByteView(data.data(), data.size()), o); }},
      {"torch::load(file)", [&] { (void)torch::load(pt, o); }},
      {"torch::load(mmap)", [&] { (void)torch::load(pt, mapped); }}};
  for (const auto& [how, load_it] : loads) {
    if (c.code == "ok") {
      try {
        load_it();
      } catch (const Error& e) {
        ADD_FAILURE() << how << ": " << e.what();
      }
    } else {
      check(c, how, load_it);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Torch, TorchBadFixture, ::testing::ValuesIn(all_cases(kTorchBad, ".pt")), case_name);

TEST(BadFixtures, EveryTorchBadFixtureHasAnExpectation) { EXPECT_GE(all_cases(kTorchBad, ".pt").size(), 13u); }

// Every Limits field has at least one case that hits it, and every .expect has its .pkl.
TEST(BadFixtures, EveryLimitHasACaseAndEveryExpectAPickle) {
  std::vector<BadCase> cases = all_cases();
  ASSERT_FALSE(cases.empty()) << "no fixtures in " << kBad << " (run /usr/bin/python3 tools/gen_bad_fixtures.py)";
  const Limits defaults;
  ASSERT_EQ(limit_fields().size(), sizeof(Limits) / sizeof(uint64_t)) << "a Limits field is missing here";
  for (const auto& [field, member] : limit_fields()) {
    bool found = false;
    for (const auto& c : cases)
      found |= c.name.rfind("limit_" + field, 0) == 0 && c.code == "kLimitExceeded" &&
               c.options.limits.*member != defaults.*member;
    EXPECT_TRUE(found) << "no fixtures/bad/limit_" << field << "* case lowering that limit";
  }
  for (const auto& e : fs::directory_iterator(kBad)) {
    if (e.path().extension() != ".expect") continue;
    fs::path pkl = e.path(), joblib_file = e.path();
    pkl.replace_extension(".pkl");
    joblib_file.replace_extension(".joblib");
    EXPECT_TRUE(fs::exists(pkl) || fs::exists(joblib_file)) << e.path() << " has no .pkl (or .joblib)";
  }
}

}  // namespace
}  // namespace picklejar
