#include "pickle/opcode_table.h"

#include <array>
#include <cstdio>

namespace picklejar::internal {
namespace {

constexpr std::array<OpcodeInfo, 256> make_table() {
  std::array<OpcodeInfo, 256> t{};
  for (auto& e : t) e = OpcodeInfo{nullptr, ArgKind::kNone, -1, nullptr};
#define PICKLEJAR_OPCODE(name, byte, arg, proto, doc) t[byte] = OpcodeInfo{#name, ArgKind::arg, proto, doc};
#include "pickle/opcodes.def"
#undef PICKLEJAR_OPCODE
  return t;
}

constexpr std::array<OpcodeInfo, 256> kTable = make_table();

}  // namespace

const OpcodeInfo& opcode_info(uint8_t byte) noexcept { return kTable[byte]; }

std::string opcode_display_name(int byte) {
  if (byte >= 0 && byte < 256 && kTable[byte].name) return kTable[byte].name;
  char buf[32];
  std::snprintf(buf, sizeof buf, "byte 0x%02x", byte & 0xff);
  return buf;
}

}  // namespace picklejar::internal
