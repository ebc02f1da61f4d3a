// base/py_repr.h against CPython 3.11's repr() (values checked with /usr/bin/python3).
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "base/py_repr.h"

namespace picklejar::internal {
namespace {

TEST(PyRepr, StrQuotesAndEscapes) {
  EXPECT_EQ(repr_str("a'b"), "\"a'b\"");
  EXPECT_EQ(repr_str("a'\""), "'a\\'\"'");
  // '\x7f\x80\xa0\xad é\u2028😀\U000e0001'
  EXPECT_EQ(repr_str("\x7f\xc2\x80\xc2\xa0\xc2\xad \xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80\xf3\xa0\x80\x81"),
            "'\\x7f\\x80\\xa0\\xad \xc3\xa9\\u2028\xf0\x9f\x98\x80\\U000e0001'");
  EXPECT_EQ(repr_str("\xed\xa0\x80"), "'\\ud800'");  // a lone surrogate
  EXPECT_EQ(repr_str("\t\n\r\\"), "'\\t\\n\\r\\\\'");
}

TEST(PyRepr, Latin1AndBytes) {
  const uint8_t latin[] = {'x', 0xE9, 0x85};
  EXPECT_EQ(repr_latin1(latin, 3), "'x\xc3\xa9\\x85'");
  const uint8_t b[] = {0, '\'', '"', '\\'};
  EXPECT_EQ(repr_bytes(b, 4), "b'\\x00\\'\"\\\\'");
  const uint8_t q[] = {'\''};
  EXPECT_EQ(repr_bytes(q, 1), "b\"'\"");
  EXPECT_EQ(repr_bytes(q, 1, true), "b\"\\'\"");  // bytearray(b"\'")
  EXPECT_EQ(repr_bytes(std::string_view("\x80\xff")), "b'\\x80\\xff'");
  // An empty buffer may have no address (an empty out-of-band buffer file): UBSan's nonnull check
  // failed here when the quote choice called memchr(nullptr, ..., 0).
  EXPECT_EQ(repr_bytes(static_cast<const uint8_t*>(nullptr), 0), "b''");
  EXPECT_EQ(repr_latin1(static_cast<const uint8_t*>(nullptr), 0), "''");
}

TEST(PyRepr, Printable) {
  EXPECT_TRUE(is_printable(' '));
  EXPECT_FALSE(is_printable(0xA0));
  EXPECT_TRUE(is_printable(0xE9));
  EXPECT_FALSE(is_printable(0x2028));
  EXPECT_TRUE(is_printable(0x1F600));
  EXPECT_FALSE(is_printable(0x10FFFF));
  std::string h;
  append_hex(h, 0xBEEF, 6);
  EXPECT_EQ(h, "00beef");
}

}  // namespace
}  // namespace picklejar::internal
