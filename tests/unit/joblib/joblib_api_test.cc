// joblib: mmap and zero-copy loads, parse_compression / compression_for_path (FORMATS.md §3.4),
// dump_file atomicity, inspect(), byte order, and joblib's array wrapper objects.
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
using picklejar::Codec;
using picklejar::codec_from_name;
using picklejar::codec_name;
using namespace picklejar::codec_test;
using namespace picklejar::joblib_test;

// ---- mmap and zero-copy -----------------------------------------------------------------------------

// The mapping of this process that holds `p`, from /proc/self/maps: its path ("" if anonymous or
// not found).
std::string mapping_of(const void* p) {
  auto addr = reinterpret_cast<uintptr_t>(p);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream s(line);
    std::string range, perms, offset, dev, inode, path;
    s >> range >> perms >> offset >> dev >> inode;
    std::getline(s >> std::ws, path);
    uintptr_t lo = std::stoull(range.substr(0, range.find('-')), nullptr, 16);
    uintptr_t hi = std::stoull(range.substr(range.find('-') + 1), nullptr, 16);
    if (addr >= lo && addr < hi) return path;
  }
  return "";
}

TEST(JoblibMmap, LargeArrayIsAViewIntoTheMappedFile) {
  TempDir dir;
  const size_t n = 1 << 20;  // 8 MiB of float64
  std::vector<double> values(n);
  for (size_t i = 0; i < n; ++i) values[i] = static_cast<double>(i) * 0.5;
  fs::path file = dir.path / "big.joblib";
  {
    Document doc;
    picklejar::Builder b = doc.builder();
    int64_t shape[] = {static_cast<int64_t>(n)};
    Value arr = b.array<double>(std::span<const double>(values), shape);
    doc.set_root(b.dict({{b.str("name"), b.str("big")}, {b.str("data"), arr}, {b.str("tail"), b.list({b.integer(1)})}}));
    jl::dump_file(doc.root(), file);
  }
  for (jl::MmapMode mode : {jl::MmapMode::kReadOnly, jl::MmapMode::kCopyOnWrite}) {
    jl::LoadOptions o;
    o.mmap = mode;
    Document doc = jl::load(file, o);
    picklejar::ArrayRef a = doc.root().at("data").as_array();
    ByteView bytes = a.bytes();
    ASSERT_EQ(bytes.size(), n * 8);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(bytes.data()) % 16, 0u);
    EXPECT_EQ(mapping_of(bytes.data()), fs::canonical(file).string()) << "not a view into the file";
    EXPECT_LT(doc.memory_bytes(), size_t{1} << 20) << "the array was copied into the document";
    auto v = a.as<double>();
    EXPECT_EQ(v[12345], 12345 * 0.5);
    EXPECT_EQ(v[n - 1], static_cast<double>(n - 1) * 0.5);
    EXPECT_EQ(doc.root().at("tail")[0].as_int(), 1);
  }
  // Without mmap the data is read into the document: the check above does discriminate.
  Document copied = jl::load(file);
  EXPECT_GE(copied.memory_bytes(), n * 8);
  EXPECT_EQ(mapping_of(copied.root().at("data").as_array().bytes().data()).find("big.joblib"), std::string::npos);
  // From memory: zero-copy into the caller's buffer (aligned there because the stream aligns it).
  Bytes data = read_file(file);
  ASSERT_EQ(reinterpret_cast<uintptr_t>(data.data()) % 16, 0u);
  Document in_memory = jl::load(view(data));
  ByteView b = in_memory.root().at("data").as_array().bytes();
  EXPECT_GE(b.data(), data.data());
  EXPECT_LE(b.data() + b.size(), data.data() + data.size());
  EXPECT_LT(in_memory.memory_bytes(), size_t{1} << 20);
}

// joblib-written files (>= 1.2 aligns arrays to 16 in the stream).
TEST(JoblibMmap, JoblibWrittenFileArraysAreAlignedViews) {
  fs::path file = kFixtures / "joblib/big.p4.joblib";
  jl::LoadOptions o;
  o.mmap = jl::MmapMode::kReadOnly;
  Document doc = jl::load(file, o);
  jl::FileInfo info = jl::inspect(file);
  ASSERT_EQ(info.arrays.size(), 3u);
  for (const char* key : {"floats", "ints", "fortran"}) {
    ByteView b = doc.root().at(key).as_array().bytes();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 16, 0u) << key;
    EXPECT_EQ(mapping_of(b.data()), fs::canonical(file).string()) << key;
  }
  // The three arrays (240,000 bytes) are not in the document's own blocks.
  EXPECT_GE(jl::load(file).memory_bytes(), doc.memory_bytes() + 240000);
}

