// joblib's own cross-version corpus (fixtures/joblib-corpus/, see its README.md): 43 files written
// by joblib 0.8.4-0.12.2 under Python 2.7 and 3.3-3.6, every compression and legacy layout, all
// holding the same six objects. Each must load (the Python 2 ones with encoding "bytes") to exactly
// those objects.
#include <gtest/gtest.h>
#include <picklejar/joblib.h>
#include <picklejar/ndarray.h>
#include <picklejar/picklejar.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using picklejar::ArrayRef;
using picklejar::Document;
using picklejar::Kind;
using picklejar::Value;

const fs::path kCorpus = fs::path(PICKLEJAR_FIXTURES_DIR) / "joblib-corpus";

// The main files: everything but README.md, LICENSE and the side files (<main>_NN.npy[.z]).
std::vector<std::string> main_files() {
  std::vector<std::string> out;
  const std::regex side(".*_[0-9][0-9]\\.npy(\\.z)?");
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    std::string name = e.path().filename().string();
    if (name == "README.md" || name == "LICENSE" || std::regex_match(name, side)) continue;
    out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool written_by_python2(const std::string& name) { return name.find("_py27_") != std::string::npos; }

std::string bytes_text(picklejar::ByteView b) { return std::string(b.begin(), b.end()); }

TEST(JoblibCorpus, HasAllFilesAndSideFiles) {
  auto files = main_files();
  EXPECT_EQ(files.size(), 43u);
  EXPECT_EQ(std::count_if(files.begin(), files.end(), written_by_python2), 12);
  size_t all = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(kCorpus)) ++all;
  EXPECT_EQ(all, 66u + 2u);  // 43 main files, 23 side files, README.md, LICENSE
}

class JoblibCorpusFile : public ::testing::TestWithParam<std::string> {};

// Checks an int64 or float64 array against 0, 1, ..., n-1.
template <class T>
void expect_arange(const ArrayRef& a, const std::string& dtype, const std::vector<int64_t>& shape) {
  EXPECT_EQ(a.dtype().str(), dtype);
  EXPECT_EQ(a.shape(), shape);
  auto v = a.as<T>();
  ASSERT_EQ(v.size(), a.size());
  for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(v[i], static_cast<T>(i)) << "element " << i;
}

TEST_P(JoblibCorpusFile, LoadsTheSixObjects) {
  const std::string name = GetParam();
  const bool py2 = written_by_python2(name);
  picklejar::joblib::LoadOptions options;
  if (py2) options.pickle.encoding = "bytes";
  picklejar::Document doc = picklejar::joblib::load(kCorpus / name, options);
  Value root = doc.root();
  ASSERT_EQ(root.kind(), Kind::kList);
  ASSERT_EQ(root.size(), 6u);

  // 1. numpy.arange(5, dtype='<i8')
  ArrayRef i8 = root[0].as_array();
  expect_arange<int64_t>(i8, "<i8", {5});
  EXPECT_EQ(i8.array_class().as_global().module, "numpy");
  EXPECT_EQ(i8.array_class().as_global().name, "ndarray");

  // 2. numpy.arange(5, dtype='<f8')
  ArrayRef f8 = root[1].as_array();
  expect_arange<double>(f8, "<f8", {5});

  // 3. numpy.array([1, 'abc', {'a': 1, 'b': 2}], dtype=object); Python 2 str -> bytes
  ArrayRef obj = root[2].as_array();
  EXPECT_EQ(obj.dtype().kind(), 'O');
  EXPECT_EQ(obj.shape(), std::vector<int64_t>{3});
  Value items = obj.object_items();
  ASSERT_EQ(items.kind(), Kind::kList);
  ASSERT_EQ(items.size(), 3u);
  ASSERT_EQ(items[0].kind(), Kind::kInt);
  EXPECT_EQ(items[0].as_int(), 1);
  if (py2) {
    ASSERT_EQ(items[1].kind(), Kind::kBytes);
    EXPECT_EQ(bytes_text(items[1].as_bytes()), "abc");
  } else {
    ASSERT_EQ(items[1].kind(), Kind::kStr);
    EXPECT_EQ(items[1].as_str(), "abc");
  }
  // The dict's order is Python's (3.3-3.5 wrote {'b': 2, 'a': 1}): compared as a mapping.
  Value dict = items[2];
  ASSERT_EQ(dict.kind(), Kind::kDict);
  std::map<std::string, int64_t> entries;
  for (const auto& [k, v] : dict.dict_items()) {
    ASSERT_EQ(k.kind(), py2 ? Kind::kBytes : Kind::kStr);
    ASSERT_EQ(v.kind(), Kind::kInt);
    entries[py2 ? bytes_text(k.as_bytes()) : std::string(k.as_str())] = v.as_int();
  }
  EXPECT_EQ(entries, (std::map<std::string, int64_t>{{"a", 1}, {"b", 2}}));

  // 4. bytes(range(256)) (a Python 2 str, loaded as bytes)
  ASSERT_EQ(root[3].kind(), Kind::kBytes);
  picklejar::ByteView all = root[3].as_bytes();
  ASSERT_EQ(all.size(), 256u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i) << "byte " << i;

  // 5. numpy.matrix([0, 1, 2], dtype='<i8'): shape (1, 3), the class numpy.matrix (which numpy
  // < 1.17 pickled under its defining module, numpy.matrixlib.defmatrix)
  ArrayRef m = root[4].as_array();
  expect_arange<int64_t>(m, "<i8", {1, 3});
  picklejar::GlobalRef cls = m.array_class().as_global();
  EXPECT_EQ(cls.module, "numpy.matrixlib.defmatrix");
  EXPECT_EQ(cls.name, "matrix");

  // 6. "C'est l'\xe9t\xe9 !" (a Python 2 unicode)
  ASSERT_EQ(root[5].kind(), Kind::kStr);
  EXPECT_EQ(root[5].as_str(), "C'est l'\xc3\xa9t\xc3\xa9 !");
}

