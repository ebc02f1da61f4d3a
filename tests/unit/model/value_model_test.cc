// The value model on loaded documents: dict keys by Python equality (1 == 1.0 == True, NaN by
// identity, big ints equal to small ints and floats), lookups and their errors, typed accessors,
// unhashable keys, equals() as Python's ==, and the invalid Value. builder_test.cc has the same
// rules for values built in C++. The pickles are hand-built as in tests/unit/pickle/opcodes_test.cc.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include <gtest/gtest.h>

#include "picklejar/picklejar.h"

#include "../pickle/opcodes_test_util.h"

namespace picklejar {
namespace {

using namespace std::string_literals;
using namespace opcode_test;

TEST(ValueModel, DictKeysOneOnePointZeroTrueCollapse) {
  // CPython: pickle.loads(b'\x80\x02(K\x01U\x01a\x88U\x01bG?\xf0...U\x01cd.') == {1: 'c'}
  auto l = L("\x80\x02(K\x01U\x01" "a\x88U\x01" "bG?\xf0\x00\x00\x00\x00\x00\x00U\x01" "cd."s);
  auto items = l.root().dict_items();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].first.kind(), Kind::kInt);  // first key object kept
  EXPECT_EQ(items[0].first.as_int(), 1);
  EXPECT_EQ(items[0].second.as_str(), "c");  // last value wins
  // Lookups with any of the equal keys.
  Document d;
  Builder b = d.builder();
  EXPECT_EQ(l.root().at(int64_t{1}).as_str(), "c");
  EXPECT_EQ(l.root().at(b.boolean(true)).as_str(), "c");
  EXPECT_EQ(l.root().at(b.float64(1.0)).as_str(), "c");
  EXPECT_FALSE(l.root().find(b.float64(1.5)).has_value());
}

TEST(ValueModel, DictKeysKeepInsertionOrderOnOverwrite) {
  auto l = L("(U\x01" "aK\x01U\x01" "bK\x02U\x01" "aK\x03" "d.");
  auto items = l.root().dict_items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].first.as_str(), "a");
  EXPECT_EQ(items[0].second.as_int(), 3);
  EXPECT_EQ(items[1].first.as_str(), "b");
}

TEST(ValueModel, NanKeys) {
  // Two NaN objects are two keys; the same NaN object (memo) is one key. CPython agrees:
  // len(pickle.loads(b'(Fnan\nK\x01Fnan\nK\x02d.')) == 2.
  auto two = L("(Fnan\nK\x01" "Fnan\nK\x02" "d.");
  EXPECT_EQ(two.root().size(), 2u);
  auto one = L("(Fnan\np0\nK\x01g0\nK\x02" "d.");
  ASSERT_EQ(one.root().size(), 1u);
  EXPECT_EQ(one.root().dict_items()[0].second.as_int(), 2);
  // A NaN from elsewhere is never found.
  Document d;
  EXPECT_FALSE(one.root().find(d.builder().float64(std::nan(""))).has_value());
  // But the key object itself is.
  Value key = one.root().dict_items()[0].first;
  ASSERT_TRUE(one.root().find(key).has_value());
}

TEST(ValueModel, BigIntKeysEqualSmallInts) {
  // A non-minimal LONG1 for 5 and a BININT1 5 are the same key; 2**64 as LONG1 equals the float
  // 2.0**64 (CPython: {2**64: 'x', 2.0**64: 'y'} == {2**64: 'y'}).
  auto l = L("\x80\x02(\x8a\x09\x05\x00\x00\x00\x00\x00\x00\x00\x00U\x01" "aK\x05U\x01" "b"
             "\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01U\x01xG\x43\xf0\x00\x00\x00\x00\x00\x00U\x01yd."s);
  auto items = l.root().dict_items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].first.as_int(), 5);
  EXPECT_EQ(items[0].second.as_str(), "b");
  EXPECT_EQ(items[1].first.int_decimal(), "18446744073709551616");
  EXPECT_EQ(items[1].second.as_str(), "y");
  Document d;
  Builder b = d.builder();
  const uint8_t two64[] = {0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(l.root().at(b.big_integer(ByteView(two64, 9))).as_str(), "y");
  EXPECT_EQ(l.root().at(b.float64(18446744073709551616.0)).as_str(), "y");
  EXPECT_EQ(l.root().at(int64_t{5}).as_str(), "b");
  EXPECT_FALSE(l.root().find(b.float64(18446744073709551616.0 * 2)).has_value());
}

