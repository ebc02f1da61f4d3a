// One test per class of malformed input: each asserts the exact ErrorCode, Error::offset() (the
// 0-based offset of the failing opcode in the stream) and, where meaningful, Error::opcode(), and
// that what() names the code and the offset. Plus the Limits, and a 1,000,000-deep list that must
// load, print and free without recursion.
//
// CPython 3.11 (/usr/bin/python3, pickle.loads) rejects every stream rejected here unless a test
// says otherwise; its exception is noted where the mapping to a code is not obvious.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "picklejar/picklejar.h"

namespace picklejar {
namespace {

using namespace std::string_literals;

constexpr uint64_t kNoOffset = Error::kNoOffset;
constexpr int kNoOpcode = Error::kNoOpcode;

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

std::string le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

// Loads `data` (from memory) and expects an Error with exactly this code, offset and opcode; checks
// that what() reads "<code name> at offset N" (or has no offset part when there is none) and names
// the opcode. Returns the error for further checks.
Error expect_error(const std::string& data, ErrorCode code, uint64_t offset, int opcode,
                   const LoadOptions& options = {}) {
  try {
    Document d = load(view(data), options);
    ADD_FAILURE() << "no error; expected " << error_code_name(code);
  } catch (const Error& e) {
    EXPECT_EQ(error_code_name(e.code()), error_code_name(code)) << e.what();
    EXPECT_EQ(e.offset(), offset) << e.what();
    EXPECT_EQ(e.opcode(), opcode) << e.what();
    const std::string what = e.what();
    const std::string prefix = std::string(error_code_name(code)) +
                               (offset == kNoOffset ? std::string(":") : " at offset " + std::to_string(offset));
    EXPECT_EQ(what.rfind(prefix, 0), 0u) << what;
    EXPECT_NE(what.find(e.message()), std::string::npos) << what;
    return e;
  }
  return Error(ErrorCode::kInvalidArgument, "unreachable");
}

Error expect_stream_error(const std::string& data, ErrorCode code, uint64_t offset, int opcode,
                          const LoadOptions& options = {}) {
  std::istringstream in(data);
  try {
    Document d = load_stream(in, options);
    ADD_FAILURE() << "no error; expected " << error_code_name(code);
  } catch (const Error& e) {
    EXPECT_EQ(error_code_name(e.code()), error_code_name(code)) << e.what();
    EXPECT_EQ(e.offset(), offset) << e.what();
    EXPECT_EQ(e.opcode(), opcode) << e.what();
    return e;
  }
  return Error(ErrorCode::kInvalidArgument, "unreachable");
}

// A loaded document, for successful loads in expressions (Document::root() is deleted on
// temporaries). `data` must outlive it: loads from memory are zero-copy.
struct Loaded {
  Document doc;
  Value root() const { return doc.root(); }
};
Loaded load_ok(const std::string& data, const LoadOptions& options = {}) { return Loaded{load(view(data), options)}; }

bool contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

// ---- the message format ---------------------------------------------------------------------------

TEST(ErrorMessage, NamesCodeOffsetAndOpcode) {
  Error e = expect_error("\x80\x02" "J\x01\x02"s, ErrorCode::kTruncated, 2, 'J');
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, "kTruncated")) << what;
  EXPECT_TRUE(contains(what, "offset 2")) << what;
  EXPECT_TRUE(contains(what, "(BININT)")) << what;
  EXPECT_EQ(what, "kTruncated at offset 2 (BININT): " + e.message());
  EXPECT_EQ(error_code_text(ErrorCode::kTruncated), "truncated input");
  EXPECT_EQ(static_cast<int>(ErrorCode::kTruncated), 1);
  EXPECT_EQ(static_cast<int>(ErrorCode::kInvalidArgument), 26);
  EXPECT_EQ(error_code_name(static_cast<ErrorCode>(999)), "kUnknown");
}

TEST(ErrorMessage, WithoutOpcodeOrOffset) {
  Error e(ErrorCode::kIo, "cannot open x");
  EXPECT_EQ(std::string(e.what()), "kIo: cannot open x");
  EXPECT_EQ(e.offset(), kNoOffset);
  EXPECT_EQ(e.opcode(), kNoOpcode);
  Error f(ErrorCode::kNoStop, "input ended", 7);
  EXPECT_EQ(std::string(f.what()), "kNoStop at offset 7: input ended");
}

// ---- truncated input --------------------------------------------------------------------------------

TEST(Truncated, EmptyInput) {
  // CPython: EOFError "Ran out of input".
  Error e = expect_error("", ErrorCode::kTruncated, 0, kNoOpcode);
  EXPECT_TRUE(contains(e.what(), "offset 0"));
}

