// Disassembling streams with stretches that are not opcodes (joblib's spliced array data). Internal.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "picklejar/value.h"

namespace picklejar::internal {

struct SkipRange {
  uint64_t begin, end;  // [begin, end) in the stream
  std::string label;    // printed as "  <begin>: [label]"
};

// picklejar::disassemble, but each range in `skips` (sorted, starting where an opcode would) is
// printed as one line and jumped over.
void disassemble_with_skips(ByteView data, std::ostream& out, const std::vector<SkipRange>& skips);

// One pickle of `data` starting at offset `start` (a stream of several pickles, as a legacy torch
// file): offsets are positions in `data`, as pickletools.dis prints a pickle read from the middle
// of a file. Returns the offset just after its STOP.
uint64_t disassemble_from(ByteView data, uint64_t start, std::ostream& out);

}  // namespace picklejar::internal
