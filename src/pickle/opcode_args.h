// The one decoder of opcode arguments (the bytes after an opcode, by its ArgKind in
// base/opcodes.def), shared by the VM (unpickler.cc) and the disassembler. It knows each kind's
// layout: the width and signedness of the fixed field, whether a payload of that length follows,
// how many text lines there are. Declared lengths are checked by the source against the input
// before anything is read or allocated for them.
//
// The source words the errors: the VM and the disassembler report the same failure differently
// (the disassembler in pickletools' words), so decode_arg calls these members of Src, each of which
// returns normally or throws:
//   const uint8_t* fixed(int width, ArgKind, ArgField)   `width` bytes, or throw (truncated)
//   const uint8_t* payload(ArgKind, uint64_t n)          n bytes of a counted argument
//   void negative_length(ArgKind, int64_t n)             a signed length is negative: throw
//   void check_count(ArgKind, uint64_t n)                an 8-byte length, before payload()
//   std::string_view line(ArgKind, int index)            a newline-terminated line (index 0 or 1)
// Internal.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "pickle/opcode_table.h"

namespace picklejar::internal {

// Which part of an argument a fixed-width field is.
enum class ArgField : uint8_t { kValue, kLength };

// An argument as read from the stream, before interpretation.
struct RawArg {
  uint64_t u = 0;                 // unsigned fixed-width value, or a counted argument's length
  int64_t i = 0;                  // kInt4's value (sign-extended)
  const uint8_t* data = nullptr;  // a counted argument's payload, or kFloat8's 8 bytes
  std::string_view line;          // text-line kinds (kStringNlPair: the first line)
  std::string_view line2;         // kStringNlPair's second line
};

// Width in bytes of the fixed field that starts an argument (0: none, or text lines).
constexpr int arg_fixed_width(ArgKind k) noexcept {
  switch (k) {
    case ArgKind::kUint1: case ArgKind::kLong1: case ArgKind::kString1: case ArgKind::kBytes1:
    case ArgKind::kUnicode1:
      return 1;
    case ArgKind::kUint2:
      return 2;
    case ArgKind::kUint4: case ArgKind::kInt4: case ArgKind::kLong4: case ArgKind::kString4:
    case ArgKind::kBytes4: case ArgKind::kUnicode4:
      return 4;
    case ArgKind::kUint8: case ArgKind::kFloat8: case ArgKind::kBytes8: case ArgKind::kBytearray8:
    case ArgKind::kUnicode8:
      return 8;
    default:
      return 0;
  }
}
constexpr bool arg_fixed_signed(ArgKind k) noexcept {
  return k == ArgKind::kInt4 || k == ArgKind::kLong4 || k == ArgKind::kString4;
}
// A payload whose length is the fixed field follows.
constexpr bool arg_is_counted(ArgKind k) noexcept {
  return arg_fixed_width(k) > 0 && k != ArgKind::kUint1 && k != ArgKind::kUint2 && k != ArgKind::kUint4 &&
         k != ArgKind::kUint8 && k != ArgKind::kInt4 && k != ArgKind::kFloat8;
}
constexpr int arg_line_count(ArgKind k) noexcept {
  switch (k) {
    case ArgKind::kDecimalNlShort: case ArgKind::kDecimalNlLong: case ArgKind::kFloatNl: case ArgKind::kStringNl:
    case ArgKind::kStringNlNoEscape: case ArgKind::kUnicodeNl:
      return 1;
    case ArgKind::kStringNlPair:
      return 2;
    default:
      return 0;
  }
}

// pickletools' ArgumentDescriptor name: "uint1", "long4", "decimalnl_short", "unicodestring8", ...
const char* arg_kind_name(ArgKind k) noexcept;

template <int W>
[[gnu::always_inline]] inline uint64_t load_le(const uint8_t* p) noexcept {
  if constexpr (W == 1) {
    return *p;
  } else {
    uint64_t v = 0;
    for (int i = 0; i < W; ++i) v |= uint64_t{p[i]} << (8 * i);
    return v;
  }
}

template <ArgKind K, class Src>
[[gnu::always_inline]] inline RawArg decode_arg(Src& src) {
  RawArg a;
  constexpr int kWidth = arg_fixed_width(K);
  if constexpr (arg_line_count(K) > 0) {
    a.line = src.line(K, 0);
    if constexpr (arg_line_count(K) == 2) a.line2 = src.line(K, 1);
  } else if constexpr (K == ArgKind::kFloat8) {
    a.data = src.fixed(8, K, ArgField::kValue);
    a.u = 8;
  } else if constexpr (kWidth > 0) {
    constexpr bool kCounted = arg_is_counted(K);
    uint64_t v = load_le<kWidth>(src.fixed(kWidth, K, kCounted ? ArgField::kLength : ArgField::kValue));
    if constexpr (arg_fixed_signed(K)) {
      a.i = static_cast<int32_t>(static_cast<uint32_t>(v));
      if constexpr (kCounted) {
        if (a.i < 0) src.negative_length(K, a.i);
      }
      a.u = static_cast<uint64_t>(a.i);
    } else {
      a.u = v;
    }
    if constexpr (kCounted) {
      if constexpr (kWidth == 8) src.check_count(K, a.u);
      a.data = src.payload(K, a.u);
    }
  }
  return a;
}

// The same, for a kind known only at run time (the disassembler).
template <class Src>
RawArg decode_arg(ArgKind k, Src& src) {
  switch (k) {
#define PICKLEJAR_ARG_CASE(K) \
  case ArgKind::K:            \
    return decode_arg<ArgKind::K>(src);
    PICKLEJAR_ARG_CASE(kNone) PICKLEJAR_ARG_CASE(kUint1) PICKLEJAR_ARG_CASE(kUint2) PICKLEJAR_ARG_CASE(kUint4)
    PICKLEJAR_ARG_CASE(kUint8) PICKLEJAR_ARG_CASE(kInt4) PICKLEJAR_ARG_CASE(kLong1) PICKLEJAR_ARG_CASE(kLong4)
    PICKLEJAR_ARG_CASE(kDecimalNlShort) PICKLEJAR_ARG_CASE(kDecimalNlLong) PICKLEJAR_ARG_CASE(kFloatNl)
    PICKLEJAR_ARG_CASE(kFloat8) PICKLEJAR_ARG_CASE(kStringNl) PICKLEJAR_ARG_CASE(kStringNlNoEscape)
    PICKLEJAR_ARG_CASE(kStringNlPair) PICKLEJAR_ARG_CASE(kString1) PICKLEJAR_ARG_CASE(kString4)
    PICKLEJAR_ARG_CASE(kBytes1) PICKLEJAR_ARG_CASE(kBytes4) PICKLEJAR_ARG_CASE(kBytes8)
    PICKLEJAR_ARG_CASE(kBytearray8) PICKLEJAR_ARG_CASE(kUnicodeNl) PICKLEJAR_ARG_CASE(kUnicode1)
    PICKLEJAR_ARG_CASE(kUnicode4) PICKLEJAR_ARG_CASE(kUnicode8)
#undef PICKLEJAR_ARG_CASE
  }
  return RawArg{};
}

}  // namespace picklejar::internal
