#include "picklejar/error.h"

#include <string>

#include "pickle/opcode_table.h"

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

}  // namespace picklejar
