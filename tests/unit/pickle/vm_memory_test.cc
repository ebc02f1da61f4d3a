// The VM's own tables (memo, value stack, MARK stack) count toward Limits::max_memory_bytes with
// the document's blocks: streams of 1-byte opcodes that grow them while the document stays at its
// first few KiB must fail with kLimitExceeded at the opcode that grew them past the limit, and
// load under a larger one. The VM's bytes are released when the load ends.
//
// The offsets follow from the tables doubling (stack from 64 uint32 entries, memo from 64, MARK
// stack from 16 size_t entries): growing a table of c entries of s bytes charges c*s more, which
// passes a 16 KiB limit first when c*s reaches 8 KiB (the document itself holds ~2 KiB then).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "picklejar/picklejar.h"

namespace picklejar {
namespace {

constexpr uint64_t kSmall = 16 * 1024;
constexpr uint64_t kLarge = 1024 * 1024;

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

std::string le4(uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

LoadOptions with_memory(uint64_t bytes) {
  LoadOptions o;
  o.limits.max_memory_bytes = bytes;
  return o;
}

Error load_error(const std::string& data, uint64_t max_memory_bytes) {
  try {
    Document d = load(view(data), with_memory(max_memory_bytes));
    ADD_FAILURE() << "loaded; expected kLimitExceeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded) << e.what();
    EXPECT_NE(e.message().find("max_memory_bytes"), std::string::npos) << e.message();
    return e;
  }
  return Error(ErrorCode::kInvalidArgument, "unreachable");
}

// Loads under the large limit; the document alone stays far under the small one.
void expect_loads(const std::string& data) {
  Document d = load(view(data), with_memory(kLarge));
  EXPECT_LT(d.memory_bytes(), kSmall / 2);
}

TEST(VmMemory, ValueStackOfNones) {
  // 3000 NONEs, never consumed: push k (0-based) is at offset 2 + k; the stack grows from 2048
  // entries (8 KiB) to 4096 at push 2048.
  const std::string data = "\x80\x02" + std::string(3000, 'N') + ".";
  Error e = load_error(data, kSmall);
  EXPECT_EQ(e.offset(), 2050u) << e.what();
  EXPECT_EQ(e.opcode(), 'N') << e.what();
  EXPECT_NE(e.message().find("VM stack"), std::string::npos) << e.message();
  expect_loads(data);
}

TEST(VmMemory, ValueStackOfDups) {
  const std::string data = "\x80\x02N" + std::string(2999, '2') + ".";
  Error e = load_error(data, kSmall);
  EXPECT_EQ(e.offset(), 2050u) << e.what();
  EXPECT_EQ(e.opcode(), '2') << e.what();
  EXPECT_NE(e.message().find("VM stack"), std::string::npos) << e.message();
  expect_loads(data);
}

TEST(VmMemory, MarkStack) {
  // 3000 MARKs (8 bytes each): MARK k at offset 2 + k; 1024 entries (8 KiB) grow at MARK 1024.
  const std::string data = "\x80\x02" + std::string(3000, '(') + "N.";
  Error e = load_error(data, kSmall);
  EXPECT_EQ(e.offset(), 1026u) << e.what();
  EXPECT_EQ(e.opcode(), '(') << e.what();
  EXPECT_NE(e.message().find("MARK stack"), std::string::npos) << e.message();
  expect_loads(data);
}

TEST(VmMemory, MemoOfMemoize) {
  // One None memoized 3000 times: MEMOIZE k at offset 3 + k fills memo slot k; the memo grows from
  // 2048 slots (8 KiB) at slot 2048.
  const std::string data = "\x80\x04N" + std::string(3000, '\x94') + ".";
  Error e = load_error(data, kSmall);
  EXPECT_EQ(e.offset(), 2051u) << e.what();
  EXPECT_EQ(e.opcode(), 0x94) << e.what();
  EXPECT_NE(e.message().find("memo"), std::string::npos) << e.message();
  expect_loads(data);
}

TEST(VmMemory, MemoOfLongBinputAtIncreasingIndices) {
  std::string data = "\x80\x02N";
  for (uint32_t i = 0; i < 3000; ++i) data += "r" + le4(i);
  data += ".";
  Error e = load_error(data, kSmall);
  EXPECT_EQ(e.offset(), 3u + 5u * 2048u) << e.what();
  EXPECT_EQ(e.opcode(), 'r') << e.what();
  EXPECT_NE(e.message().find("memo"), std::string::npos) << e.message();
  expect_loads(data);
}

TEST(VmMemory, SparseMemo) {
  // Indices far apart live in the memo's map, not its table: each entry still costs memory.
  std::string data = "\x80\x02N";
  for (uint32_t i = 0; i < 3000; ++i) data += "r" + le4(0x10000000u + 4096u * i);
  data += ".";
  Error e = load_error(data, kSmall);
  ASSERT_GE(e.offset(), 3u) << e.what();
  EXPECT_EQ((e.offset() - 3) % 5, 0u) << e.what();  // at one of the LONG_BINPUTs
  EXPECT_EQ(e.opcode(), 'r') << e.what();
  EXPECT_NE(e.message().find("memo"), std::string::npos) << e.message();
  expect_loads(data);
}

TEST(VmMemory, ReleasedWhenTheLoadEnds) {
  // The stack held 16 KiB during the load; the loaded document does not count it.
  const std::string data = "\x80\x02" + std::string(3000, 'N') + ".";
  Document d = load(view(data));
  EXPECT_LT(d.memory_bytes(), kSmall / 2);
}

}  // namespace
}  // namespace picklejar
