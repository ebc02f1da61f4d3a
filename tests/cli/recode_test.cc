// Transcript tests of `picklejar recode [--protocol N] [--no-fix-imports] [--encoding ENC]
// [--buffers-in DIR] [--buffers-out DIR] IN OUT`: run build/bin/picklejar as a user would and check
// the output file (against CPython's re-dumps in fixtures/REDUMP.tsv), stderr and the exit status
// (README "CLI": 0 ok, 1 bad input, 2 usage, 3 I/O). OUT is replaced atomically and never created
// or touched when the command fails.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

using CliResult = picklejar_cli_test::CliRun;
using picklejar_cli_test::quote;
using picklejar_cli_test::slurp;
using picklejar_cli_test::spit;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// Rows of a tab-separated manifest (header skipped), each resized to `columns`.
std::vector<std::vector<std::string>> read_tsv(const fs::path& path, size_t columns) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    auto cols = split(line, '\t');
    cols.resize(columns);
    rows.push_back(cols);
  }
  return rows;
}

// fixtures/REDUMP.tsv: source, protocol, variant, expect, buffers, note.
struct RedumpRow {
  std::string source, protocol, variant, expect, buffers, note;
};
std::vector<RedumpRow> redump_rows(const std::string& source) {
  std::vector<RedumpRow> rows;
  for (auto& c : read_tsv(kFixtures / "REDUMP.tsv", 6)) {
    if (c[0] == source) rows.push_back({c[0], c[1], c[2], c[3], c[4], c[5]});
  }
  return rows;
}
// The MANIFEST options column of a fixture.
std::string manifest_options(const std::string& file) {
  for (auto& c : read_tsv(kFixtures / "MANIFEST.tsv", 6)) {
    if (c[0] == file) return c[2];
  }
  ADD_FAILURE() << "not in MANIFEST.tsv: " << file;
  return "-";
}
// fixtures/pickle/x.p5.pkl -> fixtures/pickle/x.p5.buf<i>.bin
fs::path buffer_file(const std::string& rel, size_t i) {
  fs::path p = kFixtures / rel;
  p.replace_extension(".buf" + std::to_string(i) + ".bin");
  return p;
}

