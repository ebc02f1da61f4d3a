// model: Document, Value and Builder without the unpickler. Values built in C++ follow Python's
// semantics: dict keys by Python equality (1 == 1.0 == True keep the first key and the last
// value, in insertion order), sets deduplicated the same way, identity as Python object identity,
// equals() as Python's ==. (The same rules for loaded values are tested with the opcodes, in
// tests/unit/model/value_model_test.cc.)
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "picklejar/picklejar.h"

namespace picklejar {
namespace {

ErrorCode code_of(void (*f)()) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInvalidArgument;
}

TEST(ModelBuilder, DictKeysCollapseByPythonEquality) {
  Document doc;
  Builder b = doc.builder();
  Value d = b.dict();
  b.set_item(d, b.integer(1), b.str("int"));
  b.set_item(d, b.str("s"), b.integer(0));
  b.set_item(d, b.float64(1.0), b.str("float"));
  b.set_item(d, b.boolean(true), b.str("bool"));
  auto items = d.dict_items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].first.kind(), Kind::kInt) << "the first key stays";
  EXPECT_EQ(items[0].second.as_str(), "bool") << "the last value wins";
  EXPECT_EQ(items[1].first.as_str(), "s") << "overwriting keeps the insertion position";
  EXPECT_EQ(d.at(int64_t{1}).as_str(), "bool");
  EXPECT_EQ(d.at(b.float64(1.0)).as_str(), "bool");
}

TEST(ModelBuilder, SetsDeduplicateByPythonEquality) {
  Document doc;
  Builder b = doc.builder();
  Value s = b.set({b.integer(0), b.boolean(false), b.float64(-0.0), b.str("0"), b.tuple({b.integer(1)}),
                   b.tuple({b.float64(1.0)})});
  EXPECT_EQ(s.size(), 3u) << "0 == False == -0.0 and (1,) == (1.0,)";
  EXPECT_TRUE(s.contains(b.boolean(false)));
  EXPECT_TRUE(s.contains(b.tuple({b.boolean(true)})));
  EXPECT_FALSE(s.contains(b.str("1")));
}

TEST(ModelBuilder, UnhashableKeysAreRefused) {
  EXPECT_EQ(code_of([] {
              Document doc;
              Builder b = doc.builder();
              b.dict({{b.list(), b.none()}});
            }),
            ErrorCode::kUnhashable);
  EXPECT_EQ(code_of([] {
              Document doc;
              Builder b = doc.builder();
              b.set({b.tuple({b.dict()})});
            }),
            ErrorCode::kUnhashable);
}

TEST(ModelValue, IdentityIsSharing) {
  Document doc;
  Builder b = doc.builder();
  Value x = b.list();
  Value outer = b.list({x, x, b.list()});
  EXPECT_TRUE(outer[0].is(outer[1]));
  EXPECT_FALSE(outer[0].is(outer[2]));
  EXPECT_TRUE(outer[0].equals(outer[2])) << "equal, not identical";
  EXPECT_FALSE(Value().valid());
  EXPECT_TRUE(Value().is(Value()));
}

TEST(ModelValue, EqualsIsPythonEqualityAcrossDocuments) {
  Document a, c;
  Builder ba = a.builder(), bc = c.builder();
  Value va = ba.dict({{ba.str("k"), ba.list({ba.integer(1), ba.float64(2.0)})}, {ba.integer(2), ba.none()}});
  Value vc = bc.dict({{bc.integer(2), bc.none()}, {bc.str("k"), bc.list({bc.boolean(true), bc.integer(2)})}});
  EXPECT_TRUE(va.equals(vc)) << "dicts compare order-insensitively, numbers across int/float/bool";
  EXPECT_FALSE(ba.float64(NAN).equals(ba.float64(NAN))) << "NaN != NaN";
  EXPECT_FALSE(ba.tuple({ba.integer(1)}).equals(ba.list({ba.integer(1)}))) << "(1,) != [1]";
  EXPECT_TRUE(ba.set({ba.integer(1), ba.integer(2)}).equals(bc.frozenset({bc.integer(2), bc.integer(1)})));
}

TEST(ModelValue, CyclesCompareWithoutRecursing) {
  Document doc;
  Builder b = doc.builder();
  Value l1 = b.list();
  b.append(l1, l1);
  Value l2 = b.list();
  b.append(l2, l2);
  EXPECT_TRUE(l1.equals(l2));
}

TEST(ModelValue, TypedAccessorsOfBuiltValues) {
  Document doc;
  Builder b = doc.builder();
  EXPECT_EQ(b.integer(-5).as_int(), -5);
  EXPECT_EQ(b.boolean(true).as_int(), 1) << "bool counts as int, as in Python";
  EXPECT_EQ(b.integer(3).as_float(), 3.0);
  Value big = b.big_integer(ByteView(reinterpret_cast<const uint8_t*>("\x00\x00\x00\x00\x00\x00\x00\x00\x01"), 9));
  EXPECT_FALSE(big.fits_int64());
  EXPECT_EQ(big.int_decimal(), "18446744073709551616");
  EXPECT_EQ(b.str("caf\xc3\xa9").size(), 5u) << "UTF-8 bytes";
  EXPECT_EQ(b.global("collections", "OrderedDict").as_global().name, "OrderedDict");
  EXPECT_EQ(b.integer(1).offset(), b.none().offset()) << "built values have no stream offset";
  Value s = b.str("x");
  EXPECT_THROW((void)s.as_int(), Error);
}

TEST(ModelDocument, RootAndBuilderValuesOutliveTheBuilder) {
  Document doc;
  EXPECT_FALSE(doc.has_root());
  {
    Builder b = doc.builder();
    doc.set_root(b.tuple({b.str("kept"), b.integer(7)}));
  }
  ASSERT_TRUE(doc.has_root());
  EXPECT_EQ(doc.root()[0].as_str(), "kept");
  EXPECT_EQ(doc.root()[1].as_int(), 7);
}

}  // namespace
}  // namespace picklejar
