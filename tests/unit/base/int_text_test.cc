// base/int_text.h against Python's int.from_bytes(..., 'little', signed=True) and hex().
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/int_text.h"

namespace picklejar::internal {
namespace {

std::string dec(std::vector<uint8_t> b) { return twos_complement_to_decimal(b.data(), b.size()); }

TEST(IntText, Decimal) {
  EXPECT_EQ(dec({}), "0");
  EXPECT_EQ(dec({0, 0}), "0");
  EXPECT_EQ(dec({0xff, 0xff}), "-1");
  EXPECT_EQ(dec({0x00, 0x80}), "-32768");
  EXPECT_EQ(dec({0, 0, 0, 0, 0, 0, 0, 0, 1}), "18446744073709551616");
  EXPECT_EQ(dec({0x00, 0xCA, 0x9A, 0x3B}), "1000000000");  // a whole base-10^9 chunk
}

TEST(IntText, HexPastTheLimit) {
  std::vector<uint8_t> b = {0, 0, 0, 0, 0, 0xff};  // -(2**40)
  EXPECT_EQ(twos_complement_to_text(b.data(), b.size(), 4), "-0x10000000000");
  EXPECT_EQ(twos_complement_to_text(b.data(), b.size(), 8), "-1099511627776");
}

}  // namespace
}  // namespace picklejar::internal
