// What a newcomer's mistakes print (issue 16): a directory or a missing directory as OUT, a
// directory as FILE, a bad compression level, a file that is no pickle, options a command would
// ignore, and what --help says.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;
using picklejar_cli_test::CliRun;
using picklejar_cli_test::quote;
using picklejar_cli_test::spit;

class Messages : public picklejar_cli_test::CliTest {
 protected:
  static int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }
};

TEST_F(Messages, RecodeIntoADirectorySaysSo) {
  fs::create_directories(work() / "adir");
  CliRun r = cli("recode " + fixture("pickle/my_data.pickle") + " " + quote(work() / "adir"));
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(r.err, "picklejar: kIo: cannot write " + (work() / "adir").string() + ": is a directory\n");
  EXPECT_TRUE(fs::is_empty(work() / "adir"));
  EXPECT_FALSE(fs::exists(work() / "adir.tmp-picklejar"));
}

TEST_F(Messages, RecodeIntoAMissingDirectoryNamesTheTarget) {
  fs::path out = work() / "nodir" / "out.pkl";
  CliRun r = cli("recode " + fixture("pickle/my_data.pickle") + " " + quote(out));
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(r.err, "picklejar: kIo: cannot write " + out.string() + ": " + (work() / "nodir").string() +
                       " does not exist\n");
  EXPECT_EQ(r.err.find("tmp-picklejar"), std::string::npos) << r.err;
}

TEST_F(Messages, BuffersOutIntoAMissingDirectorySaysItMustExist) {
  CliRun r = cli("recode --protocol 5 --buffers-out " + quote(work() / "nobufs") + " " +
                 fixture("pickle/my_data.pickle") + " " + quote(work() / "out.pkl"));
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("needs an existing directory"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(work() / "out.pkl"));
}

TEST_F(Messages, ADirectoryAsInputIsTheSameErrorForEveryCommand) {
  fs::create_directories(work() / "adir");
  const std::string want = "picklejar: kIo: cannot read " + (work() / "adir").string() + ": is a directory\n";
  for (const char* cmd : {"dis", "show", "json", "info"}) {
    CliRun r = cli(std::string(cmd) + " " + quote(work() / "adir"));
    EXPECT_EQ(r.status, 3) << cmd;
    EXPECT_EQ(r.err, want) << cmd;
  }
  CliRun r = cli("recode " + quote(work() / "adir") + " " + quote(work() / "out.pkl"));
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.err, want);
}

TEST_F(Messages, CompressionLevelOutOfRange) {
  CliRun r = cli("recode --joblib --compress 10 " + fixture("pickle/my_data.pickle") + " " + quote(work() / "o.joblib"));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, "picklejar: kInvalidArgument: compression level must be 0-9, not '10'\n");
  EXPECT_FALSE(fs::exists(work() / "o.joblib"));
}

TEST_F(Messages, RandomBytesAreNotAPickle) {
  spit(work() / "random.bin", std::string("\xe9\x12\x00\x81zz", 6));
  const std::string hint = " (" + (work() / "random.bin").string() + " does not look like a pickle or joblib file)\n";
  CliRun r = cli("show " + quote(work() / "random.bin"));
  EXPECT_EQ(r.status, 1);
  // CPython's quoting of the byte, and a hint that this is the wrong file.
  EXPECT_EQ(r.err, "picklejar: kUnknownOpcode at offset 0 (byte 0xe9): invalid load key, '\\xe9'" + hint);
  // dis words it as pickletools does.
  CliRun d = cli("dis " + quote(work() / "random.bin"));
  EXPECT_EQ(d.status, 1);
  EXPECT_EQ(d.err, "picklejar: kUnknownOpcode at offset 0 (byte 0xe9): at position 0, opcode b'\\xe9' unknown" + hint);
}

TEST_F(Messages, ATextFileIsNotAPickle) {
  spit(work() / "notes.txt", "hello world\n");
  for (const char* cmd : {"show", "json", "info", "dis"}) {
    CliRun r = cli(std::string(cmd) + " " + quote(work() / "notes.txt"));
    EXPECT_EQ(r.status, 1) << cmd;
    EXPECT_EQ(r.err.rfind("picklejar: kMemoMissing at offset 0 (BINGET): ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(" does not look like a pickle or joblib file)\n"), std::string::npos) << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
  }
  CliRun in = cli("show -", work() / "notes.txt");
  EXPECT_NE(in.err.find("(<stdin> does not look like a pickle or joblib file)"), std::string::npos) << in.err;
}

TEST_F(Messages, DamagedPicklesGetNoWrongFileHint) {
  // A truncated protocol 4 pickle fails after its PROTO: a damaged pickle, not the wrong file.
  spit(work() / "cut.pkl", std::string("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00X\xff\xff\xff\x7f", 16));
  CliRun r = cli("show " + quote(work() / "cut.pkl"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.find("does not look like"), std::string::npos) << r.err;
}

TEST_F(Messages, OptionsACommandWouldIgnoreAreUsageErrors) {
  const std::string in = fixture("pickle/my_data.pickle");
  for (const std::string& args : {"dis --mmap " + in, "dis --encoding latin1 " + in, "dis --no-fix-imports " + in,
                                  "dis --buffers-in " + quote(work()) + " " + in, "show --protocol 2 " + in,
                                  "json --joblib " + in, "info --compress 3 " + in, "show --threads 2 " + in,
                                  "info --progress " + in, "json --quiet " + in}) {
    CliRun r = cli(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_NE(r.err.find(" does not apply to "), std::string::npos) << args << ": " << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
  CliRun r = cli("dis --mmap " + in);
  EXPECT_EQ(r.err.rfind("picklejar: --mmap does not apply to dis (it applies to show, json, info and recode)\n", 0), 0u)
      << r.err;
}

TEST_F(Messages, RecodeTakesMmap) {
  const std::string in = fixture("joblib/model.joblib");
  CliRun plain = cli("recode " + in + " -");
  CliRun mapped = cli("recode --mmap " + in + " -");
  ASSERT_EQ(mapped.status, 0) << mapped.err;
  EXPECT_EQ(mapped.out, plain.out);
}

TEST_F(Messages, HelpListsEachOptionUnderTheCommandsItAppliesTo) {
  CliRun h = cli("--help");
  ASSERT_EQ(h.status, 0);
  const std::string& t = h.out;
  size_t load_section = t.find("options (show, json, info, recode):");
  size_t recode_section = t.find("options (recode):");
  ASSERT_NE(load_section, std::string::npos) << t;
  ASSERT_NE(recode_section, std::string::npos) << t;
  size_t mmap = t.find("  --mmap ");
  EXPECT_GT(mmap, load_section);
  EXPECT_LT(mmap, recode_section) << "--mmap is a load option, not a recode-only one";
  // The recode synopsis names every recode option.
  size_t synopsis = t.find("  recode [");
  size_t synopsis_end = t.find(" IN OUT\n", synopsis);
  ASSERT_NE(synopsis_end, std::string::npos) << t;
  std::string recode_usage = t.substr(synopsis, synopsis_end - synopsis);
  for (const char* flag : {"--protocol", "--buffers-in", "--buffers-out", "--joblib", "--compress", "--threads"})
    EXPECT_NE(recode_usage.find(flag), std::string::npos) << flag << " missing from: " << recode_usage;
  EXPECT_NE(t.find("dis takes no options"), std::string::npos);
  EXPECT_NE(t.find("DIR must exist"), std::string::npos);
  EXPECT_NE(t.find("--progress"), std::string::npos);
  EXPECT_NE(t.find("--quiet"), std::string::npos);
}

}  // namespace
