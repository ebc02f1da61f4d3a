// UTF-8 as Python's "surrogatepass" error handler sees it (encoded surrogates ED A0..BF xx are
// text; overlong forms and values past U+10FFFF are not): the one validator, decoder and encoder.
// Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace picklejar::internal {

// Why a sequence is not UTF-8, in the words of CPython's UnicodeDecodeError.
enum class Utf8Error : uint8_t { kInvalidStart, kInvalidContinuation, kUnexpectedEnd };
const char* utf8_error_reason(Utf8Error e) noexcept;  // "invalid start byte", ...

// Decodes the sequence at p (n > 0 bytes available) into cp. Returns its length, or 0 with *why
// set. The error position is always p, as in CPython.
inline size_t decode_utf8_char(const uint8_t* p, size_t n, uint32_t& cp, Utf8Error* why) noexcept {
  uint8_t c = p[0];
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  size_t len;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    if (why) *why = Utf8Error::kInvalidStart;
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    if (k >= n) {
      if (why) *why = Utf8Error::kUnexpectedEnd;
      return 0;
    }
    uint8_t b = p[k];
    if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) {
      if (why) *why = Utf8Error::kInvalidContinuation;
      return 0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  return len;
}

// The offset of the first byte that does not start a valid sequence, or -1 (with *why set).
int64_t find_bad_utf8(const uint8_t* p, size_t n, Utf8Error* why = nullptr) noexcept;

// Calls f(code point, offset, length) for each character of text already known to be valid
// (the model holds only checked text); never reads past the end even if it is not.
template <class F>
void for_each_code_point(std::string_view s, F&& f) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    uint32_t c = p[i];
    size_t len = 1;
    if (c >= 0xf0 && i + 3 < n) {
      c = ((c & 0x07) << 18) | ((p[i + 1] & 0x3fu) << 12) | ((p[i + 2] & 0x3fu) << 6) | (p[i + 3] & 0x3fu);
      len = 4;
    } else if (c >= 0xe0 && i + 2 < n) {
      c = ((c & 0x0f) << 12) | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
      len = 3;
    } else if (c >= 0xc0 && i + 1 < n) {
      c = ((c & 0x1f) << 6) | (p[i + 1] & 0x3fu);
      len = 2;
    }
    f(c, i, len);
    i += len;
  }
}

// Appends cp (< 0x110000; lone surrogates too, as surrogatepass writes them) as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

}  // namespace picklejar::internal