TEST(Truncated, MidArgument) {
  expect_error("\x80\x02" "J\x01\x02"s, ErrorCode::kTruncated, 2, 'J');       // BININT: 2 of 4 bytes
  expect_error("\x80\x02" "M\x01"s, ErrorCode::kTruncated, 2, 'M');           // BININT2
  expect_error("\x80\x02" "K"s, ErrorCode::kTruncated, 2, 'K');               // BININT1
  expect_error("\x80", ErrorCode::kTruncated, 0, 0x80);                       // PROTO
  expect_error("\x80\x03" "C"s, ErrorCode::kTruncated, 2, 'C');               // SHORT_BINBYTES length
  expect_error("\x80\x03" "C\x05" "abc"s, ErrorCode::kTruncated, 2, 'C');     // its payload
  expect_error("X\x05\x00\x00\x00" "abc"s, ErrorCode::kTruncated, 0, 'X');    // BINUNICODE payload
  expect_error("\x80\x04\x8d\x01\x02"s, ErrorCode::kTruncated, 2, 0x8d);      // BINUNICODE8 length
  expect_error("\x80\x04\x95\x01\x00"s, ErrorCode::kTruncated, 2, 0x95);      // FRAME size
  expect_error("\x80\x02\x8a\x05\x01\x02"s, ErrorCode::kTruncated, 2, 0x8a);  // LONG1 payload
  expect_error("G\x3f\xf0\x00"s, ErrorCode::kTruncated, 0, 'G');              // BINFLOAT
  expect_error("]q"s, ErrorCode::kTruncated, 1, 'q');                         // BINPUT index
  expect_error("\x80\x02" "j\x01\x00"s, ErrorCode::kTruncated, 2, 'j');       // LONG_BINGET index
  Error e = expect_error("\x80\x03" "B\x10\x00\x00\x00" "abc"s, ErrorCode::kTruncated, 2, 'B');
  EXPECT_TRUE(contains(e.message(), "16")) << e.message();
}

TEST(Truncated, MidLine) {
  expect_error("\x80\x02" "I12"s, ErrorCode::kTruncated, 2, 'I');
  expect_error("cfoo\nbar", ErrorCode::kTruncated, 0, 'c');
  expect_error("cfoo", ErrorCode::kTruncated, 0, 'c');
  expect_error("N(S'abc'", ErrorCode::kTruncated, 2, 'S');
  expect_error("Vabc", ErrorCode::kTruncated, 0, 'V');
  expect_error("Np12", ErrorCode::kTruncated, 1, 'p');
  expect_error("F1.5", ErrorCode::kTruncated, 0, 'F');
}

TEST(Truncated, MissingStopAtEof) {
  // Input that ends between opcodes: kNoStop at the end offset, no opcode.
  expect_error("\x80\x02" "K\x01"s, ErrorCode::kNoStop, 4, kNoOpcode);
  expect_error("N", ErrorCode::kNoStop, 1, kNoOpcode);
  expect_error("\x80\x02(K\x01K\x02t(N"s, ErrorCode::kNoStop, 10, kNoOpcode);
}

TEST(Truncated, StreamAndFileAgree) {
  expect_stream_error("\x80\x02" "J\x01\x02"s, ErrorCode::kTruncated, 2, 'J');
  expect_stream_error("\x80\x02" "K\x01"s, ErrorCode::kNoStop, 4, kNoOpcode);
  expect_stream_error("", ErrorCode::kTruncated, 0, kNoOpcode);
  expect_stream_error("cfoo\nbar", ErrorCode::kTruncated, 0, 'c');
}

// ---- unknown opcodes ----------------------------------------------------------------------------------

TEST(UnknownOpcode, BytesThatAreNoOpcode) {
  Error e = expect_error("\x80\x02\xff."s, ErrorCode::kUnknownOpcode, 2, 0xff);
  EXPECT_TRUE(contains(e.message(), "invalid load key")) << e.message();
  EXPECT_TRUE(contains(e.what(), "(byte 0xff)")) << e.what();
  expect_error("\x00"s, ErrorCode::kUnknownOpcode, 0, 0x00);
  expect_error("NA.", ErrorCode::kUnknownOpcode, 1, 'A');
  expect_error("\x80\x05\x99."s, ErrorCode::kUnknownOpcode, 2, 0x99);  // one past READONLY_BUFFER
  expect_error("\x80\x02\x8c."s, ErrorCode::kTruncated, 2, 0x8c);     // a real opcode, for contrast
}

// ---- stack underflow -----------------------------------------------------------------------------------

TEST(StackUnderflow, OnEmptyStack) {
  expect_error("0", ErrorCode::kStackUnderflow, 0, '0');  // POP
  expect_error(".", ErrorCode::kStackUnderflow, 0, '.');  // STOP
  expect_error("a", ErrorCode::kStackUnderflow, 0, 'a');  // APPEND
  expect_error("2", ErrorCode::kStackUnderflow, 0, '2');  // DUP
  expect_error("Na", ErrorCode::kStackUnderflow, 1, 'a');  // APPEND needs two
  expect_error("NR.", ErrorCode::kStackUnderflow, 1, 'R');
  expect_error("}Ns.", ErrorCode::kStackUnderflow, 2, 's');
  expect_error("\x80\x02N\x86."s, ErrorCode::kStackUnderflow, 3, 0x86);
  expect_error("\x80\x02\x85."s, ErrorCode::kStackUnderflow, 2, 0x85);
  expect_error("\x80\x04\x8c\x01m\x93."s, ErrorCode::kStackUnderflow, 5, 0x93);
  expect_error("Q.", ErrorCode::kStackUnderflow, 0, 'Q');
  expect_error("p0\nN.", ErrorCode::kStackUnderflow, 0, 'p');
  expect_error("(0.", ErrorCode::kStackUnderflow, 2, '.');  // POP discards the MARK; then empty
}

