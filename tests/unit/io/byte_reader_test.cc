// io/byte_reader: the unpickler's input, tested directly. Memory mode must hand out pointers into
// the caller's bytes; streamed mode must give the same bytes whatever the source's chunking (one
// byte per read up to more than its 256 KiB buffer), refill across chunk boundaries, and stop at
// max_bytes (the read limit) telling a limit from a truncation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_reader.h"
#include "picklejar/error.h"

namespace picklejar::internal {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes pattern(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>((i * 7 + i / 251) & 0xff);
  return b;
}

// Hands out at most `chunk` bytes per read; knows its size only if `sized`.
class ChunkSource final : public Source {
 public:
  ChunkSource(const Bytes& data, size_t chunk, bool sized = false) : data_(data), chunk_(chunk), sized_(sized) {}
  size_t read(uint8_t* dst, size_t n) override {
    ++reads;
    size_t k = std::min({n, chunk_, data_.size() - at_});
    if (k) std::memcpy(dst, data_.data() + at_, k);
    at_ += k;
    return k;
  }
  std::optional<uint64_t> remaining() const override {
    if (!sized_) return std::nullopt;
    return data_.size() - at_;
  }
  size_t reads = 0;

 private:
  const Bytes& data_;
  size_t chunk_;
  bool sized_;
  size_t at_ = 0;
};

TEST(ByteReaderMemory, TakePointsIntoTheInput) {
  Bytes in = pattern(100);
  ByteReader r(in.data(), in.size(), UINT64_MAX);
  EXPECT_TRUE(r.stable());
  EXPECT_EQ(r.take(10), in.data());
  EXPECT_EQ(r.pos(), 10u);
  EXPECT_EQ(r.take(90), in.data() + 10);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.next_byte(), -1);
  EXPECT_FALSE(r.hit_limit());
}

TEST(ByteReaderMemory, TruncationSaysHowManyBytesWereLeft) {
  Bytes in = pattern(10);
  ByteReader r(in.data(), in.size(), UINT64_MAX);
  ASSERT_NE(r.take(4), nullptr);
  size_t available = 999;
  EXPECT_EQ(r.take(7, &available), nullptr);
  EXPECT_EQ(available, 6u);
  EXPECT_FALSE(r.hit_limit()) << "a truncation is not a limit";
  EXPECT_EQ(r.pos(), 4u) << "a failed take consumes nothing";
  EXPECT_EQ(r.take(6), in.data() + 4);
}

TEST(ByteReaderMemory, MaxBytesIsALimitNotATruncation) {
  Bytes in = pattern(10);
  ByteReader r(in.data(), in.size(), 5);
  EXPECT_NE(r.take(5), nullptr);
  size_t available = 999;
  EXPECT_EQ(r.take(1, &available), nullptr);
  EXPECT_EQ(available, 0u);
  EXPECT_TRUE(r.hit_limit());
  EXPECT_EQ(r.next_byte(), -1);

  ByteReader r2(in.data(), in.size(), 5);
  EXPECT_EQ(r2.take(6, &available), nullptr);
  EXPECT_EQ(available, 5u) << "what the limit still allows";
  EXPECT_TRUE(r2.hit_limit());
}

TEST(ByteReaderMemory, TakeOfAHugeCountDoesNotWrap) {
  Bytes in = pattern(10);
  ByteReader r(in.data(), in.size(), UINT64_MAX);
  ASSERT_NE(r.take(3), nullptr);
  EXPECT_EQ(r.take(SIZE_MAX), nullptr);
  EXPECT_EQ(r.take(SIZE_MAX - 1), nullptr);
  EXPECT_EQ(r.pos(), 3u);
}

