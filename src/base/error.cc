#include "base/error.h"

#include <array>
#include <cstdio>
#include <string>

namespace picklejar {

std::string_view error_code_name(ErrorCode code) noexcept {
  switch (code) {
#define PICKLEJAR_ERROR_NAME(name, number, text) \
  case ErrorCode::name:                         \
    return #name;
    PICKLEJAR_ERROR_CODES(PICKLEJAR_ERROR_NAME)
#undef PICKLEJAR_ERROR_NAME
  }
  return "kUnknown";
}

std::string_view error_code_text(ErrorCode code) noexcept {
  switch (code) {
#define PICKLEJAR_ERROR_TEXT(name, number, text) \
  case ErrorCode::name:                         \
    return text;
    PICKLEJAR_ERROR_CODES(PICKLEJAR_ERROR_TEXT)
#undef PICKLEJAR_ERROR_TEXT
  }
  return "unknown error";
}

namespace {
std::string full_message(ErrorCode code, const std::string& message, uint64_t offset, int opcode) {
  std::string s(error_code_name(code));
  if (offset != Error::kNoOffset) {
    s += " at offset ";
    s += std::to_string(offset);
  }
  if (opcode != Error::kNoOpcode) {
    s += " (";
    s += internal::opcode_display_name(opcode);
    s += ")";
  }
  s += ": ";
  s += message;
  return s;
}
}  // namespace

Error::Error(ErrorCode code, std::string message, uint64_t offset, int opcode)
    : std::runtime_error(full_message(code, message, offset, opcode)),
      code_(code),
      offset_(offset),
      opcode_(opcode),
      message_(std::move(message)) {}

Error::~Error() = default;

namespace internal {

void throw_error(ErrorCode code, std::string message, uint64_t offset, int opcode) {
  throw Error(code, std::move(message), offset, opcode);
}

namespace {
constexpr std::array<const char*, 256> make_names() {
  std::array<const char*, 256> t{};
#define PICKLEJAR_OPCODE(name, byte, arg, proto, before, after, doc) t[byte] = #name;
#include "base/opcodes.def"
#undef PICKLEJAR_OPCODE
  return t;
}
constexpr std::array<const char*, 256> kNames = make_names();
}  // namespace

std::string opcode_display_name(int byte) {
  if (byte >= 0 && byte < 256 && kNames[byte]) return kNames[byte];
  char buf[32];
  std::snprintf(buf, sizeof buf, "byte 0x%02x", byte & 0xff);
  return buf;
}

}  // namespace internal

}  // namespace picklejar
