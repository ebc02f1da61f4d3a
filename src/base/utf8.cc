#include "base/utf8.h"

#include <cstring>

namespace picklejar::internal {

const char* utf8_error_reason(Utf8Error e) noexcept {
  switch (e) {
    case Utf8Error::kInvalidStart: return "invalid start byte";
    case Utf8Error::kInvalidContinuation: return "invalid continuation byte";
    case Utf8Error::kUnexpectedEnd: return "unexpected end of data";
  }
  return "invalid data";
}

int64_t find_bad_utf8(const uint8_t* p, size_t n, Utf8Error* why) noexcept {
  size_t i = 0;
  while (i < n) {
    // Fast path: 8 ASCII bytes at a time.
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
