// Helpers shared by the opcode tests (opcodes_test.cc, opcodes_objects_test.cc) and the value
// model tests on loaded documents (tests/unit/model/value_model_test.cc): hand-built streams and
// loading them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "picklejar/picklejar.h"

namespace picklejar::opcode_test {

// ---- helpers -------------------------------------------------------------------------------------

// A loaded document together with the bytes it was loaded from (load() is zero-copy, so the bytes
// must outlive the document).
struct Loaded {
  std::unique_ptr<std::string> bytes;
  Document doc;
  Value root() const { return doc.root(); }
};

inline ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

inline Loaded L(std::string data, const LoadOptions& options = {}) {
  auto bytes = std::make_unique<std::string>(std::move(data));
  Document doc = load(view(*bytes), options);
  return Loaded{std::move(bytes), std::move(doc)};
}

// Little-endian fixed-width integers and length-prefixed payloads.
inline std::string le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}
inline std::string u1(uint8_t v) { return std::string(1, static_cast<char>(v)); }

inline std::string sv(ByteView b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

inline ErrorCode code_of(const std::string& data, const LoadOptions& options = {}) {
  try {
    L(data, options);
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return ErrorCode::kInvalidArgument;
}

}  // namespace picklejar::opcode_test
