// The scanner against its catalogue (fixtures/SCAN.tsv, made by tools/ with real Python: each row a
// file, its expected verdict under `ml`, the globals the scanner must name as known dangerous, and
// every global Python's unpickler looked up) and against every other fixture of the project.
//
// The rule for the other fixtures (fixtures/{pickle,numpy,joblib,sklearn,torch}, not bad/ or
// regress/; pickles and containers, not their .dis/.json/.bin companions): scanned under `ml`,
// each is `safe`, with two exceptions: (1) a fixture that names the test-only classes of
// tools/fixture_classes.py is `unsafe`, and those classes are the only globals outside the policy;
// (2) the fixtures that pickle standard-library functions and classes as values (kStdlibValues:
// the globals* and py2_builtin_globals* files, numpy's object_datetime with time.time) are
// `unsafe`, naming only the globals listed there. A fixture of exception (1) may also call
// builtins.getattr (known dangerous), which protocols 0-3 write to name a nested class. A fixture
// whose load is an expected error (its MANIFEST.tsv row says error:...) is `unreadable`, except
// where the error comes from the load's options (kDecode: the encoding; kMissingBuffer: no
// out-of-band buffers), which the scanner's own options avoid: those are `safe`. No other fixture
// has a known-dangerous finding.
#include <gtest/gtest.h>
#include <picklejar/scan.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace picklejar {
namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

std::string joined(const std::set<std::string>& s) {
  std::string out;
  for (const std::string& x : s) out += (out.empty() ? "" : ";") + x;
  return out;
}

// The globals the stream itself looked up (what Python's find_class was asked), by name.
std::set<std::string> looked_up(const ScanReport& r) {
  std::set<std::string> out;
  for (const GlobalFinding& g : r.globals)
    if (g.opcode != "getattr") out.insert(g.module + "." + g.name);
  return out;
}

TEST(ScanCatalogue, EveryRowHasItsVerdictDangerousGlobalsAndGlobals) {
  std::ifstream f(kFixtures / "SCAN.tsv");
  ASSERT_TRUE(f) << "fixtures/SCAN.tsv is missing";
  std::string line;
  std::getline(f, line);
  ASSERT_EQ(line, "file\tcontainer\tfamily\tverdict\tdangerous\tglobals\tdescription");
  int rows = 0;
  while (std::getline(f, line)) {
    std::vector<std::string> c = split(line, '\t');
    ASSERT_EQ(c.size(), 7u) << line;
    ++rows;
    SCOPED_TRACE(c[0] + " (" + c[2] + "): " + c[6]);
    ScanReport r = scan_file(kFixtures / c[0]);
    EXPECT_EQ(verdict_name(r.verdict), c[3]) << r.error;
    std::set<std::string> dangerous;
    for (const GlobalFinding& g : r.globals)
      if (g.dangerous) dangerous.insert(g.module + "." + g.name);
    for (const std::string& d : split(c[4], ';'))
      if (!d.empty()) {
        EXPECT_TRUE(dangerous.count(d)) << d << " not named dangerous (named: " << joined(dangerous) << ")";
      }
    std::set<std::string> want;
    for (const std::string& g : split(c[5], ';'))
      if (!g.empty()) want.insert(g);
    EXPECT_EQ(joined(looked_up(r)), joined(want));
  }
  EXPECT_GT(rows, 100);
}

// Globals of the fixtures that pickle standard-library objects as values (exception 2 above).
const std::set<std::string> kStdlibValues = {
    "builtins.len", "collections.UserDict", "queue.Queue", "builtins.ZeroDivisionError", "functools.reduce",
    "_io.StringIO", "io.StringIO", "builtins.OSError", "time.time", "pickle.Pickler", "builtins.type",
    "_functools.reduce", "builtins.FileNotFoundError", "_pickle.Pickler", "builtins.getattr"};
const std::set<std::string> kStdlibValueFiles = {"globals", "globals_compat", "globals_compat_nofix",
                                                 "py2_builtin_globals", "py2_builtin_globals_nofix", "object_datetime"};

// Fixtures whose load is an expected error not caused by the load's options, from MANIFEST.tsv
// ("error:kCode" in its 4th column).
std::set<std::string> expected_errors() {
  std::set<std::string> out;
  std::ifstream f(kFixtures / "MANIFEST.tsv");
  for (std::string line; std::getline(f, line);) {
    std::vector<std::string> c = split(line, '\t');
    if (c.size() > 3 && c[3].rfind("error:", 0) == 0 && c[3] != "error:kDecode" && c[3] != "error:kMissingBuffer")
      out.insert(c[0]);
  }
  return out;
}

bool is_companion(const fs::path& p) {
  static const std::set<std::string> kSkip = {".dis", ".json", ".md", ".tsv", ".txt", ".bin", ".expect", ".py"};
  return kSkip.count(p.extension().string()) > 0;
}

TEST(ScanCatalogue, OtherFixturesAreSafeUnderMl) {
  const std::set<std::string> errors = expected_errors();
  int files = 0;
  for (const char* dir : {"pickle", "numpy", "joblib", "sklearn", "torch"}) {
    for (const auto& e : fs::recursive_directory_iterator(kFixtures / dir)) {
      if (!e.is_regular_file() || is_companion(e.path())) continue;
      std::string rel = fs::relative(e.path(), kFixtures).generic_string();
      if (rel.find("/bad/") != std::string::npos || rel.find("/bad_") != std::string::npos ||
          rel.find("/regress/") != std::string::npos)
        continue;
      ++files;
      SCOPED_TRACE(rel);
      ScanReport r = scan_file(e.path());
      if (errors.count(rel)) {
        EXPECT_EQ(r.verdict, Verdict::kUnreadable);
        continue;
      }
      std::string stem = e.path().filename().string();
      stem = stem.substr(0, stem.find('.'));
      bool stdlib_values = kStdlibValueFiles.count(stem) > 0;
      bool fixture_classes = false;
      for (const GlobalFinding& g : r.globals) {
        std::string name = g.module + "." + g.name;
        if (g.module == "fixture_classes") {
          fixture_classes = true;
          EXPECT_FALSE(g.allowed) << name;
          continue;
        }
        if (stdlib_values && kStdlibValues.count(name)) continue;
        if (name == "builtins.getattr" && std::any_of(r.globals.begin(), r.globals.end(), [](const GlobalFinding& x) {
              return x.module == "fixture_classes";
            }))
          continue;
        EXPECT_FALSE(g.dangerous) << name;
        EXPECT_TRUE(g.allowed) << name << " (" << global_use_name(g.use) << ")";
      }
      EXPECT_TRUE(r.issues.empty()) << r.issues.front().message;
      EXPECT_EQ(r.verdict, fixture_classes || stdlib_values ? Verdict::kUnsafe : Verdict::kSafe) << r.error;
    }
  }
  EXPECT_GT(files, 300);
}

}  // namespace
}  // namespace picklejar