TEST(StackUnderflow, NothingBelowTheMark) {
  // CPython: "unpickling stack underflow" when no mark is left after popping this one.
  expect_error("(e.", ErrorCode::kStackUnderflow, 1, 'e');
  expect_error("(u.", ErrorCode::kStackUnderflow, 1, 'u');
  expect_error("\x80\x04(\x90."s, ErrorCode::kStackUnderflow, 3, 0x90);
  expect_error("(o.", ErrorCode::kStackUnderflow, 1, 'o');
}

// ---- MARK misuse --------------------------------------------------------------------------------------

TEST(MarkMisuse, OpcodesThatNeedAMark) {
  // CPython: "could not find MARK".
  Error e = expect_error("]e.", ErrorCode::kMarkMisuse, 1, 'e');
  EXPECT_TRUE(contains(e.message(), "MARK"));
  expect_error("1.", ErrorCode::kMarkMisuse, 0, '1');   // POP_MARK
  expect_error("N1.", ErrorCode::kMarkMisuse, 1, '1');
  expect_error("]N1.", ErrorCode::kMarkMisuse, 2, '1');
  expect_error("t.", ErrorCode::kMarkMisuse, 0, 't');
  expect_error("l.", ErrorCode::kMarkMisuse, 0, 'l');
  expect_error("d.", ErrorCode::kMarkMisuse, 0, 'd');
  expect_error("}u.", ErrorCode::kMarkMisuse, 1, 'u');
  expect_error("imod\nC\n.", ErrorCode::kMarkMisuse, 0, 'i');
  expect_error("\x80\x04\x91."s, ErrorCode::kMarkMisuse, 2, 0x91);
  expect_error("\x80\x04\x8f\x90."s, ErrorCode::kMarkMisuse, 3, 0x90);
}

TEST(MarkMisuse, MarkWhereAValueMustBe) {
  // CPython: "unexpected MARK found". A MARK left below the result at STOP is fine ((N. loads None,
  // see the opcode tests), but a MARK as the result is not.
  expect_error("(.", ErrorCode::kMarkMisuse, 1, '.');
  expect_error("N(.", ErrorCode::kMarkMisuse, 2, '.');
  expect_error("(((N1.", ErrorCode::kMarkMisuse, 5, '.');
}

TEST(MarkMisuse, MarkBelowTooFewOperands) {
  expect_error("\x80\x02N(\x85."s, ErrorCode::kMarkMisuse, 4, 0x85);
  expect_error("\x80\x02(N\x86."s, ErrorCode::kMarkMisuse, 4, 0x86);
  expect_error("N(Ns.", ErrorCode::kMarkMisuse, 3, 's');
  expect_error("(R.", ErrorCode::kMarkMisuse, 1, 'R');
  expect_error("(b.", ErrorCode::kMarkMisuse, 1, 'b');
  expect_error("(2.", ErrorCode::kMarkMisuse, 1, '2');
  expect_error("((e.", ErrorCode::kMarkMisuse, 2, 'e');
  expect_error("((u.", ErrorCode::kMarkMisuse, 2, 'u');
}

TEST(MarkMisuse, OddKeyValueCount) {
  // CPython: "odd number of items for DICT/SETITEMS".
  expect_error("(K\x01" "d."s, ErrorCode::kMarkMisuse, 3, 'd');
  expect_error("}(K\x01u."s, ErrorCode::kMarkMisuse, 4, 'u');
}

// ---- memo ---------------------------------------------------------------------------------------------

TEST(MemoMissing, GetOfUnsetIndex) {
  Error e = expect_error("g0\n.", ErrorCode::kMemoMissing, 0, 'g');
  EXPECT_TRUE(contains(e.message(), "0"));
  expect_error("h\x05."s, ErrorCode::kMemoMissing, 0, 'h');
  expect_error("j\x05\x00\x00\x00."s, ErrorCode::kMemoMissing, 0, 'j');
  Error f = expect_error("\x80\x02Nq\x01h\x02."s, ErrorCode::kMemoMissing, 5, 'h');
  EXPECT_TRUE(contains(f.message(), "2")) << f.message();
  expect_error("\x80\x02Nr\xff\xff\xff\xffj\xfe\xff\xff\xff."s, ErrorCode::kMemoMissing, 8, 'j');
}

TEST(BadMemoIndex, NegativeOrHugeTextIndex) {
  // CPython: ValueError "negative PUT argument" / OverflowError.
  expect_error("Np-1\n.", ErrorCode::kBadMemoIndex, 1, 'p');
  expect_error("Np99999999999999999999999\n.", ErrorCode::kBadMemoIndex, 1, 'p');
  expect_error("g-1\n.", ErrorCode::kBadMemoIndex, 0, 'g');
  expect_error("Npx\n.", ErrorCode::kBadArgument, 1, 'p');
  expect_error("Np\n.", ErrorCode::kBadArgument, 1, 'p');
}

TEST(Memo, HugeLongBinPutIsCheap) {
  // LONG_BINPUT 0xffffffff must not size a table by the index (CPython: MemoryError here).
  std::string data = "\x80\x02]r\xff\xff\xff\xffj\xff\xff\xff\xff\x86.";
  Document d = load(view(data));
  EXPECT_TRUE(d.root()[0].is(d.root()[1]));
}

long peak_rss_kib() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // KiB on Linux
}

