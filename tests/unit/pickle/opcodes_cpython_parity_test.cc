// Where CPython's C unpickler (pickle.loads) differs from what pickletools documents, picklejar
// does what pickle.loads does: text arguments read as C strings (a NUL ends them) and with C's
// strtol / PyLong_FromString / PyOS_string_to_double rules, SETITEM on a list, empty MARK batches
// onto any value, and calls of values no call can take refused. Each case here was checked against
// /usr/bin/python3's pickle.loads; fixtures/bad/cpython_* pins the same facts through the
// generator (tools/gen_bad_fixtures.py).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "opcodes_test_util.h"

namespace picklejar::opcode_test {
namespace {

using namespace std::string_literals;

TEST(CPythonParityInt, StrtolFirstThenIntWithBaseZero) {
  EXPECT_EQ(L("I010\n.").root().as_int(), 8);  // strtol's octal
  EXPECT_EQ(L("I0x10\n.").root().as_int(), 16);
  EXPECT_EQ(L("I-0x10\n.").root().as_int(), -16);
  EXPECT_EQ(L("I0b10\n.").root().as_int(), 2);  // int(text, 0) after strtol stopped at the b
  EXPECT_EQ(L("I0o17\n.").root().as_int(), 15);
  EXPECT_EQ(L("I1_0\n.").root().as_int(), 10);
  auto spaced = L("I1 \n.");
  EXPECT_EQ(spaced.root().kind(), Kind::kInt);  // a 2-byte line, but not strtol's: no bool
  EXPECT_EQ(spaced.root().as_int(), 1);
  EXPECT_EQ(L("I0x7fffffffffffffffff\n.").root().int_decimal(), "2361183241434822606847");
  EXPECT_EQ(L("I-0o7777777777777777777777\n.").root().int_decimal(), "-73786976294838206463");
  EXPECT_EQ(L("I0b" + std::string(70, '1') + "\n.").root().int_decimal(), "1180591620717411303423");
}

TEST(CPythonParityInt, TwoByteLinesOfZeroOrOneAreBools) {
  for (std::string t : {"I01\n."s, "I 1\n."s, "I+1\n."s, "I1\0\n."s}) {
    auto v = L(t);
    ASSERT_EQ(v.root().kind(), Kind::kBool) << t;
    EXPECT_TRUE(v.root().as_bool());
  }
  for (std::string t : {"I00\n."s, "I-0\n."s, "I\0""1\n."s}) {
    auto v = L(t);
    ASSERT_EQ(v.root().kind(), Kind::kBool) << t;
    EXPECT_FALSE(v.root().as_bool());
  }
  EXPECT_EQ(L("I1\n.").root().kind(), Kind::kInt);
  EXPECT_EQ(L("I\0\n."s).root().kind(), Kind::kInt);  // a NUL at once: strtol read 0 from ""
  EXPECT_EQ(L("I\0" "1x\n."s).root().as_int(), 0);    // ... whatever follows the NUL
}

TEST(CPythonParityInt, NulEndsTheText) {
  EXPECT_EQ(L("I1\0junk\n."s).root().as_int(), 1);
  EXPECT_EQ(L("I99999999999999999999\0x\n."s).root().int_decimal(), "99999999999999999999");
}

TEST(CPythonParityInt, RefusedAsPickleLoadsRefusesThem) {
  for (std::string t : {"I08\n."s, "I0777777777777777777777777\n."s, "I0x\n."s, "I1L\n."s, "I \n."s, "I\n."s,
                        "I1__0\n."s})
    EXPECT_EQ(code_of(t), ErrorCode::kBadArgument) << t;
}

TEST(CPythonParityInt, DigitLimitCountsDecimalDigitsOnly) {
  LoadOptions o;
  o.limits.max_int_digits = 10;
  EXPECT_EQ(code_of("I" + std::string(11, '7') + "0\n.", o), ErrorCode::kLimitExceeded);
  EXPECT_EQ(L("I0x" + std::string(20, 'f') + "\n.", o).root().int_bytes().size(), 11u);
}

TEST(CPythonParityLong, SuffixDroppedThenIntWithBaseZero) {
  EXPECT_EQ(L("L1\0junk\n."s).root().as_int(), 1);
  EXPECT_EQ(L("L0x10L\n.").root().as_int(), 16);
  EXPECT_EQ(L("L 1_0L\n.").root().as_int(), 10);
  EXPECT_EQ(L("L-0\n.").root().as_int(), 0);
  for (std::string t : {"L010L\n."s, "L1LL\n."s, "L1L\0x\n."s, "LL\n."s, "L\n."s})
    EXPECT_EQ(code_of(t), ErrorCode::kBadArgument) << t;
}

TEST(CPythonParityFloat, PyOSStringToDouble) {
  EXPECT_EQ(L("F1\0junk\n."s).root().as_float(), 1.0);
  EXPECT_EQ(L("F.5\n.").root().as_float(), 0.5);
  EXPECT_EQ(L("F1.\n.").root().as_float(), 1.0);
  EXPECT_EQ(L("F+1E2\n.").root().as_float(), 100.0);
  EXPECT_TRUE(std::isnan(L("FNaN\n.").root().as_float()));
  EXPECT_TRUE(std::signbit(L("F-nan\n.").root().as_float()));
  EXPECT_EQ(L("F-infinity\n.").root().as_float(), -HUGE_VAL);
  double under = L("F-1e-500\n.").root().as_float();
  EXPECT_EQ(under, 0.0);
  EXPECT_TRUE(std::signbit(under));
  for (std::string t : {"F1e\n."s, "F 1.5\n."s, "F1.5 \n."s, "F1_0\n."s, "F1e500\n."s, "Fnan(1)\n."s, "F0x10\n."s,
                        "F\0\n."s, "F.\n."s})
    EXPECT_EQ(code_of(t), ErrorCode::kBadArgument) << t;
}

TEST(CPythonParityMemo, PutAndGetLinesAreIntWithBaseTen) {
  EXPECT_EQ(L("I5\np1\0junk\n0g1\n."s).root().as_int(), 5);
  EXPECT_EQ(L("I5\np1\n0g1\0junk\n."s).root().as_int(), 5);
  EXPECT_EQ(L("I5\np 01_0\n0g10\n.").root().as_int(), 5);
  EXPECT_EQ(L("I5\np-0\n0g+0\n.").root().as_int(), 5);
  EXPECT_EQ(code_of("Np0x10\n."), ErrorCode::kBadArgument);
  EXPECT_EQ(code_of("Np1L\n."), ErrorCode::kBadArgument);
  EXPECT_EQ(code_of("Np-1\n."), ErrorCode::kBadMemoIndex);
  EXPECT_EQ(code_of("Np99999999999999999999999\n."), ErrorCode::kBadMemoIndex);
}

TEST(CPythonParitySetItem, ListItemIsReplaced) {
  auto l = L("(lI0\naI1\naI0\nI9\ns.");
  ASSERT_EQ(l.root().kind(), Kind::kList);
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_EQ(l.root()[0].as_int(), 9);
  EXPECT_EQ(l.root()[1].as_int(), 1);
  auto neg = L("(lI0\naI1\naI-1\nI9\ns.");
  EXPECT_EQ(neg.root()[1].as_int(), 9);
  auto batch = L("\x80\x02](K\x00K\x01" "e(K\x00K\x07\x88K\x08u."s);  // True is index 1
  EXPECT_EQ(batch.root()[0].as_int(), 7);
  EXPECT_EQ(batch.root()[1].as_int(), 8);
}

TEST(CPythonParitySetItem, BadIndexOrTargetIsBadOperand) {
  EXPECT_EQ(code_of("\x80\x02](K\x00" "eK\x01K\x07s."s), ErrorCode::kBadOperand);
  EXPECT_EQ(code_of("\x80\x02](K\x00" "eJ\xfe\xff\xff\xffK\x07s."s), ErrorCode::kBadOperand);  // -2 of 1
  EXPECT_EQ(code_of("\x80\x02](K\x00" "e\x8a\x09"s + std::string(8, '\0') + "\x01K\x07s."s), ErrorCode::kBadOperand);
  EXPECT_EQ(code_of("\x80\x02](K\x00" "eX\x01\x00\x00\x00" "aK\x07s."s), ErrorCode::kBadOperand);
  EXPECT_EQ(code_of("\x80\x02K\x00\x85K\x00K\x07s."s), ErrorCode::kBadOperand);  // a tuple
  EXPECT_EQ(code_of("\x80\x04\x8f(K\x01\x90K\x00K\x07s."s), ErrorCode::kBadOperand);  // a set
}

TEST(CPythonParityMarkBatch, EmptyBatchOntoAnyValueIsNoCall) {
  EXPECT_EQ(L("N(e.").root().kind(), Kind::kNone);
  EXPECT_EQ(L("N(u.").root().kind(), Kind::kNone);
  EXPECT_EQ(L("\x80\x04N(\x90.").root().kind(), Kind::kNone);
  EXPECT_EQ(L("K\x01(e.").root().as_int(), 1);
  EXPECT_EQ(code_of("N(K\x01" "e."), ErrorCode::kBadOperand);
  EXPECT_EQ(code_of("\x80\x04](K\x01\x90."), ErrorCode::kBadOperand);
  EXPECT_EQ(code_of("(e."), ErrorCode::kStackUnderflow);  // still a value below the MARK
}

TEST(CPythonParityCalls, ValuesNoCallCanTakeAreRefused) {
  const std::string pushes[] = {"N"s, "\x88"s, "K\x01"s, "G?\xf0\0\0\0\0\0\0"s, "X\x01\0\0\0a"s, "C\x01" "a"s,
                                "\x96\x01\0\0\0\0\0\0\0a"s, ")"s, "]"s, "}"s, "\x8f"s, "(\x91"s};
  for (const std::string& push : pushes) {
    const std::string head = "\x80\x05"s;
    for (const std::string& call : {push + ")R."s, push + ")\x81."s, push + ")}\x92."s, "("s + push + "K\x01o."s}) {
      try {
        L(head + call);
        ADD_FAILURE() << "loaded " << call;
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kBadOperand) << e.what();
        EXPECT_EQ(e.offset(), head.size() + call.size() - 2) << e.what();
        EXPECT_NE(std::string(e.what()).find(" expects a c"), std::string::npos) << e.what();
      }
    }
  }
}

TEST(CPythonParityCalls, GlobalsObjectsAndPersistentIdsMayBeCalled) {
  EXPECT_EQ(L("\x80\x02" "cmod\nf\n)R.").root().kind(), Kind::kObject);
  EXPECT_EQ(L("\x80\x02" "cmod\nf\n)R)R.").root().kind(), Kind::kObject);  // an object's result
  EXPECT_EQ(L("\x80\x02X\x01\0\0\0p\x51)R."s).root().kind(), Kind::kObject);  // a persistent id
  EXPECT_EQ(L("\x80\x02" "cmod\nC\n)\x81.").root().kind(), Kind::kObject);
  EXPECT_EQ(L("(cmod\nC\no.").root().kind(), Kind::kObject);
}

}  // namespace
}  // namespace picklejar::opcode_test
