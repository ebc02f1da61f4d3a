// 16-bit floats as doubles: IEEE binary16 (numpy float16, torch float16) and bfloat16 (the upper
// half of a float32, torch bfloat16). Internal.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace picklejar::internal {

inline double half_to_double(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  double v;
  if (exponent == 0) {
    v = std::ldexp(mantissa, -24);  // subnormal
  } else if (exponent == 31) {
    v = mantissa ? NAN : INFINITY;
  } else {
    v = std::ldexp(mantissa + 1024, exponent - 25);
  }
  return (h & 0x8000) ? -v : v;
}

inline double bfloat16_to_double(uint16_t b) { return std::bit_cast<float>(uint32_t{b} << 16); }

}  // namespace picklejar::internal
