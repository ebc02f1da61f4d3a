// The streaming codecs (src/codec): one parameterized suite over every codec (round trips through a
// source handing out one byte at a time, one output byte at a time, every level, truncation,
// trailing garbage that must not hang, concatenated members/streams/frames, corrupt data), and the
// container headers joblib 1.2's writers produce.
#include <gtest/gtest.h>
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
#include "codec_test_util.h"

namespace {

using picklejar::Error;
using picklejar::ErrorCode;
using picklejar::internal::Codec;
using namespace picklejar::codec_test;


// ~300 KB: text-like runs and random bytes, so the compressed stream spans several 64 KiB chunks.
Bytes payload() {
  Bytes p;
  std::mt19937 rng(12345);
  for (int block = 0; block < 40; ++block) {
    for (int i = 0; i < 4000; ++i) p.push_back(static_cast<uint8_t>("joblib pickle numpy "[i % 20]));
    for (int i = 0; i < 3500; ++i) p.push_back(static_cast<uint8_t>(rng()));
  }
  return p;
}

const Codec kAllCodecs[] = {Codec::kZlib, Codec::kGzip, Codec::kBz2, Codec::kLzma, Codec::kXz, Codec::kLz4};

std::string codec_test_name(const ::testing::TestParamInfo<Codec>& info) {
  return std::string(picklejar::internal::codec_name(info.param));
}

class CodecTest : public ::testing::TestWithParam<Codec> {
 protected:
  Codec codec() const { return GetParam(); }
  int level() const { return picklejar::internal::codec_default_level(codec()); }
};

TEST_P(CodecTest, SniffsItsOwnOutput) {
  Bytes enc = encode(codec(), level(), Bytes{1, 2, 3});
  EXPECT_EQ(picklejar::internal::sniff_codec(enc.data(), enc.size()), codec());
}

TEST_P(CodecTest, RoundTripOneInputByteAtATime) {
  const Bytes data = payload();
  const Bytes enc = encode(codec(), level(), data, 777);  // the encoder also fed in odd pieces
  EXPECT_EQ(decode(codec(), enc), data);
  EXPECT_EQ(decode(codec(), enc, 1), data);
}

TEST_P(CodecTest, RoundTripOneOutputByteAtATime) {
  const Bytes full = payload();
  const Bytes data(full.begin(), full.begin() + 20000);
  const Bytes enc = encode(codec(), level(), data);
  EXPECT_EQ(decode(codec(), enc, 1, 1), data);
  EXPECT_EQ(decode(codec(), enc, SIZE_MAX, 1), data);
}

TEST_P(CodecTest, EmptyPayloadRoundTrips) {
  const Bytes enc = encode(codec(), level(), Bytes{});
  EXPECT_FALSE(enc.empty());
  EXPECT_TRUE(decode(codec(), enc, 1).empty());
}

TEST_P(CodecTest, EveryLevelRoundTrips) {
  const Bytes full = payload();
  const Bytes data(full.begin(), full.begin() + 30000);
  int lo = codec() == Codec::kLzma || codec() == Codec::kXz || codec() == Codec::kLz4 ? 0 : 1;
  for (int lv = lo; lv <= 9; ++lv) EXPECT_EQ(decode(codec(), encode(codec(), lv, data)), data) << "level " << lv;
}

TEST_P(CodecTest, TruncatedStreamIsAnError) {
  const Bytes data = payload();
  const Bytes enc = encode(codec(), level(), data);
  std::set<size_t> cuts{0, 1, 2, 3, 5, 10, enc.size() / 3, enc.size() / 2, enc.size() - 5, enc.size() - 1};
  for (size_t cut : cuts) {
    Bytes part(enc.begin(), enc.begin() + static_cast<std::ptrdiff_t>(cut));
    for (size_t in_chunk : {size_t{1}, SIZE_MAX}) {
      if (in_chunk == 1 && cut > 20000) continue;  // slow and adds nothing
      auto code = within(std::chrono::seconds(30), [&] { return error_of([&] { decode(codec(), part, in_chunk); }); });
      ASSERT_TRUE(code.has_value()) << "cut at " << cut << " of " << enc.size() << " decoded without error";
      EXPECT_EQ(*code, ErrorCode::kCompression) << "cut at " << cut;
    }
  }
}

TEST_P(CodecTest, TrailingGarbageIsAnErrorNotAHang) {
  const Bytes data = payload();
  Bytes enc = encode(codec(), level(), data);
  for (const std::string& garbage : {std::string("garbage!"), std::string("x"), std::string("\0\0\0\0\0\0\0\0", 8), std::string("\x1f\x8b\x08", 3),
                                    std::string("BZh9", 4), std::string("\xfd" "7zXZ", 5)}) {
    if (codec() == Codec::kXz && garbage == std::string(8, '\0')) continue;  // xz stream padding: valid
    Bytes with(enc);
    with.insert(with.end(), garbage.begin(), garbage.end());
    for (size_t in_chunk : {size_t{1}, SIZE_MAX}) {
      auto code = within(std::chrono::seconds(30), [&] { return error_of([&] { decode(codec(), with, in_chunk); }); });
      ASSERT_TRUE(code.has_value()) << "trailing " << garbage.size() << " bytes accepted";
      EXPECT_EQ(*code, ErrorCode::kCompression);
    }
  }
}

// gzip -d, bunzip2, xz -d and lz4 -d read concatenated members/streams/frames as one; zlib and
// lzma-alone have no such notion: what follows the end is trailing data.
TEST_P(CodecTest, ConcatenatedStreams) {
  const Bytes full = payload();
  const Bytes a(full.begin(), full.begin() + 70000), b(full.begin() + 1000, full.begin() + 5000);
  Bytes both = encode(codec(), level(), a);
  Bytes second = encode(codec(), level(), b);
  both.insert(both.end(), second.begin(), second.end());
  Bytes joined(a);
  joined.insert(joined.end(), b.begin(), b.end());
  bool concatenates = codec() == Codec::kGzip || codec() == Codec::kBz2 || codec() == Codec::kXz || codec() == Codec::kLz4;
  for (size_t in_chunk : {size_t{1}, size_t{4096}, SIZE_MAX}) {
    auto result = within(std::chrono::seconds(30), [&]() -> std::pair<std::optional<ErrorCode>, Bytes> {
      Bytes out;
      auto code = error_of([&] { out = decode(codec(), both, in_chunk); });
      return {code, out};
    });
    if (concatenates) {
      ASSERT_FALSE(result.first.has_value()) << "in_chunk " << in_chunk;
      EXPECT_EQ(result.second, joined) << "in_chunk " << in_chunk;
    } else {
      ASSERT_TRUE(result.first.has_value()) << "in_chunk " << in_chunk;
      EXPECT_EQ(*result.first, ErrorCode::kCompression);
    }
  }
}

TEST_P(CodecTest, CorruptDataIsAnError) {
  const Bytes data = payload();
  Bytes enc = encode(codec(), level(), data);
  for (size_t at : {enc.size() / 4, enc.size() / 2, enc.size() - 8}) {
    Bytes bad(enc);
    for (size_t i = at; i < at + 4 && i < bad.size(); ++i) bad[i] ^= 0x5a;
    auto result = within(std::chrono::seconds(30), [&]() -> std::pair<std::optional<ErrorCode>, Bytes> {
      Bytes out;
      auto code = error_of([&] { out = decode(codec(), bad); });
      return {code, out};
    });
    // lz4 frames (joblib's settings) and .lzma files carry no checksum: flipped bits may decode,
    // to other bytes. zlib, gzip, bz2 and xz check their data.
    if (result.first) {
      EXPECT_EQ(*result.first, ErrorCode::kCompression) << "flipped at " << at;
    } else {
      EXPECT_TRUE(codec() == Codec::kLz4 || codec() == Codec::kLzma) << "flipped at " << at << " decoded without error";
      EXPECT_NE(result.second, data);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecTest, ::testing::ValuesIn(kAllCodecs), codec_test_name);

// The container headers FORMATS.md §3.5 gives for joblib 1.2's writers.
TEST(Codec, HeadersAreJoblibs) {
  Bytes d{1, 2, 3};
  EXPECT_EQ(encode(Codec::kZlib, 1, d)[1], 0x01);
  EXPECT_EQ(encode(Codec::kZlib, 3, d)[1], 0x5e);
  EXPECT_EQ(encode(Codec::kZlib, 6, d)[1], 0x9c);
  EXPECT_EQ(encode(Codec::kZlib, 9, d)[1], 0xda);
  for (int lv : {1, 3, 9}) {
    Bytes g = encode(Codec::kGzip, lv, d);
    ASSERT_GE(g.size(), 10u);
    EXPECT_EQ(Bytes(g.begin(), g.begin() + 8), (Bytes{0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0})) << "FLG 0, MTIME 0";
    EXPECT_EQ(g[8], lv == 1 ? 0x04 : lv == 9 ? 0x02 : 0x00);
    EXPECT_EQ(g[9], 0x03);
  }
  for (int lv : {1, 9}) EXPECT_EQ(encode(Codec::kBz2, lv, d)[3], '0' + lv);
  Bytes lz = encode(Codec::kLzma, 6, d);
  EXPECT_EQ(Bytes(lz.begin(), lz.begin() + 13),
            (Bytes{0x5d, 0, 0, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  Bytes xz = encode(Codec::kXz, 6, d);
  EXPECT_EQ(Bytes(xz.begin(), xz.begin() + 8), (Bytes{0xfd, '7', 'z', 'X', 'Z', 0, 0, 0x04})) << "CRC64 check";
  Bytes l4 = encode(Codec::kLz4, 0, d);
  EXPECT_EQ(Bytes(l4.begin(), l4.begin() + 6), (Bytes{0x04, 0x22, 0x4d, 0x18, 0x40, 0x40}));
}

}  // namespace
