// One or more tests for every opcode of pickle protocols 0-5, each on a hand-built byte string, plus
// tests of the load_file / load_stream entry points (in opcodes_objects_test.cc). The value model
// on loaded documents (dict-key equality, lookups, identity) is in tests/unit/model/value_model_test.cc.
//
// Expected values were checked against CPython 3.11 (/usr/bin/python3, pickle.loads) where the
// stream is one CPython accepts.
//
// Note on the literals: a C++ "\xNN" escape swallows every hex digit that follows, so a literal
// like "K\x01a" (BININT1 1, APPEND) must be written "K\x01" "a". Streams containing NUL bytes use
// the ""s suffix (std::string_literals).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "picklejar/picklejar.h"

#include "opcodes_test_util.h"

namespace picklejar {
namespace {

using namespace std::string_literals;
using namespace opcode_test;

static_assert(sizeof(Value) == 16, "Value is a (document, id) handle and must stay 16 bytes");

// ---- the opcode coverage list ----------------------------------------------------------------------

// Every opcode in src/base/opcodes.def must appear here (and have a test below).
const std::set<std::string> kTestedOpcodes = {
    "MARK", "STOP", "POP", "POP_MARK", "DUP", "FLOAT", "INT", "BININT", "BININT1", "LONG", "BININT2", "NONE",
    "PERSID", "BINPERSID", "REDUCE", "STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE",
    "APPEND", "BUILD", "GLOBAL", "DICT", "EMPTY_DICT", "APPENDS", "GET", "BINGET", "INST", "LONG_BINGET",
    "LIST", "EMPTY_LIST", "OBJ", "PUT", "BINPUT", "LONG_BINPUT", "SETITEM", "TUPLE", "EMPTY_TUPLE",
    "SETITEMS", "BINFLOAT", "PROTO", "NEWOBJ", "EXT1", "EXT2", "EXT4", "TUPLE1", "TUPLE2", "TUPLE3",
    "NEWTRUE", "NEWFALSE", "LONG1", "LONG4", "SHORT_BINUNICODE", "BINUNICODE8", "SHORT_BINBYTES",
    "BINBYTES", "BINBYTES8", "EMPTY_SET", "ADDITEMS", "FROZENSET", "NEWOBJ_EX", "STACK_GLOBAL", "MEMOIZE",
    "FRAME", "BYTEARRAY8", "NEXT_BUFFER", "READONLY_BUFFER",
};

TEST(OpcodeCoverage, EveryOpcodeInTheTableIsTested) {
  std::set<std::string> table;
#define PICKLEJAR_OPCODE(name, byte, arg, proto, before, after, doc) table.insert(#name);
#include "base/opcodes.def"
#undef PICKLEJAR_OPCODE
  EXPECT_EQ(table.size(), 68u);  // pickletools.opcodes has 68 entries for protocols 0-5
  EXPECT_EQ(table, kTestedOpcodes);
}

// ---- control: PROTO, STOP, FRAME -------------------------------------------------------------------

TEST(OpcodeStop, ReturnsTopAndIgnoresTrailingBytes) {
  auto l = L("N.garbage after stop");
  EXPECT_EQ(l.root().kind(), Kind::kNone);
  EXPECT_TRUE(l.root().is_none());
}

TEST(OpcodeStop, ValueAboveALeftoverMarkIsTheResult) {
  // CPython: pickle.loads(b'(N.') is None; a MARK left below the result is not an error.
  auto l = L("(N.");
  EXPECT_TRUE(l.root().is_none());
}

TEST(OpcodeProto, LoadedProtocolIsRecorded) {
  for (int p = 2; p <= 5; ++p) {
    auto l = L("\x80"s + u1(static_cast<uint8_t>(p)) + "N.");
    EXPECT_EQ(loaded_protocol(l.doc), p);
    EXPECT_TRUE(l.root().is_none());
  }
  EXPECT_EQ(loaded_protocol(L("N.").doc), 0);
  EXPECT_EQ(loaded_protocol(L("\x80\x00N."s).doc), 0);
  EXPECT_EQ(loaded_protocol(L("\x80\x01N.").doc), 1);
}

TEST(OpcodeProto, ProtocolAboveFiveIsUnsupported) {
  EXPECT_EQ(code_of("\x80\x06N."), ErrorCode::kUnsupportedProtocol);
}

TEST(OpcodeFrame, FramedStreamLoads) {
  // pickle.dumps(frozenset({1, 2}), 4)
  auto l = L("\x80\x04\x95\x08\x00\x00\x00\x00\x00\x00\x00(K\x01K\x02\x91\x94."s);
  ASSERT_EQ(l.root().kind(), Kind::kFrozenSet);
  EXPECT_EQ(l.root().size(), 2u);
  EXPECT_EQ(loaded_protocol(l.doc), 4);
}

TEST(OpcodeFrame, OpcodeMayCrossTheFrameEnd) {
  // As CPython's C unpickler: the 2-byte frame ends inside SHORT_BINUNICODE's payload.
  auto l = L("\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00\x8c\x03" "abc."s);
  EXPECT_EQ(l.root().as_str(), "abc");
}

// ---- atoms -----------------------------------------------------------------------------------------

TEST(OpcodeNone, PushesNone) {
  auto l = L("N.");
  EXPECT_EQ(l.root().kind(), Kind::kNone);
  EXPECT_EQ(kind_name(l.root().kind()), "NoneType");
}

TEST(OpcodeNewTrueFalse, PushBools) {
  auto t = L("\x80\x02\x88.");
  ASSERT_EQ(t.root().kind(), Kind::kBool);
  EXPECT_TRUE(t.root().as_bool());
  EXPECT_EQ(t.root().as_int(), 1);
  auto f = L("\x80\x02\x89.");
  ASSERT_EQ(f.root().kind(), Kind::kBool);
  EXPECT_FALSE(f.root().as_bool());
  EXPECT_EQ(f.root().as_int(), 0);
}

TEST(OpcodeInt, DecimalLines) {
  auto a = L("I42\n.");
  ASSERT_EQ(a.root().kind(), Kind::kInt);
  EXPECT_EQ(a.root().as_int(), 42);
  EXPECT_EQ(L("I-7\n.").root().as_int(), -7);
  EXPECT_EQ(L("I0\n.").root().as_int(), 0);
  EXPECT_EQ(L("I0\n.").root().kind(), Kind::kInt);
  EXPECT_EQ(L("I2147483648\n.").root().as_int(), 2147483648);
}

TEST(OpcodeInt, ZeroZeroAndZeroOneAreBools) {
  auto t = L("I01\n.");
  ASSERT_EQ(t.root().kind(), Kind::kBool);
  EXPECT_TRUE(t.root().as_bool());
  auto f = L("I00\n.");
  ASSERT_EQ(f.root().kind(), Kind::kBool);
  EXPECT_FALSE(f.root().as_bool());
}

TEST(OpcodeInt, BigDecimalLine) {
  auto l = L("I123456789012345678901234567890\n.");
  ASSERT_EQ(l.root().kind(), Kind::kInt);
  EXPECT_FALSE(l.root().fits_int64());
  EXPECT_EQ(l.root().int_decimal(), "123456789012345678901234567890");
  EXPECT_EQ(L("I-123456789012345678901234567890\n.").root().int_decimal(), "-123456789012345678901234567890");
  // 2**63 does not fit; -2**63 does.
  EXPECT_FALSE(L("I9223372036854775808\n.").root().fits_int64());
  EXPECT_EQ(L("I-9223372036854775808\n.").root().as_int(), std::numeric_limits<int64_t>::min());
  try {
    (void)L("I9223372036854775808\n.").root().as_int();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kOutOfRange);
  }
}

TEST(OpcodeBinInt, SignedFourBytes) {
  EXPECT_EQ(L("J\xff\xff\xff\xff.").root().as_int(), -1);
  EXPECT_EQ(L("J\x00\x00\x00\x80."s).root().as_int(), -2147483648LL);
  EXPECT_EQ(L("J\xff\xff\xff\x7f.").root().as_int(), 2147483647);
  EXPECT_EQ(L("J\x01\x02\x03\x04.").root().as_int(), 0x04030201);
}

TEST(OpcodeBinInt1, UnsignedOneByte) {
  auto l = L("K\xff.");
  ASSERT_EQ(l.root().kind(), Kind::kInt);
  EXPECT_EQ(l.root().as_int(), 255);
  EXPECT_EQ(L("K\x00."s).root().as_int(), 0);
}

TEST(OpcodeBinInt2, UnsignedTwoBytes) {
  EXPECT_EQ(L("M\xff\xff.").root().as_int(), 65535);
  EXPECT_EQ(L("M\x01\x02.").root().as_int(), 0x0201);
}

TEST(OpcodeLong, DecimalLineWithOptionalL) {
  auto l = L("L123456789012345678901234567890L\n.");
  ASSERT_EQ(l.root().kind(), Kind::kInt);
  EXPECT_EQ(l.root().int_decimal(), "123456789012345678901234567890");
  EXPECT_EQ(L("L-5L\n.").root().as_int(), -5);
  EXPECT_EQ(L("L12\n.").root().as_int(), 12);  // Python 3 writes no L
  EXPECT_EQ(L("L0L\n.").root().kind(), Kind::kInt);  // never a bool
}

TEST(OpcodeLong1, TwosComplementBytes) {
  auto zero = L("\x80\x02\x8a\x00."s);
  ASSERT_EQ(zero.root().kind(), Kind::kInt);
  EXPECT_EQ(zero.root().as_int(), 0);
  EXPECT_TRUE(zero.root().int_bytes().empty());
  EXPECT_EQ(L("\x80\x02\x8a\x01\xff.").root().as_int(), -1);
  EXPECT_EQ(L("\x80\x02\x8a\x01\x7f.").root().as_int(), 127);
  EXPECT_EQ(L("\x80\x02\x8a\x02\x80\x00."s).root().as_int(), 128);
  // 2**64: nine bytes.
  auto big = L("\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01."s);
  EXPECT_FALSE(big.root().fits_int64());
  EXPECT_EQ(big.root().int_decimal(), "18446744073709551616");
  EXPECT_EQ(big.root().int_bytes(), (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_DOUBLE_EQ(big.root().as_float(), 18446744073709551616.0);
  // -2**64
  auto neg = L("\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\xff."s);
  EXPECT_EQ(neg.root().int_decimal(), "-18446744073709551616");
  // A non-minimal encoding of 5 is the int 5.
  auto five = L("\x80\x02\x8a\x09\x05\x00\x00\x00\x00\x00\x00\x00\x00."s);
  EXPECT_TRUE(five.root().fits_int64());
  EXPECT_EQ(five.root().as_int(), 5);
  EXPECT_EQ(five.root().int_bytes(), std::vector<uint8_t>{5});
}

TEST(OpcodeLong4, FourByteLength) {
  EXPECT_EQ(L("\x80\x02\x8b\x02\x00\x00\x00\x00\x80."s).root().as_int(), -32768);
  EXPECT_EQ(L("\x80\x02\x8b\x00\x00\x00\x00."s).root().as_int(), 0);
  std::string bytes(20, '\0');
  bytes[19] = 0x01;  // 2**152
  auto l = L("\x80\x02\x8b"s + le(20, 4) + bytes + ".");
  EXPECT_EQ(l.root().int_decimal(), "5708990770823839524233143877797980545530986496");
}

TEST(OpcodeFloat, DecimalLines) {
  auto l = L("F1.5\n.");
  ASSERT_EQ(l.root().kind(), Kind::kFloat);
  EXPECT_EQ(l.root().as_float(), 1.5);
  EXPECT_EQ(L("F-2.25\n.").root().as_float(), -2.25);
  EXPECT_EQ(L("F1e-05\n.").root().as_float(), 1e-05);
  EXPECT_EQ(L("F0.1\n.").root().as_float(), 0.1);
  double nz = L("F-0.0\n.").root().as_float();
  EXPECT_EQ(nz, 0.0);
  EXPECT_TRUE(std::signbit(nz));
  EXPECT_TRUE(std::isnan(L("Fnan\n.").root().as_float()));
  EXPECT_EQ(L("Finf\n.").root().as_float(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(L("F-inf\n.").root().as_float(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(L("F3\n.").root().kind(), Kind::kFloat);
}

TEST(OpcodeBinFloat, BigEndianDouble) {
  auto l = L("G?\xf8\x00\x00\x00\x00\x00\x00."s);
  ASSERT_EQ(l.root().kind(), Kind::kFloat);
  EXPECT_EQ(l.root().as_float(), 1.5);
  EXPECT_EQ(L("G\xc0\x00\x00\x00\x00\x00\x00\x00."s).root().as_float(), -2.0);
  EXPECT_EQ(L("G?\xb9\x99\x99\x99\x99\x99\x9a.").root().as_float(), 0.1);
  EXPECT_TRUE(std::isnan(L("G\x7f\xf8\x00\x00\x00\x00\x00\x00."s).root().as_float()));
  EXPECT_EQ(L("G\x7f\xf0\x00\x00\x00\x00\x00\x00."s).root().as_float(), std::numeric_limits<double>::infinity());
}

// ---- Python 2 str: STRING, BINSTRING, SHORT_BINSTRING, and the encoding option ----------------------

LoadOptions with_encoding(const char* enc) {
  LoadOptions o;
  o.encoding = enc;
  return o;
}

TEST(OpcodeString, QuotedLineWithEscapes) {
  auto l = L("S'abc'\n.");
  ASSERT_EQ(l.root().kind(), Kind::kStr);
  EXPECT_EQ(l.root().as_str(), "abc");
  EXPECT_EQ(L("S\"it's\"\n.").root().as_str(), "it's");
  EXPECT_EQ(L("S'a\\nb\\x41\\\\\\'\\101'\n.").root().as_str(), "a\nbA\\'A");
  EXPECT_EQ(L("S''\n.").root().as_str(), "");
}

TEST(OpcodeString, Encodings) {
  // S'\xe9' (an escaped byte 0xe9), and one raw byte 0xc3 0xa9.
  const std::string escaped = "S'\\xe9'\n.";
  EXPECT_EQ(code_of(escaped), ErrorCode::kDecode);  // ASCII, the default
  EXPECT_EQ(L(escaped, with_encoding("latin1")).root().as_str(), "\xc3\xa9");
  EXPECT_EQ(L(escaped, with_encoding("latin-1")).root().as_str(), "\xc3\xa9");
  auto b = L(escaped, with_encoding("bytes"));
  ASSERT_EQ(b.root().kind(), Kind::kBytes);
  EXPECT_EQ(sv(b.root().as_bytes()), "\xe9");
  EXPECT_EQ(code_of(escaped, with_encoding("utf-8")), ErrorCode::kDecode);
  EXPECT_EQ(L("S'\xc3\xa9'\n.", with_encoding("utf-8")).root().as_str(), "\xc3\xa9");
}

TEST(OpcodeBinString, FourByteSignedLength) {
  auto l = L("T\x03\x00\x00\x00" "abc."s);
  ASSERT_EQ(l.root().kind(), Kind::kStr);
  EXPECT_EQ(l.root().as_str(), "abc");
  auto b = L("T\x02\x00\x00\x00\xff\x00."s, with_encoding("bytes"));
  ASSERT_EQ(b.root().kind(), Kind::kBytes);
  EXPECT_EQ(sv(b.root().as_bytes()), "\xff\x00"s);
  EXPECT_EQ(L("T\x01\x00\x00\x00\xff."s, with_encoding("latin1")).root().as_str(), "\xc3\xbf");
  EXPECT_EQ(code_of("T\x01\x00\x00\x00\xff."s), ErrorCode::kDecode);
}

TEST(OpcodeShortBinString, OneByteLengthAllEncodings) {
  EXPECT_EQ(L("U\x03" "abc.").root().as_str(), "abc");
  EXPECT_EQ(L("U\x03" "abc.", with_encoding("ASCII")).root().as_str(), "abc");
  EXPECT_EQ(code_of("U\x01\xe9."), ErrorCode::kDecode);
  EXPECT_EQ(L("U\x01\xe9.", with_encoding("latin1")).root().as_str(), "\xc3\xa9");
  EXPECT_EQ(L("U\x01\xe9.", with_encoding("iso-8859-1")).root().as_str(), "\xc3\xa9");
  auto b = L("U\x01\xe9.", with_encoding("bytes"));
  ASSERT_EQ(b.root().kind(), Kind::kBytes);
  EXPECT_EQ(sv(b.root().as_bytes()), "\xe9");
  EXPECT_EQ(L("U\x02\xc3\xa9.", with_encoding("utf-8")).root().as_str(), "\xc3\xa9");
  EXPECT_EQ(code_of("U\x01\xe9.", with_encoding("utf-8")), ErrorCode::kDecode);
  EXPECT_EQ(L("U\x00."s).root().as_str(), "");
}

// Any other codec decodes through iconv, when a str needs it, as CPython's codec lookup does
// (expected values from /usr/bin/python3: pickle.loads(DATA, encoding=NAME)).
TEST(OpcodeShortBinString, OtherEncodingsDecodeWhenAStrNeedsThem) {
  EXPECT_TRUE(L("N.", with_encoding("koi8-r")).root().is_none());
  EXPECT_EQ(L("U\x02\xc1\xc2.", with_encoding("koi8-r")).root().as_str(), "\xd0\xb0\xd0\xb1");  // 'аб'
  EXPECT_EQ(L("U\x02\xc1\xc2.", with_encoding("koi8_r")).root().as_str(), "\xd0\xb0\xd0\xb1");
  EXPECT_EQ(L("U\x02\xc1\xc2.", with_encoding("cp1251")).root().as_str(), "\xd0\x91\xd0\x92");  // 'БВ'
  EXPECT_EQ(L("S''\n.", with_encoding("koi8-r")).root().as_str(), "");  // pickletester's test_empty_bytestring
  // The UTF-8 buffer (up to 4 bytes per byte) is bounded by the memory limit before it exists:
  // 20,000 bytes load as latin1 within 30,000 bytes of document, not through iconv's 80,016.
  const std::string big = "T\x20\x4e\x00\x00"s + std::string(20000, 'a') + ".";
  LoadOptions small = with_encoding("latin1");
  small.limits.max_memory_bytes = 30000;
  EXPECT_EQ(L(big, small).root().size(), 20000u);
  small.encoding = "cp1251";
  EXPECT_EQ(code_of(big, small), ErrorCode::kLimitExceeded);
  // 0x98 is unassigned in cp1251: UnicodeDecodeError in Python.
  EXPECT_EQ(code_of("U\x01\x98.", with_encoding("cp1251")), ErrorCode::kDecode);
}

// ---- str ---------------------------------------------------------------------------------------------

TEST(OpcodeUnicode, RawUnicodeEscapeLine) {
  auto l = L("Vab\\u00e9\n.");
  ASSERT_EQ(l.root().kind(), Kind::kStr);
  EXPECT_EQ(l.root().as_str(), "ab\xc3\xa9");
  EXPECT_EQ(L("V\xff\n.").root().as_str(), "\xc3\xbf");  // raw bytes are Latin-1
  EXPECT_EQ(L("V\\U0001f600\n.").root().as_str(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(L("V\\ud800\n.").root().as_str(), "\xed\xa0\x80");  // lone surrogate, surrogatepass
  EXPECT_EQ(L("Va\\\\u0041\n.").root().as_str(), "a\\\\u0041");  // even backslash run: no escape
  EXPECT_EQ(L("V\n.").root().as_str(), "");
}

TEST(OpcodeBinUnicode, FourByteLengthUtf8) {
  auto l = L("X\x02\x00\x00\x00hi."s);
  ASSERT_EQ(l.root().kind(), Kind::kStr);
  EXPECT_EQ(l.root().as_str(), "hi");
  EXPECT_EQ(l.root().size(), 2u);
  EXPECT_EQ(L("X\x03\x00\x00\x00\xed\xa0\x80."s).root().as_str(), "\xed\xa0\x80");  // surrogatepass
  EXPECT_EQ(L("X\x00\x00\x00\x00."s).root().as_str(), "");
}

TEST(OpcodeShortBinUnicode, OneByteLengthUtf8) {
  auto l = L("\x80\x04\x8c\x02\xc3\xa9.");
  EXPECT_EQ(l.root().as_str(), "\xc3\xa9");
  EXPECT_EQ(l.root().size(), 2u);  // UTF-8 bytes
}

TEST(OpcodeBinUnicode8, EightByteLength) {
  auto l = L("\x80\x04\x8d"s + le(3, 8) + "xyz.");
  EXPECT_EQ(l.root().as_str(), "xyz");
}

// ---- bytes, bytearray, buffers -------------------------------------------------------------------------

TEST(OpcodeShortBinBytes, OneByteLength) {
  auto l = L("\x80\x03" "C\x03" "a\x00" "b."s);
  ASSERT_EQ(l.root().kind(), Kind::kBytes);
  EXPECT_EQ(sv(l.root().as_bytes()), "a\x00" "b"s);
  EXPECT_EQ(L("\x80\x03" "C\x00."s).root().size(), 0u);
}

TEST(OpcodeBinBytes, FourByteLength) {
  std::string payload(300, 'z');
  auto l = L("\x80\x03" "B"s + le(300, 4) + payload + ".");
  ASSERT_EQ(l.root().kind(), Kind::kBytes);
  EXPECT_EQ(sv(l.root().as_bytes()), payload);
}

TEST(OpcodeBinBytes, ZeroCopyFromMemory) {
  auto l = L("\x80\x03" "C\x03" "abc.");
  // The payload points into the input buffer.
  EXPECT_EQ(reinterpret_cast<const char*>(l.root().as_bytes().data()), l.bytes->data() + 4);
}

TEST(OpcodeBinBytes8, EightByteLength) {
  auto l = L("\x80\x04\x8e"s + le(2, 8) + "\xff\xfe.");
  ASSERT_EQ(l.root().kind(), Kind::kBytes);
  EXPECT_EQ(sv(l.root().as_bytes()), "\xff\xfe");
}

TEST(OpcodeByteArray8, EightByteLength) {
  // pickle.dumps(bytearray(b'ab'), 5)
  auto l = L("\x80\x05\x95\r\x00\x00\x00\x00\x00\x00\x00\x96\x02\x00\x00\x00\x00\x00\x00\x00" "ab\x94."s);
  ASSERT_EQ(l.root().kind(), Kind::kByteArray);
  EXPECT_EQ(sv(l.root().as_bytes()), "ab");
  EXPECT_EQ(kind_name(l.root().kind()), "bytearray");
}

TEST(OpcodeNextBuffer, TakesOutOfBandBuffersInOrder) {
  static const uint8_t a[] = {1, 2, 3};
  static const uint8_t b[] = {9};
  LoadOptions o;
  o.buffers = std::vector<BufferView>{{ByteView(a, 3), false}, {ByteView(b, 1), true}};
  auto l = L("\x80\x05(\x97\x97t.", o);
  ASSERT_EQ(l.root().kind(), Kind::kTuple);
  Value x = l.root()[0], y = l.root()[1];
  ASSERT_EQ(x.kind(), Kind::kBuffer);
  EXPECT_EQ(kind_name(x.kind()), "PickleBuffer");
  EXPECT_EQ(x.as_bytes().data(), a);  // not copied
  EXPECT_EQ(x.size(), 3u);
  EXPECT_FALSE(x.readonly_buffer());
  EXPECT_EQ(y.as_bytes().data(), b);
  EXPECT_TRUE(y.readonly_buffer());
}

TEST(OpcodeNextBuffer, ExtraBuffersAreIgnored) {
  static const uint8_t a[] = {1};
  LoadOptions o;
  o.buffers = std::vector<BufferView>{{ByteView(a, 1), false}, {ByteView(a, 1), false}};
  EXPECT_EQ(L("\x80\x05\x97.", o).root().size(), 1u);
}

// One PickleBuffer held twice pickles (out-of-band) as two NEXT_BUFFERs, and the callback's list
// holds it twice; Python's loader then returns the same object twice. The same view given twice
// is one object; views of other memory, size or flag are not (found by fuzz_roundtrip).
TEST(OpcodeNextBuffer, TheSameViewTwiceIsOneObject) {
  static const uint8_t a[] = {1, 2, 3};
  LoadOptions o;
  o.buffers = std::vector<BufferView>{{ByteView(a, 3), false}, {ByteView(a, 3), false}, {ByteView(a, 2), false},
                                      {ByteView(a, 3), true}};
  auto l = L("\x80\x05(\x97\x97\x97\x97t.", o);
  Value r = l.root();
  EXPECT_TRUE(r[0].is(r[1]));
  EXPECT_FALSE(r[0].is(r[2]));
  EXPECT_FALSE(r[0].is(r[3]));
  EXPECT_TRUE(r[3].readonly_buffer());
  // Dumped out-of-band at protocol 5 and loaded with the callback's list: still one object.
  std::vector<BufferView> out;
  DumpOptions d;
  d.protocol = 5;
  d.buffer_callback = [&](const Value& b) {
    out.push_back({b.as_bytes(), b.readonly_buffer()});
    return BufferPlacement::kOutOfBand;
  };
  const auto bytes = dump(r, d);
  EXPECT_EQ(out.size(), 4u);
  LoadOptions o2;
  o2.buffers = out;
  Document back = load(ByteView(bytes.data(), bytes.size()), o2);
  EXPECT_TRUE(back.root()[0].is(back.root()[1]));
  EXPECT_EQ(to_json(back.root()), to_json(r));
}

// Two empty writable views cannot be told apart by their memory, and two empty bytearrays are two
// objects in Python: each NEXT_BUFFER of one is its own buffer. Read-only ones are Python's b'',
// one object. Dumped in-band, CPython writes two BYTEARRAY8, or b'' and a memo GET of it:
//   pickle.dumps(pickle.loads(b'\x80\x05\x97\x97\x86\x94.', buffers=[bytearray(), bytearray()]), 5)
//   ... buffers=[b'', b''] ...
// Empty views have no memory to tell one object by: each is its own, as CPython's
// pickle.dumps(pickle.loads(b'\x80\x05\x97\x97\x86\x94.', buffers=[PickleBuffer(b''),
// PickleBuffer(b'')]), 5) writes two (buffers=[bytearray(), bytearray()] likewise).
TEST(OpcodeNextBuffer, EmptyViewsAreEachTheirOwnObject) {
  for (bool readonly : {false, true}) {
    LoadOptions o;
    o.buffers = std::vector<BufferView>{{ByteView(), readonly}, {ByteView(), readonly}};
    auto l = L("\x80\x05\x97\x97\x86\x94."s, o);
    EXPECT_FALSE(l.root()[0].is(l.root()[1]));
    DumpOptions d;
    d.protocol = 5;
    const auto bytes = dump(l.root(), d);
    const std::string expect =
        readonly ? "\x80\x05\x95\x09\x00\x00\x00\x00\x00\x00\x00" "C\x00\x94" "C\x00\x94\x86\x94."s
                 : "\x80\x05\x95\x17\x00\x00\x00\x00\x00\x00\x00\x96\x00\x00\x00\x00\x00\x00\x00\x00\x94\x96"
                   "\x00\x00\x00\x00\x00\x00\x00\x00\x94\x86\x94."s;
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), expect) << readonly;
  }
}

TEST(OpcodeReadonlyBuffer, MakesBufferReadOnly) {
  static const uint8_t a[] = {'a', 'b'};
  LoadOptions o;
  o.buffers = std::vector<BufferView>{{ByteView(a, 2), false}};
  // pickle.dumps(PickleBuffer(b'ab'), 5, buffer_callback=...) = \x80\x05\x97\x98.
  auto l = L("\x80\x05\x97\x98.", o);
  ASSERT_EQ(l.root().kind(), Kind::kBuffer);
  EXPECT_TRUE(l.root().readonly_buffer());
  EXPECT_EQ(l.root().as_bytes().data(), a);
}

TEST(OpcodeReadonlyBuffer, InBandBytesStayBytesAndByteArrayBecomesReadOnlyBuffer) {
  auto b = L("\x80\x05" "C\x02" "ab\x98.");
  EXPECT_EQ(b.root().kind(), Kind::kBytes);  // already read-only, as CPython leaves it
  auto ba = L("\x80\x05\x96"s + le(2, 8) + "ab\x98.");
  ASSERT_EQ(ba.root().kind(), Kind::kBuffer);  // CPython: a read-only memoryview of the bytearray
  EXPECT_TRUE(ba.root().readonly_buffer());
  EXPECT_EQ(sv(ba.root().as_bytes()), "ab");
}

// ---- containers -------------------------------------------------------------------------------------

TEST(OpcodeEmptyList, PushesEmptyList) {
  auto l = L("].");
  ASSERT_EQ(l.root().kind(), Kind::kList);
  EXPECT_EQ(l.root().size(), 0u);
  EXPECT_TRUE(l.root().items().empty());
}

TEST(OpcodeList, BuildsFromMark) {
  auto l = L("(I1\nI2\nl.");
  ASSERT_EQ(l.root().kind(), Kind::kList);
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_EQ(l.root()[0].as_int(), 1);
  EXPECT_EQ(l.root()[1].as_int(), 2);
  EXPECT_EQ(L("(l.").root().size(), 0u);
}

TEST(OpcodeAppend, AppendsOne) {
  auto l = L("]K\x01" "aK\x02" "a.");
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_EQ(l.root()[0].as_int(), 1);
  EXPECT_EQ(l.root()[1].as_int(), 2);
}

TEST(OpcodeAppends, AppendsMany) {
  auto l = L("]K\x07" "a(K\x01K\x02K\x03" "e.");
  auto items = l.root().items();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].as_int(), 7);
  EXPECT_EQ(items[3].as_int(), 3);
  EXPECT_EQ(L("](e.").root().size(), 0u);  // empty APPENDS
}

TEST(OpcodeEmptyTuple, IsTheEmptyTuple) {
  auto l = L(").");
  ASSERT_EQ(l.root().kind(), Kind::kTuple);
  EXPECT_EQ(l.root().size(), 0u);
}

TEST(OpcodeTuple, BuildsFromMark) {
  auto l = L("(K\x01U\x01xNt.");
  ASSERT_EQ(l.root().kind(), Kind::kTuple);
  ASSERT_EQ(l.root().size(), 3u);
  EXPECT_EQ(l.root()[0].as_int(), 1);
  EXPECT_EQ(l.root()[1].as_str(), "x");
  EXPECT_TRUE(l.root()[2].is_none());
  auto e = L("(t.");
  EXPECT_EQ(e.root().kind(), Kind::kTuple);
  EXPECT_EQ(e.root().size(), 0u);
}

TEST(OpcodeTuple1, OneItem) {
  auto l = L("\x80\x02K\x05\x85.");
  ASSERT_EQ(l.root().kind(), Kind::kTuple);
  ASSERT_EQ(l.root().size(), 1u);
  EXPECT_EQ(l.root()[0].as_int(), 5);
}

TEST(OpcodeTuple2, TwoItems) {
  auto l = L("\x80\x02K\x05K\x06\x86.");
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_EQ(l.root()[0].as_int(), 5);
  EXPECT_EQ(l.root()[1].as_int(), 6);
}

TEST(OpcodeTuple3, ThreeItems) {
  auto l = L("\x80\x02K\x05K\x06K\x07\x87.");
  ASSERT_EQ(l.root().size(), 3u);
  EXPECT_EQ(l.root()[0].as_int(), 5);
  EXPECT_EQ(l.root()[2].as_int(), 7);
  try {
    (void)l.root()[3];
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kOutOfRange);
  }
}

TEST(OpcodeEmptyDict, PushesEmptyDict) {
  auto l = L("}.");
  ASSERT_EQ(l.root().kind(), Kind::kDict);
  EXPECT_EQ(l.root().size(), 0u);
  EXPECT_TRUE(l.root().dict_items().empty());
}

TEST(OpcodeDict, BuildsFromMarkInOrder) {
  auto l = L("(U\x01" "bK\x01U\x01" "aK\x02" "d.");
  ASSERT_EQ(l.root().kind(), Kind::kDict);
  auto items = l.root().dict_items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].first.as_str(), "b");
  EXPECT_EQ(items[0].second.as_int(), 1);
  EXPECT_EQ(items[1].first.as_str(), "a");
  EXPECT_EQ(l.root().at("a").as_int(), 2);
  EXPECT_EQ(L("(d.").root().size(), 0u);
}

TEST(OpcodeSetItem, SetsOnePair) {
  auto l = L("}U\x01kK\x01sU\x01kK\x02s.");
  ASSERT_EQ(l.root().size(), 1u);
  EXPECT_EQ(l.root().at("k").as_int(), 2);  // last value wins
}

TEST(OpcodeSetItems, SetsManyPairs) {
  auto l = L("}(K\x01K\x02K\x03K\x04u.");
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_EQ(l.root().at(int64_t{1}).as_int(), 2);
  EXPECT_EQ(l.root().at(int64_t{3}).as_int(), 4);
}

TEST(OpcodeEmptySet, PushesEmptySet) {
  auto l = L("\x80\x04\x8f.");
  ASSERT_EQ(l.root().kind(), Kind::kSet);
  EXPECT_EQ(l.root().size(), 0u);
}

TEST(OpcodeAddItems, AddsWithPythonEquality) {
  auto l = L("\x80\x04\x8f(K\x01K\x02K\x01\x88G?\xf0\x00\x00\x00\x00\x00\x00\x90."s);
  ASSERT_EQ(l.root().kind(), Kind::kSet);
  auto items = l.root().items();
  ASSERT_EQ(items.size(), 2u);  // {1, 2}: True and 1.0 equal 1
  EXPECT_EQ(items[0].kind(), Kind::kInt);
  Document d;
  auto b = d.builder();
  EXPECT_TRUE(l.root().contains(b.integer(2)));
  EXPECT_TRUE(l.root().contains(b.float64(1.0)));
  EXPECT_FALSE(l.root().contains(b.integer(3)));
  EXPECT_FALSE(l.root().contains(b.list()));  // unhashable: not contained, no throw
}

TEST(OpcodeFrozenSet, BuildsFromMark) {
  auto l = L("\x80\x04(U\x01" "aU\x01" "bU\x01" "a\x91.");
  ASSERT_EQ(l.root().kind(), Kind::kFrozenSet);
  EXPECT_EQ(l.root().size(), 2u);
  EXPECT_EQ(L("\x80\x04(\x91.").root().kind(), Kind::kFrozenSet);
}

// ---- stack manipulation -------------------------------------------------------------------------------

TEST(OpcodeMark, MarksWhereTupleStarts) {
  auto l = L("K\x01(K\x02K\x03t\x86.");
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_EQ(l.root()[0].as_int(), 1);
  ASSERT_EQ(l.root()[1].kind(), Kind::kTuple);
  EXPECT_EQ(l.root()[1].size(), 2u);
}

TEST(OpcodeMark, NestedMarks) {
  auto l = L("((K\x01t(K\x02lt.");
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_EQ(l.root()[0].kind(), Kind::kTuple);
  EXPECT_EQ(l.root()[1].kind(), Kind::kList);
}

TEST(OpcodePop, DiscardsTop) {
  EXPECT_EQ(L("K\x01K\x02" "0.").root().as_int(), 1);
}

TEST(OpcodePop, DiscardsAMarkWithNothingAboveIt) {
  // As CPython's C unpickler (pickle.loads(b'K\x01(0.') == 1).
  EXPECT_EQ(L("K\x01(0.").root().as_int(), 1);
  EXPECT_EQ(L("K\x01(0(K\x02t\x86.").root().size(), 2u);  // the mark is really gone
}

TEST(OpcodePopMark, DiscardsThroughTheMark) {
  EXPECT_EQ(L("K\x01(K\x02K\x03" "1.").root().as_int(), 1);
  EXPECT_EQ(L("K\x01(1.").root().as_int(), 1);
}

TEST(OpcodeDup, PushesTheSameObject) {
  auto l = L("]2\x86.");
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_TRUE(l.root()[0].is(l.root()[1]));
  auto ints = L("K\x01" "2\x86.");
  EXPECT_TRUE(ints.root()[0].is(ints.root()[1]));
}

// ---- memo --------------------------------------------------------------------------------------------

TEST(OpcodePut, PutThenGetSharesTheObject) {
  auto l = L("(lp0\n(g0\ng0\nt.");
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_EQ(l.root()[0].kind(), Kind::kList);
  EXPECT_TRUE(l.root()[0].is(l.root()[1]));
}

TEST(OpcodeGet, ReturnsLaterPutAtSameIndex) {
  // PUT 0 is overwritten: GET 0 returns the second value.
  EXPECT_EQ(L("I1\np0\n0I2\np0\n0g0\n.").root().as_int(), 2);
}

TEST(OpcodeBinPut, BinGetSharesTheObject) {
  auto l = L("]q\x00" "(h\x00h\x00t."s);
  ASSERT_EQ(l.root().size(), 2u);
  EXPECT_TRUE(l.root()[0].is(l.root()[1]));
  EXPECT_EQ(l.root()[0].kind(), Kind::kList);
}

TEST(OpcodeBinGet, MaxOneByteIndex) {
  auto l = L("}q\xff" "0h\xff.");
  EXPECT_EQ(l.root().kind(), Kind::kDict);
}

TEST(OpcodeLongBinPut, LongBinGetSharesTheObject) {
  auto l = L("]r\x00\x01\x00\x00j\x00\x01\x00\x00\x86."s);
  EXPECT_TRUE(l.root()[0].is(l.root()[1]));
}

TEST(OpcodeLongBinGet, HugeIndexIsCheap) {
  // CPython raises MemoryError here (it sizes its memo table by the index); picklejar keeps a huge
  // lone index in a sparse map, so this loads with one memo entry.
  auto l = L("\x80\x02]r\xff\xff\xff\xffj\xff\xff\xff\xff\x86.");
  EXPECT_TRUE(l.root()[0].is(l.root()[1]));
  EXPECT_LT(l.doc.memory_bytes(), size_t{1} << 20);
}

TEST(OpcodeMemoize, IndexIsTheMemoSize) {
  auto l = L("\x80\x04]\x94}\x94h\x00h\x01\x87."s);
  ASSERT_EQ(l.root().size(), 3u);
  EXPECT_EQ(l.root()[1].kind(), Kind::kList);
  EXPECT_EQ(l.root()[2].kind(), Kind::kDict);
  EXPECT_TRUE(l.root()[0].is(l.root()[2]));
  // CPython: pickle.loads(b'N\x94N\x94h\x01.') is None; a BINPUT in between counts as an entry.
  auto m = L("\x80\x04]q\x05}\x94h\x01\x86.");
  EXPECT_EQ(m.root()[0].kind(), Kind::kDict);
  EXPECT_TRUE(m.root()[0].is(m.root()[1]));
}

TEST(OpcodeMemo, CyclesAreExact) {
  // l = []; l.append(l)  -> protocol 2: ]q\x00h\x00a.
  auto l = L("\x80\x02]q\x00h\x00" "a."s);
  ASSERT_EQ(l.root().size(), 1u);
  EXPECT_TRUE(l.root()[0].is(l.root()));
}

}  // namespace
}  // namespace picklejar
