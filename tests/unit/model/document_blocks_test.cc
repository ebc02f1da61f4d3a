// model/document_impl.h: the document's payload blocks. Big ones (an array's data, a file read
// whole) are 2 MiB-aligned so the huge pages advised on them can back them from the first byte
// (tools/bench/README.md "Huge pages for array blocks").
#include <cstdint>
#include <cstring>

#include <gtest/gtest.h>

#include "model/document_impl.h"

namespace picklejar::internal {
namespace {

TEST(DocumentBlocks, BigBlocksAreHugePageAligned) {
  DocumentImpl d;
  for (size_t n : {size_t{4} << 20, (size_t{9} << 20) + 5}) {
    uint8_t* p = d.alloc_bytes(n);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (size_t{2} << 20), 0u) << n;
    std::memset(p, 0xab, n);  // all of it is usable
    EXPECT_EQ(p[n - 1], 0xab);
  }
}

TEST(DocumentBlocks, SmallAndMidSizeBlocksStay16ByteAligned) {
  DocumentImpl d;
  for (size_t n : {size_t{1}, size_t{17}, size_t{16384}, size_t{1} << 20}) {
    uint8_t* p = d.alloc_bytes(n);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u) << n;
  }
  EXPECT_GE(d.memory_bytes(), size_t{1} << 20);
}

}  // namespace
}  // namespace picklejar::internal
