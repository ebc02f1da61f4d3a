// base/utf8.h: validation as CPython's surrogatepass decoder accepts it, the reasons it gives, and
// the encoder.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/utf8.h"

namespace picklejar::internal {
namespace {

int64_t bad(const std::string& s, Utf8Error* why = nullptr) {
  return find_bad_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size(), why);
}

TEST(Utf8, AcceptsValidTextAndSurrogates) {
  EXPECT_EQ(bad(""), -1);
  EXPECT_EQ(bad("plain ascii, longer than eight bytes"), -1);
  EXPECT_EQ(bad("\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80"), -1);  // é U+2028 U+1F600
  EXPECT_EQ(bad("\xed\xa0\x80"), -1);                          // U+D800: surrogatepass
  EXPECT_EQ(bad("\xf4\x8f\xbf\xbf"), -1);                      // U+10FFFF
}

TEST(Utf8, RejectsWithCPythonsReasonAtTheStartByte) {
  Utf8Error why{};
  EXPECT_EQ(bad("abcdefghij\x80", &why), 10);
  EXPECT_EQ(why, Utf8Error::kInvalidStart);
  EXPECT_EQ(bad("a\xc0\x80", &why), 1);  // overlong 2-byte form: C0 is never a start byte
  EXPECT_EQ(why, Utf8Error::kInvalidStart);
  EXPECT_EQ(bad("a\xe0\x80\x80", &why), 1);  // overlong 3-byte form
  EXPECT_EQ(why, Utf8Error::kInvalidContinuation);
  EXPECT_EQ(bad("\xf4\x90\x80\x80", &why), 0);  // past U+10FFFF
  EXPECT_EQ(why, Utf8Error::kInvalidContinuation);
  EXPECT_EQ(bad("xy\xe2\x82", &why), 2);
  EXPECT_EQ(why, Utf8Error::kUnexpectedEnd);
  EXPECT_EQ(bad("\xe2(\xa1", &why), 0);
  EXPECT_EQ(why, Utf8Error::kInvalidContinuation);
  EXPECT_STREQ(utf8_error_reason(Utf8Error::kUnexpectedEnd), "unexpected end of data");
}

TEST(Utf8, DecodesOneCharacter) {
  const uint8_t s[] = {0xf0, 0x9f, 0x98, 0x80};
  uint32_t cp = 0;
  EXPECT_EQ(decode_utf8_char(s, 4, cp, nullptr), 4u);
  EXPECT_EQ(cp, 0x1F600u);
  EXPECT_EQ(decode_utf8_char(s, 3, cp, nullptr), 0u);
}

TEST(Utf8, EncodesAndWalksCodePoints) {
  std::string out;
  for (uint32_t cp : {0x41u, 0xE9u, 0xD800u, 0x2028u, 0x1F600u, 0x10FFFFu}) append_utf8(out, cp);
  EXPECT_EQ(out, "A\xc3\xa9\xed\xa0\x80\xe2\x80\xa8\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
  std::vector<uint32_t> cps;
  std::vector<size_t> at;
  for_each_code_point(out, [&](uint32_t c, size_t i, size_t) {
    cps.push_back(c);
    at.push_back(i);
  });
  EXPECT_EQ(cps, (std::vector<uint32_t>{0x41, 0xE9, 0xD800, 0x2028, 0x1F600, 0x10FFFF}));
  EXPECT_EQ(at, (std::vector<size_t>{0, 1, 3, 6, 9, 13}));
}

// The ASCII fast paths (32 and 8 bytes at a time) hand over to the decoder exactly where a
// non-ASCII byte is: a bad byte at every position of a long ASCII text is found where it is, and
// a valid multi-byte character anywhere, even straddling a 32-byte block, is accepted.
TEST(Utf8, FastPathsFindEveryPosition) {
  for (size_t len : {1u, 7u, 8u, 9u, 31u, 32u, 33u, 64u, 95u}) {
    for (size_t at = 0; at < len; ++at) {
      std::string bad(len, 'a');
      bad[at] = '\xff';
      Utf8Error why{};
      EXPECT_EQ(find_bad_utf8(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), &why),
                static_cast<int64_t>(at)) << len << " " << at;
      EXPECT_EQ(why, Utf8Error::kInvalidStart);
      if (at + 3 <= len) {
        std::string good(len, 'a');
        good.replace(at, 3, "\xe2\x82\xac");  // U+20AC
        EXPECT_EQ(find_bad_utf8(reinterpret_cast<const uint8_t*>(good.data()), good.size()), -1) << len << " " << at;
        std::string cut = good.substr(0, at + 2);  // the character's last byte missing
        EXPECT_EQ(find_bad_utf8(reinterpret_cast<const uint8_t*>(cut.data()), cut.size(), &why),
                  static_cast<int64_t>(at)) << len << " " << at;
        EXPECT_EQ(why, Utf8Error::kUnexpectedEnd);
      }
    }
  }
}

}  // namespace
}  // namespace picklejar::internal