TEST(ByteReaderMemory, ReadLine) {
  std::string s = "I12\nabc\n\ntail";
  Bytes in(s.begin(), s.end());
  ByteReader r(in.data(), in.size(), UINT64_MAX);
  std::string_view line;
  ASSERT_TRUE(r.read_line(&line));
  EXPECT_EQ(line, "I12");
  ASSERT_TRUE(r.read_line(&line));
  EXPECT_EQ(line, "abc");
  ASSERT_TRUE(r.read_line(&line));
  EXPECT_EQ(line, "");
  EXPECT_FALSE(r.read_line(&line)) << "no newline before the end";
  EXPECT_FALSE(r.hit_limit());
}

TEST(ByteReaderMemory, ReadLineCutByTheLimit) {
  std::string s = "abcdef\n";
  Bytes in(s.begin(), s.end());
  ByteReader r(in.data(), in.size(), 4);
  std::string_view line;
  EXPECT_FALSE(r.read_line(&line));
  EXPECT_TRUE(r.hit_limit());
}

TEST(ByteReaderMemory, ReadInto) {
  Bytes in = pattern(20);
  ByteReader r(in.data(), in.size(), UINT64_MAX);
  Bytes out(15);
  ASSERT_TRUE(r.read_into(out.data(), 15));
  EXPECT_TRUE(std::equal(out.begin(), out.end(), in.begin()));
  EXPECT_EQ(r.pos(), 15u);
  EXPECT_FALSE(r.read_into(out.data(), 6)) << "only 5 left";

  ByteReader limited(in.data(), in.size(), 10);
  EXPECT_FALSE(limited.read_into(out.data(), 11));
  EXPECT_TRUE(limited.hit_limit());
}

// Streamed mode, for sources that hand out 1, 3, 4096 and 1 MiB bytes per read.
class ByteReaderStream : public ::testing::TestWithParam<size_t> {};

TEST_P(ByteReaderStream, TakeGivesTheSameBytesAcrossRefills) {
  Bytes in = pattern(700 * 1024);  // more than the 256 KiB buffer
  ChunkSource src(in, GetParam());
  ByteReader r(&src, UINT64_MAX);
  EXPECT_FALSE(r.stable());
  size_t at = 0;
  for (size_t n : {size_t{1}, size_t{2}, size_t{1000}, size_t{300 * 1024}, size_t{5}, size_t{100 * 1024}}) {
    const uint8_t* p = r.take(n);
    ASSERT_NE(p, nullptr) << "take(" << n << ") at " << at;
    EXPECT_EQ(std::memcmp(p, in.data() + at, n), 0) << "take(" << n << ") at " << at;
    at += n;
    EXPECT_EQ(r.pos(), at);
  }
  while (at < in.size()) {
    int c = r.next_byte();
    ASSERT_EQ(c, in[at]) << at;
    ++at;
  }
  EXPECT_EQ(r.next_byte(), -1);
  EXPECT_EQ(r.pos(), in.size());
}

TEST_P(ByteReaderStream, TruncationAndLimit) {
  Bytes in = pattern(1000);
  ChunkSource src(in, GetParam());
  ByteReader r(&src, UINT64_MAX);
  ASSERT_NE(r.take(990), nullptr);
  size_t available = 0;
  EXPECT_EQ(r.take(20, &available), nullptr);
  EXPECT_EQ(available, 10u);
  EXPECT_FALSE(r.hit_limit());

  ChunkSource src2(in, GetParam());
  ByteReader limited(&src2, 100);
  ASSERT_NE(limited.take(60), nullptr);
  EXPECT_EQ(limited.take(41), nullptr);
  EXPECT_TRUE(limited.hit_limit());
}

TEST_P(ByteReaderStream, ReadLineLongerThanTheBuffer) {
  std::string s = "short\n" + std::string(300 * 1024, 'x') + "\nend";
  Bytes in(s.begin(), s.end());
  ChunkSource src(in, GetParam());
  ByteReader r(&src, UINT64_MAX);
  std::string_view line;
  ASSERT_TRUE(r.read_line(&line));
  EXPECT_EQ(line, "short");
  ASSERT_TRUE(r.read_line(&line));
  EXPECT_EQ(line.size(), 300u * 1024);
  EXPECT_EQ(line.find_first_not_of('x'), std::string_view::npos);
  EXPECT_FALSE(r.read_line(&line)) << "'end' has no newline";
}

