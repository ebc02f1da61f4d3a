#include "base/utf8.h"

#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace picklejar::internal {

const char* utf8_error_reason(Utf8Error e) noexcept {
  switch (e) {
    case Utf8Error::kInvalidStart: return "invalid start byte";
    case Utf8Error::kInvalidContinuation: return "invalid continuation byte";
    case Utf8Error::kUnexpectedEnd: return "unexpected end of data";
  }
  return "invalid data";
}

namespace {

// Whether the 32 bytes at p are all ASCII: 16 at a time with SSE2 (every x86-64 has it), else
// 8 at a time. Most text in pickles is ASCII; only a non-ASCII block pays for decoding.
inline bool ascii32(const uint8_t* p) noexcept {
#if defined(__SSE2__)
  __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  return _mm_movemask_epi8(_mm_or_si128(a, b)) == 0;
#else
  uint64_t w[4];
  std::memcpy(w, p, 32);
  return ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull) == 0;
#endif
}

}  // namespace

int64_t find_bad_utf8(const uint8_t* p, size_t n, Utf8Error* why) noexcept {
  size_t i = 0;
  while (i < n) {
    if (i + 32 <= n && ascii32(p + i)) {
      i += 32;
      continue;
    }
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp;
    size_t len = decode_utf8_char(p + i, n - i, cp, why);
    if (len == 0) return static_cast<int64_t>(i);
    i += len;
  }
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace picklejar::internal
