// joblib golden: every file of fixtures/JOBLIB.tsv (written by joblib.dump itself; see
// fixtures/joblib/README.md) loaded with joblib::load must re-dump (a) as pickle protocol 2 to the
// very bytes of CPython's pickle.dumps(joblib.load(file), 2), and (b) with joblib::dump to what
// joblib.dump(joblib.load(file), out, protocol=P, compress=C) writes (byte-identical uncompressed;
// the same decompressed bytes when compressed). Rows marked `exact: no` cannot be byte-identical
// for the reason the manifest gives; for them the test checks that the bytes still differ (else the
// row is stale) and that the two values are equal once shared references are expanded.
#include <gtest/gtest.h>
#include <picklejar/joblib.h>
#include <picklejar/ndarray.h>
#include <picklejar/picklejar.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "model/value_access.h"
#include "codec/codec.h"
#include "joblib_test_util.h"

namespace {

namespace fs = std::filesystem;
namespace jl = picklejar::joblib;
using picklejar::ByteView;
using picklejar::Document;
using picklejar::Error;
using picklejar::ErrorCode;
using picklejar::Kind;
using picklejar::Value;
using picklejar::internal::Codec;
using namespace picklejar::codec_test;
using namespace picklejar::joblib_test;

// ---- golden: fixtures/JOBLIB.tsv -------------------------------------------------------------------

struct Row {
  std::string file, codec, level, protocol, pickle2, joblib, exact, description;
};
void PrintTo(const Row& r, std::ostream* os) { *os << r.file; }

std::vector<Row> read_manifest() {
  std::vector<Row> rows;
  std::ifstream f(kFixtures / "JOBLIB.tsv");
  std::string line;
  std::getline(f, line);
  EXPECT_EQ(line, "file\tcodec\tlevel\tprotocol\tpickle2\tjoblib\texact\tdescription");
  while (std::getline(f, line)) {
    std::vector<std::string> c;
    std::stringstream s(line);
    for (std::string part; std::getline(s, part, '\t');) c.push_back(part);
    if (c.size() != 8) {
      ADD_FAILURE() << "bad JOBLIB.tsv line: " << line;
      continue;
    }
    rows.push_back({c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]});
  }
  return rows;
}

jl::Compression compression_of(const Row& r) {
  if (r.codec == "none") return {};
  return {*picklejar::codec_from_name(r.codec), r.level == "default" ? -1 : std::stoi(r.level)};
}

// Equality of two values with shared references expanded (identity ignored): kinds, atoms,
// container items in order, and for objects (numpy values too) how they were made and from what.
class Structural {
 public:
  bool equal(const Value& a, const Value& b, int depth = 0) {
    if (depth > 10000) return false;
    if (!a.valid() || !b.valid()) return a.valid() == b.valid();
    Kind ka = a.kind(), kb = b.kind();
    if (ka != kb) return false;
    auto key = std::make_pair(std::make_pair(picklejar::internal::impl_of(a), a.id()), std::make_pair(picklejar::internal::impl_of(b), b.id()));
    if (!open_.insert(key).second) return true;  // a cycle met again: equal so far
    bool same = compare(a, b, ka, depth);
    open_.erase(key);
    return same;
  }

 private:
  bool compare(const Value& a, const Value& b, Kind k, int depth) {
    switch (k) {
      case Kind::kList:
      case Kind::kTuple: {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
          if (!equal(a[i], b[i], depth + 1)) return false;
        return true;
      }
      case Kind::kDict: {
        auto x = a.dict_items(), y = b.dict_items();
        if (x.size() != y.size()) return false;
        for (size_t i = 0; i < x.size(); ++i)
          if (!equal(x[i].first, y[i].first, depth + 1) || !equal(x[i].second, y[i].second, depth + 1)) return false;
        return true;
      }
      case Kind::kSet:
      case Kind::kFrozenSet: {
        auto x = a.items(), y = b.items();
        if (x.size() != y.size()) return false;
        for (size_t i = 0; i < x.size(); ++i)
          if (!equal(x[i], y[i], depth + 1)) return false;
        return true;
      }
      case Kind::kObject:
      case Kind::kArray:
      case Kind::kDType:
      case Kind::kNumpyScalar: {
        picklejar::ObjectRef x = a.as_object(), y = b.as_object();
        return x.how == y.how && equal(x.callable, y.callable, depth + 1) && equal(x.args, y.args, depth + 1) &&
               equal(x.kwargs, y.kwargs, depth + 1) && equal(x.state, y.state, depth + 1) &&
               equal(x.list_items, y.list_items, depth + 1) && equal(x.dict_items, y.dict_items, depth + 1);
      }
      default:
        return a.equals(b);
    }
  }
  std::set<std::pair<std::pair<const void*, uint32_t>, std::pair<const void*, uint32_t>>> open_;
};

