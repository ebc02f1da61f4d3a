// Throwing picklejar::Error from inside the library, and the names of opcodes that errors quote.
// The base layer: depends on nothing but the public error header. Internal.
#pragma once

#include <cstdint>
#include <string>

#include "picklejar/error.h"

namespace picklejar::internal {

// Throws Error(code, message, offset, opcode). Out of line, so that callers' fast paths stay small.
[[noreturn]] void throw_error(ErrorCode code, std::string message, uint64_t offset = Error::kNoOffset,
                              int opcode = Error::kNoOpcode);

// "BINUNICODE" for an opcode, or "byte 0xNN" for a byte that is not one (base/opcodes.def).
std::string opcode_display_name(int byte);

}  // namespace picklejar::internal