// With the default encoding ("ASCII"), what joblib 1.2 does: the Python 2 files are refused (their
// non-ASCII Python 2 str cannot decode); the Python 3 files load, the same as with any encoding.
TEST_P(JoblibCorpusFile, DefaultEncoding) {
  const std::string name = GetParam();
  if (!written_by_python2(name)) {
    picklejar::joblib::LoadOptions bytes;
    bytes.pickle.encoding = "bytes";
    Document ascii = picklejar::joblib::load(kCorpus / name);
    Document as_bytes = picklejar::joblib::load(kCorpus / name, bytes);
    EXPECT_EQ(picklejar::to_json(ascii.root()), picklejar::to_json(as_bytes.root()));
    return;
  }
  try {
    picklejar::joblib::load(kCorpus / name);
    FAIL() << "loaded without an encoding";
  } catch (const picklejar::Error& e) {
    EXPECT_EQ(e.code(), picklejar::ErrorCode::kDecode) << e.what();
  }
}

// The same from memory, where the files need no side files (joblib >= 0.10 and the ZF files
// without _cache_size side files).
TEST_P(JoblibCorpusFile, MemoryLoadMatchesFileLoad) {
  const std::string name = GetParam();
  bool side_files = fs::exists(kCorpus / (name + "_01.npy")) || fs::exists(kCorpus / (name + "_01.npy.z"));
  picklejar::joblib::LoadOptions options;
  if (written_by_python2(name)) options.pickle.encoding = "bytes";
  std::vector<uint8_t> data;
  {
    std::ifstream f(kCorpus / name, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(f), {});
  }
  picklejar::Document from_file = picklejar::joblib::load(kCorpus / name, options);
  if (side_files) {
    try {
      picklejar::joblib::load(picklejar::ByteView(data.data(), data.size()), options);
      FAIL() << "legacy side files cannot be found from memory";
    } catch (const picklejar::Error& e) {
      EXPECT_EQ(e.code(), picklejar::ErrorCode::kUnsupported) << e.what();
    }
    return;
  }
  picklejar::Document from_memory = picklejar::joblib::load(picklejar::ByteView(data.data(), data.size()), options);
  EXPECT_EQ(picklejar::to_json(from_file.root()), picklejar::to_json(from_memory.root()));
}

INSTANTIATE_TEST_SUITE_P(Corpus, JoblibCorpusFile, ::testing::ValuesIn(main_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return s;
                         });

}  // namespace
