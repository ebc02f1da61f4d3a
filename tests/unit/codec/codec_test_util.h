// Shared by the codec and joblib unit tests: driving the streaming codecs (src/codec) over a source
// that hands out a few bytes at a time, and guards against hangs.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <optional>
#include <vector>

#include "codec/codec.h"
#include "picklejar/picklejar.h"

namespace picklejar::codec_test {

using internal::Codec;
using Bytes = std::vector<uint8_t>;

class MemSource final : public internal::Source {
 public:
  MemSource(const uint8_t* p, size_t n, size_t max_chunk) : p_(p), n_(n), max_chunk_(max_chunk) {}
  size_t read(uint8_t* dst, size_t want) override {
    size_t k = std::min({want, n_, max_chunk_});
    if (k) std::memcpy(dst, p_, k);
    p_ += k;
    n_ -= k;
    return k;
  }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t max_chunk_;
};

// Decompresses all of `data`: the source hands out at most `in_chunk` bytes per read, and the
// decoder is asked for `out_chunk` bytes at a time.
inline Bytes decode(Codec c, const Bytes& data, size_t in_chunk = SIZE_MAX, size_t out_chunk = 1 << 16) {
  auto dec = picklejar::internal::make_decoder(c, std::make_unique<MemSource>(data.data(), data.size(), in_chunk));
  Bytes out, buf(out_chunk);
  for (;;) {
    size_t k = dec->read(buf.data(), buf.size());
    if (k == 0) break;
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(k));
  }
  return out;
}

inline Bytes decompress_any(const Bytes& data) {
  return decode(picklejar::internal::sniff_codec(data.data(), data.size()), data);
}

inline Bytes encode(Codec c, int level, const Bytes& data, size_t in_chunk = SIZE_MAX) {
  Bytes out;
  auto enc = picklejar::internal::make_encoder(c, level, [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  for (size_t i = 0; i < data.size(); i += std::min(in_chunk, data.size() - i))
    enc->write(data.data() + i, std::min(in_chunk, data.size() - i));
  enc->finish();
  return out;
}

// Runs f on another thread; a hang past the limit fails the test and ends the process (a hung
// decoder thread cannot be stopped).
template <class F>
auto within(std::chrono::seconds limit, F f) -> decltype(f()) {
  auto fut = std::async(std::launch::async, std::move(f));
  if (fut.wait_for(limit) != std::future_status::ready) {
    ADD_FAILURE() << "did not finish within " << limit.count() << " s (a hang)";
    std::fflush(stdout);
    std::_Exit(1);
  }
  return fut.get();
}

// The code of the Error f throws, or nullopt if it returns.
template <class F>
std::optional<ErrorCode> error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return std::nullopt;
}

}  // namespace picklejar::codec_test
