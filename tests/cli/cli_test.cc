// CLI transcript tests: run build/bin/picklejar as a user would and check stdout, stderr and the
// exit status (README "CLI": 0 ok, 1 bad input, 2 usage, 3 I/O).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

using picklejar_cli_test::CliRun;
using picklejar_cli_test::quote;
using picklejar_cli_test::slurp;

// Where the CLI's stdout and stderr go (removed after each test).
fs::path io_dir() { return fs::temp_directory_path() / ("picklejar_cli_test_" + std::to_string(::getpid())); }

// Runs the CLI with `args` (already shell-quoted), stdin from `stdin_file` if given.
CliRun cli(const std::string& args, const std::string& stdin_file = "") {
  static int counter = 0;
  return picklejar_cli_test::run_cli(args, stdin_file, io_dir(), counter);
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(PICKLEJAR_CLI_PATH).empty()) GTEST_SKIP() << "CLI not built (PICKLEJAR_BUILD_TOOLS=OFF)";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(io_dir(), ec);
  }
  std::string fixture(const std::string& rel) { return (kFixtures / rel).string(); }
};

TEST_F(Cli, ShowTutorialPickle) {
  CliRun r = cli("show " + quote(fixture("pickle/my_data.pickle")));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\n"
            "  'name': 'Python',\n"
            "  'version': 3.8,\n"
            "  'features': ['Speed', 'Flexibility', 'Community'],\n"
            "  'rank': 1,\n"
            "}\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, JsonMatchesFixture) {
  CliRun r = cli("json " + quote(fixture("pickle/my_data.pickle")));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp(kFixtures / "pickle/my_data.json") + "\n");
}

TEST_F(Cli, DisMatchesPickletools) {
  CliRun r = cli("dis " + quote(fixture("pickle/my_data.pickle")));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp(kFixtures / "pickle/my_data.dis"));
}

TEST_F(Cli, DashReadsStdin) {
  CliRun r = cli("json -", fixture("pickle/my_data.pickle"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp(kFixtures / "pickle/my_data.json") + "\n");
  CliRun d = cli("dis -", fixture("pickle/my_data.pickle"));
  EXPECT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(d.out, slurp(kFixtures / "pickle/my_data.dis"));
}

TEST_F(Cli, ShowModelPklPrintsEstimatorAndState) {
  CliRun r = cli("show " + quote(fixture("sklearn/model.pkl")));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("object(newobj sklearn.neighbors._classification.KNeighborsClassifier,\n", 0), 0u)
      << r.out.substr(0, 400);
  EXPECT_NE(r.out.find("'n_neighbors': 3"), std::string::npos);
  EXPECT_NE(r.out.find("'weights': 'distance'"), std::string::npos);
  EXPECT_NE(r.out.find("'algorithm': 'kd_tree'"), std::string::npos);
  EXPECT_NE(r.out.find("'_fit_X'"), std::string::npos);
  // numpy arrays with dtype and shape.
  EXPECT_NE(r.out.find("'classes_': ndarray(dtype='<i8', shape=(3,), data=[0, 1, 2]),"), std::string::npos);
  EXPECT_NE(r.out.find("'_fit_X': <&0>ndarray(dtype='<f8', shape=(105, 4), data=[5.1, "), std::string::npos);
  EXPECT_NE(r.out.find("'_y': ndarray(dtype='<i8', shape=(105,), data=["), std::string::npos);
}

TEST_F(Cli, BadInputIsOneLineWithCodeAndOffset) {
  fs::path bad = fs::temp_directory_path() / ("picklejar_cli_bad_" + std::to_string(::getpid()) + ".pkl");
  {
    std::ofstream f(bad, std::ios::binary);
    f << std::string("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00X\xff\xff\xff\x7f", 16);
  }
  for (const char* cmd : {"show", "json", "dis", "info"}) {
    CliRun r = cli(std::string(cmd) + " " + quote(bad.string()));
    EXPECT_EQ(r.status, 1) << cmd << ": " << r.err;
    EXPECT_EQ(r.err.rfind("picklejar: k", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("offset "), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  fs::remove(bad);
}

TEST_F(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(cli("").status, 2);
  EXPECT_EQ(cli("frobnicate x").status, 2);
  EXPECT_EQ(cli("show").status, 2);
  EXPECT_EQ(cli("show --bogus x").status, 2);
  // An encoding is looked up when a Python 2 str needs it, as pickle.load does: none here.
  EXPECT_EQ(cli("show --encoding klingon " + quote(fixture("pickle/my_data.pickle"))).status, 0);
  CliRun k = cli("show --encoding klingon " + quote(fixture("pickle/py2_binstring_ascii__ASCII.pkl")));
  EXPECT_NE(k.status, 0);
  EXPECT_NE(k.err.find("kDecode"), std::string::npos) << k.err;
  EXPECT_NE(k.err.find("unknown encoding 'klingon'"), std::string::npos) << k.err;
}

TEST_F(Cli, MissingFileExitsThree) {
  CliRun r = cli("show /nonexistent/picklejar.pkl");
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("/nonexistent/picklejar.pkl"), std::string::npos) << r.err;
}

TEST_F(Cli, HelpAndVersion) {
  CliRun h = cli("--help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("usage: picklejar"), std::string::npos);
  CliRun v = cli("--version");
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.out, "picklejar 0.1.0\n");
}

TEST_F(Cli, InfoNamesProtocolAndRoot) {
  CliRun r = cli("info " + quote(fixture("pickle/my_data.pickle")));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("format: pickle\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("protocol: 5\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("root: dict\n"), std::string::npos) << r.out;
}

}  // namespace
