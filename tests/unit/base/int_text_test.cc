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

TEST(IntText, DigitsInEveryBase) {
  auto text = [](bool neg, int base, const char* digits) {
    std::vector<uint8_t> b = digits_to_twos_complement(neg, base, digits);
    return twos_complement_to_decimal(b.data(), b.size());
  };
  // int('...', base) in Python.
  EXPECT_EQ(text(false, 10, "0"), "0");
  EXPECT_EQ(text(true, 10, "123456789012345678901234567890"), "-123456789012345678901234567890");
  EXPECT_EQ(text(false, 16, "ff"), "255");  // a sign byte above the top bit
  EXPECT_EQ(text(true, 16, "80"), "-128");
  EXPECT_EQ(text(false, 16, "7fffffffffffffffff"), "2361183241434822606847");
  EXPECT_EQ(text(false, 8, "777"), "511");
  EXPECT_EQ(text(true, 8, "7777777777777777777777"), "-73786976294838206463");
  EXPECT_EQ(text(false, 2, "1011"), "11");
  EXPECT_EQ(text(false, 2, std::string(70, '1').c_str()), "1180591620717411303423");
}

}  // namespace
}  // namespace picklejar::internal
