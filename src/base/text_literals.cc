#include "base/text_literals.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <system_error>

#include "base/utf8.h"

namespace picklejar::internal {

bool escape_decode(std::string_view s, std::string& out, LiteralError* err) {
  out.clear();
  out.reserve(s.size());
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    char c = s[i];
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    size_t bs = i++;
    if (i == n) {
      if (err) *err = LiteralError{LiteralError::kTrailingBackslash, bs, n, false};
      return false;
    }
    char e = s[i++];
    switch (e) {
      case '\n': break;  // line continuation
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'v': out += '\v'; break;
      case 'a': out += '\a'; break;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        // Up to three octal digits; values past 0o377 keep their low byte (Python warns only).
        unsigned v = static_cast<unsigned>(e - '0');
        for (int k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '7'; ++k) v = (v << 3) + static_cast<unsigned>(s[i++] - '0');
        out += static_cast<char>(v & 0xFF);
        break;
      }
      case 'x': {
        int d1 = i < n ? hex_digit_value(s[i]) : -1;
        int d2 = i + 1 < n ? hex_digit_value(s[i + 1]) : -1;
        if (d1 < 0 || d2 < 0) {
          if (err) *err = LiteralError{LiteralError::kBadHexEscape, bs, i, false};
          return false;
        }
        out += static_cast<char>((d1 << 4) | d2);
        i += 2;
        break;
      }
      default:  // not an escape: the backslash stays, the character is read again
        out += '\\';
        --i;
        break;
    }
  }
  return true;
}

bool raw_unicode_escape_decode(std::string_view s, std::string& out, LiteralError* err) {
  out.clear();
  out.reserve(s.size());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c != '\\') {
      append_utf8(out, c);
      ++i;
      continue;
    }
    size_t run = i;
    while (i < n && s[i] == '\\') {
      out += '\\';
      ++i;
    }
    if (((i - run) & 1) == 0 || i >= n || (s[i] != 'u' && s[i] != 'U')) continue;
    out.pop_back();  // the odd backslash starts the escape
    size_t start = i - 1;
    int count = s[i] == 'u' ? 4 : 8;
    ++i;
    uint32_t v = 0;
    int got = 0;
    for (; got < count && i < n; ++got, ++i) {
      int d = hex_digit_value(s[i]);
      if (d < 0) break;
      v = (v << 4) | static_cast<uint32_t>(d);
    }
    if (got < count || v > 0x10FFFF) {
      if (err) {
        *err = LiteralError{got < count ? LiteralError::kTruncatedUnicodeEscape : LiteralError::kUnicodeEscapeOutOfRange,
                            start, i, count == 8};
      }
      return false;
    }
    append_utf8(out, v);
  }
  return true;
}

