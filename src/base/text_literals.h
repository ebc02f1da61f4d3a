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

// An int literal as CPython's PyLong_FromString(text, NULL, base) reads it (int(text, base) of a
// bytes text): whitespace around, a sign, digits with single underscores between them. Base 0
// also takes the prefixes 0x, 0o, 0b (an underscore may follow one) and, without a prefix, leading
// zeros only in a literal that is all zeros ("00" is 0, "010" is refused); base 10 takes leading
// zeros. `digits` are the value's digits in `base` (2, 8, 10 or 16), underscores and leading zeros
// removed ("0" for zero, which is never negative). False where Python raises.
struct IntLiteral {
  bool negative = false;
  int base = 10;
  std::string digits;
};
bool parse_py_int_literal(std::string_view text, int base, IntLiteral& out);

// int(line) for a bytes line, base 10 (parse_py_int_literal). Writes the canonical decimal text
// (no leading zeros, "-" only when negative); false where Python raises.
bool parse_py_int(std::string_view line, std::string& out);

// C strtol(text, &end, 0) in the C locale (glibc's), on a text without NUL bytes: whitespace, a
// sign, then hex after "0x"/"0X", octal after a leading "0", else decimal. `end` is where it
// stopped: 0 when no digit was read, at the "x" of a "0x" no hex digit follows. `overflow` when
// the value passes int64 (C's long on the LP64 platforms picklejar supports).
struct CStrtol {
  int64_t value = 0;
  size_t end = 0;
  bool overflow = false;
};
CStrtol c_strtol_base0(std::string_view text);

// How a float text is read: Python's float(line) (pickletools) or CPython's C unpickler, which
// reads FLOAT with PyOS_string_to_double: no whitespace, no underscores, and a value past the
// double range is an error there (float() gives inf).
enum class FloatSyntax : uint8_t { kFloatCall, kCUnpickler };
enum class FloatFailure : uint8_t { kNone, kSyntax, kOverflow };

// float(line) for a bytes line: whitespace, sign, "inf"/"infinity"/"nan" in any case, or a
// decimal literal whose digit groups may hold single underscores between digits. With
// FloatSyntax::kCUnpickler, as the C unpickler reads it (above). False where Python raises;
// `why` (if given) says whether the text or the range was wrong.
bool parse_py_float(std::string_view line, double& out, FloatSyntax syntax = FloatSyntax::kFloatCall,
                    FloatFailure* why = nullptr);

}  // namespace picklejar::internal
