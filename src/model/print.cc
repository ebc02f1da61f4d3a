// What the printers share: see print.h.
#include "model/print.h"

#include "base/int_text.h"
#include "base/py_repr.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace picklejar::internal {

namespace {

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
  append_hex(out, u, 4);
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
  for (uint64_t i = 0; i < n; ++i) append_hex(out, p[i], 2);
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
  std::string text = twos_complement_to_text(p, len, 0);  // hex: "-0x1f"
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
  out += repr_bytes(p, n);
  if (total > n) out += "... (" + std::to_string(total) + " bytes)";
}

void py_str_repr(std::string& out, std::string_view s) {
  // The quote is chosen from the whole text, as repr() of the whole str would, even when only the
  // first kShowMaxStr characters are shown.
  char q = repr_quote(s.find('\'') != std::string_view::npos, s.find('"') != std::string_view::npos);
  out += q;
  size_t shown = 0;
  for_each_code_point(s, [&](uint32_t c, size_t, size_t) {
    if (shown++ < kShowMaxStr) append_str_repr_char(out, c, q);
  });
  out += q;
  if (shown > kShowMaxStr) out += "... (" + std::to_string(shown) + " characters)";
}

std::string global_name(const Node& n) {
  std::string_view all = payload_text(n);
  std::string s(all.substr(0, n.aux));
  s += '.';
  s.append(all.substr(n.aux));
  return s;
}

}  // namespace picklejar::internal
