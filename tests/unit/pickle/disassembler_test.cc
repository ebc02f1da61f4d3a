// picklejar::disassemble must print exactly what CPython 3.11's `pickletools.dis(data)` prints.
// Every expected listing below was produced by /usr/bin/python3 (3.11) pickletools.dis on the same
// bytes; for malformed streams, pickletools' output up to its ValueError is expected, followed by
// an Error carrying the code and the offending opcode's offset.
#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "picklejar/error.h"
#include "picklejar/pickle.h"

namespace picklejar {
namespace {

template <size_t N>
std::vector<uint8_t> bytes_of(const char (&s)[N]) {
  return std::vector<uint8_t>(s, s + N - 1);
}

std::string dis(const std::vector<uint8_t>& data) {
  std::ostringstream out;
  disassemble(ByteView(data.data(), data.size()), out);
  return out.str();
}

struct Failure {
  std::string output;
  ErrorCode code;
  uint64_t offset;
};

Failure dis_failure(const std::vector<uint8_t>& data) {
  std::ostringstream out;
  try {
    disassemble(ByteView(data.data(), data.size()), out);
  } catch (const Error& e) {
    return Failure{out.str(), e.code(), e.offset()};
  }
  ADD_FAILURE() << "no error; output:\n" << out.str();
  return Failure{out.str(), ErrorCode::kInvalidArgument, 0};
}

TEST(Disassembler, Protocol0ListWithMarks) {
  const auto data = bytes_of("(lp0\012I1\012aI2\012a(I3\012I4\012tp1\012a(dp2\012c_codecs\012e"
      "ncode\012p3\012(Vabc\012p4\012Vlatin1\012p5\012tp6\012Rp7\012Vde"
      "f\012p8\012sa.");
  EXPECT_EQ(dis(data), R"DIS(    0: (    MARK
    1: l        LIST       (MARK at 0)
    2: p    PUT        0
    5: I    INT        1
    8: a    APPEND
    9: I    INT        2
   12: a    APPEND
   13: (    MARK
   14: I        INT        3
   17: I        INT        4
   20: t        TUPLE      (MARK at 13)
   21: p    PUT        1
   24: a    APPEND
   25: (    MARK
   26: d        DICT       (MARK at 25)
   27: p    PUT        2
   30: c    GLOBAL     '_codecs encode'
   46: p    PUT        3
   49: (    MARK
   50: V        UNICODE    'abc'
   55: p        PUT        4
   58: V        UNICODE    'latin1'
   66: p        PUT        5
   69: t        TUPLE      (MARK at 49)
   70: p    PUT        6
   73: R    REDUCE
   74: p    PUT        7
   77: V    UNICODE    'def'
   82: p    PUT        8
   85: s    SETITEM
   86: a    APPEND
   87: .    STOP
highest protocol among opcodes = 0
)DIS");
}

TEST(Disassembler, Protocol0PopTakesMark) {
  const auto data = bytes_of("((lp0\012(g0\012tp1\012a00g1\012.");
  EXPECT_EQ(dis(data), R"DIS(    0: (    MARK
    1: (        MARK
    2: l            LIST       (MARK at 1)
    3: p        PUT        0
    6: (        MARK
    7: g            GET        0
   10: t            TUPLE      (MARK at 6)
   11: p        PUT        1
   14: a        APPEND
   15: 0        POP
   16: 0        POP        (MARK at 0)
   17: g    GET        1
   20: .    STOP
highest protocol among opcodes = 0
)DIS");
}

TEST(Disassembler, Protocol1PopMark) {
  const auto data = bytes_of("(]q\000(h\000tq\001a1h\001.");
  EXPECT_EQ(dis(data), R"DIS(    0: (    MARK
    1: ]        EMPTY_LIST
    2: q        BINPUT     0
    4: (        MARK
    5: h            BINGET     0
    7: t            TUPLE      (MARK at 4)
    8: q        BINPUT     1
   10: a        APPEND
   11: 1        POP_MARK   (MARK at 0)
   12: h    BINGET     1
   14: .    STOP
highest protocol among opcodes = 1
)DIS");
}

TEST(Disassembler, Protocol2Class) {
  const auto data = bytes_of("\200\002]q\000(cpickletools\012_Example\012q\001)\201q\002}q\003"
      "X\005\000\000\000valueq\004K*sbh\002e.");
  EXPECT_EQ(dis(data), R"DIS(    0: \x80 PROTO      2
    2: ]    EMPTY_LIST
    3: q    BINPUT     0
    5: (    MARK
    6: c        GLOBAL     'pickletools _Example'
   28: q        BINPUT     1
   30: )        EMPTY_TUPLE
   31: \x81     NEWOBJ
   32: q        BINPUT     2
   34: }        EMPTY_DICT
   35: q        BINPUT     3
   37: X        BINUNICODE 'value'
   47: q        BINPUT     4
   49: K        BININT1    42
   51: s        SETITEM
   52: b        BUILD
   53: h        BINGET     2
   55: e        APPENDS    (MARK at 5)
   56: .    STOP
highest protocol among opcodes = 2
)DIS");
}

TEST(Disassembler, Protocol4FrameMemoize) {
  const auto data = bytes_of("\200\004\225S\000\000\000\000\000\000\000}\224(\214\004k\303\251"
      "y\224]\224(C\004it's\224(K\001\221\224\217\224(K\002\220(G\077"
      "\370\000\000\000\000\000\000G\200\000\000\000\000\000\000\000N"
      "\210t\224e\214\014\342\200\250\355\240\200\360\237\230\200\302"
      "\240\224\212\011\000\000\000\000\000\000\000\000@u.");
  EXPECT_EQ(dis(data), R"DIS(    0: \x80 PROTO      4
    2: \x95 FRAME      83
   11: }    EMPTY_DICT
   12: \x94 MEMOIZE    (as 0)
   13: (    MARK
   14: \x8c     SHORT_BINUNICODE 'kéy'
   20: \x94     MEMOIZE    (as 1)
   21: ]        EMPTY_LIST
   22: \x94     MEMOIZE    (as 2)
   23: (        MARK
   24: C            SHORT_BINBYTES b"it's"
   30: \x94         MEMOIZE    (as 3)
   31: (            MARK
   32: K                BININT1    1
   34: \x91             FROZENSET  (MARK at 31)
   35: \x94         MEMOIZE    (as 4)
   36: \x8f         EMPTY_SET
   37: \x94         MEMOIZE    (as 5)
   38: (            MARK
   39: K                BININT1    2
   41: \x90             ADDITEMS   (MARK at 38)
   42: (            MARK
   43: G                BINFLOAT   1.5
   52: G                BINFLOAT   -0.0
   61: N                NONE
   62: \x88             NEWTRUE
   63: t                TUPLE      (MARK at 42)
   64: \x94         MEMOIZE    (as 6)
   65: e            APPENDS    (MARK at 23)
   66: \x8c     SHORT_BINUNICODE '\u2028\ud800😀\xa0'
   80: \x94     MEMOIZE    (as 7)
   81: \x8a     LONG1      1180591620717411303424
   92: u        SETITEMS   (MARK at 13)
   93: .    STOP
highest protocol among opcodes = 4
)DIS");
}

TEST(Disassembler, Protocol5ByteArray) {
  const auto data = bytes_of("\200\005\225\037\000\000\000\000\000\000\000]\224(\226\002\000"
      "\000\000\000\000\000\000'q\224\226\004\000\000\000\000\000\000"
      "\000\"\\\000\377\224e.");
  EXPECT_EQ(dis(data), R"DIS(    0: \x80 PROTO      5
    2: \x95 FRAME      31
   11: ]    EMPTY_LIST
   12: \x94 MEMOIZE    (as 0)
   13: (    MARK
   14: \x96     BYTEARRAY8 bytearray(b"\'q")
   25: \x94     MEMOIZE    (as 1)
   26: \x96     BYTEARRAY8 bytearray(b'"\\\x00\xff')
   39: \x94     MEMOIZE    (as 2)
   40: e        APPENDS    (MARK at 13)
   41: .    STOP
highest protocol among opcodes = 5
)DIS");
}

TEST(Disassembler, Python2Opcodes) {
  const auto data = bytes_of("(S'it\\'s'\012p0\012T\002\000\000\000\351\000U\001\"L123L\012I01"
      "\012I-007\012F1_0.5e1\012V\\u20ac\\\\x\012Ppid\012cmod\012name"
      "\012(i__main__\012C\012(cmod\012K\012o\212\002\000\200\213\001"
      "\000\000\000\377\202\001\203\002\001\204\377\377\377\377l.");
  EXPECT_EQ(dis(data), R"DIS(    0: (    MARK
    1: S        STRING     "it's"
   10: p        PUT        0
   13: T        BINSTRING  'é\x00'
   20: U        SHORT_BINSTRING '"'
   23: L        LONG       123
   29: I        INT        True
   33: I        INT        -7
   39: F        FLOAT      105.0
   48: V        UNICODE    '€\\\\x'
   59: P        PERSID     'pid'
   64: c        GLOBAL     'mod name'
   74: (        MARK
   75: i            INST       '__main__ C' (MARK at 74)
   87: (        MARK
   88: c            GLOBAL     'mod K'
   95: o            OBJ        (MARK at 87)
   96: \x8a     LONG1      -32768
  100: \x8b     LONG4      -1
  106: \x82     EXT1       1
  108: \x83     EXT2       258
  111: \x84     EXT4       -1
  116: l        LIST       (MARK at 0)
  117: .    STOP
highest protocol among opcodes = 2
)DIS");
}

TEST(DisassemblerError, UnknownOpcode) {
  // pickletools: ValueError: at position 1, opcode b'\xff' unknown
  const auto data = bytes_of("N\377.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS(    0: N    NONE
)DIS");
  EXPECT_EQ(f.code, ErrorCode::kUnknownOpcode);
  EXPECT_EQ(f.offset, 1u);
}

TEST(DisassemblerError, Empty) {
  // pickletools: ValueError: pickle exhausted before seeing STOP
  const auto data = bytes_of("");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS()DIS");
  EXPECT_EQ(f.code, ErrorCode::kTruncated);
  EXPECT_EQ(f.offset, 0u);
}

TEST(DisassemblerError, NoStop) {
  // pickletools: ValueError: pickle exhausted before seeing STOP
  const auto data = bytes_of("K\001K\002");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS(    0: K    BININT1    1
    2: K    BININT1    2
)DIS");
  EXPECT_EQ(f.code, ErrorCode::kNoStop);
  EXPECT_EQ(f.offset, 4u);
}

TEST(DisassemblerError, TruncatedArgument) {
  // pickletools: ValueError: expected 5 bytes in a unicodestring4, but only 3 remain
  const auto data = bytes_of("]X\005\000\000\000abc");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS(    0: ]    EMPTY_LIST
)DIS");
  EXPECT_EQ(f.code, ErrorCode::kTruncated);
  EXPECT_EQ(f.offset, 1u);
}

TEST(DisassemblerError, HugeDeclaredLength) {
  // pickletools: ValueError: expected 9223372036854775807 bytes in a bytes8, but only 0 remain
  const auto data = bytes_of("\216\377\377\377\377\377\377\377\177");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS()DIS");
  EXPECT_EQ(f.code, ErrorCode::kTruncated);
  EXPECT_EQ(f.offset, 0u);
}

TEST(DisassemblerError, NegativeLength) {
  // pickletools: ValueError: string4 byte count < 0: -1
  const auto data = bytes_of("T\377\377\377\377");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS()DIS");
  EXPECT_EQ(f.code, ErrorCode::kBadLength);
  EXPECT_EQ(f.offset, 0u);
}

TEST(DisassemblerError, NoMark) {
  // pickletools: ValueError: no MARK exists on stack
  const auto data = bytes_of("]Ne.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS(    0: ]    EMPTY_LIST
    1: N    NONE
    2: e    APPENDS    no MARK exists on stack
)DIS");
  EXPECT_EQ(f.code, ErrorCode::kMarkMisuse);
  EXPECT_EQ(f.offset, 2u);
}

TEST(DisassemblerError, MarkConsumedAsItem) {
  // pickletools: IndexError: list index out of range
  const auto data = bytes_of("(N\206l.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS(    0: (    MARK
    1: N        NONE
    2: \x86     TUPLE2
    3: )DIS");
  EXPECT_EQ(f.code, ErrorCode::kMarkMisuse);
  EXPECT_EQ(f.offset, 3u);
}

TEST(DisassemblerError, MemoMissing) {
  // pickletools: ValueError: memo key 3 has never been stored into
  const auto data = bytes_of("Nh\003.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS(    0: N    NONE
    1: h    BINGET     3
)DIS");
  EXPECT_EQ(f.code, ErrorCode::kMemoMissing);
  EXPECT_EQ(f.offset, 1u);
}

TEST(DisassemblerError, MemoRedefined) {
  // pickletools: ValueError: memo key None already defined
  const auto data = bytes_of("Nq\001\224\224.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS(    0: N    NONE
    1: q    BINPUT     1
    3: \x94 MEMOIZE    (as 1)
)DIS");
  EXPECT_EQ(f.code, ErrorCode::kBadMemoIndex);
  EXPECT_EQ(f.offset, 3u);
}

TEST(DisassemblerError, StackUnderflow) {
  // pickletools: ValueError: tries to pop 2 items from stack with only 1 items
  const auto data = bytes_of("N\205\206.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS(    0: N    NONE
    1: \x85 TUPLE1
    2: \x86 TUPLE2
)DIS");
  EXPECT_EQ(f.code, ErrorCode::kStackUnderflow);
  EXPECT_EQ(f.offset, 2u);
}

TEST(DisassemblerError, StackNotEmptyAfterStop) {
  // pickletools: ValueError: stack not empty after STOP: [mark]
  const auto data = bytes_of("(K\001.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS(    0: (    MARK
    1: K        BININT1    1
    3: .        STOP
highest protocol among opcodes = 1
)DIS");
  EXPECT_EQ(f.code, ErrorCode::kBadOperand);
  EXPECT_EQ(f.offset, 3u);
}

TEST(DisassemblerError, BadUtf8) {
  // pickletools: UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc3 in position 0: invalid co
  const auto data = bytes_of("\214\002\303(.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS()DIS");
  EXPECT_EQ(f.code, ErrorCode::kBadUtf8);
  EXPECT_EQ(f.offset, 0u);
}

TEST(DisassemblerError, BadIntLiteral) {
  // pickletools: ValueError: invalid literal for int() with base 10: b'12x'
  const auto data = bytes_of("I12x\012.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS()DIS");
  EXPECT_EQ(f.code, ErrorCode::kBadArgument);
  EXPECT_EQ(f.offset, 0u);
}

TEST(DisassemblerError, StringNotAscii) {
  // pickletools: UnicodeDecodeError: 'ascii' codec can't decode byte 0xe9 in position 0: ordinal no
  const auto data = bytes_of("S'\\xe9'\012.");
  const Failure f = dis_failure(data);
  EXPECT_EQ(f.output, R"DIS()DIS");
  EXPECT_EQ(f.code, ErrorCode::kDecode);
  EXPECT_EQ(f.offset, 0u);
}

TEST(Disassembler, StopsAtStopAndIgnoresTrailingBytes) {
  const auto data = bytes_of("N.\377garbage");
  EXPECT_EQ(dis(data), "    0: N    NONE\n    1: .    STOP\nhighest protocol among opcodes = 0\n");
}

TEST(Disassembler, DeepNestingIsIterative) {
  // 200000 nested lists: EMPTY_LIST x n, APPEND x (n - 1), STOP.
  constexpr size_t n = 200000;
  std::vector<uint8_t> data(n, ']');
  data.insert(data.end(), n - 1, 'a');
  data.push_back('.');
  const std::string text = dis(data);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), static_cast<long>(2 * n + 1));
  EXPECT_NE(text.find("399999: .    STOP\nhighest protocol among opcodes = 1\n"), std::string::npos);
}

TEST(Disassembler, OffsetsWiderThanFiveColumns) {
  std::vector<uint8_t> data(100001, 'N');
  data.insert(data.end(), 100000, '0');
  data.push_back('.');
  const std::string text = dis(data);
  EXPECT_NE(text.find("\n99999: N    NONE\n100000: N    NONE\n100001: 0    POP\n"), std::string::npos);
}

TEST(DisassemblerError, WritesLinesBeforeTheFailure) {
  const auto data = bytes_of("K\001K\002\377");
  std::ostringstream out;
  try {
    disassemble(ByteView(data.data(), data.size()), out);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnknownOpcode);
    EXPECT_EQ(e.offset(), 4u);
    EXPECT_EQ(e.opcode(), 0xff);
  }
  EXPECT_EQ(out.str(), "    0: K    BININT1    1\n    2: K    BININT1    2\n");
}

TEST(DisassemblerError, ReportsTheOpcodeByte) {
  const auto data = bytes_of("\200\004\225\010\000\000\000\000\000\000\000X\377\377\377\377");
  try {
    dis(data);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTruncated);
    EXPECT_EQ(e.offset(), 11u);
    EXPECT_EQ(e.opcode(), 0x58);  // BINUNICODE
  }
}

TEST(Disassembler, HugeIntsArePrintedInFull) {
  // As pickletools under sys.set_int_max_str_digits(0), the fixtures' convention: CPython 3.11's
  // default 4300-digit limit would make repr() fail here. LONG4 of 1800 bytes of 0x01.
  std::vector<uint8_t> data = {0x8b, 0x08, 0x07, 0x00, 0x00};
  data.insert(data.end(), 1800, 0x01);
  data.push_back('.');
  const std::string text = dis(data);
  const std::string head = "    0: \\x8b LONG4      266316074623784410316947685085";
  const std::string tail = "325565872176358116509857415425\n 1805: .    STOP\nhighest protocol among opcodes = 2\n";
  ASSERT_EQ(text.size(), head.size() - 30 + 4333 + tail.size() - 30);
  EXPECT_EQ(text.substr(0, head.size()), head);
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail);
}

}  // namespace
}  // namespace picklejar