namespace {

bool py_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view py_strip(std::string_view s) {
  while (!s.empty() && py_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && py_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

namespace {

int digit_in_base(char c, int base) {
  int v = hex_digit_value(c);
  return v >= 0 && v < base ? v : -1;
}

}  // namespace

bool parse_py_int_literal(std::string_view text, int base, IntLiteral& out) {
  std::string_view s = py_strip(text);
  out.negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    out.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  bool zeros_only = false;  // base 0 without a prefix: "0..." must be all zeros
  if (base == 0) {
    base = 10;
    if (s.size() >= 2 && s[0] == '0') {
      const char p = static_cast<char>(s[1] | 0x20);
      const int prefixed = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
      if (prefixed) {
        base = prefixed;
        s.remove_prefix(2);
        if (!s.empty() && s[0] == '_') s.remove_prefix(1);  // "0x_1f"
      } else {
        zeros_only = true;
      }
    }
  }
  out.base = base;
  bool valid = !s.empty() && s.front() != '_' && s.back() != '_';
  for (size_t i = 0; valid && i < s.size(); ++i) {
    if (s[i] == '_') {
      valid = s[i + 1] != '_';  // the last one is no '_' (checked above)
    } else {
      int d = digit_in_base(s[i], base);
      valid = d >= 0 && !(zeros_only && d != 0);
    }
  }
  if (!valid) return false;
  out.digits.clear();
  for (char c : s) {
    if (c == '_' || (c == '0' && out.digits.empty())) continue;
    out.digits += c;
  }
  if (out.digits.empty()) {
    out.digits = "0";
    out.negative = false;
  }
  return true;
}

bool parse_py_int(std::string_view line, std::string& out) {
  IntLiteral lit;
  if (!parse_py_int_literal(line, 10, lit)) return false;
  out = lit.negative ? "-" + lit.digits : lit.digits;
  return true;
}

CStrtol c_strtol_base0(std::string_view s) {
  CStrtol r;
  size_t i = 0;
  while (i < s.size() && py_space(s[i])) ++i;  // isspace() in the C locale: the same six bytes
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int base = 10;
  if (i < s.size() && s[i] == '0') {
    if (i + 1 < s.size() && (s[i + 1] | 0x20) == 'x') {
      if (i + 2 < s.size() && hex_digit_value(s[i + 2]) >= 0) {
        base = 16;
        i += 2;
      } else {
        r.end = i + 1;  // "0x" then no hex digit: 0, stopping at the x
        return r;
      }
    } else {
      base = 8;
    }
  }
  const size_t first = i;
  // The magnitude, up to 2^63 (a negative value may reach it).
  const uint64_t cap = uint64_t{1} << 63;
  uint64_t mag = 0;
  for (int d; i < s.size() && (d = digit_in_base(s[i], base)) >= 0; ++i) {
    if (mag > (cap - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      r.overflow = true;
    } else {
      mag = mag * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
  }
  if (i == first) return r;  // no digits: no conversion, end 0
  r.end = i;
  if (!neg && mag == cap) r.overflow = true;
  if (!r.overflow) r.value = neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
  return r;
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

}  // namespace

bool parse_py_float(std::string_view line, double& out, FloatSyntax syntax, FloatFailure* why) {
  const bool c_unpickler = syntax == FloatSyntax::kCUnpickler;
  FloatFailure ignored;
  FloatFailure& failure = why ? *why : ignored;
  failure = FloatFailure::kSyntax;
  std::string_view s = c_unpickler ? line : py_strip(line);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (iequals(s, "inf") || iequals(s, "infinity")) {
    out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    failure = FloatFailure::kNone;
    return true;
  }
  if (iequals(s, "nan")) {
    out = neg ? -std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::quiet_NaN();
    failure = FloatFailure::kNone;
    return true;
  }
  size_t i = 0;
  // Reads digit ("_"? digit)* into `dst`; returns the number of digits.
  auto digit_part = [&](std::string& dst) -> size_t {
    size_t count = 0;
    while (i < s.size()) {
      if (s[i] >= '0' && s[i] <= '9') {
        dst += s[i++];
        ++count;
      } else if (!c_unpickler && s[i] == '_' && count > 0 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
        ++i;
      } else {
        break;
      }
    }
    return count;
  };
  std::string int_digits, frac_digits, exp_digits;
  size_t ni = digit_part(int_digits);
  size_t nf = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    nf = digit_part(frac_digits);
  }
  if (ni + nf == 0) return false;
  bool exp_neg = false;
  bool has_exp = false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    has_exp = true;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_neg = s[i++] == '-';
    if (digit_part(exp_digits) == 0) return false;
  }
  if (i != s.size()) return false;

  std::string clean;
  clean.reserve(ni + nf + exp_digits.size() + 4);
  if (neg) clean += '-';
  clean += int_digits.empty() ? std::string("0") : int_digits;
  if (!frac_digits.empty()) {
    clean += '.';
    clean += frac_digits;
  }
  if (has_exp) {
    clean += exp_neg ? "e-" : "e";
    clean += exp_digits;
  }
  double v = 0;
  auto res = std::from_chars(clean.data(), clean.data() + clean.size(), v, std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) {
    // from_chars gives up only when the correctly rounded result is infinite or zero; which one
    // follows from the decimal exponent of the first non-zero digit.
    int64_t e = 0;
    for (char c : exp_digits) {
      if (e < int64_t{1} << 40) e = e * 10 + (c - '0');
    }
    if (exp_neg) e = -e;
    size_t lead = int_digits.find_first_not_of('0');
    int64_t e10;
    if (lead != std::string::npos) {
      e10 = e + static_cast<int64_t>(int_digits.size() - lead) - 1;
    } else {
      size_t z = frac_digits.find_first_not_of('0');
      e10 = e - static_cast<int64_t>(z == std::string::npos ? 0 : z) - 1;
    }
    if (e10 >= 0 && c_unpickler) {
      failure = FloatFailure::kOverflow;
      return false;
    }
    v = e10 >= 0 ? std::numeric_limits<double>::infinity() : 0.0;
    if (neg) v = -v;
  } else if (res.ec != std::errc{} || res.ptr != clean.data() + clean.size()) {
    return false;
  }
  out = v;
  failure = FloatFailure::kNone;
  return true;
}

// Decimal text of a little-endian two's-complement integer, as repr(int) prints it: Python's
// decode_long(data) then repr(). Schoolbook conversion (repeated division by 10^9), O(n^2) in the
// byte count like CPython 3.11's own int-to-str.
}  // namespace picklejar::internal
