// Text of big ints held as little-endian two's-complement bytes (the pickle and model encoding):
// the one conversion that repr(), printing and the disassembler share. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace picklejar::internal {

// repr(int) of the bytes ("0" for none). Schoolbook conversion by 10^9, O(n^2) in the byte count
// like CPython 3.11's own int-to-str.
std::string twos_complement_to_decimal(const uint8_t* p, size_t n);

// As above, but once the magnitude passes max_decimal_bytes, Python's hex() ("-0x1f") instead, so
// that a hostile huge int cannot make the quadratic conversion take hours.
std::string twos_complement_to_text(const uint8_t* p, size_t n, size_t max_decimal_bytes);

// The little-endian two's-complement bytes (with room for the sign) of the int whose magnitude
// has `digits` in `base` (2, 8, 10 or 16; digit characters only, as IntLiteral holds them). Linear
// for the power-of-two bases; quadratic in the digit count for base 10, which callers bound.
std::vector<uint8_t> digits_to_twos_complement(bool negative, int base, std::string_view digits);

// Negates n little-endian two's-complement bytes in place (invert, add one): a negative value's
// magnitude, for a magnitude of n bytes with room for its sign.
inline void negate_twos_complement(uint8_t* p, size_t n) {
  unsigned carry = 1;
  for (size_t i = 0; i < n; ++i) {
    unsigned x = static_cast<uint8_t>(~p[i]) + carry;
    p[i] = static_cast<uint8_t>(x);
    carry = x >> 8;
  }
}

}  // namespace picklejar::internal
