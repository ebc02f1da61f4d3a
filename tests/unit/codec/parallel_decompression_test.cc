// Multi-threaded decompression (src/codec/codec.cc, LoadOptions::decoder_threads): an xz file of
// several blocks, as the threaded encoder writes it, decodes on liblzma's worker threads; a
// single-block file and every other codec decode as before; the memory limit still holds.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <vector>

#include "codec/codec.h"
#include "picklejar/error.h"

namespace picklejar {
namespace {

using internal::Codec;
constexpr size_t kMiB = size_t{1} << 20;

std::vector<uint8_t> sample(size_t n) {
  std::vector<uint8_t> v(n);
  std::mt19937 rng(7);
  // Compressible but not trivially: runs of a few random letters.
  for (size_t i = 0; i < n;) {
    uint8_t c = static_cast<uint8_t>('a' + rng() % 8);
    for (size_t k = rng() % 16; k > 0 && i < n; --k) v[i++] = c;
  }
  return v;
}

std::vector<uint8_t> xz(const std::vector<uint8_t>& in, unsigned threads) {
  std::vector<uint8_t> out;
  auto sink = [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); };
  auto enc = threads == 0 ? internal::make_encoder(Codec::kXz, 0, sink) : internal::make_xz_encoder_mt(0, threads, sink);
  enc->write(in.data(), in.size());
  enc->finish();
  return out;
}

struct Mem final : internal::Source {
  explicit Mem(const std::vector<uint8_t>& v) : v(v) {}
  const std::vector<uint8_t>& v;
  size_t pos = 0;
  size_t read(uint8_t* d, size_t want) override {
    size_t k = std::min(want, v.size() - pos);
    std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(pos), k, d);
    pos += k;
    return k;
  }
};

size_t thread_count() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

std::vector<uint8_t> drain(internal::Source& dec, size_t expect) {
  std::vector<uint8_t> back(expect + 1);
  size_t got = 0;
  while (size_t k = dec.read(back.data() + got, back.size() - got)) got += k;
  back.resize(got);
  return back;
}

TEST(ParallelDecompression, SeveralBlocksDecodeOnWorkerThreads) {
  const auto in = sample(8 * kMiB + 5);
  const auto z = xz(in, 2);  // preset 0: 768 KiB blocks, so about 11 of them
  const size_t before = thread_count();
  auto dec = internal::make_decoder(Codec::kXz, std::make_unique<Mem>(z), UINT64_MAX, 2);
  std::vector<uint8_t> out(kMiB);
  out.resize(dec->read(out.data(), out.size()));
  ASSERT_FALSE(out.empty());
  // lzma_stream_decoder (one thread) starts none; the threaded decoder keeps its workers until
  // the decoder ends.
  EXPECT_GT(thread_count(), before);
  auto rest = drain(*dec, in.size());
  out.insert(out.end(), rest.begin(), rest.end());
  EXPECT_EQ(out, in);
}

TEST(ParallelDecompression, EveryThreadCountGivesTheSameBytes) {
  const auto in = sample(3 * kMiB + 11);
  for (unsigned enc_threads : {0u, 2u}) {
    const auto z = xz(in, enc_threads);
    for (unsigned threads : {0u, 1u, 2u, 4u}) {
      auto dec = internal::make_decoder(Codec::kXz, std::make_unique<Mem>(z), UINT64_MAX, threads);
      EXPECT_EQ(drain(*dec, in.size()), in) << "encoder threads " << enc_threads << ", decoder threads " << threads;
    }
  }
}

TEST(ParallelDecompression, TheMemoryLimitStillHolds) {
  const auto z = xz(sample(2 * kMiB), 2);
  auto dec = internal::make_decoder(Codec::kXz, std::make_unique<Mem>(z), 64 * 1024, 2);
  try {
    drain(*dec, 2 * kMiB);
    FAIL() << "decoded past a 64 KiB decoder memory limit";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded) << e.what();
  }
}

// A limit that allows one thread's memory but not the workers' buffers: liblzma falls back to
// decoding on one thread instead of failing.
TEST(ParallelDecompression, BelowTheThreadedMemoryItDecodesOnOneThread) {
  const auto in = sample(4 * kMiB);
  const auto z = xz(in, 2);
  auto dec = internal::make_decoder(Codec::kXz, std::make_unique<Mem>(z), 2 * kMiB, 8);
  EXPECT_EQ(drain(*dec, in.size()), in);
}

}  // namespace
}  // namespace picklejar