TEST_P(ByteReaderStream, ReadIntoTakesBufferedBytesThenTheSource) {
  Bytes in = pattern(600 * 1024);
  ChunkSource src(in, GetParam());
  ByteReader r(&src, UINT64_MAX);
  ASSERT_NE(r.take(3), nullptr);
  Bytes out(500 * 1024);
  ASSERT_TRUE(r.read_into(out.data(), out.size()));
  EXPECT_TRUE(std::equal(out.begin(), out.end(), in.begin() + 3));
  EXPECT_EQ(r.pos(), 3 + out.size());
  const uint8_t* p = r.take(10);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::memcmp(p, in.data() + 3 + out.size(), 10), 0);
  Bytes rest(in.size());
  EXPECT_FALSE(r.read_into(rest.data(), rest.size())) << "truncated";
}

INSTANTIATE_TEST_SUITE_P(Chunks, ByteReaderStream, ::testing::Values(size_t{1}, size_t{3}, size_t{4096}, size_t{1} << 20),
                         [](const ::testing::TestParamInfo<size_t>& info) { return "Chunk" + std::to_string(info.param); });

TEST(ByteReaderStreamed, RemainingIsBufferedPlusWhatTheSourceKnows) {
  Bytes in = pattern(5000);
  ChunkSource sized(in, 1000, true);
  ByteReader r(&sized, UINT64_MAX);
  EXPECT_EQ(r.remaining(), 5000u);
  ASSERT_NE(r.take(10), nullptr);
  EXPECT_EQ(r.remaining(), 4990u);
  EXPECT_EQ(r.buffered() + *sized.remaining(), 4990u);

  ChunkSource unsized(in, 1000);
  ByteReader u(&unsized, UINT64_MAX);
  EXPECT_EQ(u.remaining(), std::nullopt);
}

TEST(ByteReaderStreamed, HugeDeclaredLengthReadsOnlyWhatArrives) {
  // A LONG4-style claim of 2^31 bytes from a 100-byte stream: the reader must give up after the
  // source runs dry, not after reserving the claim.
  Bytes in = pattern(100);
  ChunkSource src(in, 7);
  ByteReader r(&src, UINT64_MAX);
  size_t available = 0;
  EXPECT_EQ(r.take(size_t{1} << 31, &available), nullptr);
  EXPECT_EQ(available, 100u);
  EXPECT_LE(src.reads, 100u);
}

TEST(ByteReaderSources, IstreamSource) {
  std::istringstream in("abc\ndef");
  auto src = make_istream_source(in);
  ByteReader r(src.get(), UINT64_MAX);
  std::string_view line;
  ASSERT_TRUE(r.read_line(&line));
  EXPECT_EQ(line, "abc");
  const uint8_t* p = r.take(3);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p), 3), "def");
  EXPECT_EQ(r.next_byte(), -1);
}

TEST(ByteReaderSources, FileSourceErrorsAreIo) {
  auto code_of = [](const char* path) {
    try {
      open_file_source(path);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInvalidArgument;
  };
  EXPECT_EQ(code_of("/nonexistent/picklejar/byte_reader_test"), ErrorCode::kIo);
  EXPECT_EQ(code_of(std::filesystem::temp_directory_path().c_str()), ErrorCode::kIo) << "a directory";
}

TEST(ByteReaderSources, FileSourceKnowsItsSize) {
  auto src = open_file_source(PICKLEJAR_FIXTURES_DIR "/pickle/my_data.pickle");
  ByteReader r(src.get(), UINT64_MAX);
  auto size = std::filesystem::file_size(PICKLEJAR_FIXTURES_DIR "/pickle/my_data.pickle");
  EXPECT_EQ(r.remaining(), size);
  ASSERT_NE(r.take(2), nullptr);
  EXPECT_EQ(r.remaining(), size - 2);
}

}  // namespace
}  // namespace picklejar::internal