class JoblibGolden : public ::testing::TestWithParam<Row> {
 protected:
  const Row& row() const { return GetParam(); }
  bool exact() const { return row().exact == "yes"; }
  fs::path path() const { return kFixtures / row().file; }
};

TEST_P(JoblibGolden, ManifestRowIsConsistent) {
  EXPECT_TRUE(row().exact == "yes" || row().exact.rfind("no: ", 0) == 0) << row().exact;
  Bytes data = read_file(path());
  std::string sniffed(picklejar::internal::codec_name(picklejar::internal::sniff_codec(data.data(), data.size())));
  EXPECT_EQ(sniffed, row().codec);
  jl::FileInfo info = jl::inspect(path());
  EXPECT_EQ(info.format, "joblib");
  EXPECT_EQ(info.compression, row().codec);
  int protocol = std::stoi(row().protocol);
  EXPECT_EQ(info.protocol, protocol >= 2 ? protocol : 0) << "the last PROTO opcode's (protocols 0-1 have none)";
}

TEST_P(JoblibGolden, Protocol2RedumpIsCPythons) {
  Document doc = jl::load(path());
  Bytes got = p2(doc);
  Bytes want = read_file(kFixtures / row().pickle2);
  if (exact()) {
    EXPECT_EQ(first_difference(got, want), "");
    return;
  }
  EXPECT_NE(got, want) << "now byte-identical: mark the row exact in the generator";
  Document ours = picklejar::load(view(got)), theirs = picklejar::load(view(want));
  EXPECT_TRUE(Structural().equal(ours.root(), theirs.root())) << "differs beyond sharing: " << row().exact;
}

TEST_P(JoblibGolden, MemoryAndMmapLoadsAgreeWithFileLoad) {
  Bytes want = p2(jl::load(path()));
  Bytes data = read_file(path());
  EXPECT_EQ(first_difference(p2(jl::load(view(data))), want), "") << "from memory";
  for (jl::MmapMode mode : {jl::MmapMode::kReadOnly, jl::MmapMode::kCopyOnWrite}) {
    jl::LoadOptions o;
    o.mmap = mode;  // ignored for compressed files
    EXPECT_EQ(first_difference(p2(jl::load(path(), o)), want), "") << "mmap mode " << static_cast<int>(mode);
  }
}

TEST_P(JoblibGolden, JoblibRedumpIsJoblibs) {
  Document doc = jl::load(path());
  jl::DumpOptions o;
  o.protocol = std::stoi(row().protocol);
  o.compression = compression_of(row());
  Bytes got = jl::dump(doc.root(), o);
  Bytes want = read_file(kFixtures / row().joblib);
  std::string got_codec(picklejar::internal::codec_name(picklejar::internal::sniff_codec(got.data(), got.size())));
  EXPECT_EQ(got_codec, row().codec);
  Bytes got_plain = decompress_any(got), want_plain = decompress_any(want);
  if (exact()) {
    EXPECT_EQ(first_difference(got_plain, want_plain), "") << (row().codec == "none" ? "" : "decompressed");
    if (row().codec == "none") {
      EXPECT_EQ(got, want);
    }
    return;
  }
  EXPECT_NE(got_plain, want_plain) << "now identical: mark the row exact in the generator";
  Document ours = jl::load(view(got)), theirs = jl::load(view(want));
  EXPECT_TRUE(Structural().equal(ours.root(), theirs.root())) << "differs beyond sharing: " << row().exact;
}

// The fixtures' own bytes: a compressed file decompresses (through a source handing out one byte at
// a time) to a stream that loads like the file.
TEST_P(JoblibGolden, DecompressedFileLoadsTheSame) {
  Bytes raw = read_file(path());
  Bytes plain = decode(picklejar::internal::sniff_codec(raw.data(), raw.size()), raw, 1);
  EXPECT_EQ(plain.size() == raw.size(), row().codec == "none");
  EXPECT_EQ(first_difference(p2(jl::load(view(plain))), p2(jl::load(path()))), "");
}

TEST_P(JoblibGolden, TruncatedFileIsAnError) {
  Bytes data = read_file(path());
  for (size_t cut : {data.size() / 2, data.size() - 1}) {
    Bytes part(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(cut));
    auto code = within(std::chrono::seconds(30), [&] { return error_of([&] { jl::load(view(part)); }); });
    ASSERT_TRUE(code.has_value()) << "cut at " << cut << " loaded";
    EXPECT_TRUE(*code == ErrorCode::kCompression || *code == ErrorCode::kTruncated || *code == ErrorCode::kNoStop ||
                *code == ErrorCode::kBadFrame)
        << "cut at " << cut << ": " << picklejar::error_code_name(*code);
    if (row().codec != "none") {
      EXPECT_TRUE(*code == ErrorCode::kCompression || *code == ErrorCode::kTruncated);
    }
  }
}

