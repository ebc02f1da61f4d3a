// base/text_literals.h against CPython 3.11's codecs.escape_decode, raw-unicode-escape, int() and
// float() (values checked with /usr/bin/python3).
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "base/text_literals.h"

namespace picklejar::internal {
namespace {

TEST(TextLiterals, EscapeDecode) {
  std::string out;
  LiteralError e;
  ASSERT_TRUE(escape_decode("a\\x41\\101\\777\\q\\\n", out, &e));
  EXPECT_EQ(out, "aAA\xff\\q");  // \777 keeps its low byte; unknown escapes keep the backslash
  EXPECT_FALSE(escape_decode("ab\\", out, &e));
  EXPECT_EQ(e.kind, LiteralError::kTrailingBackslash);
  EXPECT_EQ(e.begin, 2u);
  EXPECT_FALSE(escape_decode("ab\\x4g", out, &e));
  EXPECT_EQ(e.kind, LiteralError::kBadHexEscape);
  EXPECT_EQ(e.begin, 2u);
}

TEST(TextLiterals, RawUnicodeEscape) {
  std::string out;
  LiteralError e;
  ASSERT_TRUE(raw_unicode_escape_decode("\\u00e9\\\\u0041\\U0001F600\xe9", out, &e));
  EXPECT_EQ(out, "\xc3\xa9\\\\u0041\xf0\x9f\x98\x80\xc3\xa9");  // an even run escapes nothing
  ASSERT_TRUE(raw_unicode_escape_decode("\\ud800", out, &e));
  EXPECT_EQ(out, "\xed\xa0\x80");
  EXPECT_FALSE(raw_unicode_escape_decode("ab\\u12x", out, &e));
  EXPECT_EQ(e.kind, LiteralError::kTruncatedUnicodeEscape);
  EXPECT_EQ(e.begin, 2u);
  EXPECT_EQ(e.end, 6u);
  EXPECT_FALSE(e.long_escape);
  EXPECT_FALSE(raw_unicode_escape_decode("\\U00110000", out, &e));
  EXPECT_EQ(e.kind, LiteralError::kUnicodeEscapeOutOfRange);
  EXPECT_TRUE(e.long_escape);
  EXPECT_EQ(hex_digit_value('F'), 15);
  EXPECT_EQ(hex_digit_value('g'), -1);
}

TEST(TextLiterals, IntAndFloatOfALine) {
  std::string v;
  ASSERT_TRUE(parse_py_int(" -0_1_2 ", v));
  EXPECT_EQ(v, "-12");
  ASSERT_TRUE(parse_py_int("000", v));
  EXPECT_EQ(v, "0");
  EXPECT_FALSE(parse_py_int("1__2", v));
  EXPECT_FALSE(parse_py_int("_1", v));
  EXPECT_FALSE(parse_py_int("", v));
  double d = 0;
  ASSERT_TRUE(parse_py_float(" 1_0.5e-1_0 ", d));
  EXPECT_DOUBLE_EQ(d, 1.05e-09);
  ASSERT_TRUE(parse_py_float("-InFinity", d));
  EXPECT_TRUE(std::isinf(d) && d < 0);
  ASSERT_TRUE(parse_py_float("1e400", d));
  EXPECT_TRUE(std::isinf(d));
  EXPECT_FALSE(parse_py_float("1._5", d));
  EXPECT_FALSE(parse_py_float(".", d));
}

}  // namespace
}  // namespace picklejar::internal
