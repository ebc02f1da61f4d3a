// What the printers share: see print.h.
#include "model/print.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace picklejar::internal {

namespace {
constexpr char kHex[] = "0123456789abcdef";

}  // namespace

bool is_atom(const DocumentImpl& d, uint32_t id) {
  if (id == kEmptyTupleNode) return true;
  switch (d.node(id).kind) {
    case Kind::kNone:
    case Kind::kBool:
    case Kind::kInt:
    case Kind::kFloat:
    case Kind::kStr:
    case Kind::kBytes:
    case Kind::kGlobal:
      return true;
    default:
      return false;
  }
}

std::vector<uint8_t> count_reach(const DocumentImpl& d, uint32_t root) {
  std::vector<uint8_t> seen(d.node_count(), 0);
  std::vector<uint32_t> work{root};
  while (!work.empty()) {
    uint32_t id = work.back();
    work.pop_back();
    if (is_atom(d, id)) continue;
    if (seen[id]++) {
      seen[id] = 2;
      continue;
    }
    for_each_child(d, id, [&](uint32_t c) {
      if (!is_atom(d, c)) work.push_back(c);
    });
  }
  return seen;
}


void put_u4(std::string& out, uint32_t u) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(u >> shift) & 15];
}

// A JSON string as Python's json.dumps(ensure_ascii=True) writes it.
void json_string(std::string& out, std::string_view s) {
  out += '"';
  for_each_code_point(s, [&](uint32_t c, size_t, size_t) {
    switch (c) {
      case '"': out += "\\\""; return;
      case '\\': out += "\\\\"; return;
      case '\n': out += "\\n"; return;
      case '\r': out += "\\r"; return;
      case '\t': out += "\\t"; return;
      case '\b': out += "\\b"; return;
      case '\f': out += "\\f"; return;
      default: break;
    }
    if (c < 0x20) {
      put_u4(out, c);
    } else if (c < 0x7f) {
      out += static_cast<char>(c);
    } else if (c >= 0x10000) {
      uint32_t v = c - 0x10000;
      put_u4(out, 0xd800 + (v >> 10));
      put_u4(out, 0xdc00 + (v & 0x3ff));
    } else {
      put_u4(out, c);
    }
  });
  out += '"';
}

void hex_bytes(std::string& out, const uint8_t* p, uint64_t n) {
  out.reserve(out.size() + n * 2);
  for (uint64_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
}

// Ints longer than this many two's-complement bytes print as hex: decimal conversion is quadratic.
constexpr uint64_t kMaxDecimalIntBytes = 10000;

void int_text(std::string& out, const DocumentImpl& d, uint32_t id, bool json) {
  const Node& n = d.node(id);
  if (!(n.flags & kFlagBigInt)) {
    out += std::to_string(n.u.i);
    return;
  }
  const uint8_t* p = n.u.bytes.ptr;
  uint64_t len = n.u.bytes.len;
  if (len <= kMaxDecimalIntBytes) {
    out += twos_complement_to_decimal(p, len);
    return;
  }
  // Magnitude in hex, most significant first.
  bool neg = p[len - 1] & 0x80;
  std::vector<uint8_t> mag(p, p + len);
  if (neg) {  // negate: invert and add one
    unsigned carry = 1;
    for (auto& b : mag) {
      unsigned v = static_cast<uint8_t>(~b) + carry;
      b = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
  }
  while (mag.size() > 1 && mag.back() == 0) mag.pop_back();
  std::string hex;
  for (size_t i = mag.size(); i-- > 0;) {
    hex += kHex[mag[i] >> 4];
    hex += kHex[mag[i] & 15];
  }
  size_t first = hex.find_first_not_of('0');
  hex = first == std::string::npos ? "0" : hex.substr(first);
  std::string text = std::string(neg ? "-0x" : "0x") + hex;
  if (json) {
    out += "{\"$int\":\"" + text + "\"}";
  } else {
    out += text;
  }
}

void check_depth(size_t depth, const Limits& limits) {
  if (depth > limits.max_depth)
    throw_error(ErrorCode::kLimitExceeded,
                          "value nests deeper than Limits::max_depth (" + std::to_string(limits.max_depth) + ")");
}


void py_bytes_repr(std::string& out, const uint8_t* p, uint64_t n, uint64_t total) {
  bool has_sq = std::memchr(p, '\'', n) != nullptr;
  bool has_dq = std::memchr(p, '"', n) != nullptr;
  char q = has_sq && !has_dq ? '"' : '\'';
  out += 'b';
  out += q;
  for (uint64_t i = 0; i < n; ++i) {
    uint8_t c = p[i];
    if (c == static_cast<uint8_t>(q) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += q;
  if (total > n) out += "... (" + std::to_string(total) + " bytes)";
}

void py_str_repr(std::string& out, std::string_view s) {
  bool has_sq = s.find('\'') != std::string_view::npos;
  bool has_dq = s.find('"') != std::string_view::npos;
  char q = has_sq && !has_dq ? '"' : '\'';
  out += q;
  size_t shown = 0;
  size_t total = 0;
  for_each_code_point(s, [&](uint32_t, size_t, size_t) { ++total; });
  for_each_code_point(s, [&](uint32_t c, size_t at, size_t len) {
    if (shown++ >= kShowMaxStr) return;
    if (c == static_cast<uint32_t>(q) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
      out += "\\x";
      out += kHex[(c >> 4) & 15];
      out += kHex[c & 15];
    } else if (c >= 0xd800 && c < 0xe000) {
      put_u4(out, c);
    } else {
      out.append(s.substr(at, len));
    }
  });
  out += q;
  if (total > kShowMaxStr) out += "... (" + std::to_string(total) + " characters)";
}
std::string global_name(const Node& n) {
  std::string_view all = payload_text(n);
  std::string s(all.substr(0, n.aux));
  s += '.';
  s.append(all.substr(n.aux));
  return s;
}

}  // namespace picklejar::internal