// joblib 1.2 loops forever on bytes after a zlib/gzip stream; picklejar refuses bytes after any
// compressed stream. After an uncompressed stream they are ignored, as joblib and pickle do.
TEST_P(JoblibGolden, TrailingGarbage) {
  Bytes data = read_file(path());
  data.insert(data.end(), {'g', 'a', 'r', 'b', 'a', 'g', 'e', '!'});
  if (row().codec == "none") {
    EXPECT_EQ(first_difference(p2(jl::load(view(data))), p2(jl::load(path()))), "");
    return;
  }
  auto code = within(std::chrono::seconds(30), [&] { return error_of([&] { jl::load(view(data)); }); });
  ASSERT_TRUE(code.has_value()) << "loaded with trailing garbage";
  EXPECT_EQ(*code, ErrorCode::kCompression);
}

std::string row_name(const ::testing::TestParamInfo<Row>& info) {
  std::string s = info.param.file.substr(info.param.file.find('/') + 1);
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, JoblibGolden, ::testing::ValuesIn(read_manifest()), row_name);

TEST(JoblibFixtures, ManifestCoversTheMatrix) {
  auto rows = read_manifest();
  std::set<std::string> codecs, protocols, files;
  size_t inexact = 0;
  for (const Row& r : rows) {
    codecs.insert(r.codec);
    if (r.codec == "none") protocols.insert(r.protocol);
    files.insert(r.file);
    inexact += r.exact != "yes";
  }
  EXPECT_EQ(codecs, (std::set<std::string>{"none", "zlib", "gzip", "bz2", "lzma", "xz", "lz4"}));
  EXPECT_EQ(protocols, (std::set<std::string>{"0", "1", "2", "3", "4", "5"}));
  for (const char* f : {"joblib/model.joblib", "joblib/array.joblib", "joblib/array_compressed.joblib",
                        "joblib/array_finely_compressed.joblib"})
    EXPECT_TRUE(files.count(f)) << f;
  EXPECT_EQ(inexact, 1u) << "only model.joblib is known not to be exact";
}

// The tutorial's files hold what the tutorial says.
TEST(JoblibFixtures, TutorialArrays) {
  for (const char* name : {"array.joblib", "array_compressed.joblib", "array_finely_compressed.joblib"}) {
    Document doc = jl::load(kFixtures / "joblib" / name);
    picklejar::ArrayRef a = doc.root().as_array();
    EXPECT_EQ(a.dtype().str(), "<i8") << name;
    EXPECT_EQ(a.shape(), (std::vector<int64_t>{10, 10})) << name;
    auto v = a.as<int64_t>();
    ASSERT_EQ(v.size(), 100u);
    for (int64_t i = 0; i < 100; ++i) EXPECT_EQ(v[static_cast<size_t>(i)], i);
  }
  EXPECT_EQ(jl::inspect(kFixtures / "joblib/array_compressed.joblib").compression, "zlib");
  EXPECT_EQ(jl::inspect(kFixtures / "joblib/array_finely_compressed.joblib").compression, "gzip");
  Bytes gz = read_file(kFixtures / "joblib/array_finely_compressed.joblib");
  EXPECT_EQ(gz[8], 0x02) << "gzip XFL: level 9";
}

TEST(JoblibFixtures, TutorialModel) {
  Document doc = jl::load(kFixtures / "joblib/model.joblib");
  Value model = doc.root();
  picklejar::GlobalRef cls = model.as_object().callable.as_global();
  EXPECT_EQ(cls.module, "sklearn.neighbors._classification");
  EXPECT_EQ(cls.name, "KNeighborsClassifier");
  Value state = model.as_object().state;
  EXPECT_EQ(state.at("n_neighbors").as_int(), 3);
  EXPECT_EQ(state.at("weights").as_str(), "distance");
  picklejar::ArrayRef fit_x = state.at("_fit_X").as_array();
  EXPECT_EQ(fit_x.dtype().str(), "<f8");
  EXPECT_EQ(fit_x.shape(), (std::vector<int64_t>{105, 4}));
  // The same training data as the plain pickle of the same fit.
  Document pkl = picklejar::load_file(kFixtures / "sklearn/model.pkl");
  picklejar::ArrayRef pkl_x = pkl.root().as_object().state.at("_fit_X").as_array();
  auto a = fit_x.as<double>(), b = pkl_x.as<double>();
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
}

}  // namespace