class Recode : public picklejar_cli_test::CliTest {
 protected:
  // Names of the files in work() (sorted): a failed recode must leave no temporary file behind.
  std::vector<std::string> work_files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(work())) {
      names.push_back(fs::relative(e.path(), work()).string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // The loader flags for a fixture's MANIFEST options; buffers=N copies <stem>.buf<i>.bin to
  // work()/<subdir>/<i>.bin and passes --buffers-in.
  std::string load_flags(const std::string& rel, const std::string& subdir = "bufs-in") {
    std::string flags;
    std::string options = manifest_options(rel);
    if (options == "-") return flags;
    for (const std::string& opt : split(options, ',')) {
      auto eq = opt.find('=');
      std::string key = opt.substr(0, eq), value = opt.substr(eq + 1);
      if (key == "encoding") {
        flags += " --encoding " + quote(value);
      } else if (key == "fix_imports") {
        if (value == "0") flags += " --no-fix-imports";
      } else if (key == "buffers") {
        if (value == "none") continue;
        fs::path d = work() / subdir;
        fs::create_directories(d);
        for (size_t i = 0, n = std::stoul(value); i < n; ++i)
          fs::copy_file(buffer_file(rel, i), d / (std::to_string(i) + ".bin"), fs::copy_options::overwrite_existing);
        flags += " --buffers-in " + quote(d);
      } else {
        ADD_FAILURE() << "unknown MANIFEST option " << opt;
      }
    }
    return flags;
  }

  // The one-line error report: "picklejar: k<Code> at offset N ...".
  static void expect_one_error_line(const CliResult& r, const std::string& code) {
    EXPECT_EQ(r.err.rfind("picklejar: " + code, 0), 0u) << r.err;
    EXPECT_NE(r.err.find(" offset "), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
};

// ---- recoding to every protocol: the bytes of CPython's pickle.dumps(pickle.loads(IN), N) ------

// Fixtures of several shapes and load options: the tutorial pickle, Python 2 streams read with
// --encoding, sets (hash order), objects (NEWOBJ_EX -> functools.partial below 4), recursion, frames,
// big ints (refused as decimal text at protocols 0-1), persistent ids (re-written as they were).
const char* const kSources[] = {
    "pickle/my_data.pickle",
    "pickle/sets.p2.pkl",
    "pickle/globals.p0.pkl",
    "pickle/obj_newargs_ex.p4.pkl",
    "pickle/obj_reduce.p1.pkl",
    "pickle/recursive_tuple.p0.pkl",
    "pickle/frames_multi.p4.pkl",
    "pickle/int_huge.p3.pkl",
    "pickle/persistent_id.p2.pkl",
    "pickle/py2_string_latin1__latin1.pkl",
    "pickle/py2_binstring_utf8__bytes.pkl",
    "pickle/py2_unicode.pkl",
};

TEST_F(Recode, EveryProtocolMatchesCPythonsRedump) {
  size_t compared = 0;
  for (size_t index = 0; index < std::size(kSources); ++index) {
    const char* source = kSources[index];
    auto rows = redump_rows(source);
    ASSERT_EQ(rows.size(), 6u) << source << ": expected one REDUMP row per protocol";
    std::string flags = load_flags(source, "bufs-in" + std::to_string(index));
    for (const RedumpRow& row : rows) {
      SCOPED_TRACE(std::string(source) + " --protocol " + row.protocol + " (" + row.expect + ")");
      ASSERT_EQ(row.variant, "inband");
      fs::path out = work() / ("out" + std::to_string(index) + ".p" + row.protocol + ".pkl");
      CliResult r = cli("recode --protocol " + row.protocol + flags + " " + fixture(source) + " " + quote(out));
      if (row.expect.rfind("error:", 0) == 0) {
        // CPython refuses to write it (PicklingError, or ValueError past 4300 digits): bad input.
        EXPECT_EQ(r.status, 1) << r.err;
        EXPECT_EQ(r.err.rfind("picklejar: k", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_FALSE(fs::exists(out));
        continue;
      }
      ASSERT_EQ(r.status, 0) << r.err;
      EXPECT_EQ(r.err, "");
      EXPECT_EQ(r.out, "");
      if (row.expect == "unmatchable") continue;
      EXPECT_TRUE(slurp(out) == slurp(kFixtures / row.expect)) << "differs from " << row.expect;
      ++compared;
    }
  }
  EXPECT_GE(compared, 50u);
  // Nothing but the outputs (and the copied buffers) was left in the directory.
  for (const std::string& f : work_files()) {
    EXPECT_TRUE(f.rfind("out", 0) == 0 || f.rfind("bufs-in", 0) == 0) << "stray file " << f;
  }
}

TEST_F(Recode, DefaultProtocolIs4) {
  fs::path out = work() / "out.pkl";
  CliResult r = cli("recode " + fixture("pickle/sets.p2.pkl") + " " + quote(out));
  ASSERT_EQ(r.status, 0) << r.err;
  for (const RedumpRow& row : redump_rows("pickle/sets.p2.pkl")) {
    if (row.protocol == "4") {
      EXPECT_EQ(slurp(out), slurp(kFixtures / row.expect));
    }
  }
}

TEST_F(Recode, ReplacesAnExistingOutput) {
  fs::path out = work() / "out.pkl";
  spit(out, std::string(100000, 'x'));  // longer than the result: no stale tail may remain
  CliResult r = cli("recode --protocol 5 " + fixture("pickle/my_data.pickle") + " " + quote(out));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(out), slurp(kFixtures / "pickle/my_data.pickle"));  // "identical to source"
  EXPECT_EQ(work_files(), std::vector<std::string>{"out.pkl"});
}

TEST_F(Recode, NoFixImportsWritesPython3Names) {
  // pickle.dumps(pickle.loads(sets.p4.pkl), 2, fix_imports=False): builtins, not __builtin__. (A
  // protocol 4 source: --no-fix-imports also keeps a protocol < 3 stream's own Python 2 names, which
  // then load as inert objects named __builtin__.set, as pickle.loads(..., fix_imports=False) would
  // refuse to import them.)
  const std::string src = "pickle/sets.p4.pkl";
  std::string want_fixed;
  for (const RedumpRow& row : redump_rows(src)) {
    if (row.protocol == "2") want_fixed = slurp(kFixtures / row.expect);
  }
  ASSERT_FALSE(want_fixed.empty());
  fs::path fixed = work() / "fixed.pkl", unfixed = work() / "unfixed.pkl";
  ASSERT_EQ(cli("recode --protocol 2 " + fixture(src) + " " + quote(fixed)).status, 0);
  EXPECT_EQ(slurp(fixed), want_fixed);
  CliResult r = cli("recode --protocol 2 --no-fix-imports " + fixture(src) + " " + quote(unfixed));
  ASSERT_EQ(r.status, 0) << r.err;
  std::string b = slurp(unfixed);
  EXPECT_EQ(b.find("__builtin__"), std::string::npos);
  EXPECT_NE(b.find("cbuiltins\nset\n"), std::string::npos);
  EXPECT_NE(b.find("cbuiltins\nfrozenset\n"), std::string::npos);
  // Otherwise the same stream, shifted by the shorter names.
  std::string a = want_fixed, from = "c__builtin__\n", to = "cbuiltins\n";
  ASSERT_NE(a.find(from), std::string::npos);
  for (size_t at = a.find(from); at != std::string::npos; at = a.find(from, at + to.size())) a.replace(at, from.size(), to);
  EXPECT_EQ(a, b);
}

// IN is mapped (an uncompressed file) while OUT is written: OUT may be IN itself, whose mapping
// stays valid when the new file is renamed over its name.
TEST_F(Recode, OutMayBeTheMappedInput) {
  fs::path in = work() / "model.joblib";
  fs::copy_file(kFixtures / "joblib/model.joblib", in);
  fs::path other = work() / "other.joblib";
  ASSERT_EQ(cli("recode --joblib " + quote(in) + " " + quote(other)).status, 0);
  CliResult r = cli("recode --joblib " + quote(in) + " " + quote(in));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(in), slurp(other));
  EXPECT_EQ(work_files(), (std::vector<std::string>{"model.joblib", "other.joblib"}));
}

// ---- standard input and output -----------------------------------------------------------------

TEST_F(Recode, DashIsStdinAndStdout) {
  const std::string src = "pickle/globals.p0.pkl";
  std::map<std::string, std::string> want;
  for (const RedumpRow& row : redump_rows(src)) want[row.protocol] = slurp(kFixtures / row.expect);

  CliResult both = cli("recode --protocol 2 - -", kFixtures / src);
  ASSERT_EQ(both.status, 0) << both.err;
  EXPECT_EQ(both.out, want["2"]);
  EXPECT_EQ(both.err, "");

  CliResult to_stdout = cli("recode --protocol 4 " + fixture(src) + " -");
  ASSERT_EQ(to_stdout.status, 0) << to_stdout.err;
  EXPECT_EQ(to_stdout.out, want["4"]);

  fs::path out = work() / "from_stdin.pkl";
  CliResult from_stdin = cli("recode --protocol 0 - " + quote(out), kFixtures / src);
  ASSERT_EQ(from_stdin.status, 0) << from_stdin.err;
  EXPECT_EQ(from_stdin.out, "");
  EXPECT_EQ(slurp(out), want["0"]);
}

TEST_F(Recode, BadStdinIsBadInputWithNothingOnStdout) {
  fs::path bad = dir_ / "io" / "bad.pkl";
  spit(bad, std::string("\x80\x02]q\x00(K\x01", 8));  // no STOP
  CliResult r = cli("recode - -", bad);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("picklejar: k", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// ---- out-of-band buffers ---------------------------------------------------------------------------

TEST_F(Recode, BuffersInFeedsNextBuffer) {
  const std::string src = "pickle/picklebuffer_oob.p5.pkl";
  ASSERT_EQ(manifest_options(src), "buffers=4");
  std::string flags = load_flags(src);  // DIR/0.bin .. DIR/3.bin
  ASSERT_NE(flags.find("--buffers-in"), std::string::npos);
  for (const RedumpRow& row : redump_rows(src)) {
    if (row.variant != "inband") continue;
    SCOPED_TRACE("--protocol " + row.protocol);
    fs::path out = work() / ("out.p" + row.protocol + ".pkl");
    CliResult r = cli("recode --protocol " + row.protocol + flags + " " + fixture(src) + " " + quote(out));
    if (row.expect.rfind("error:", 0) == 0) {
      // A PickleBuffer below protocol 5: CPython raises PicklingError; nothing is written.
      EXPECT_EQ(r.status, 1) << r.err;
      EXPECT_NE(r.err.find("kUnsupported"), std::string::npos) << r.err;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
      EXPECT_FALSE(fs::exists(out));
      continue;
    }
    // Protocol 5 in-band: read-only buffers as bytes, writable ones as BYTEARRAY8.
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(slurp(out), slurp(kFixtures / row.expect));
  }
}

TEST_F(Recode, MissingBuffersAreBadInput) {
  const std::string src = "pickle/picklebuffer_oob.p5.pkl";
  fs::create_directories(work() / "empty");
  fs::path out = work() / "out.pkl";
  // No --buffers-in at all, and a directory with too few buffers.
  for (const std::string& flags : {std::string(), " --buffers-in " + quote(work() / "empty")}) {
    CliResult r = cli("recode --protocol 5" + flags + " " + fixture(src) + " " + quote(out));
    EXPECT_EQ(r.status, 1) << r.err;
    expect_one_error_line(r, "kMissingBuffer");
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST_F(Recode, BuffersOutWritesEveryBufferOutOfBand) {
  const std::string src = "pickle/picklebuffer_oob.p5.pkl";
  std::string flags = load_flags(src);
  RedumpRow oob;
  for (const RedumpRow& row : redump_rows(src)) {
    if (row.variant == "oob") oob = row;
  }
  ASSERT_EQ(oob.protocol, "5");
  size_t n = std::stoul(oob.buffers);
  ASSERT_EQ(n, 4u);
  fs::path bufs = work() / "bufs-out";
  fs::create_directories(bufs);
  fs::path out = work() / "out.pkl";
  CliResult r = cli("recode --protocol 5 --buffers-out " + quote(bufs) + flags + " " + fixture(src) + " " + quote(out));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(slurp(out), slurp(kFixtures / oob.expect));
  std::vector<std::string> written;
  for (const auto& e : fs::directory_iterator(bufs)) written.push_back(e.path().filename().string());
  std::sort(written.begin(), written.end());
  EXPECT_EQ(written, (std::vector<std::string>{"0.bin", "1.bin", "2.bin", "3.bin"}));
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(slurp(bufs / (std::to_string(i) + ".bin")), slurp(buffer_file(oob.expect, i))) << "buffer " << i;
    // ... which are the buffers the source stream was given.
    EXPECT_EQ(slurp(bufs / (std::to_string(i) + ".bin")), slurp(buffer_file(src, i))) << "buffer " << i;
  }

  // The written pickle and buffers recode again to the same thing (a round trip through the CLI).
  fs::path again = work() / "again.pkl";
  fs::path bufs2 = work() / "bufs-out2";
  fs::create_directories(bufs2);
  CliResult r2 = cli("recode --protocol 5 --buffers-in " + quote(bufs) + " --buffers-out " + quote(bufs2) + " " +
               quote(out) + " " + quote(again));
  ASSERT_EQ(r2.status, 0) << r2.err;
  EXPECT_EQ(slurp(again), slurp(out));
  for (size_t i = 0; i < n; ++i)
    EXPECT_EQ(slurp(bufs2 / (std::to_string(i) + ".bin")), slurp(bufs / (std::to_string(i) + ".bin")));
}

TEST_F(Recode, BuffersOutNeedsProtocol5) {
  fs::path bufs = work() / "bufs-out";
  fs::create_directories(bufs);
  fs::path out = work() / "out.pkl";
  for (const std::string& protocol : {std::string(), std::string(" --protocol 4"), std::string(" --protocol 0")}) {
    SCOPED_TRACE("protocol flag '" + protocol + "'");
    CliResult r = cli("recode" + protocol + " --buffers-out " + quote(bufs) + " " + fixture("pickle/my_data.pickle") +
                " " + quote(out));
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("--buffers-out"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
  EXPECT_EQ(work_files(), std::vector<std::string>{"bufs-out"});
}

// ---- failures: exit status, one stderr line, OUT untouched ----------------------------------------

TEST_F(Recode, BadInputExitsOneAndCreatesNoOutput) {
  fs::path bad = work() / "bad.pkl";
  spit(bad, std::string("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00X\xff\xff\xff\x7f", 16));
  fs::path out = work() / "out.pkl";
  CliResult r = cli("recode --protocol 2 " + quote(bad) + " " + quote(out));
  EXPECT_EQ(r.status, 1);
  expect_one_error_line(r, "kTruncated");
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(work_files(), std::vector<std::string>{"bad.pkl"});

  // A fixture CPython also refuses to load.
  CliResult r2 = cli("recode " + fixture("pickle/bad_unknown_opcode.pkl") + " " + quote(out));
  EXPECT_EQ(r2.status, 1);
  expect_one_error_line(r2, "kUnknownOpcode");
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Recode, BadInputLeavesAnExistingOutputUnchanged) {
  fs::path out = work() / "out.pkl";
  spit(out, "previous output");
  for (const char* bad : {"pickle/bad_truncated_binunicode.pkl", "pickle/bad_memo_missing.pkl", "pickle/bad_empty.pkl"}) {
    SCOPED_TRACE(bad);
    CliResult r = cli("recode --protocol 3 " + fixture(bad) + " " + quote(out));
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.err.rfind("picklejar: k", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(slurp(out), "previous output");
  }
  // A stream that loads but cannot be written at the protocol (PickleBuffer at 2) also leaves it.
  CliResult r = cli("recode --protocol 2" + load_flags("pickle/picklebuffer_oob.p5.pkl") + " " +
              fixture("pickle/picklebuffer_oob.p5.pkl") + " " + quote(out));
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(slurp(out), "previous output");
  std::vector<std::string> files = work_files();
  EXPECT_EQ(std::count(files.begin(), files.end(), "out.pkl"), 1);
  for (const std::string& f : files) {
    EXPECT_TRUE(f == "out.pkl" || f.rfind("bufs-in", 0) == 0) << "stray file " << f;
  }
}

TEST_F(Recode, BadProtocolIsAUsageError) {
  fs::path out = work() / "out.pkl";
  for (const std::string& flag :
       {std::string("--protocol 9"), std::string("--protocol=9"), std::string("--protocol -1"),
        std::string("--protocol x"), std::string("--protocol 45"), std::string("--protocol")}) {
    SCOPED_TRACE(flag);
    CliResult r = cli("recode " + flag + " " + fixture("pickle/my_data.pickle") + " " + quote(out));
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(r.err.rfind("picklejar: ", 0), 0u) << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST_F(Recode, WrongArgumentCountIsAUsageError) {
  EXPECT_EQ(cli("recode").status, 2);
  EXPECT_EQ(cli("recode " + fixture("pickle/my_data.pickle")).status, 2);
  EXPECT_EQ(cli("recode " + fixture("pickle/my_data.pickle") + " a b").status, 2);
  EXPECT_TRUE(work_files().empty());
}

TEST_F(Recode, MissingInputIsAnIoError) {
  fs::path out = work() / "out.pkl";
  CliResult r = cli("recode /nonexistent/picklejar_in.pkl " + quote(out));
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("/nonexistent/picklejar_in.pkl"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Recode, UnwritableOutputIsAnIoError) {
  fs::path out = work() / "no" / "such" / "dir" / "out.pkl";
  CliResult r = cli("recode " + fixture("pickle/my_data.pickle") + " " + quote(out));
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_TRUE(work_files().empty());
}

}  // namespace