TEST(Memo, ManySparseIndicesStayCheapAndCorrect) {
  // A ratchet of PUTs 1025 apart (each just within 1024 of the end of a dense table that grew to
  // hold the previous one) and then GETs: the memo must not grow ~1025 slots per 5-byte opcode
  // (which would be 200,000 x 1025 x 4 bytes = 820 MB here).
  const long rss_before = peak_rss_kib();
  std::string data = "\x80\x02N";
  const uint32_t kPuts = 200000;
  for (uint32_t i = 0; i < kPuts; ++i) data += "r" + le(uint64_t{i} * 1025 + 1024, 4);
  data += "0(";
  for (uint32_t i = 0; i < kPuts; i += 997) data += "j" + le(uint64_t{i} * 1025 + 1024, 4);
  data += "t.";
  Document d = load(view(data));
  EXPECT_EQ(d.root().size(), (kPuts + 996) / 997);
  EXPECT_TRUE(d.root()[0].is_none());
  // The peak resident size may not have grown by hundreds of MB (a heuristic: it can only miss a
  // regression when an earlier test already peaked higher).
  EXPECT_LT(peak_rss_kib() - rss_before, 256 * 1024);
}

TEST(Memo, MemoizeCountsEachIndexOnce) {
  {
    // PUT 2000 (a lone far index), 1000 (a dense table of 1001), 2020 (near enough to its end: the
    // table grows past 2000), 2000 again: three entries, so MEMOIZE writes index 3. CPython:
    // loads(...) is None.
    std::string data = "\x80\x04]r" + le(2000, 4) + "0]r" + le(1000, 4) + "0]r" + le(2020, 4) + "0}r" +
                       le(2000, 4) + "0N\x94j" + le(3, 4) + ".";
    Document d = load(view(data));
    EXPECT_TRUE(d.root().is_none());
  }
  // PUT 1100 (a lone far index), PUTs 0..49, PUT 1110 (the dense table now grows past 1100), PUT
  // 1100 again: 52 entries, so MEMOIZE writes index 52. CPython: loads(...) == (None, {}).
  std::string data = "\x80\x04]r" + le(1100, 4) + "0";
  for (uint32_t i = 0; i < 50; ++i) data += "Nr" + le(i, 4) + "0";
  data += "]r" + le(1110, 4) + "0}r" + le(1100, 4) + "0N\x94j" + le(52, 4) + "j" + le(1100, 4) + "\x86.";
  Document d = load(view(data));
  ASSERT_EQ(d.root().size(), 2u);
  EXPECT_TRUE(d.root()[0].is_none());
  EXPECT_EQ(d.root()[1].kind(), Kind::kDict);
}

// ---- bad UTF-8 --------------------------------------------------------------------------------------

TEST(BadUtf8, BinUnicode) {
  // CPython: UnicodeDecodeError.
  expect_error("X\x02\x00\x00\x00\xc3(."s, ErrorCode::kBadUtf8, 0, 'X');
  expect_error("\x80\x02N0X\x02\x00\x00\x00\xc0\x80."s, ErrorCode::kBadUtf8, 4, 'X');  // overlong
  expect_error("X\x04\x00\x00\x00\xf4\x90\x80\x80."s, ErrorCode::kBadUtf8, 0, 'X');   // > U+10FFFF
  expect_error("X\x01\x00\x00\x00\xe2."s, ErrorCode::kBadUtf8, 0, 'X');               // cut sequence
  expect_error("X\x01\x00\x00\x00\x80."s, ErrorCode::kBadUtf8, 0, 'X');               // lone continuation
}

TEST(BadUtf8, ShortBinUnicodeAndBinUnicode8) {
  expect_error("\x80\x04\x8c\x01\xff."s, ErrorCode::kBadUtf8, 2, 0x8c);
  expect_error("\x80\x04\x8d" + le(2, 8) + "\xc3\x28.", ErrorCode::kBadUtf8, 2, 0x8d);
}

TEST(BadUtf8, UnicodeLineIsRawUnicodeEscapeNotUtf8) {
  // UNICODE's argument is raw-unicode-escape: every byte is a Latin-1 code point, so no byte
  // sequence is "bad UTF-8" (CPython: pickle.loads(b'V\xff\n.') == '\xff'). Bad escapes are errors
  // (CPython: UnicodeDecodeError "truncated \uXXXX escape").
  std::string ok = "V\xc3(\n.";
  Document d = load(view(ok));
  EXPECT_EQ(d.root().as_str(), "\xc3\x83(");
  expect_error("V\\u12\n.", ErrorCode::kBadArgument, 0, 'V');
  expect_error("NV\\U00110000\n.", ErrorCode::kBadArgument, 1, 'V');
  expect_error("V\\u12zz\n.", ErrorCode::kBadArgument, 0, 'V');
}

TEST(BadUtf8, GlobalNames) {
  expect_error("c\xff\nx\n."s, ErrorCode::kBadUtf8, 0, 'c');
  expect_error("(cmod\n\xc3\n."s, ErrorCode::kBadUtf8, 1, 'c');
}

// ---- declared lengths -------------------------------------------------------------------------------

