// The opcode enum and per-opcode facts, generated from base/opcodes.def (the pickle format's one opcode table; it sits in base because error messages name opcodes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"  // opcode_display_name

namespace picklejar::internal {

enum class ArgKind : uint8_t {
  kNone,
  kUint1,
  kUint2,
  kUint4,
  kUint8,
  kInt4,
  kLong1,
  kLong4,
  kDecimalNlShort,
  kDecimalNlLong,
  kFloatNl,
  kFloat8,
  kStringNl,
  kStringNlNoEscape,
  kStringNlPair,
  kString1,
  kString4,
  kBytes1,
  kBytes4,
  kBytes8,
  kBytearray8,
  kUnicodeNl,
  kUnicode1,
  kUnicode4,
  kUnicode8,
};

enum class Op : uint8_t {
#define PICKLEJAR_OPCODE(name, byte, arg, proto, doc) name = byte,
#include "base/opcodes.def"
#undef PICKLEJAR_OPCODE
};

struct OpcodeInfo {
  const char* name;  // nullptr for bytes that are not opcodes
  ArgKind arg;
  int8_t proto;
  const char* doc;
};

// Facts for each of the 256 byte values; name == nullptr where the byte is no opcode.
const OpcodeInfo& opcode_info(uint8_t byte) noexcept;
inline bool is_opcode(uint8_t byte) noexcept { return opcode_info(byte).name != nullptr; }

}  // namespace picklejar::internal
