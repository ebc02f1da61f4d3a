// Golden tests: every fixture listed in fixtures/MANIFEST.tsv (written by tools/gen_fixtures.py from
// real CPython) loads to exactly its .json expectation, fails with exactly its expected error code,
// and disassembles to exactly its pickletools .dis listing.
#include "golden_fixtures.h"

#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace picklejar_golden;

class Golden : public ::testing::TestWithParam<Row> {};

TEST_P(Golden, LoadsToExpectation) {
  const Row& row = GetParam();
  SCOPED_TRACE(row.file + " (" + row.description + ")");
  ASSERT_TRUE(fs::exists(kFixtures / row.file)) << "missing fixture " << row.file;
  std::vector<uint8_t> data = read_bytes(kFixtures / row.file);
  Loaded l;
  apply_options(row.file, row.options, l);
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