TEST(BadLength, AbsurdEightByteLengthsFailFast) {
  // 2**63-byte payloads: checked against the input before anything is allocated. CPython raises
  // OverflowError ("BINBYTES exceeds system's maximum size"); picklejar says the input is too short.
  const uint64_t huge = uint64_t{1} << 63;
  Error e = expect_error("\x80\x04\x8e" + le(huge, 8) + ".", ErrorCode::kTruncated, 2, 0x8e);
  EXPECT_TRUE(contains(e.message(), "9223372036854775808")) << e.message();
  expect_error("\x80\x04\x8d" + le(huge, 8) + ".", ErrorCode::kTruncated, 2, 0x8d);
  expect_error("\x80\x05\x96" + le(~uint64_t{0}, 8) + ".", ErrorCode::kTruncated, 2, 0x96);
  expect_error("\x80\x03" "B" + le(0xffffffff, 4) + ".", ErrorCode::kTruncated, 2, 'B');
  expect_error("X" + le(0xffffffff, 4) + ".", ErrorCode::kTruncated, 0, 'X');
  expect_error("\x80\x02\x8b" + le(0x7fffffff, 4) + ".", ErrorCode::kTruncated, 2, 0x8b);
}

TEST(BadLength, AbsurdLengthsFromAStream) {
  // The stream's length is unknown: a declared length above Limits::max_input_bytes can never be
  // satisfied, so it is a limit error at once; a large one below it is read in steps and fails as
  // truncated when the data runs out (nothing of the declared size is allocated).
  expect_stream_error("\x80\x04\x8e" + le(uint64_t{1} << 63, 8) + ".", ErrorCode::kLimitExceeded, 2, 0x8e);
  expect_stream_error("\x80\x04\x8d" + le(uint64_t{1} << 39, 8) + "abc.", ErrorCode::kTruncated, 2, 0x8d);
  expect_stream_error("\x80\x03" "B" + le(0xffffffff, 4) + "abc.", ErrorCode::kTruncated, 2, 'B');
}

TEST(BadLength, NegativeSignedLengths) {
  // CPython: "BINSTRING pickle has negative byte count", "LONG pickle has negative byte count".
  expect_error("T\xff\xff\xff\xff."s, ErrorCode::kBadLength, 0, 'T');
  expect_error("\x80\x02N\x8b\xff\xff\xff\xff."s, ErrorCode::kBadLength, 3, 0x8b);
}

// ---- out-of-band buffers -----------------------------------------------------------------------------

TEST(MissingBuffer, NoBuffersGiven) {
  // CPython: "pickle stream refers to out-of-band data but no *buffers* argument was given".
  expect_error("\x80\x05\x97."s, ErrorCode::kMissingBuffer, 2, 0x97);
}

TEST(MissingBuffer, TooFewBuffers) {
  LoadOptions none;
  none.buffers = std::vector<BufferView>{};
  expect_error("\x80\x05\x97."s, ErrorCode::kMissingBuffer, 2, 0x97, none);
  static const uint8_t a[] = {1, 2};
  LoadOptions one;
  one.buffers = std::vector<BufferView>{{ByteView(a, 2), false}};
  expect_error("\x80\x05\x97\x97\x86."s, ErrorCode::kMissingBuffer, 3, 0x97, one);
}

TEST(BadOperand, ReadonlyBufferOfANonBuffer) {
  // CPython: TypeError from memoryview(None).
  expect_error("\x80\x05N\x98."s, ErrorCode::kBadOperand, 3, 0x98);
  expect_error("\x80\x05\x98."s, ErrorCode::kStackUnderflow, 2, 0x98);
}

// ---- protocol, extensions, frames ---------------------------------------------------------------------

TEST(UnsupportedProtocol, ProtoAboveFive) {
  // CPython: ValueError "unsupported pickle protocol: 6".
  Error e = expect_error("\x80\x06N.", ErrorCode::kUnsupportedProtocol, 0, 0x80);
  EXPECT_TRUE(contains(e.message(), "6"));
  expect_error("\x80\x02N0\x80\xff.", ErrorCode::kUnsupportedProtocol, 4, 0x80);
}

TEST(Extension, ExtOpcodes) {
  // CPython: ValueError "unregistered extension code 1" (nothing in LoadOptions::extensions).
  Error e = expect_error("\x80\x02\x82\x01.", ErrorCode::kExtension, 2, 0x82);
  EXPECT_TRUE(contains(e.message(), "1"));
  expect_error("\x80\x02\x83\x01\x02.", ErrorCode::kExtension, 2, 0x83);
  expect_error("\x80\x02\x84\x01\x02\x03\x04.", ErrorCode::kExtension, 2, 0x84);
  // A code <= 0: CPython's UnpicklingError "EXT specifies code <= 0".
  expect_error("\x80\x02\x84\xff\xff\xff\xff.", ErrorCode::kBadArgument, 2, 0x84);
  expect_error("\x80\x02\x82\x00."s, ErrorCode::kBadArgument, 2, 0x82);
  expect_error("\x80\x02\x83\x01"s, ErrorCode::kTruncated, 2, 0x83);
}

TEST(BadFrame, FrameLongerThanTheInput) {
  // README: "a FRAME that declares more bytes than the input has left is kBadFrame" (CPython:
  // "pickle data was truncated").
  Error e = expect_error("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00N."s, ErrorCode::kBadFrame, 2, 0x95);
  EXPECT_TRUE(contains(e.message(), "16")) << e.message();
  expect_error("\x80\x04\x95" + le(~uint64_t{0}, 8) + "N.", ErrorCode::kBadFrame, 2, 0x95);
  // A frame that is exactly the rest of the input is fine.
  std::string ok = "\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00N."s;
  EXPECT_TRUE(load_ok(ok).root().is_none());
}

