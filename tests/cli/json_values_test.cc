// `picklejar json --arrays values|faithful` (issue 16, item 4): numpy arrays as the nested lists
// ndarray.tolist() gives (fixtures/arrayvalues/, written by numpy), or, by default, as the objects
// they were pickled as; --arrays is a json option only.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;
using picklejar_cli_test::CliRun;
using picklejar_cli_test::slurp;

const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

class JsonArrays : public picklejar_cli_test::CliTest {};

TEST_F(JsonArrays, ValuesMatchNumpyTolist) {
  for (const char* stem : {"fortran_2d.p2", "complex64.p5", "object_2d.p4", "bigendian_f8.p0"}) {
    const std::string rel = std::string("numpy/") + stem + ".pkl";
    CliRun r = cli("json --arrays values " + fixture(rel));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, slurp(kFixtures / "arrayvalues" / (std::string(stem) + ".json")) + "\n") << stem;
    EXPECT_EQ(r.err, "");
    CliRun inline_form = cli("json --arrays=values " + fixture(rel));
    EXPECT_EQ(inline_form.out, r.out);
  }
}

TEST_F(JsonArrays, FaithfulIsTheDefault) {
  const std::string in = fixture("numpy/fortran_2d.p2.pkl");
  const std::string want = slurp(kFixtures / "numpy/fortran_2d.p2.json") + "\n";
  CliRun plain = cli("json " + in);
  CliRun faithful = cli("json --arrays faithful " + in);
  EXPECT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(faithful.status, 0) << faithful.err;
  EXPECT_EQ(plain.out, want);
  EXPECT_EQ(faithful.out, want);
}

TEST_F(JsonArrays, BadFormAndOtherCommandsAreUsageErrors) {
  const std::string in = fixture("numpy/fortran_2d.p2.pkl");
  CliRun bad = cli("json --arrays lists " + in);
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err.rfind("picklejar: --arrays must be values or faithful, not 'lists'\n", 0), 0u) << bad.err;
  CliRun show = cli("show --arrays values " + in);
  EXPECT_EQ(show.status, 2);
  EXPECT_EQ(show.err.rfind("picklejar: --arrays does not apply to show (it applies to json)\n", 0), 0u) << show.err;
  CliRun help = cli("--help");
  EXPECT_NE(help.out.find("options (json):\n  --arrays FORM"), std::string::npos) << help.out;
}

}  // namespace