TEST(JoblibMmap, CompressedFilesAreReadIntoTheDocument) {
  fs::path file = kFixtures / "joblib/big.p4.gzip3.joblib";
  jl::LoadOptions o;
  o.mmap = jl::MmapMode::kReadOnly;
  Document doc = jl::load(file, o);  // joblib 1.2 fails here; picklejar ignores mmap, as joblib >= 1.5
  ByteView b = doc.root().at("floats").as_array().bytes();
  EXPECT_EQ(mapping_of(b.data()).find("joblib"), std::string::npos);
  EXPECT_EQ(p2(doc), p2(jl::load(file)));
}

// ---- parse_compression / compression_for_path (FORMATS.md §3.4) -------------------------------------

// joblib.dump(obj, filename, compress=SPEC)'s whole choice, in one place (what recode --joblib uses).
TEST(JoblibCompression, ForSpecAndFileName) {
  auto is = [](const jl::Compression& c, const std::string& codec, int level) {  // "" for none
    return (c.codec == Codec::kNone ? "" : std::string(codec_name(c.codec))) == codec && c.level == level;
  };
  EXPECT_TRUE(is(jl::compression_for(std::nullopt, "m.joblib.gz"), "gzip", -1)) << "the extension alone";
  EXPECT_TRUE(is(jl::compression_for(std::nullopt, "m.joblib"), "", -1)) << "no extension: none";
  EXPECT_TRUE(is(jl::compression_for(std::nullopt, ""), "", -1)) << "not a file: none";
  EXPECT_TRUE(is(jl::compression_for("3", "m.gz"), "gzip", 3)) << "a bare level takes the extension's codec";
  EXPECT_TRUE(is(jl::compression_for("0", "m.gz"), "gzip", -1)) << "compress=0 with .gz: gzip's default level";
  EXPECT_TRUE(is(jl::compression_for("3", "m.pkl"), "zlib", 3)) << "no codec extension: zlib";
  EXPECT_TRUE(is(jl::compression_for("0", "m.pkl"), "", -1)) << "compress=0: none";
  EXPECT_TRUE(is(jl::compression_for("3", ""), "zlib", 3)) << "stdout: zlib";
  EXPECT_TRUE(is(jl::compression_for("bz2:5", "m.gz"), "bz2", 5)) << "a named codec wins over the extension";
  EXPECT_THROW(jl::compression_for("10", "m.gz"), Error);
}

TEST(JoblibCompression, ParseLevels) {
  auto is = [](const jl::Compression& c, const std::string& codec, int level) {  // "" for none
    return (c.codec == Codec::kNone ? "" : std::string(codec_name(c.codec))) == codec && c.level == level;
  };
  EXPECT_TRUE(is(jl::parse_compression("0"), "", -1)) << "compress=0: none";
  for (int lv = 1; lv <= 9; ++lv) EXPECT_TRUE(is(jl::parse_compression(std::to_string(lv)), "zlib", lv)) << lv;
  for (const char* name : {"zlib", "gzip", "bz2", "lzma", "xz", "lz4"}) {
    EXPECT_TRUE(is(jl::parse_compression(name), name, -1)) << "compress='" << name << "': its default level";
    EXPECT_TRUE(is(jl::parse_compression(std::string(name) + ":1"), name, 1)) << name;
    EXPECT_TRUE(is(jl::parse_compression(std::string(name) + ":9"), name, 9)) << name;
    EXPECT_TRUE(is(jl::parse_compression(std::string(name) + ":0"), "", -1)) << "(" << name << ", 0): none";
  }
}

