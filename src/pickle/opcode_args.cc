#include "pickle/opcode_args.h"

namespace picklejar::internal {

const char* arg_kind_name(ArgKind k) noexcept {
  switch (k) {
    case ArgKind::kNone: return "None";
    case ArgKind::kUint1: return "uint1";
    case ArgKind::kUint2: return "uint2";
    case ArgKind::kUint4: return "uint4";
    case ArgKind::kUint8: return "uint8";
    case ArgKind::kInt4: return "int4";
    case ArgKind::kLong1: return "long1";
    case ArgKind::kLong4: return "long4";
    case ArgKind::kDecimalNlShort: return "decimalnl_short";
    case ArgKind::kDecimalNlLong: return "decimalnl_long";
    case ArgKind::kFloatNl: return "floatnl";
    case ArgKind::kFloat8: return "float8";
    case ArgKind::kStringNl: return "stringnl";
    case ArgKind::kStringNlNoEscape: return "stringnl_noescape";
    case ArgKind::kStringNlPair: return "stringnl_noescape_pair";
    case ArgKind::kString1: return "string1";
    case ArgKind::kString4: return "string4";
    case ArgKind::kBytes1: return "bytes1";
    case ArgKind::kBytes4: return "bytes4";
    case ArgKind::kBytes8: return "bytes8";
    case ArgKind::kBytearray8: return "bytearray8";
    case ArgKind::kUnicodeNl: return "unicodestringnl";
    case ArgKind::kUnicode1: return "unicodestring1";
    case ArgKind::kUnicode4: return "unicodestring4";
    case ArgKind::kUnicode8: return "unicodestring8";
  }
  return "?";
}

}  // namespace picklejar::internal
