// Python's repr() of str and bytes, as CPython 3.11 writes them (str.isprintable() of Unicode 14.0).
// The one copy the disassembler, the printer and the pickler share. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace picklejar::internal {

// str.isprintable() of one code point (CPython 3.11).
bool is_printable(uint32_t cp) noexcept;

// Appends v as `digits` lowercase hex digits.
void append_hex(std::string& out, uint32_t v, int digits);

// The quote repr() picks: double only when the text has a single quote and no double quote.
inline char repr_quote(bool has_single, bool has_double) noexcept { return has_single && !has_double ? '"' : '\''; }

// One code point of repr(str) without the surrounding quotes, written as UTF-8.
void append_str_repr_char(std::string& out, uint32_t cp, char quote);

// repr() of a str given as UTF-8 (surrogatepass) text that is known to be valid.
std::string repr_str(std::string_view utf8);
// repr() of a str whose code points are the given bytes (ASCII or Latin-1 text).
std::string repr_latin1(const uint8_t* p, size_t n);
// repr() of bytes: b'...'. With bytearray_style, every single quote is escaped, even inside double
// quotes, as bytearray's repr does (bytearray(b"\'")).
std::string repr_bytes(const uint8_t* p, size_t n, bool bytearray_style = false);
inline std::string repr_bytes(std::string_view s) {
  return repr_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace picklejar::internal
