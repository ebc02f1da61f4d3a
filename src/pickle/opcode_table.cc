#include "pickle/opcode_table.h"

#include <array>

namespace picklejar::internal {
namespace {

constexpr StackKind kind_of_letter(char c) {
  switch (c) {
    case 'I': return StackKind::kIntOrBool;
    case 'i': return StackKind::kInt;
    case 'B': return StackKind::kBytesOrStr;
    case 'y': return StackKind::kBytes;
    case 'Y': return StackKind::kBytearray;
    case 'v': return StackKind::kBuffer;
    case 'N': return StackKind::kNone;
    case 'b': return StackKind::kBool;
    case 's': return StackKind::kStr;
    case 'f': return StackKind::kFloat;
    case 'l': return StackKind::kList;
    case 't': return StackKind::kTuple;
    case 'd': return StackKind::kDict;
    case 'e': return StackKind::kSet;
    case 'E': return StackKind::kFrozenset;
    case 'M': return StackKind::kMark;
    case 'S': return StackKind::kStackslice;
    case 'a': return StackKind::kAny;
  }
  throw "opcodes.def: unknown stack letter";  // fails the constant evaluation of the table
}

constexpr StackEffect effect_of(const char* before, const char* after) {
  StackEffect e;
  for (int i = 0; before[i]; ++i) {
    kind_of_letter(before[i]);
    if (before[i] == 'M') e.mark_at = static_cast<int8_t>(i);
    ++e.pops;
  }
  for (int i = 0; after[i]; ++i) {
    if (i >= 2) throw "opcodes.def: more than two stack_after items";
    e.push[i] = kind_of_letter(after[i]);
    ++e.pushes;
  }
  return e;
}

constexpr std::array<OpcodeInfo, 256> make_table() {
  std::array<OpcodeInfo, 256> t{};
  for (auto& e : t) e = OpcodeInfo{nullptr, ArgKind::kNone, -1, "", "", nullptr, StackEffect{}};
#define PICKLEJAR_OPCODE(name, byte, arg, proto, before, after, doc) \
  t[byte] = OpcodeInfo{#name, ArgKind::arg, proto, before, after, doc, effect_of(before, after)};
#include "base/opcodes.def"
#undef PICKLEJAR_OPCODE
  return t;
}

constexpr std::array<OpcodeInfo, 256> kTable = make_table();

}  // namespace

const OpcodeInfo& opcode_info(uint8_t byte) noexcept { return kTable[byte]; }

const char* stack_kind_name(StackKind k) noexcept {
  static constexpr const char* kNames[] = {"any",  "int_or_bool", "int",  "bytes_or_str", "bytes", "bytearray",
                                           "buffer", "None",      "bool", "str",          "float", "list",
                                           "tuple",  "dict",      "set",  "frozenset",    "mark",  "stackslice"};
  return kNames[static_cast<int>(k)];
}

}  // namespace picklejar::internal
