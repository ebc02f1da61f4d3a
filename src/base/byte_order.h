// Byte order: this machine's, in numpy's notation, and swapping elements in place. Internal.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace picklejar::internal {

// '<' on a little-endian machine, '>' on a big-endian one (numpy's dtype byte order characters).
constexpr char native_order() { return std::endian::native == std::endian::little ? '<' : '>'; }

// Reverses the bytes of each `unit`-byte element of [p, p + n) (a trailing partial element is left
// alone). Nothing to do for unit < 2.
inline void swap_elements(uint8_t* p, size_t n, size_t unit) {
  if (unit < 2) return;
  for (size_t i = 0; i + unit <= n; i += unit) std::reverse(p + i, p + i + unit);
}

// The T at p, which may be misaligned for T.
template <class T>
T load_unaligned(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace picklejar::internal
