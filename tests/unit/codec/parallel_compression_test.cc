// Multi-threaded compression (src/codec/parallel.cc, joblib::DumpOptions::threads): every output
// decodes to its input through the codec library itself (not only through picklejar's decoder),
// zlib and gzip output is ONE stream that ends exactly at the end of the data (joblib 1.2 loops
// forever on a second gzip member), headers are the single-threaded encoder's, and one thread is
// byte-identical to the single-threaded encoder.
#include <bzlib.h>
#include <gtest/gtest.h>
#include <lzma.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "picklejar/joblib.h"
#include "picklejar/picklejar.h"

namespace picklejar {
namespace {

using internal::Codec;

std::vector<uint8_t> encode(Codec c, int level, unsigned threads, const std::vector<uint8_t>& in, size_t piece) {
  std::vector<uint8_t> out;
  auto enc = threads == 0 ? internal::make_encoder(c, level, [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); })
                          : internal::make_parallel_encoder(c, level, threads, [&](const uint8_t* p, size_t n) {
                              out.insert(out.end(), p, p + n);
                            });
  for (size_t i = 0; i < in.size(); i += piece) enc->write(in.data() + i, std::min(piece, in.size() - i));
  enc->finish();
  return out;
}

// zlib (15) or gzip (31) through inflate: the data, and the stream must end exactly at the end.
std::vector<uint8_t> inflate_one_stream(const std::vector<uint8_t>& z, int wbits) {
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, wbits), Z_OK);
  std::vector<uint8_t> out(1 << 16), all;
  s.next_in = const_cast<Bytef*>(z.data());
  s.avail_in = static_cast<uInt>(z.size());
  int rc;
  do {
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&s, Z_NO_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << "inflate " << rc;
    all.insert(all.end(), out.data(), out.data() + (out.size() - s.avail_out));
  } while (rc == Z_OK);
  EXPECT_EQ(s.avail_in, 0u) << "bytes after the end of the stream (a second member?)";
  inflateEnd(&s);
  return all;
}

// bz2: every concatenated stream, as bz2.BZ2File reads them.
std::vector<uint8_t> bunzip_all(const std::vector<uint8_t>& z, int* streams) {
  std::vector<uint8_t> all, out(1 << 16);
  size_t pos = 0;
  *streams = 0;
  while (pos < z.size()) {
    bz_stream s{};
    EXPECT_EQ(BZ2_bzDecompressInit(&s, 0, 0), BZ_OK);
    s.next_in = reinterpret_cast<char*>(const_cast<uint8_t*>(z.data() + pos));
    s.avail_in = static_cast<unsigned>(z.size() - pos);
    int rc;
    do {
      s.next_out = reinterpret_cast<char*>(out.data());
      s.avail_out = static_cast<unsigned>(out.size());
      rc = BZ2_bzDecompress(&s);
      EXPECT_TRUE(rc == BZ_OK || rc == BZ_STREAM_END) << "bz2 " << rc;
      all.insert(all.end(), out.data(), out.data() + (out.size() - s.avail_out));
    } while (rc == BZ_OK);
    pos = z.size() - s.avail_in;
    BZ2_bzDecompressEnd(&s);
    ++*streams;
    if (rc != BZ_STREAM_END) break;
  }
  return all;
}

// xz: one stream (lzma_stream_decoder without LZMA_CONCATENATED stops at its end).
std::vector<uint8_t> unxz_one_stream(const std::vector<uint8_t>& z, uint64_t* blocks) {
  lzma_stream s = LZMA_STREAM_INIT;
  EXPECT_EQ(lzma_stream_decoder(&s, UINT64_MAX, 0), LZMA_OK);
  std::vector<uint8_t> all, out(1 << 16);
  s.next_in = z.data();
  s.avail_in = z.size();
  lzma_ret rc;
  do {
    s.next_out = out.data();
    s.avail_out = out.size();
    rc = lzma_code(&s, LZMA_FINISH);
    EXPECT_TRUE(rc == LZMA_OK || rc == LZMA_STREAM_END) << "lzma " << rc;
    all.insert(all.end(), out.data(), out.data() + (out.size() - s.avail_out));
  } while (rc == LZMA_OK);
  EXPECT_EQ(s.avail_in, 0u);
  lzma_end(&s);
  // The blocks, from the index the stream footer points to.
  *blocks = 0;
  if (z.size() < 24) return all;
  lzma_stream_flags flags;
  if (lzma_stream_footer_decode(&flags, z.data() + z.size() - 12) != LZMA_OK) return all;
  const size_t start = z.size() - 12 - static_cast<size_t>(flags.backward_size);
  lzma_index* index = nullptr;
  uint64_t memlimit = UINT64_MAX;
  size_t pos = start;
  if (lzma_index_buffer_decode(&index, &memlimit, nullptr, z.data(), &pos, z.size() - 12) == LZMA_OK) {
    *blocks = lzma_index_block_count(index);
    lzma_index_end(index, nullptr);
  }
  return all;
}