TEST(BadFrame, FromAFile) {
  char tmpl[] = "/tmp/picklejar_errors_test_XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  std::string data = "\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00N."s;
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::close(fd);
  try {
    load_file(tmpl);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadFrame);
    EXPECT_EQ(e.offset(), 2u);
  }
  std::filesystem::remove(tmpl);
}

// ---- other argument and operand errors ------------------------------------------------------------------

TEST(BadArgument, MalformedLines) {
  expect_error("Iabc\n.", ErrorCode::kBadArgument, 0, 'I');  // CPython: ValueError
  expect_error("I\n.", ErrorCode::kBadArgument, 0, 'I');
  expect_error("L12x\n.", ErrorCode::kBadArgument, 0, 'L');
  expect_error("Fxyz\n.", ErrorCode::kBadArgument, 0, 'F');
  expect_error("F1e500\n.", ErrorCode::kBadArgument, 0, 'F');  // CPython: OverflowError
  expect_error("Sabc\n.", ErrorCode::kBadArgument, 0, 'S');    // "must be quoted"
  expect_error("S'abc\"\n.", ErrorCode::kBadArgument, 0, 'S');
  expect_error("S'\\x4'\n.", ErrorCode::kBadArgument, 0, 'S');
  expect_error("P\xff\n."s, ErrorCode::kBadArgument, 0, 'P');  // non-ASCII persistent id
}

TEST(BadArgument, KnownReduceShapeWithImpossibleArgs) {
  // _codecs.encode('\u0100', 'latin1'): CPython raises UnicodeEncodeError.
  std::string data = "\x80\x02" "c_codecs\nencode\nX\x02\x00\x00\x00\xc4\x80X\x06\x00\x00\x00latin1\x86R."s;
  expect_error(data, ErrorCode::kBadArgument, 37, 'R');
}

TEST(BadOperand, WrongTypes) {
  expect_error("}K\x01" "a."s, ErrorCode::kBadOperand, 3, 'a');     // APPEND to a dict
  expect_error("N]a.", ErrorCode::kBadOperand, 2, 'a');             // APPEND to None
  expect_error("](K\x01" "u."s, ErrorCode::kMarkMisuse, 4, 'u');    // odd count first
  expect_error("](K\x01K\x02u."s, ErrorCode::kBadOperand, 6, 'u');  // SETITEMS on a list
  expect_error("cm\nf\nNR.", ErrorCode::kBadOperand, 6, 'R');       // args not a tuple
  expect_error("]}b.", ErrorCode::kBadOperand, 2, 'b');             // BUILD on a list
  expect_error("\x80\x04K\x01K\x02\x93."s, ErrorCode::kBadOperand, 6, 0x93);
  expect_error("\x80\x02" "cm\nC\nN\x81."s, ErrorCode::kBadOperand, 8, 0x81);
  expect_error("\x80\x04" "cm\nC\n)N\x92."s, ErrorCode::kBadOperand, 9, 0x92);
  expect_error("\x80\x04](K\x01\x90."s, ErrorCode::kBadOperand, 6, 0x90);  // ADDITEMS to a list
}

TEST(Decode, Python2StrWithDefaultAscii) {
  // CPython: UnicodeDecodeError 'ascii' codec can't decode byte 0xe9.
  Error e = expect_error("U\x01\xe9."s, ErrorCode::kDecode, 0, 'U');
  EXPECT_TRUE(contains(e.message(), "0xe9")) << e.message();
  expect_error("NS'\\xe9'\n."s, ErrorCode::kDecode, 1, 'S');
  LoadOptions utf8;
  utf8.encoding = "utf-8";
  expect_error("T\x03\x00\x00\x00\xed\xa0\x80."s, ErrorCode::kDecode, 0, 'T', utf8);  // strict: no surrogates
}

TEST(Unhashable, ListAsDictKey) {
  // CPython: TypeError unhashable type: 'list'. The error names the opcode that needed the hash.
  Error e = expect_error("(]K\x01" "d."s, ErrorCode::kUnhashable, 4, 'd');
  EXPECT_TRUE(contains(e.message(), "list")) << e.message();
  expect_error("}]K\x01s."s, ErrorCode::kUnhashable, 4, 's');
  expect_error("}(}K\x01u."s, ErrorCode::kUnhashable, 5, 'u');
  expect_error("\x80\x04\x8f(]\x90."s, ErrorCode::kUnhashable, 5, 0x90);
  expect_error("\x80\x04(\x96\x00\x00\x00\x00\x00\x00\x00\x00\x91."s, ErrorCode::kUnhashable, 12, 0x91);
  expect_error("\x80\x02" "c__builtin__\nset\n]\x85\x85R."s, ErrorCode::kUnhashable, 22, 'R');  // set(([],))
}

// An encoding no codec has: CPython looks it up when a str needs decoding (pickle.loads(b'N.',
// encoding='ebcdic') is None; with a str, LookupError), and so does picklejar.
TEST(Decode, UnknownEncodingFailsWhereAStrNeedsIt) {
  LoadOptions o;
  o.encoding = "ebcdic";
  Document none = load(view("N."), o);
  EXPECT_TRUE(none.root().is_none());
  expect_error("U\x01" "a.", ErrorCode::kDecode, 0, 'U', o);
}

TEST(Callback, PersistentLoadErrorsPropagateUntouched) {
  LoadOptions o;
  o.persistent_load = [](Document&, Value pid) -> Value {
    (void)pid.as_int();  // the pid is a str: kTypeMismatch, with the pid's offset
    return Value();
  };
  expect_error("\x80\x02U\x01xQ."s, ErrorCode::kTypeMismatch, 2, kNoOpcode, o);
}

