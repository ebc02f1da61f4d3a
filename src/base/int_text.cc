#include "base/int_text.h"

#include <vector>

#include "base/text_literals.h"

namespace picklejar::internal {

std::string twos_complement_to_decimal(const uint8_t* p, size_t n) { return twos_complement_to_text(p, n, SIZE_MAX); }

std::string twos_complement_to_text(const uint8_t* p, size_t n, size_t max_decimal_bytes) {
  if (n == 0) return "0";
  const bool neg = (p[n - 1] & 0x80) != 0;
  const uint8_t sign = neg ? 0xFF : 0x00;
  size_t m = n;
  while (m > 0 && p[m - 1] == sign) --m;  // drop redundant sign bytes
  // Magnitude in 32-bit limbs, little-endian: x for x >= 0, ~x + 1 for x < 0 (over m + 1 bytes,
  // the extra byte being a sign byte).
  std::vector<uint32_t> limbs((m + 1 + 3) / 4, 0);
  for (size_t i = 0; i <= m; ++i) {
    uint8_t b = i < m ? p[i] : sign;
    if (neg) b = static_cast<uint8_t>(~b);
    limbs[i / 4] |= uint32_t{b} << (8 * (i % 4));
  }
  if (neg) {
    for (auto& l : limbs) {
      if (++l != 0) break;
    }
  }
  while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  if (limbs.empty()) return "0";
  if (limbs.size() * 4 > max_decimal_bytes) {
    static const char* hex = "0123456789abcdef";
    std::string out = neg ? "-0x" : "0x";
    bool started = false;
    for (size_t i = limbs.size(); i-- > 0;) {
      for (int sh = 28; sh >= 0; sh -= 4) {
        unsigned d = (limbs[i] >> sh) & 15;
        if (!started && d == 0) continue;
        started = true;
        out += hex[d];
      }
    }
    return out;
  }
  std::vector<uint32_t> chunks;  // base-10^9 digits, least significant first
  chunks.reserve(limbs.size() * 32 / 29 + 1);
  while (!limbs.empty()) {
    uint64_t rem = 0;
    for (size_t i = limbs.size(); i-- > 0;) {
      uint64_t cur = (rem << 32) | limbs[i];
      limbs[i] = static_cast<uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    chunks.push_back(static_cast<uint32_t>(rem));
    while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  }
  std::string out;
  out.reserve(chunks.size() * 9 + 1);
  if (neg) out += '-';
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    char buf[9];
    uint32_t v = chunks[i];
    for (int k = 8; k >= 0; --k) {
      buf[k] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    out.append(buf, 9);
  }
  return out;
}

std::vector<uint8_t> digits_to_twos_complement(bool negative, int base, std::string_view digits) {
  std::vector<uint8_t> bytes;
  const int bits = base == 2 ? 1 : base == 8 ? 3 : base == 16 ? 4 : 0;
  if (bits) {
    // Least significant digit first, `bits` at a time: no multiplication.
    bytes.assign(digits.size() * static_cast<size_t>(bits) / 8 + 2, 0);
    size_t pos = 0;
    for (size_t i = digits.size(); i-- > 0; pos += static_cast<size_t>(bits)) {
      unsigned v = static_cast<unsigned>(hex_digit_value(digits[i])) << (pos % 8);
      bytes[pos / 8] = static_cast<uint8_t>(bytes[pos / 8] | v);
      if (v >> 8) bytes[pos / 8 + 1] = static_cast<uint8_t>(bytes[pos / 8 + 1] | (v >> 8));
    }
  } else {
    // Magnitude in 32-bit limbs, little-endian.
    std::vector<uint32_t> limbs{0};
    for (char c : digits) {
      uint64_t carry = static_cast<uint64_t>(hex_digit_value(c));
      for (auto& l : limbs) {
        uint64_t x = uint64_t{l} * static_cast<uint64_t>(base) + carry;
        l = static_cast<uint32_t>(x);
        carry = x >> 32;
      }
      if (carry) limbs.push_back(static_cast<uint32_t>(carry));
    }
    bytes.assign(limbs.size() * 4 + 1, 0);
    for (size_t i = 0; i < limbs.size(); ++i)
      for (int k = 0; k < 4; ++k) bytes[i * 4 + static_cast<size_t>(k)] = static_cast<uint8_t>(limbs[i] >> (8 * k));
  }
  if (negative) negate_twos_complement(bytes.data(), bytes.size());
  return bytes;
}

}  // namespace picklejar::internal