// Text-like, compressible data with incompressible stretches, so chunks meet matches across
// their ends and stored blocks too.
std::vector<uint8_t> sample(size_t n, uint32_t seed) {
  std::mt19937 r(seed);
  std::vector<uint8_t> v;
  v.reserve(n);
  const std::string words[] = {"pickle ", "joblib ", "numpy ", "array ", "dtype ", "\x80\x04\x95", "float64 "};
  while (v.size() < n) {
    if (r() % 16 == 0) {
      for (int i = 0; i < 300 && v.size() < n; ++i) v.push_back(static_cast<uint8_t>(r()));
    } else {
      const std::string& w = words[r() % 7];
      for (char c : w)
        if (v.size() < n) v.push_back(static_cast<uint8_t>(c));
    }
  }
  return v;
}

const size_t kMiB = size_t{1} << 20;
const std::vector<size_t>& sizes() {
  static const std::vector<size_t> s = {0, 1, 1000, kMiB - 1, kMiB, kMiB + 1, 5 * kMiB + 12345};
  return s;
}

TEST(ParallelCompression, DeflateIsOneStreamTheLibraryDecodes) {
  for (Codec c : {Codec::kZlib, Codec::kGzip}) {
    for (size_t n : sizes()) {
      const auto in = sample(n, static_cast<uint32_t>(n));
      for (unsigned threads : {2u, 3u}) {
        for (int level : {1, 3, 6, 9}) {
          if (n > kMiB + 1 && level != 3) continue;
          const auto z = encode(c, level, threads, in, 100000);
          EXPECT_EQ(inflate_one_stream(z, c == Codec::kGzip ? 31 : 15), in)
              << internal::codec_name(c) << " n=" << n << " threads=" << threads << " level=" << level;
          // The header is zlib's own for this level.
          const auto single = encode(c, level, 0, std::vector<uint8_t>(in.begin(), in.begin() + std::min<size_t>(n, 10)), 7);
          const size_t header = c == Codec::kGzip ? 10 : 2;
          ASSERT_GE(z.size(), header);
          EXPECT_EQ(std::vector<uint8_t>(z.begin(), z.begin() + header),
                    std::vector<uint8_t>(single.begin(), single.begin() + header))
              << internal::codec_name(c) << " level " << level;
        }
      }
    }
  }
}

TEST(ParallelCompression, DeflateRatioStaysCloseToOneStream) {
  const auto in = sample(8 * kMiB, 7);
  const auto one = encode(Codec::kGzip, 3, 0, in, kMiB);
  const auto two = encode(Codec::kGzip, 3, 2, in, kMiB);
  // Dictionaries carried across chunks: a few bytes a chunk, not a restart's cost.
  EXPECT_LT(static_cast<double>(two.size()), static_cast<double>(one.size()) * 1.005) << one.size() << " " << two.size();
}

TEST(ParallelCompression, Bz2IsConcatenatedStreamsTheLibraryDecodes) {
  for (size_t n : sizes()) {
    const auto in = sample(n, static_cast<uint32_t>(n) + 1);
    for (int level : {1, 9}) {
      if (n > kMiB + 1 && level != 1) continue;
      const auto z = encode(Codec::kBz2, level, 2, in, 65536);
      int streams = 0;
      EXPECT_EQ(bunzip_all(z, &streams), in) << "n=" << n << " level=" << level;
      const size_t chunk = size_t{200000} * static_cast<size_t>(level);
      EXPECT_EQ(static_cast<size_t>(streams), n == 0 ? 1 : (n + chunk - 1) / chunk) << "n=" << n;
    }
  }
}

