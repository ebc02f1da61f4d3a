// Golden tests: every fixture listed in fixtures/MANIFEST.tsv (written by tools/gen_fixtures.py from
// real CPython) loads to exactly its .json expectation, fails with exactly its expected error code,
// and disassembles to exactly its pickletools .dis listing.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

struct Row {
  std::string file, protocol, options, expect, dis, description;
};

// gtest prints parameters on failure: the file name says it all.
void PrintTo(const Row& r, std::ostream* os) { *os << r.file; }

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<Row> read_manifest() {
  std::vector<Row> rows;
  std::ifstream f(kFixtures / "MANIFEST.tsv");
  std::string line;
  bool header = true;
  while (std::getline(f, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    auto cols = split(line, '\t');
    if (cols.size() < 6) cols.resize(6);
    rows.push_back({cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]});
  }
  return rows;
}

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

// fixtures/pickle/x.p5.pkl -> fixtures/pickle/x.p5 (the stem that .json/.dis/.bufN.bin share).
fs::path stem_of(const std::string& file) {
  fs::path p = kFixtures / file;
  return p.parent_path() / p.stem();
}

struct Loaded {
  std::vector<std::vector<uint8_t>> buffers;  // must outlive the document
  picklejar::LoadOptions options;
};

void apply_options(const Row& row, Loaded& l) {
  if (row.options == "-" || row.options.empty()) return;
  for (const std::string& opt : split(row.options, ',')) {
    auto eq = opt.find('=');
    ASSERT_NE(eq, std::string::npos) << "bad option in MANIFEST: " << opt;
    std::string key = opt.substr(0, eq), value = opt.substr(eq + 1);
    if (key == "encoding") {
      l.options.encoding = value;
    } else if (key == "fix_imports") {
      l.options.fix_imports = value != "0";
    } else if (key == "buffers") {
      if (value == "none") continue;
      size_t n = std::stoul(value);
      for (size_t i = 0; i < n; ++i) {
        fs::path p = stem_of(row.file);
        p += ".buf" + std::to_string(i) + ".bin";
        ASSERT_TRUE(fs::exists(p)) << p;
        l.buffers.push_back(read_bytes(p));
      }
      l.options.buffers.emplace();
      for (const auto& b : l.buffers) l.options.buffers->push_back({picklejar::ByteView(b.data(), b.size()), false});
    } else {
      FAIL() << "unknown option in MANIFEST: " << opt;
    }
  }
}

class Golden : public ::testing::TestWithParam<Row> {};

TEST_P(Golden, LoadsToExpectation) {
  const Row& row = GetParam();
  SCOPED_TRACE(row.file + " (" + row.description + ")");
  ASSERT_TRUE(fs::exists(kFixtures / row.file)) << "missing fixture " << row.file;
  std::vector<uint8_t> data = read_bytes(kFixtures / row.file);
  Loaded l;
  apply_options(row, l);
  picklejar::ByteView view(data.data(), data.size());
  if (row.expect == "json") {
    std::string expected = read_text(fs::path(stem_of(row.file)) += ".json");
    ASSERT_FALSE(expected.empty());
    picklejar::Document doc = picklejar::load(view, l.options);
    EXPECT_EQ(picklejar::to_json(doc.root()), expected);
    // The streamed file path gives the same value.
    picklejar::Document doc2 = picklejar::load_file(kFixtures / row.file, l.options);
    EXPECT_EQ(picklejar::to_json(doc2.root()), expected);
    if (row.protocol != "-" && std::stoi(row.protocol) >= 2) {  // protocols 0 and 1 have no PROTO opcode
      EXPECT_EQ(picklejar::loaded_protocol(doc), std::stoi(row.protocol));
    }
  } else if (row.expect.rfind("error:", 0) == 0) {
    std::string code = row.expect.substr(6);
    try {
      picklejar::Document doc = picklejar::load(view, l.options);
      ADD_FAILURE() << "loaded, but expected " << code << ": " << picklejar::to_json(doc.root());
    } catch (const picklejar::Error& e) {
      EXPECT_EQ(picklejar::error_code_name(e.code()), code) << e.what();
      EXPECT_NE(e.offset(), picklejar::Error::kNoOffset) << e.what();
    }
  } else if (row.expect == "load") {
    picklejar::Document doc = picklejar::load(view, l.options);
    EXPECT_FALSE(picklejar::to_json(doc.root()).empty());
  } else {
    FAIL() << "unknown expectation " << row.expect;
  }
}

TEST_P(Golden, DisassemblesLikePickletools) {
  const Row& row = GetParam();
  std::vector<uint8_t> data = read_bytes(kFixtures / row.file);
  if (row.dis != "dis") {
    // pickletools rejects this stream (a non-ASCII STRING, a malformed pickle): so must we.
    std::ostringstream out;
    EXPECT_THROW(picklejar::disassemble(picklejar::ByteView(data.data(), data.size()), out), picklejar::Error)
        << row.file;
    return;
  }
  std::string expected = read_text(fs::path(stem_of(row.file)) += ".dis");
  std::ostringstream out;
  picklejar::disassemble(picklejar::ByteView(data.data(), data.size()), out);
  EXPECT_EQ(out.str(), expected) << row.file;
}

std::string test_name(const ::testing::TestParamInfo<Row>& info) {
  std::string name;
  for (char c : info.param.file) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, ::testing::ValuesIn(read_manifest()), test_name);

TEST(GoldenManifest, IsPresentAndLarge) {
  // Guards against a missing or truncated manifest silently turning the suite into zero tests.
  EXPECT_GE(read_manifest().size(), 200u);
}

TEST(Tutorial, MyDataPickle) {
  picklejar::Document doc = picklejar::load_file(kFixtures / "pickle" / "my_data.pickle");
  picklejar::Value root = doc.root();
  EXPECT_EQ(root.at("name").as_str(), "Python");
  EXPECT_DOUBLE_EQ(root.at("version").as_float(), 3.8);
  ASSERT_EQ(root.at("features").size(), 3u);
  EXPECT_EQ(root.at("features")[1].as_str(), "Flexibility");
  EXPECT_EQ(root.at("rank").as_int(), 1);
  EXPECT_EQ(picklejar::loaded_protocol(doc), 5);
}

}  // namespace
