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
#define PICKLEJAR_OPCODE(name, byte, arg, proto, before, after, doc) name = byte,
#include "base/opcodes.def"
#undef PICKLEJAR_OPCODE
};

// pickletools' stack objects: the letters of the before/after columns of opcodes.def.
enum class StackKind : uint8_t {
  kAny, kIntOrBool, kInt, kBytesOrStr, kBytes, kBytearray, kBuffer, kNone, kBool, kStr, kFloat,
  kList, kTuple, kDict, kSet, kFrozenset, kMark, kStackslice,
};

// pickletools' name of the stack object ("int_or_bool", "mark", ...).
const char* stack_kind_name(StackKind k) noexcept;

// An opcode's stack_before / stack_after as pickletools' dis() uses them.
struct StackEffect {
  uint8_t pops = 0;     // len(stack_before); a stackslice counts as one
  int8_t mark_at = -1;  // index of the mark in stack_before, or -1
  uint8_t pushes = 0;   // len(stack_after) (at most 2)
  StackKind push[2] = {StackKind::kAny, StackKind::kAny};
};

struct OpcodeInfo {
  const char* name;  // nullptr for bytes that are not opcodes
  ArgKind arg;
  int8_t proto;
  const char* before;  // opcodes.def's letters, bottom first
  const char* after;
  const char* doc;
  StackEffect effect;
};

// Facts for each of the 256 byte values; name == nullptr where the byte is no opcode.
const OpcodeInfo& opcode_info(uint8_t byte) noexcept;
inline bool is_opcode(uint8_t byte) noexcept { return opcode_info(byte).name != nullptr; }

// An opcode's argument kind at compile time, so that the VM's decoding follows the table.
constexpr ArgKind arg_kind_of(Op op) noexcept {
  switch (op) {
#define PICKLEJAR_OPCODE(name, byte, arg, proto, before, after, doc) \
  case Op::name:                                                     \
    return ArgKind::arg;
#include "base/opcodes.def"
#undef PICKLEJAR_OPCODE
  }
  return ArgKind::kNone;
}

}  // namespace picklejar::internal
