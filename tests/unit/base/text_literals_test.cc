// base/text_literals.h against CPython 3.11's codecs.escape_decode, raw-unicode-escape, int() and
// float() (values checked with /usr/bin/python3).
#include <cmath>
#include <cstdint>
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
  ASSERT_TRUE(parse_py_float(" -nan ", d));
  EXPECT_TRUE(std::isnan(d) && std::signbit(d));  // float('-nan') keeps its sign
}

TEST(TextLiterals, IntLiteralBaseZeroAndTen) {
  IntLiteral lit;
  ASSERT_TRUE(parse_py_int_literal(" -0x_1F\n", 0, lit));
  EXPECT_TRUE(lit.negative);
  EXPECT_EQ(lit.base, 16);
  EXPECT_EQ(lit.digits, "1F");
  ASSERT_TRUE(parse_py_int_literal("0o1_7", 0, lit));
  EXPECT_EQ(lit.base, 8);
  EXPECT_EQ(lit.digits, "17");
  ASSERT_TRUE(parse_py_int_literal("0B0010", 0, lit));
  EXPECT_EQ(lit.base, 2);
  EXPECT_EQ(lit.digits, "10");
  ASSERT_TRUE(parse_py_int_literal("-0_0", 0, lit));  // zeros may lead only a zero
  EXPECT_FALSE(lit.negative);
  EXPECT_EQ(lit.digits, "0");
  EXPECT_FALSE(parse_py_int_literal("010", 0, lit));
  ASSERT_TRUE(parse_py_int_literal("010", 10, lit));
  EXPECT_EQ(lit.digits, "10");
  EXPECT_FALSE(parse_py_int_literal("0x10", 10, lit));
  EXPECT_FALSE(parse_py_int_literal("0x", 0, lit));
  EXPECT_FALSE(parse_py_int_literal("0x__1", 0, lit));
  EXPECT_FALSE(parse_py_int_literal("0b12", 0, lit));
  EXPECT_FALSE(parse_py_int_literal("1_", 0, lit));
  EXPECT_FALSE(parse_py_int_literal("1L", 0, lit));
}

TEST(TextLiterals, CStrtolBaseZero) {
  auto r = c_strtol_base0(" \t-010x");
  EXPECT_EQ(r.value, -8);
  EXPECT_EQ(r.end, 6u);
  EXPECT_FALSE(r.overflow);
  r = c_strtol_base0("0x1fg");
  EXPECT_EQ(r.value, 31);
  EXPECT_EQ(r.end, 4u);
  r = c_strtol_base0("0xg");  // glibc: 0, stopping at the x
  EXPECT_EQ(r.value, 0);
  EXPECT_EQ(r.end, 1u);
  r = c_strtol_base0("08");
  EXPECT_EQ(r.value, 0);
  EXPECT_EQ(r.end, 1u);
  r = c_strtol_base0(" +");  // no digits: no conversion
  EXPECT_EQ(r.end, 0u);
  r = c_strtol_base0("-9223372036854775808");
  EXPECT_FALSE(r.overflow);
  EXPECT_EQ(r.value, INT64_MIN);
  EXPECT_TRUE(c_strtol_base0("9223372036854775808").overflow);
  EXPECT_TRUE(c_strtol_base0("0x1ffffffffffffffff").overflow);
  EXPECT_EQ(c_strtol_base0("0x1ffffffffffffffff").end, 19u);
}

TEST(TextLiterals, FloatAsTheCUnpicklerReadsIt) {
  double d = 0;
  FloatFailure why = FloatFailure::kNone;
  ASSERT_TRUE(parse_py_float("+.5e1", d, FloatSyntax::kCUnpickler, &why));
  EXPECT_EQ(d, 5.0);
  EXPECT_EQ(why, FloatFailure::kNone);
  ASSERT_TRUE(parse_py_float("-InFinity", d, FloatSyntax::kCUnpickler));
  EXPECT_TRUE(std::isinf(d) && d < 0);
  ASSERT_TRUE(parse_py_float("1e-400", d, FloatSyntax::kCUnpickler));
  EXPECT_EQ(d, 0.0);
  EXPECT_FALSE(parse_py_float("1e400", d, FloatSyntax::kCUnpickler, &why));
  EXPECT_EQ(why, FloatFailure::kOverflow);
  for (const char* bad : {" 1", "1 ", "1_0", "1e", "", "nan(1)", "0x1p3"}) {
    EXPECT_FALSE(parse_py_float(bad, d, FloatSyntax::kCUnpickler, &why)) << bad;
    EXPECT_EQ(why, FloatFailure::kSyntax) << bad;
  }
}

}  // namespace
}  // namespace picklejar::internal