// ---- limits -----------------------------------------------------------------------------------------

TEST(Limits, MaxContainerItems) {
  LoadOptions o;
  o.limits.max_container_items = 3;
  std::string ok = "]K\x01" "aK\x02" "aK\x03" "a.";
  EXPECT_EQ(load_ok(ok, o).root().size(), 3u);
  Error e = expect_error("]K\x01" "aK\x02" "aK\x03" "aK\x04" "a.", ErrorCode::kLimitExceeded, 12, 'a', o);
  EXPECT_TRUE(contains(e.message(), "max_container_items")) << e.message();
  expect_error("}K\x01K\x01sK\x02K\x02sK\x03K\x03sK\x04K\x04s."s, ErrorCode::kLimitExceeded, 20, 's', o);
  expect_error("\x80\x04\x8f(K\x01K\x02\x90(K\x03K\x04\x90."s, ErrorCode::kLimitExceeded, 14, 0x90, o);
}

TEST(Limits, MaxContainerItemsBoundsTheVmStack) {
  LoadOptions o;
  o.limits.max_container_items = 100;
  std::string ok(100, 'N');
  ok += "l.";
  expect_error(ok, ErrorCode::kMarkMisuse, 100, 'l', o);  // fits: the error is the missing MARK
  std::string many(101, 'N');
  many += ".";
  expect_error(many, ErrorCode::kLimitExceeded, 100, 'N', o);
  std::string marks(101, '(');
  expect_error(marks, ErrorCode::kLimitExceeded, 100, '(', o);
}

TEST(Limits, MaxMemoEntries) {
  LoadOptions o;
  o.limits.max_memo_entries = 2;
  Error e = expect_error("Np0\np1\np2\n.", ErrorCode::kLimitExceeded, 7, 'p', o);
  EXPECT_TRUE(contains(e.message(), "max_memo_entries")) << e.message();
  expect_error("\x80\x04N\x94\x94\x94."s, ErrorCode::kLimitExceeded, 5, 0x94, o);
  expect_error("\x80\x02Nr\xff\xff\xff\xffr\xfe\xff\xff\xffr\xfd\xff\xff\xff."s, ErrorCode::kLimitExceeded, 13, 'r', o);
  // Re-PUT of an index is not a new entry.
  std::string ok = "Np0\np0\np1\np1\n.";
  EXPECT_TRUE(load_ok(ok, o).root().is_none());
}

TEST(Limits, MaxInputBytes) {
  LoadOptions o;
  o.limits.max_input_bytes = 10;
  std::string exactly = "\x80\x02K\x01K\x02\x86N0.";  // 10 bytes
  ASSERT_EQ(exactly.size(), 10u);
  EXPECT_EQ(load_ok(exactly, o).root().size(), 2u);
  Error e = expect_error("\x80\x02(K\x01K\x02K\x03K\x04K\x05t."s, ErrorCode::kLimitExceeded, 9, 'K', o);
  EXPECT_TRUE(contains(e.message(), "max_input_bytes")) << e.message();
  expect_error("\x80\x02(K\x01K\x02K\x03\x86N."s, ErrorCode::kLimitExceeded, 10, kNoOpcode, o);
  expect_error("I123456789012\n.", ErrorCode::kLimitExceeded, 0, 'I', o);
  expect_error("\x80\x03" "B\x10\x00\x00\x00"s + std::string(16, 'x') + ".", ErrorCode::kLimitExceeded, 2, 'B', o);
  // The same through a stream, which would otherwise never end.
  expect_stream_error("\x80\x02(K\x01K\x02K\x03K\x04K\x05t."s, ErrorCode::kLimitExceeded, 9, 'K', o);
  expect_stream_error(std::string(1000, '\x28'), ErrorCode::kLimitExceeded, 10, kNoOpcode, o);
}

TEST(Limits, MaxMemoryBytesForNodes) {
  LoadOptions o;
  o.limits.max_memory_bytes = 64 * 1024;
  std::string data = "(" + std::string(5000, ']') + "l.";
  // Nodes are 32 bytes, in a table that doubles: growing it from 1024 to 2048 nodes (the 1021st
  // EMPTY_LIST, after the 4 fixed nodes) would pass 64 KiB.
  Error e = expect_error(data, ErrorCode::kLimitExceeded, 1021, ']', o);
  EXPECT_TRUE(contains(e.message(), "max_memory_bytes")) << e.message();
}

TEST(Limits, MaxMemoryBytesForCopiedPayloads) {
  LoadOptions o;
  o.limits.max_memory_bytes = 64 * 1024;
  std::string data = "\x80\x03" "B" + le(100000, 4) + std::string(100000, 'x') + ".";
  // From memory the payload is borrowed, not copied: it loads.
  EXPECT_EQ(load_ok(data, o).root().size(), 100000u);
  // From a stream it must be copied into the document: over the limit.
  expect_stream_error(data, ErrorCode::kLimitExceeded, 2, 'B', o);
  // Latin-1 decoding of a Python 2 str makes a copy even from memory.
  LoadOptions latin1 = o;
  latin1.encoding = "latin1";
  std::string s = "T" + le(100000, 4) + std::string(100000, '\xe9') + ".";
  expect_error(s, ErrorCode::kLimitExceeded, 0, 'T', latin1);
}