TEST(JoblibCompression, ParseRejectsWhatJoblibRejects) {
  for (const char* bad : {"", "10", "-1", "gzip:10", "gzip:-1", "gzip:x", "zip", "GZIP", "Zlib:3", ":3", "gzip:3:4",
                          "snappy"}) {
    auto code = error_of([&] { jl::parse_compression(bad); });
    ASSERT_TRUE(code.has_value()) << "'" << bad << "' accepted";
    EXPECT_EQ(*code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(JoblibCompression, ExtensionRules) {
  const std::map<std::string, std::string> cases = {
      {"x.z", "zlib"},       {"x.gz", "gzip"},      {"x.bz2", "bz2"},        {"x.lzma", "lzma"},
      {"x.xz", "xz"},        {"x.lz4", "lz4"},      {"model.pkl.gz", "gzip"}, {"a.tar.bz2", "bz2"},
      {"x.joblib", ""},      {"x.pkl", ""},         {"x.gzip", ""},           {"x.Z", ""},
      {"x.GZ", ""},          {"x", ""},             {"dir.gz/file", ""},      {"x.zip", ""},
      {"x.lz", ""},          {"/tmp/out.xz", "xz"}, {"x.z.joblib", ""},       {"x.joblib.z", "zlib"}};
  for (const auto& [name, codec] : cases) {
    jl::Compression c = jl::compression_for_path(name);
    EXPECT_EQ(c.codec == Codec::kNone ? "" : std::string(codec_name(c.codec)), codec) << name;
    EXPECT_EQ(c.level, -1) << name << ": the codec's default level";
  }
}

// A Compression the writer refuses, or accepts per joblib: levels 1-9 (lzma/xz presets 0-9).
TEST(JoblibCompression, DumpValidatesCodecAndLevel) {
  Document doc;
  doc.set_root(doc.builder().integer(1));
  for (const jl::Compression& bad :
       {jl::Compression{static_cast<Codec>(42), 3}, jl::Compression{Codec::kZlib, 10}, jl::Compression{Codec::kGzip, 0},
        jl::Compression{Codec::kBz2, 0}, jl::Compression{Codec::kXz, 10}}) {
    jl::DumpOptions o;
    o.compression = bad;
    auto code = error_of([&] { jl::dump(doc.root(), o); });
    ASSERT_TRUE(code.has_value()) << codec_name(bad.codec) << ":" << bad.level;
    EXPECT_EQ(*code, ErrorCode::kInvalidArgument);
  }
  for (const char* codec : {"zlib", "gzip", "bz2", "lzma", "xz", "lz4"}) {
    jl::DumpOptions o;
    o.compression = {*codec_from_name(codec), -1};
    Bytes out = jl::dump(doc.root(), o);
    EXPECT_EQ(picklejar::internal::codec_name(picklejar::internal::sniff_codec(out.data(), out.size())), codec);
    Document back = jl::load(view(out));
    EXPECT_EQ(back.root().as_int(), 1);
  }
}

// ---- dump_file ----------------------------------------------------------------------------------------

TEST(JoblibDumpFile, WritesWhatDumpReturns) {
  TempDir dir;
  Document doc = jl::load(kFixtures / "joblib/mixed.p4.joblib");
  for (const char* spec : {"0", "gzip:9", "xz", "lz4"}) {
    jl::DumpOptions o;
    o.compression = jl::parse_compression(spec);
    fs::path out = dir.path / "out.joblib";
    jl::dump_file(doc.root(), out, o);
    EXPECT_EQ(read_file(out), jl::dump(doc.root(), o)) << spec;
  }
  EXPECT_EQ(dir.names(), std::vector<std::string>{"out.joblib"}) << "temporary files left behind";
}

TEST(JoblibDumpFile, FailingDumpLeavesNoFile) {
  TempDir dir;
  // 2 MiB of array data first (dump_file has flushed to its temporary file by then), then a
  // PickleBuffer, which protocol 4 cannot write.
  std::vector<double> values(1 << 18, 1.5);
  uint8_t raw[4] = {1, 2, 3, 4};
  Document doc;
  picklejar::Builder b = doc.builder();
  int64_t shape[] = {static_cast<int64_t>(values.size())};
  doc.set_root(b.list({b.array<double>(std::span<const double>(values), shape), b.buffer(ByteView(raw, 4), true)}));
  for (const char* spec : {"0", "gzip"}) {
    jl::DumpOptions o;
    o.protocol = 4;
    o.compression = jl::parse_compression(spec);
    fs::path target = dir.path / "new.joblib";
    auto code = error_of([&] { jl::dump_file(doc.root(), target, o); });
    ASSERT_TRUE(code.has_value()) << spec;
    EXPECT_EQ(*code, ErrorCode::kUnsupported);
    EXPECT_FALSE(fs::exists(target)) << spec;
    EXPECT_TRUE(dir.names().empty()) << "temporary file left: " << dir.names().front();
    // An existing file is left as it was.
    fs::path existing = dir.path / "existing.joblib";
    write_file(existing, Bytes{'o', 'l', 'd'});
    EXPECT_TRUE(error_of([&] { jl::dump_file(doc.root(), existing, o); }).has_value());
    EXPECT_EQ(read_file(existing), (Bytes{'o', 'l', 'd'}));
    EXPECT_EQ(dir.names(), std::vector<std::string>{"existing.joblib"});
    fs::remove(existing);
  }
  // A bad compression level fails before anything is written.
  jl::DumpOptions bad;
  bad.compression = {Codec::kZlib, 12};
  EXPECT_TRUE(error_of([&] { jl::dump_file(doc.root(), dir.path / "x.joblib", bad); }).has_value());
  EXPECT_TRUE(dir.names().empty());
  // A directory that does not exist: kIo, nothing created.
  auto code = error_of([&] { jl::dump_file(doc.root(), dir.path / "no" / "such.joblib"); });
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, ErrorCode::kIo);
}

// ---- inspect ------------------------------------------------------------------------------------------

TEST(JoblibInspect, ArrayPaths) {
  std::vector<double> f8 = {1, 2, 3, 4, 5, 6};
  std::vector<int32_t> i4 = {7, 8};
  std::vector<uint8_t> u1 = {9};
  Document doc;
  picklejar::Builder b = doc.builder();
  int64_t s23[] = {2, 3}, s2[] = {2}, s1[] = {1};
  Value a = b.array<double>(std::span<const double>(f8), s23);
  Value c = b.array<uint8_t>(std::span<const uint8_t>(u1), s1);
  Value items[] = {b.array<int32_t>(std::span<const int32_t>(i4), s2), b.str("x")};
  int64_t s_obj[] = {2};
  doc.set_root(b.dict({{b.str("a"), a},
                       {b.str("b"), b.list({b.array<int32_t>(std::span<const int32_t>(i4), s2), b.dict({{b.str("c"), c}})})},
                       {b.integer(5), b.tuple({b.none(), a})},
                       {b.str("o"), b.object_array(s_obj, items)}}));
  jl::DumpOptions o;
  o.compression = {Codec::kGzip, 3};
  Bytes data = jl::dump(doc.root(), o);
  jl::FileInfo info = jl::inspect(view(data));
  EXPECT_EQ(info.format, "joblib");
  EXPECT_EQ(info.compression, "gzip");
  EXPECT_EQ(info.protocol, 4);
  std::vector<std::string> paths, dtypes;
  for (const auto& arr : info.arrays) {
    paths.push_back(arr.path);
    dtypes.push_back(arr.dtype);
  }
  // joblib wraps each occurrence of an array, so `a` loads as two arrays (root['a'], root[#2][1]).
  EXPECT_EQ(paths, (std::vector<std::string>{"root['a']", "root['b'][0]", "root['b'][1]['c']", "root[#2][1]",
                                             "root['o']", "root['o'].items[0]"}));
  EXPECT_EQ(dtypes, (std::vector<std::string>{"<f8", "<i4", "|u1", "<f8", "|O", "<i4"}));
  ASSERT_EQ(info.arrays.size(), 6u);
  EXPECT_EQ(info.arrays[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(info.arrays[0].nbytes, 48u);
  EXPECT_EQ(info.arrays[2].nbytes, 1u);
  EXPECT_EQ(info.arrays[4].shape, (std::vector<int64_t>{2}));
}

TEST(JoblibInspect, FormatsAndPaths) {
  jl::FileInfo model = jl::inspect(kFixtures / "joblib/model.joblib");
  EXPECT_EQ(model.format, "joblib");
  EXPECT_EQ(model.compression, "none");
  EXPECT_EQ(model.protocol, 4);
  std::vector<std::string> paths;
  for (const auto& a : model.arrays) paths.push_back(a.path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "root.state['classes_']", "root.state['_y']", "root.state['_fit_X']",
                       "root.state['_tree'].state[0]", "root.state['_tree'].state[1]", "root.state['_tree'].state[2]",
                       "root.state['_tree'].state[3]", "root.state['_tree'].state[11].state[1]",
                       "root.state['_tree'].state[11].state[2]"}));
  EXPECT_EQ(model.arrays[2].dtype, "<f8");
  EXPECT_EQ(model.arrays[2].shape, (std::vector<int64_t>{105, 4}));
  EXPECT_EQ(model.arrays[2].nbytes, 105u * 4 * 8);

  jl::FileInfo pkl = jl::inspect(kFixtures / "sklearn/model.pkl");
  EXPECT_EQ(pkl.format, "pickle");
  EXPECT_EQ(pkl.compression, "none");

  jl::LoadOptions py2;
  py2.pickle.encoding = "bytes";
  const fs::path corpus = kFixtures / "joblib-corpus";
  EXPECT_EQ(jl::inspect(corpus / "joblib_0.9.2_pickle_py35_np19.pkl").format, "joblib (legacy .npy side files)");
  EXPECT_EQ(jl::inspect(corpus / "joblib_0.9.2_compressed_pickle_py27_np17.gz", py2).format, "joblib (legacy ZF)");
  jl::FileInfo lz4 = jl::inspect(corpus / "joblib_0.12.2_pickle_py36_np114.pkl.lz4");
  EXPECT_EQ(lz4.compression, "lz4");
  EXPECT_EQ(lz4.protocol, 3);
  ASSERT_EQ(lz4.arrays.size(), 4u);
  EXPECT_EQ(lz4.arrays[2].path, "root[2]");
  EXPECT_EQ(lz4.arrays[2].dtype, "|O");
  EXPECT_EQ(lz4.arrays[3].path, "root[4]");
}

// ---- byte order (joblib's _ensure_native_byte_order) ------------------------------------------------

TEST(JoblibByteOrder, BigEndianArraysLoadNative) {
  Document doc = jl::load(kFixtures / "joblib/layouts.p4.joblib");
  Value be = doc.root().at("bigendian");
  picklejar::ArrayRef i4 = be[0].as_array();
  EXPECT_EQ(i4.dtype().str(), "<i4");
  EXPECT_EQ(i4.as<int32_t>()[2], 0x01020304);
  // A structured dtype whose fields are all big-endian is swapped field by field.
  picklejar::ArrayRef s = doc.root().at("bigendian_struct").as_array();
  auto fields = s.dtype().fields();
  ASSERT_EQ(fields.size(), 5u);
  for (const auto& f : fields) EXPECT_NE(f.dtype.byteorder(), '>') << f.name;
  int32_t a1;
  std::memcpy(&a1, s.bytes().data() + s.dtype().itemsize() + 0, 4);
  EXPECT_EQ(a1, -2);
  // One '|' field: joblib leaves the structure as it is.
  picklejar::ArrayRef m = doc.root().at("mixed_order_struct").as_array();
  EXPECT_EQ(m.dtype().fields()[0].dtype.byteorder(), '>');
}


// ---- joblib array wrapper objects (not arrays) ------------------------------------------------------

// fixtures/regress/joblib_wrapper_object_from_memo.bin (a fuzz_joblib finding; its first byte is
// the fuzz mode byte) is joblib.dump([np.array([7, None], dtype=object), 0, np.arange(3, dtype='i1'),
// 0]) with each 0 replaced by a BINGET of the preceding array's NumpyArrayWrapper: joblib.load
// leaves the array on the stack and the wrapper in the memo, so it returns [array, wrapper, array,
// wrapper]. joblib.dump of that writes each wrapper with a plain BUILD, after which joblib.load (and
// picklejar) read array data that is not there. joblib::dump writes placeholder data after the
// BUILD, then POP and the wrapper from the memo: the same value reloads, at every protocol.
TEST(JoblibWrapperObject, LoadedWrapperObjectsDumpAndReload) {
  Bytes file = read_file(kFixtures / "regress/joblib_wrapper_object_from_memo.bin");
  ASSERT_FALSE(file.empty());
  file.erase(file.begin());  // the mode byte
  Document doc = jl::load(view(file));
  Value root = doc.root();
  ASSERT_EQ(root.size(), 4u);
  for (size_t i : {size_t{1}, size_t{3}}) {
    ASSERT_EQ(root[i].kind(), Kind::kObject) << i;
    picklejar::ObjectRef w = root[i].as_object();
    EXPECT_EQ(w.callable.as_global().module, "joblib.numpy_pickle");
    EXPECT_EQ(w.callable.as_global().name, "NumpyArrayWrapper");
    EXPECT_EQ(w.state.kind(), Kind::kDict);
  }
  const std::string want = picklejar::to_json(root);
  for (int protocol = 0; protocol <= 5; ++protocol) {
    jl::DumpOptions o;
    o.protocol = protocol;
    Bytes out = jl::dump(root, o);
    Document back = jl::load(view(out));
    EXPECT_EQ(picklejar::to_json(back.root()), want) << "protocol " << protocol;
    EXPECT_EQ(back.root()[2].as_array().as<int8_t>()[2], 2) << "protocol " << protocol;
  }
  jl::DumpOptions z;
  z.compression.codec = Codec::kZlib;
  Bytes packed = jl::dump(root, z);
  Document unpacked = jl::load(view(packed));
  EXPECT_EQ(picklejar::to_json(unpacked.root()), want);
}

// What joblib.load could not give back is refused (kUnsupported) rather than written unloadable.
// Each is pickle.dumps(obj, 2) of the wrapper object, loaded as a plain pickle.
TEST(JoblibWrapperObject, UnwritableWrapperObjectsAreRefused) {
  // pickle.dumps of each, made by tools/fixturegen/pickler_cases.py (other_inputs).
  const std::pair<const char*, const char*> cases[] = {
      {"NumpyArrayWrapper, state {'shape': (3,), 'order': 'C'}: no dtype to read the data with",
       "pickler/joblib/wrapper_no_dtype.p2.pkl"},
      {"NumpyArrayWrapper of shape (2**40,) float64: 8 TiB of placeholder data", "pickler/joblib/wrapper_8tib.p2.pkl"},
      {"joblib.numpy_pickle_compat.NDArrayWrapper, state {'filename': 'a.npy', ...}: a side file",
       "pickler/joblib/ndarraywrapper_side_file.p2.pkl"},
  };
  for (const auto& [what, rel] : cases) {
    Bytes pkl = read_file(kFixtures / rel);
    Document doc = picklejar::load(view(pkl));
    ASSERT_EQ(doc.root().kind(), Kind::kObject) << what;
    try {
      (void)jl::dump(doc.root());
      ADD_FAILURE() << what << ": dumped";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << what << ": " << e.what();
    }
    EXPECT_NO_THROW((void)picklejar::dump(doc.root())) << what;  // an ordinary pickle has no hook
  }
}

// joblib.load reads an object array's nested pickle with a plain pickle.load: a wrapper in it is an
// ordinary object, not followed by data. joblib.dump(np.array([w], dtype=object), f, protocol=2)
// with w a NumpyArrayWrapper whose __dict__ is {'a': 1}; joblib.load gives it back.
TEST(JoblibWrapperObject, WrapperInsideAnObjectArrayIsAnOrdinaryObject) {
  Bytes file = read_file(kFixtures / "pickler/joblib/object_array_with_wrapper.p2.pkl");  // pickler_cases.py
  Document doc = jl::load(view(file));
  Value items = doc.root().as_array().object_items();
  ASSERT_EQ(items.size(), 1u);
  picklejar::ObjectRef w = items[0].as_object();
  EXPECT_EQ(w.callable.as_global().name, "NumpyArrayWrapper");
  Bytes dict_a1 = read_file(kFixtures / "pickler/joblib/dict_a1.p2.pkl");  // pickle.dumps({'a': 1}, 2)
  Document state = picklejar::load(view(dict_a1));
  EXPECT_EQ(picklejar::to_json(w.state), picklejar::to_json(state.root()));
  // Re-dumped as joblib.dump writes it (the nested pickle holds the wrapper as an ordinary object).
  jl::DumpOptions o;
  o.protocol = 2;
  Bytes again = jl::dump(doc.root(), o);
  EXPECT_EQ(first_difference(again, file), "");
}

}  // namespace