TEST(ParallelCompression, XzIsOneStreamTheLibraryDecodes) {
  for (size_t n : {size_t{0}, size_t{1000}, 9 * kMiB + 3}) {
    const auto in = sample(n, static_cast<uint32_t>(n) + 2);
    const auto z = encode(Codec::kXz, 1, 2, in, kMiB / 3);
    uint64_t blocks = 0;
    EXPECT_EQ(unxz_one_stream(z, &blocks), in) << "n=" << n;
    // Preset 1: a 1 MiB dictionary, 1 MiB blocks.
    EXPECT_EQ(blocks, n == 0 ? 0 : (n + kMiB - 1) / kMiB) << "n=" << n;
  }
}

TEST(ParallelCompression, OneThreadIsTheSingleThreadedEncoder) {
  const auto in = sample(kMiB + 4321, 11);
  for (Codec c : {Codec::kZlib, Codec::kGzip, Codec::kBz2, Codec::kXz, Codec::kLzma, Codec::kLz4}) {
    const int level = c == Codec::kLz4 ? 0 : 1;
    EXPECT_EQ(encode(c, level, 1, in, 4096), encode(c, level, 0, in, 4096)) << internal::codec_name(c);
  }
  // lzma and lz4 have no parallel form: any thread count gives the single-threaded bytes.
  EXPECT_EQ(encode(Codec::kLzma, 1, 4, in, 4096), encode(Codec::kLzma, 1, 0, in, 4096));
}

TEST(ParallelCompression, PicklejarDecoderReadsEveryParallelOutput) {
  const auto in = sample(4 * kMiB + 7, 5);
  for (Codec c : {Codec::kZlib, Codec::kGzip, Codec::kBz2, Codec::kXz}) {
    const auto z = encode(c, c == Codec::kXz ? 0 : 1, 2, in, 1 << 18);
    struct Mem final : internal::Source {
      const std::vector<uint8_t>* v;
      size_t pos = 0;
      size_t read(uint8_t* d, size_t want) override {
        size_t k = std::min(want, v->size() - pos);
        std::copy(v->begin() + static_cast<std::ptrdiff_t>(pos), v->begin() + static_cast<std::ptrdiff_t>(pos + k), d);
        pos += k;
        return k;
      }
    };
    auto mem = std::make_unique<Mem>();
    mem->v = &z;
    auto dec = internal::make_decoder(c, std::move(mem));
    std::vector<uint8_t> back(in.size() + 1);
    size_t got = 0;
    while (size_t k = dec->read(back.data() + got, back.size() - got)) got += k;
    back.resize(got);
    EXPECT_EQ(back, in) << internal::codec_name(c);
  }
}

// joblib::dump with threads: the same document back, whatever the codec and thread count; one
// thread (the default) is the byte-identical single-stream output.
TEST(ParallelCompression, JoblibDumpWithThreadsLoadsBack) {
  Document doc;
  Builder b(doc);
  std::vector<double> values(1536 * 1024 / 8 + 17);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i % 1000) * 0.5;
  int64_t shape[] = {static_cast<int64_t>(values.size())};
  doc.set_root(b.dict({{b.str("weights"), b.array<double>(std::span<const double>(values), shape)},
                       {b.str("name"), b.str("model")}}));
  const std::string expected = to_json(doc.root());
  for (const char* codec : {"zlib", "gzip", "bz2", "xz", "lzma", "lz4"}) {
    joblib::DumpOptions one;
    // Default levels, but the fastest lzma/xz preset (the default 6 is slow, and has 4 MiB blocks).
    one.compression = {*picklejar::codec_from_name(codec), std::string(codec) == "xz" || std::string(codec) == "lzma" ? 0 : -1};
    const auto single = joblib::dump(doc.root(), one);
    joblib::DumpOptions explicit_one = one;
    explicit_one.threads = 1;
    EXPECT_EQ(joblib::dump(doc.root(), explicit_one), single) << codec;
    for (unsigned threads : {0u, 2u, 4u}) {
      joblib::DumpOptions o = one;
      o.threads = threads;
      const auto bytes = joblib::dump(doc.root(), o);
      Document back = joblib::load(ByteView(bytes.data(), bytes.size()));
      EXPECT_EQ(to_json(back.root()), expected) << codec << " threads=" << threads;
    }
  }
}

}  // namespace
}  // namespace picklejar
