// The public plain-pickle entry points (src/numpy/pickle_api.cc): compressed input in load,
// load_file and load_stream (each codec, sniffed by magic as joblib does), and the documents a load
// returns (immutable, their protocol recorded).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "../../golden/golden_fixtures.h"
#include "picklejar/picklejar.h"

namespace picklejar {
namespace {

namespace fs = std::filesystem;
const std::filesystem::path kFixtures = PICKLEJAR_FIXTURES_DIR;
using picklejar_golden::read_bytes;

// Python-made pickles of several shapes, protocols 0-5.
const std::vector<std::string> kSamples = {"pickle/bools_none.p0.pkl", "pickle/bools_none.p5.pkl",
                                           "pickle/bytearray_large.p0.pkl", "numpy/bigendian_f8.p5.pkl",
                                           "sklearn/model.pkl"};

std::string json_of(const Document& doc) { return to_json(doc.root()); }

std::vector<uint8_t> compress(internal::Codec codec, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out;
  bool preset = codec == internal::Codec::kLzma || codec == internal::Codec::kXz || codec == internal::Codec::kLz4;
  auto enc = internal::make_encoder(codec, preset ? 0 : 1, [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  enc->write(data.data(), data.size());
  enc->finish();
  return out;
}

class CompressedLoad : public ::testing::TestWithParam<internal::Codec> {};

TEST_P(CompressedLoad, LoadLoadFileAndLoadStreamDecompress) {
  const internal::Codec codec = GetParam();
  const fs::path dir = fs::temp_directory_path() / ("pj_compressed_load_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const std::string& rel : kSamples) {
    SCOPED_TRACE(rel);
    const std::vector<uint8_t> plain = read_bytes(kFixtures / rel);
    const std::string expected = json_of(load(plain));
    const std::vector<uint8_t> packed = compress(codec, plain);
    ASSERT_NE(packed, plain);

    EXPECT_EQ(json_of(load(packed)), expected) << "load";

    const fs::path file = dir / "sample.bin";
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(packed.data()),
                                                static_cast<std::streamsize>(packed.size()));
    EXPECT_EQ(json_of(load_file(file)), expected) << "load_file";

    std::istringstream in(std::string(packed.begin(), packed.end()));
    EXPECT_EQ(json_of(load_stream(in)), expected) << "load_stream";
  }
  fs::remove_all(dir);
}

TEST_P(CompressedLoad, CorruptCompressedDataIsKCompression) {
  std::vector<uint8_t> packed = compress(GetParam(), read_bytes(kFixtures / kSamples[1]));
  packed.resize(packed.size() / 2);  // cut in the middle of the compressed stream
  try {
    load(packed);
    FAIL() << "a truncated compressed pickle loaded";
  } catch (const Error& e) {
    EXPECT_TRUE(e.code() == ErrorCode::kCompression || e.code() == ErrorCode::kTruncated) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressedLoad,
                         ::testing::Values(internal::Codec::kZlib, internal::Codec::kGzip, internal::Codec::kBz2,
                                           internal::Codec::kLzma, internal::Codec::kXz, internal::Codec::kLz4),
                         [](const auto& info) { return std::string(internal::codec_name(info.param)); });

TEST(LoadedDocument, IsImmutableAndKnowsItsProtocol) {
  const std::vector<uint8_t> data = read_bytes(kFixtures / "pickle/bools_none.p2.pkl");
  Document doc = load(data);
  EXPECT_TRUE(doc.loaded());
  EXPECT_EQ(doc.protocol(), 2);
  EXPECT_EQ(loaded_protocol(doc), 2);
  auto code_of = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kUnknownOpcode;  // "no error" for these tests
  };
  EXPECT_EQ(code_of([&] { doc.builder(); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { doc.set_root(doc.root()); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { Builder(doc).none(); }), ErrorCode::kInvalidArgument);

  Document built;
  EXPECT_FALSE(built.loaded());
  EXPECT_EQ(built.protocol(), 0);
  Builder b = built.builder();
  built.set_root(b.list({b.integer(1)}));
  EXPECT_EQ(to_json(built.root()), "[1]");
}

TEST(LoadedDocument, PersistentLoadBuildsWhileLoading) {
  // pickle.dumps with persistent_id=lambda o: 'x' if o == 7 else None, of [7, 8], protocol 2
  const std::vector<uint8_t> data = {0x80, 0x02, ']', 'q', 0x00, '(', 'X', 0x01, 0x00, 0x00, 0x00, 'x',
                                     'q', 0x01, 'Q', 'K', 0x08, 'e', '.'};
  LoadOptions o;
  o.persistent_load = [](Document& doc, Value pid) { return doc.builder().str(std::string(pid.as_str()) + "!"); };
  Document doc = load(data, o);
  EXPECT_EQ(to_json(doc.root()), "[\"x!\",8]");
  EXPECT_TRUE(doc.loaded());
}

}  // namespace
}  // namespace picklejar