TEST(ValueModel, ManyKeysUseTheHashIndex) {
  // 100 int keys then the same keys as floats: still 100 entries, values from the floats.
  std::string s = "\x80\x02}(";
  for (int i = 0; i < 100; ++i) s += "K" + u1(static_cast<uint8_t>(i)) + "K" + u1(static_cast<uint8_t>(i));
  for (int i = 0; i < 100; ++i) {
    double f = i;
    uint64_t bits;
    std::memcpy(&bits, &f, 8);
    s += "G";
    for (int k = 7; k >= 0; --k) s.push_back(static_cast<char>((bits >> (8 * k)) & 0xff));
    s += "K" + u1(static_cast<uint8_t>(i + 100));
  }
  s += "u.";
  auto l = L(s);
  ASSERT_EQ(l.root().size(), 100u);
  for (int64_t i = 0; i < 100; ++i) EXPECT_EQ(l.root().at(i).as_int(), i + 100);
  EXPECT_EQ(l.root().dict_items()[42].first.kind(), Kind::kInt);
}

TEST(ValueModel, TupleKeysAndStrKeys) {
  auto l = L("\x80\x02}(K\x01K\x02\x86U\x01" "aU\x01kU\x01vu.");
  Document d;
  Builder b = d.builder();
  EXPECT_EQ(l.root().at(b.tuple({b.integer(1), b.float64(2.0)})).as_str(), "a");
  EXPECT_EQ(l.root().at("k").as_str(), "v");
  EXPECT_TRUE(l.root().find("k").has_value());
  EXPECT_FALSE(l.root().find("missing").has_value());
  EXPECT_FALSE(l.root().find(int64_t{99}).has_value());
  EXPECT_FALSE(l.root().find(b.list()).has_value());  // unhashable: just not found
}

TEST(ValueModel, AtThrowsKeyNotFoundAndTypeMismatch) {
  auto l = L("}U\x01kK\x01s.");
  try {
    (void)l.root().at("nope");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kKeyNotFound);
  }
  try {
    (void)l.root().at(int64_t{3});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kKeyNotFound);
  }
  auto list = L("].");
  try {
    (void)list.root().find("k");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTypeMismatch);
    EXPECT_EQ(e.offset(), 0u);
  }
  try {
    (void)list.root().contains(list.root());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTypeMismatch);
  }
}

TEST(ValueModel, TypedAccessorsReportKindAndOffset) {
  auto l = L("\x80\x02(NU\x01xt.");
  try {
    (void)l.root()[1].as_int();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTypeMismatch);
    EXPECT_EQ(e.offset(), 4u);  // the SHORT_BINSTRING
    EXPECT_NE(std::string(e.what()).find("str"), std::string::npos);
  }
  EXPECT_EQ(l.root()[1].offset(), 4u);
}

TEST(ValueModel, SmallIntsAreOneObjectAsInCPython) {
  // [1, 1, 256, 256, -5, 257, 257, -6, -6]: CPython's small ints (-5..256) are one object each
  // (pickle.loads gives `l[0] is l[1]`), others a new object per opcode.
  auto l = L("\x80\x02]q\x00(K\x01K\x01M\x00\x01M\x00\x01J\xfb\xff\xff\xffM\x01\x01M\x01\x01"
             "J\xfa\xff\xff\xffJ\xfa\xff\xff\xff" "e."s);
  Value r = l.root();
  ASSERT_EQ(r.size(), 9u);
  EXPECT_TRUE(r[0].is(r[1]));
  EXPECT_TRUE(r[2].is(r[3]));
  EXPECT_EQ(r[4].as_int(), -5);
  EXPECT_FALSE(r[5].is(r[6]));
  EXPECT_FALSE(r[7].is(r[8]));
  EXPECT_EQ(r[1].offset(), 6u);  // where the value first appeared
  // The Builder shares them the same way.
  Document d;
  Builder b = d.builder();
  EXPECT_TRUE(b.integer(7).is(b.integer(7)));
  EXPECT_FALSE(b.integer(1000).is(b.integer(1000)));
}

