// picklejar::float_repr: Python's repr(float), which FLOAT opcodes, the disassembler and JSON print.
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

#include "picklejar/print.h"

namespace picklejar {

std::string float_repr(double v) {
  if (std::isnan(v)) return "nan";  // Python prints every NaN (any sign, any payload) as "nan"
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";

  // to_chars without a precision gives the shortest digits that round-trip, as Python's 'r'
  // mode does; the scientific form hands us those digits and the decimal exponent separately.
  char sci[64];
  auto [end, ec] = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  if (ec != std::errc{}) return "nan";  // cannot happen: 64 bytes hold any double
  const char* p = sci;
  std::string out;
  out.reserve(32);
  if (*p == '-') {
    out += '-';
    ++p;
  }
  std::string digits;  // significant digits, no point: "15" for 1.5e+00
  while (p < end && *p != 'e') {
    if (*p != '.') digits += *p;
    ++p;
  }
  int exp = 0;  // the exponent after 'e': "+16", "-05"
  if (p < end) {
    const char* e = p + 1;
    const bool negative = e < end && *e == '-';
    if (e < end && (*e == '+' || *e == '-')) ++e;
    std::from_chars(e, end, exp);
    if (negative) exp = -exp;
  }
  const int n = static_cast<int>(digits.size());

  // Python's float_repr_style 'short': fixed notation for 1e-4 <= |v| < 1e16, else exponent.
  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exp - 1), '0');
      out += digits;
    } else if (n <= exp + 1) {
      out += digits;
      out.append(static_cast<size_t>(exp + 1 - n), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<size_t>(exp + 1));
      out += '.';
      out.append(digits, static_cast<size_t>(exp + 1));
    }
    return out;
  }
  out += digits[0];
  if (n > 1) {
    out += '.';
    out.append(digits, 1);
  }
  out += exp < 0 ? "e-" : "e+";
  const int mag = exp < 0 ? -exp : exp;
  if (mag < 10) out += '0';  // at least two exponent digits: 1e-05, 1e+16
  out += std::to_string(mag);
  return out;
}

}  // namespace picklejar
