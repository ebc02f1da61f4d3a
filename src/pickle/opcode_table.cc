#include "pickle/opcode_table.h"

#include <array>

namespace picklejar::internal {
namespace {

constexpr std::array<OpcodeInfo, 256> make_table() {
  std::array<OpcodeInfo, 256> t{};
  for (auto& e : t) e = OpcodeInfo{nullptr, ArgKind::kNone, -1, nullptr};
#define PICKLEJAR_OPCODE(name, byte, arg, proto, doc) t[byte] = OpcodeInfo{#name, ArgKind::arg, proto, doc};
#include "base/opcodes.def"
#undef PICKLEJAR_OPCODE
  return t;
}

constexpr std::array<OpcodeInfo, 256> kTable = make_table();

}  // namespace

const OpcodeInfo& opcode_info(uint8_t byte) noexcept { return kTable[byte]; }

}  // namespace picklejar::internal
