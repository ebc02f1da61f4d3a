// Python's decoders of text literals, one copy each: the escapes of a bytes literal
// (codecs.escape_decode, STRING), raw-unicode-escape (UNICODE), hex digits, and int()/float() of a
// text line as pickletools applies them. Failures return false with where and why, so that each
// caller words its own error. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace picklejar::internal {

// 0-15 for a hex digit (either case), else -1.
inline int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct LiteralError {
  enum Kind : uint8_t {
    kTrailingBackslash,        // escape_decode: "\" ends the text
    kBadHexEscape,             // escape_decode: "\x" without two hex digits
    kTruncatedUnicodeEscape,   // raw_unicode_escape_decode: fewer hex digits than \u / \U needs
    kUnicodeEscapeOutOfRange,  // raw_unicode_escape_decode: \U past U+10FFFF
  };
  Kind kind = kTrailingBackslash;
  size_t begin = 0;          // the offending escape is bytes [begin, end) of the input
  size_t end = 0;
  bool long_escape = false;  // \U rather than \u
};

// codecs.escape_decode: the body of a bytes literal to its bytes (octal escapes past 0o377 keep
// their low byte; unknown escapes keep the backslash).
bool escape_decode(std::string_view s, std::string& out, LiteralError* err);

// str(s, 'raw-unicode-escape') as UTF-8 (surrogatepass): bytes are Latin-1 code points, except
// \uXXXX and \UXXXXXXXX started by the last of an odd number of backslashes.
bool raw_unicode_escape_decode(std::string_view s, std::string& utf8, LiteralError* err);

// int(line) for a bytes line, base 10: optional whitespace and sign, digits with single
// underscores between them. Writes the canonical decimal text (no leading zeros, "-" only when
// negative); false where Python raises.
bool parse_py_int(std::string_view line, std::string& out);

// float(line) for a bytes line: whitespace, sign, "inf"/"infinity"/"nan" in any case, or a
// decimal literal whose digit groups may hold single underscores between digits.
bool parse_py_float(std::string_view line, double& out);

}  // namespace picklejar::internal
