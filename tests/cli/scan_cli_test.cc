// `picklejar scan` from the shell: exit codes (0 safe, 4 unsafe, 5 unreadable, 3 unreadable path,
// 2 usage), directory recursion, policies and policy files, and the text, JSON and SARIF outputs
// (SARIF 2.1.0's required fields checked).
#include <gtest/gtest.h>

#include <string>

#include "cli_run.h"

namespace picklejar_cli_test {
namespace {

using namespace std::string_literals;

const std::string kSafe = "\x80\x02}q\x00X\x01\x00\x00\x00" "aK\x01s."s;                      // {'a': 1}
const std::string kUnsafe = "\x80\x02" "cposix\nsystem\nX\x02\x00\x00\x00id\x85R."s;            // os.system('id')
const std::string kUnreadable = "\x80\x02}q\x00X\x01\x00\x00\x00"s;                              // cut short

class ScanCli : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (dir_.empty()) return;
    std::filesystem::create_directories(work() / "tree" / "sub");
    spit(work() / "tree" / "a.pkl", kSafe);
    spit(work() / "tree" / "sub" / "b.bin", kSafe);
    spit(work() / "safe.pkl", kSafe);
    spit(work() / "unsafe.dat", kUnsafe);
    spit(work() / "cut.pkl", kUnreadable);
  }
  std::string w(const std::string& name) const { return quote(work() / name); }
};

TEST_F(ScanCli, ExitCodes) {
  CliRun r = cli("scan " + w("safe.pkl"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, (work() / "safe.pkl").string() + ": safe\n");
  r = cli("scan " + w("safe.pkl") + " " + w("unsafe.dat") + " " + w("cut.pkl"));
  EXPECT_EQ(r.status, 4);
  EXPECT_NE(r.out.find("unsafe.dat: unsafe\n  DANGEROUS posix.system (called; GLOBAL at offset 2)\n"), std::string::npos)
      << r.out;
  r = cli("scan " + w("safe.pkl") + " " + w("cut.pkl"));
  EXPECT_EQ(r.status, 5);
  EXPECT_NE(r.out.find("cut.pkl: unreadable\n  UNREADABLE at offset"), std::string::npos) << r.out;
  r = cli("scan " + w("safe.pkl") + " " + w("missing.pkl"));
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("missing.pkl"), std::string::npos);
  EXPECT_EQ(cli("scan").status, 2);
  EXPECT_EQ(cli("scan --format xml " + w("safe.pkl")).status, 2);
  EXPECT_EQ(cli("scan --bogus " + w("safe.pkl")).status, 2);
  EXPECT_EQ(cli("scan --policy nosuchpolicy " + w("safe.pkl")).status, 3);  // neither built in nor a file
}

TEST_F(ScanCli, DirectoriesAreScannedRecursivelyByContent) {
  CliRun r = cli("scan " + w("tree"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, (work() / "tree" / "a.pkl").string() + ": safe\n" + (work() / "tree" / "sub" / "b.bin").string() +
                       ": safe\n");
}

TEST_F(ScanCli, StandardInput) {
  CliRun r = cli("scan -", work() / "unsafe.dat");
  EXPECT_EQ(r.status, 4);
  EXPECT_EQ(r.out.rfind("<stdin>: unsafe\n", 0), 0u) << r.out;
}

TEST_F(ScanCli, PoliciesAndPolicyFiles) {
  // builtins.dict called: in `data`, not in `torch`.
  std::string dict_call = "\x80\x02" "cbuiltins\ndict\n)R."s;
  spit(work() / "dict.pkl", dict_call);
  EXPECT_EQ(cli("scan --policy data " + w("dict.pkl")).status, 0);
  EXPECT_EQ(cli("scan --policy torch " + w("dict.pkl")).status, 4);
  spit(work() / "my.policy", "# mine\ninclude torch\nallow builtins dict call\n");
  EXPECT_EQ(cli("scan --policy " + w("my.policy") + " " + w("dict.pkl")).status, 0);
  spit(work() / "deny.policy", "deny builtins dict\n");
  EXPECT_EQ(cli("scan --policy data --policy " + w("deny.policy") + " " + w("dict.pkl")).status, 4);
  spit(work() / "bad.policy", "permit everything\n");
  CliRun r = cli("scan --policy " + w("bad.policy") + " " + w("dict.pkl"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("bad.policy:1:"), std::string::npos) << r.err;
  // A known-dangerous global stays unsafe even where a policy allows it.
  spit(work() / "lax.policy", "allow posix system\n");
  EXPECT_EQ(cli("scan --policy " + w("lax.policy") + " " + w("unsafe.dat")).status, 4);
}

TEST_F(ScanCli, Json) {
  CliRun r = cli("scan --format json " + w("unsafe.dat") + " " + w("cut.pkl"));
  EXPECT_EQ(r.status, 4);
  EXPECT_NE(r.out.find("\"verdict\": \"unsafe\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("{\"module\": \"posix\", \"name\": \"system\", \"part\": \"\", \"offset\": 2, \"opcode\": "
                       "\"GLOBAL\", \"use\": \"call\", \"built\": false, \"allowed\": false, \"dangerous\": true, "
                       "\"call_count\": 1, \"calls\": [\"REDUCE at 24 with (str[2])\"]}"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"verdict\": \"unreadable\""), std::string::npos);
  EXPECT_NE(r.out.find("\"error\": {\"part\": \"\", \"offset\": "), std::string::npos);
  EXPECT_EQ(r.out.front(), '[');
}

TEST_F(ScanCli, SarifHasTheRequiredFields) {
  CliRun r = cli("scan --format sarif " + w("unsafe.dat") + " " + w("cut.pkl") + " " + w("safe.pkl"));
  EXPECT_EQ(r.status, 4);
  for (const char* field : {"\"version\": \"2.1.0\"", "\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\"",
                            "\"runs\": [{\"tool\": {\"driver\": {\"name\": \"picklejar\"", "\"results\": ["})
    EXPECT_NE(r.out.find(field), std::string::npos) << field << "\n" << r.out;
  std::string unsafe_result = "{\"ruleId\": \"dangerous-global\", \"level\": \"error\", \"message\": {\"text\": "
                              "\"posix.system is called (GLOBAL at offset 2): known dangerous\"}, \"locations\": "
                              "[{\"physicalLocation\": {\"artifactLocation\": {\"uri\": " +
                              std::string("\"") + (work() / "unsafe.dat").string() +
                              "\"}, \"region\": {\"byteOffset\": 2}}}]}";
  EXPECT_NE(r.out.find(unsafe_result), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("{\"ruleId\": \"unreadable\", \"level\": \"warning\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("safe.pkl\""), std::string::npos);  // no result for a safe file
  // No result at all is still a complete log.
  r = cli("scan --format sarif " + w("safe.pkl"));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("\"results\": []}]}"), std::string::npos) << r.out;
}

TEST_F(ScanCli, HelpListsScan) {
  CliRun r = cli("--help");
  EXPECT_NE(r.out.find("scan [--policy P]... [--format text|json|sarif] PATH..."), std::string::npos);
}

}  // namespace
}  // namespace picklejar_cli_test