TEST(ValueModel, UnhashableDictKeyFails) {
  EXPECT_EQ(code_of("(]K\x01" "d."), ErrorCode::kUnhashable);
  EXPECT_EQ(code_of("}]K\x01s."), ErrorCode::kUnhashable);
  EXPECT_EQ(code_of("}(}K\x01u."), ErrorCode::kUnhashable);
  EXPECT_EQ(code_of("\x80\x04\x8f(]\x90."), ErrorCode::kUnhashable);
  EXPECT_EQ(code_of("\x80\x04(\x8f\x91."), ErrorCode::kUnhashable);
  // A tuple containing a list is unhashable too (CPython: TypeError).
  EXPECT_EQ(code_of("\x80\x02}]\x85K\x01s."), ErrorCode::kUnhashable);
  // Builder does the same.
  Document d;
  Builder b = d.builder();
  try {
    b.dict({{b.list(), b.none()}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnhashable);
  }
}

TEST(ValueModel, HashableOddKeys) {
  // None, bytes, frozenset, tuple, global keys are all fine (CPython too).
  auto l = L("\x80\x04}(NK\x01" "C\x01" "aK\x02(K\x01\x91K\x03)K\x04\x8c\x01m\x8c\x01" "f\x93K\x05u.");
  EXPECT_EQ(l.root().size(), 5u);
  Document d;
  Builder b = d.builder();
  EXPECT_EQ(l.root().at(b.none()).as_int(), 1);
  const uint8_t a = 'a';
  EXPECT_EQ(l.root().at(b.bytes(ByteView(&a, 1))).as_int(), 2);
  EXPECT_EQ(l.root().at(b.frozenset({b.float64(1.0)})).as_int(), 3);
  EXPECT_EQ(l.root().at(b.tuple(std::span<const Value>())).as_int(), 4);
  EXPECT_EQ(l.root().at(b.global("m", "f")).as_int(), 5);
}

TEST(ValueModel, EqualsIsPythonEquality) {
  auto a = L("\x80\x02(K\x01G@\x00\x00\x00\x00\x00\x00\x00]U\x01xa}U\x01kK\x01s\x8f(K\x01K\x02\x90t."s);
  Document d;
  Builder b = d.builder();
  Value expected = b.tuple({b.boolean(true), b.integer(2), b.list({b.str("x")}), b.dict({{b.str("k"), b.float64(1.0)}}),
                            b.frozenset({b.integer(2), b.integer(1)})});
  EXPECT_TRUE(a.root().equals(expected));
  EXPECT_TRUE(expected.equals(a.root()));
  Value other = b.tuple({b.integer(1), b.integer(2), b.list({b.str("y")}), b.dict({}), b.set({})});
  EXPECT_FALSE(a.root().equals(other));
  // A list never equals a tuple; bytes equals bytearray; str never equals bytes.
  const uint8_t x = 'x';
  EXPECT_FALSE(b.list({}).equals(b.tuple(std::span<const Value>())));
  EXPECT_TRUE(b.bytes(ByteView(&x, 1)).equals(b.bytearray(ByteView(&x, 1))));
  EXPECT_FALSE(b.bytes(ByteView(&x, 1)).equals(b.str("x")));
  // Objects compare by identity.
  auto o = L("(cm\nC\n)\x81" "2t.");
  EXPECT_TRUE(o.root()[0].equals(o.root()[1]));
  auto o2 = L("(cm\nC\n)\x81" "cm\nC\n)\x81t.");
  EXPECT_FALSE(o2.root()[0].equals(o2.root()[1]));
  // NaN equals itself only by identity.
  auto n = L("(Fnan\n2Fnan\nt.");
  EXPECT_TRUE(n.root()[0].equals(n.root()[1]));
  EXPECT_FALSE(n.root()[0].equals(n.root()[2]));
}

TEST(ValueModel, InvalidValue) {
  Value v;
  EXPECT_FALSE(v.valid());
  EXPECT_TRUE(v.is(Value()));
  try {
    (void)v.kind();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
  Document empty;
  EXPECT_FALSE(empty.has_root());
  try {
    (void)empty.root();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace picklejar
