// picklejar::Error, the one exception the library throws for bad input, and its stable codes.
// Thread safety: Error is an immutable value; copies may be used from any thread.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "picklejar/export.h"

namespace picklejar {

// The error codes, append-only: a code's number never changes once released.
// PICKLEJAR_ERROR(Name, number, "short description")
#define PICKLEJAR_ERROR_CODES(X)                                                          \
  X(kTruncated, 1, "truncated input")                                                     \
  X(kUnknownOpcode, 2, "unknown opcode")                                                  \
  X(kStackUnderflow, 3, "stack underflow")                                                \
  X(kMarkMisuse, 4, "mark misuse")                                                        \
  X(kMemoMissing, 5, "missing memo entry")                                                \
  X(kBadUtf8, 6, "bad UTF-8")                                                             \
  X(kBadLength, 7, "bad declared length")                                                 \
  X(kBadMemoIndex, 8, "bad memo index")                                                   \
  X(kMissingBuffer, 9, "missing out-of-band buffer")                                      \
  X(kLimitExceeded, 10, "limit exceeded")                                                 \
  X(kBadArgument, 11, "bad opcode argument")                                              \
  X(kBadOperand, 12, "bad operand type")                                                  \
  X(kUnsupportedProtocol, 13, "unsupported protocol")                                     \
  X(kBadFrame, 14, "bad frame")                                                           \
  X(kDecode, 15, "cannot decode Python 2 str")                                            \
  X(kUnhashable, 16, "unhashable key")                                                    \
  X(kPersistentId, 17, "persistent id without a callback")                                \
  X(kExtension, 18, "extension code")                                                     \
  X(kNoStop, 19, "no STOP opcode")                                                        \
  X(kIo, 20, "I/O error")                                                                 \
  X(kTypeMismatch, 21, "value has another type")                                          \
  X(kKeyNotFound, 22, "key not found")                                                    \
  X(kOutOfRange, 23, "index out of range")                                                \
  X(kForbiddenGlobal, 24, "global not allowed")                                           \
  X(kUnsupported, 25, "unsupported")                                                      \
  X(kInvalidArgument, 26, "invalid argument")                                             \
  X(kCompression, 27, "bad compressed data")

enum class ErrorCode : int {
#define PICKLEJAR_ERROR_ENUM(name, number, text) name = number,
  PICKLEJAR_ERROR_CODES(PICKLEJAR_ERROR_ENUM)
#undef PICKLEJAR_ERROR_ENUM
};

// The stable name of a code ("kTruncated"), or "kUnknown" for a number not in the list.
PICKLEJAR_EXPORT std::string_view error_code_name(ErrorCode code) noexcept;
// The short description of a code ("truncated input").
PICKLEJAR_EXPORT std::string_view error_code_text(ErrorCode code) noexcept;

// Thrown for every bad input and every failed typed access. what() is the full message, which
// names the code, the opcode (if any) and the offset, e.g.
//   "kTruncated at offset 40 (BINUNICODE): BINUNICODE needs 812 bytes, 3 left"
class PICKLEJAR_EXPORT Error : public std::runtime_error {
 public:
  static constexpr uint64_t kNoOffset = ~uint64_t{0};
  static constexpr int kNoOpcode = -1;

  Error(ErrorCode code, std::string message, uint64_t offset = kNoOffset, int opcode = kNoOpcode);
  Error(const Error&) = default;
  Error& operator=(const Error&) = default;
  ~Error() override;

  ErrorCode code() const noexcept { return code_; }
  // 0-based offset in the decoded pickle stream where the failing opcode (or value) starts,
  // or kNoOffset when the error is not tied to a position.
  uint64_t offset() const noexcept { return offset_; }
  // The opcode byte being executed (0..255), or kNoOpcode.
  int opcode() const noexcept { return opcode_; }
  // The message without the code/offset prefix.
  const std::string& message() const noexcept { return message_; }

 private:
  ErrorCode code_;
  uint64_t offset_;
  int opcode_;
  std::string message_;
};

}  // namespace picklejar