TEST(Limits, MaxIntDigits) {
  LoadOptions o;  // default: 4300, as CPython 3.11
  std::string ok = "I" + std::string(4300, '7') + "\n.";
  Document d = load(view(ok), o);
  EXPECT_EQ(d.root().int_decimal(), std::string(4300, '7'));
  std::string neg = "I-" + std::string(4300, '7') + "\n.";
  EXPECT_EQ(load_ok(neg, o).root().int_decimal(), "-" + std::string(4300, '7'));
  Error e = expect_error("I" + std::string(4301, '7') + "\n.", ErrorCode::kLimitExceeded, 0, 'I', o);
  EXPECT_TRUE(contains(e.message(), "max_int_digits")) << e.message();
  expect_error("N0L" + std::string(4301, '1') + "L\n.", ErrorCode::kLimitExceeded, 2, 'L', o);
  LoadOptions small;
  small.limits.max_int_digits = 5;
  expect_error("I123456\n.", ErrorCode::kLimitExceeded, 0, 'I', small);
  EXPECT_EQ(load_ok("I12345\n."s, small).root().as_int(), 12345);
  // Binary ints (LONG1/LONG4) need no decimal conversion: CPython loads any size, so do we (the
  // input and Limits::max_memory_bytes bound them).
  std::string long4 = "\x80\x02\x8b" + le(3000, 4) + std::string(3000, '\x01') + ".";
  EXPECT_EQ(load_ok(long4, small).root().int_bytes().size(), 3000u);
  // Value::int_decimal has its own bound.
  std::string long1 = "\x80\x02\x8a\xff" + std::string(255, '\x01') + ".";
  Document big = load(view(long1));
  try {
    (void)big.root().int_decimal(100);
    ADD_FAILURE() << "no error";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ErrorCode::kLimitExceeded);
    EXPECT_EQ(err.offset(), 2u);
  }
  EXPECT_GT(big.root().int_decimal().size(), 600u);
}

std::string nested_lists(size_t depth) {
  std::string s = "\x80\x02" + std::string(depth, ']') + std::string(depth - 1, 'a') + ".";
  return s;
}

TEST(Limits, MaxDepthWhenPrinting) {
  std::string data = nested_lists(100);
  Document d = load(view(data));
  Limits at;
  at.max_depth = 100;
  EXPECT_EQ(to_json(d.root(), at), std::string(100, '[') + std::string(100, ']'));
  EXPECT_FALSE(to_show(d.root(), at).empty());
  Limits below;
  below.max_depth = 99;
  for (int which = 0; which < 2; ++which) {
    try {
      if (which == 0) (void)to_json(d.root(), below);
      else (void)to_show(d.root(), below);
      ADD_FAILURE() << "no error from " << (which ? "to_show" : "to_json");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded);
      EXPECT_TRUE(contains(e.message(), "max_depth")) << e.message();
    }
  }
}

// ---- a 1,000,000-deep list --------------------------------------------------------------------------

TEST(DeepNesting, MillionDeepListLoadsPrintsAndFrees) {
  constexpr size_t kDepth = 1000000;
  std::string data = nested_lists(kDepth);
  ASSERT_EQ(data.size(), 2 + kDepth + (kDepth - 1) + 1);
  {
    Document d = load(view(data));
    Value v = d.root();
    ASSERT_EQ(v.kind(), Kind::kList);
    EXPECT_EQ(v.size(), 1u);
    EXPECT_EQ(d.node_count(), 4 + kDepth);
    // Walk down iteratively.
    size_t depth = 1;
    for (Value cur = v; cur.size() == 1; cur = cur[0]) ++depth;
    EXPECT_EQ(depth, kDepth);

    std::string json = to_json(v);
    EXPECT_EQ(json.size(), 2 * kDepth);
    EXPECT_EQ(json.substr(0, 4), "[[[[");
    EXPECT_EQ(json.find_first_not_of('['), kDepth);
    EXPECT_EQ(json.substr(json.size() - 4), "]]]]");

    std::string show = to_show(v);
    EXPECT_EQ(show.substr(0, 4), "[[[[");
    EXPECT_EQ(show.back(), ']');
    EXPECT_GE(show.size(), 2 * kDepth);

    std::ostringstream out;
    write_json(v, out);
    EXPECT_EQ(out.str().size(), 2 * kDepth);

    // Moving the document around is cheap, and destroying it does not recurse.
    Document moved = std::move(d);
    EXPECT_EQ(moved.root().size(), 1u);
  }
  // The same through a stream.
  std::istringstream in(data);
  Document s = load_stream(in);
  EXPECT_EQ(s.node_count(), 4 + kDepth);
}

TEST(DeepNesting, DeepTupleKeyIsALimitNotACrash) {
  // Hashing a key nests; a 100,000-deep tuple key must fail cleanly (or work), never overflow the
  // C++ stack.
  constexpr size_t kDepth = 100000;
  std::string data = "\x80\x02}" + std::string("N\x85") ;
  for (size_t i = 1; i < kDepth; ++i) data += "\x85";
  data += "Ns.";
  try {
    Document d = load(view(data));
    EXPECT_EQ(d.root().size(), 1u);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded);
    EXPECT_EQ(e.offset(), 2 + 1 + 1 + kDepth + 1);
    EXPECT_EQ(e.opcode(), 's');
  }
}

}  // namespace
}  // namespace picklejar
