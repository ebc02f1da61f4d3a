// Golden re-dump tests: for every loadable fixture and every protocol 0-5, picklejar's load -> dump
// is byte-identical to CPython 3.11's pickle.dumps(pickle.loads(fixture), protocol), as recorded by
// tools/gen_fixtures.py in fixtures/REDUMP.tsv (with PYTHONHASHSEED=0, the dump's default).
//
// Rows marked `unmatchable` are re-dumps that depend on Python code absent from the stream (an
// __init__ that INST/OBJ called, a __getnewargs__ a protocol 0 stream never used, an extension
// type's __getstate__ rebuilding numpy arrays such as sklearn's KDTree in model.pkl); for them the
// test asserts that the dump keeps everything the stream had: it loads back to the source's exact
// value. numpy's own arrays, dtypes and scalars (fixtures/numpy/) are matched byte for byte.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <map>
#include <string>
#include <vector>

#include "golden_fixtures.h"

namespace {

using namespace picklejar_golden;

struct RedumpRow {
  std::string source, protocol, variant, expect, buffers, note;
  std::string options;  // the source's MANIFEST options
};

void PrintTo(const RedumpRow& r, std::ostream* os) { *os << r.source << " @" << r.protocol << " " << r.variant; }

std::vector<RedumpRow> read_redump() {
  std::map<std::string, std::string> options;
  for (const Row& r : read_manifest()) options[r.file] = r.options;
  std::vector<RedumpRow> rows;
  for (auto& c : read_tsv(kFixtures / "REDUMP.tsv", 6))
    rows.push_back({c[0], c[1], c[2], c[3], c[4], c[5], options[c[0]]});
  return rows;
}

// Where two byte strings first differ, for a readable failure.
std::string first_difference(const std::vector<uint8_t>& want, const std::vector<uint8_t>& got) {
  size_t n = std::min(want.size(), got.size());
  size_t i = 0;
  while (i < n && want[i] == got[i]) ++i;
  return "sizes " + std::to_string(want.size()) + " (CPython) and " + std::to_string(got.size()) +
         " (picklejar), first difference at byte " + std::to_string(i);
}

class Redump : public ::testing::TestWithParam<RedumpRow> {};

TEST_P(Redump, MatchesCPython) {
  const RedumpRow& row = GetParam();
  SCOPED_TRACE(row.source + " re-dumped at protocol " + row.protocol + " (" + row.variant + "): " + row.note);
  std::vector<uint8_t> data = read_bytes(kFixtures / row.source);
  Loaded l;
  apply_options(row.source, row.options, l);
  picklejar::Document doc = picklejar::load(picklejar::ByteView(data.data(), data.size()), l.options);

  picklejar::DumpOptions d;
  d.protocol = std::stoi(row.protocol);
  std::vector<std::vector<uint8_t>> out_of_band;
  if (row.variant == "oob") {
    d.buffer_callback = [&](const picklejar::Value& b) {
      auto bytes = b.as_bytes();
      out_of_band.emplace_back(bytes.begin(), bytes.end());
      return picklejar::BufferPlacement::kOutOfBand;
    };
  }

  if (row.expect.rfind("error:", 0) == 0) {
    // CPython refuses: PicklingError/TypeError for what the protocol cannot express, ValueError for
    // an int past the 4300-digit str conversion limit.
    picklejar::ErrorCode want = row.expect == "error:ValueError" ? picklejar::ErrorCode::kLimitExceeded
                                                                : picklejar::ErrorCode::kUnsupported;
    try {
      picklejar::dump(doc.root(), d);
      ADD_FAILURE() << "dumped, but CPython raises " << row.expect.substr(6);
    } catch (const picklejar::Error& e) {
      EXPECT_EQ(e.code(), want) << e.what();
    }
    return;
  }

  std::vector<uint8_t> got = picklejar::dump(doc.root(), d);
  if (row.expect == "unmatchable") {
    // Everything the stream held survives: our dump loads back to the same values as the source.
    // Both are compared after a trip through protocol 4, where numpy arrays take one form
    // (protocol 5 writes them as _frombuffer, 0-4 as _reconstruct).
    picklejar::Document back = picklejar::load(picklejar::ByteView(got.data(), got.size()), l.options);
    picklejar::DumpOptions p4;
    p4.protocol = 4;
    auto normal_json = [&](const picklejar::Document& x) {
      std::vector<uint8_t> bytes = picklejar::dump(x.root(), p4);
      picklejar::Document again = picklejar::load(picklejar::ByteView(bytes.data(), bytes.size()));
      return picklejar::to_json(again.root());
    };
    EXPECT_EQ(normal_json(back), normal_json(doc));
    return;
  }
  std::vector<uint8_t> want = read_bytes(kFixtures / row.expect);
  ASSERT_FALSE(want.empty()) << "missing " << row.expect;
  EXPECT_TRUE(got == want) << first_difference(want, got);
  size_t buffers = std::stoul(row.buffers);
  ASSERT_EQ(out_of_band.size(), buffers);
  for (size_t i = 0; i < buffers; ++i) {
    fs::path p = kFixtures / row.expect;
    p.replace_extension(".buf" + std::to_string(i) + ".bin");
    EXPECT_EQ(out_of_band[i], read_bytes(p)) << "out-of-band buffer " << i;
  }
}

std::string redump_name(const ::testing::TestParamInfo<RedumpRow>& info) {
  std::string name;
  for (char c : info.param.source + "_at" + info.param.protocol + "_" + info.param.variant)
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Redump, ::testing::ValuesIn(read_redump()), redump_name);

TEST(RedumpManifest, CoversEveryLoadableFixtureAtEveryProtocol) {
  auto rows = read_redump();
  EXPECT_GE(rows.size(), 1900u);
  size_t unmatchable = 0;
  for (const auto& r : rows) unmatchable += r.expect == "unmatchable";
  EXPECT_LE(unmatchable, 30u) << "the unmatchable rule grew: check tools/gen_fixtures.py";
}

}  // namespace
