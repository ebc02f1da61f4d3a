// The report printers (src/scan/report.cc) on a report made here: text lines, JSON fields, and
// SARIF 2.1.0's required fields (version, $schema, runs[].tool.driver.name, and per result ruleId,
// level, message.text, locations[].physicalLocation.artifactLocation.uri and region.byteOffset).
#include <gtest/gtest.h>
#include <picklejar/scan.h>

#include <sstream>
#include <string>
#include <vector>

namespace picklejar {
namespace {

ScanReport sample() {
  ScanReport r;
  r.path = "dir/m\"odel.pkl";
  r.verdict = Verdict::kUnsafe;
  GlobalFinding ok{"numpy", "dtype", "gzip", 12, "GLOBAL", GlobalUse::kCall, false, {"REDUCE at 30 with (str[2])"}, 1, true, false};
  GlobalFinding bad{"posix", "system", "", 40, "STACK_GLOBAL", GlobalUse::kCall, false, {"REDUCE at 60 with (str[2])"}, 1, false, true};
  GlobalFinding out{"mylib", "Net", "archive/data.pkl", 70, "GLOBAL", GlobalUse::kConstruct, true, {}, 0, false, false};
  r.globals = {ok, bad, out};
  r.issues = {{"", 90, "REDUCE calls a object value, not a global"}};
  r.error = "kTruncated at offset 99: cut";
  r.error_offset = 99;
  return r;
}

TEST(ScanReportPrinters, Text) {
  std::vector<ScanReport> v{sample()};
  std::ostringstream o;
  write_scan_text(v, o);
  EXPECT_EQ(o.str(),
            "dir/m\"odel.pkl: unsafe\n"
            "  ok numpy.dtype (called; GLOBAL at gzip offset 12)\n"
            "      REDUCE at 30 with (str[2])\n"
            "  DANGEROUS posix.system (called; STACK_GLOBAL at offset 40)\n"
            "      REDUCE at 60 with (str[2])\n"
            "  NOT ALLOWED mylib.Net (constructed, BUILD state set; GLOBAL at archive/data.pkl offset 70)\n"
            "  NOT ALLOWED REDUCE calls a object value, not a global (at offset 90)\n"
            "  UNREADABLE at offset 99: kTruncated at offset 99: cut\n");
}

TEST(ScanReportPrinters, JsonEscapesAndListsEverything) {
  std::vector<ScanReport> v{sample()};
  std::ostringstream o;
  write_scan_json(v, o);
  const std::string s = o.str();
  EXPECT_NE(s.find("\"path\": \"dir/m\\\"odel.pkl\""), std::string::npos) << s;
  EXPECT_NE(s.find("\"part\": \"archive/data.pkl\", \"offset\": 70"), std::string::npos) << s;
  EXPECT_NE(s.find("\"use\": \"new\", \"built\": true, \"allowed\": false, \"dangerous\": false"), std::string::npos) << s;
  EXPECT_NE(s.find("\"issues\": [{\"part\": \"\", \"offset\": 90"), std::string::npos) << s;
  EXPECT_NE(s.find("\"error\": {\"part\": \"\", \"offset\": 99"), std::string::npos) << s;
  std::ostringstream empty;
  write_scan_json({}, empty);
  EXPECT_EQ(empty.str(), "[]\n");
}

TEST(ScanReportPrinters, SarifRequiredFields) {
  std::vector<ScanReport> v{sample()};
  std::ostringstream o;
  write_scan_sarif(v, o);
  const std::string s = o.str();
  EXPECT_EQ(s.rfind("{\"version\": \"2.1.0\",\n \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",", 0), 0u);
  EXPECT_NE(s.find("\"runs\": [{\"tool\": {\"driver\": {\"name\": \"picklejar\""), std::string::npos);
  // One result per finding outside the policy, issue and error; none for the allowed numpy.dtype.
  size_t results = 0;
  for (size_t at = s.find("\"ruleId\""); at != std::string::npos; at = s.find("\"ruleId\"", at + 1)) ++results;
  EXPECT_EQ(results, 4u);
  EXPECT_EQ(s.find("numpy.dtype"), std::string::npos);
  for (const char* rule : {"dangerous-global", "global-outside-policy", "call-of-non-global", "unreadable"})
    EXPECT_NE(s.find(std::string("{\"ruleId\": \"") + rule + "\", \"level\": \""), std::string::npos) << rule;
  EXPECT_NE(s.find("\"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"dir/m\\\"odel.pkl\"}, "
                   "\"region\": {\"byteOffset\": 40}}}]"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("\"region\": {\"byteOffset\": 70}}, \"logicalLocations\": [{\"name\": \"archive/data.pkl\"}]"), std::string::npos) << s;
}

}  // namespace
}  // namespace picklejar
