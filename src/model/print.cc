// Printing values: the tagged JSON form (docs/JSON.md) and the readable `show` form.
//
// Both walkers are iterative (an explicit work stack of tokens), so a 1,000,000-deep list prints
// without recursion. Both first count how often each non-atom is reached from the root, so shared
// values and cycles are labelled where first printed and referenced afterwards.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/document_impl.h"
#include "numpy/numpy.h"
#include "picklejar/pickle.h"

namespace picklejar {
namespace {

using internal::DocumentImpl;
using internal::kNoNode;
using internal::Node;
using internal::ObjectData;

constexpr char kHex[] = "0123456789abcdef";

std::string_view payload_text(const Node& n) {
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

// Atoms print by value every time; everything else can be shared.
bool is_atom(const DocumentImpl& d, uint32_t id) {
  if (id == internal::kEmptyTupleNode) return true;
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

// Calls f(child) for every value printed inside `id`, in print order. Hidden containers of objects
// (list_items, dict_items) are looked through: their items are the children.
template <class F>
void for_each_child(const DocumentImpl& d, uint32_t id, F&& f) {
  const Node& n = d.node(id);
  switch (n.kind) {
    case Kind::kTuple:
    case Kind::kList:
    case Kind::kSet:
    case Kind::kFrozenSet:
    case Kind::kDict: {
      uint32_t count = d.item_count(id) * (n.kind == Kind::kDict ? 2 : 1);
      const uint32_t* items = d.items(id);
      for (uint32_t i = 0; i < count; ++i) f(items[i]);
      break;
    }
    case Kind::kObject: {
      const ObjectData& o = d.object(id);
      for (uint32_t part : {o.callable, o.args, o.kwargs, o.state}) {
        if (part != kNoNode) f(part);
      }
      for (uint32_t hidden : {o.list_items, o.dict_items}) {
        if (hidden == kNoNode) continue;
        uint32_t count = d.item_count(hidden) * (d.node(hidden).kind == Kind::kDict ? 2 : 1);
        const uint32_t* items = d.items(hidden);
        for (uint32_t i = 0; i < count; ++i) f(items[i]);
      }
      break;
    }
    case Kind::kPersistentId:
      f(n.aux);
      break;
    default:
      break;
  }
}

// How many times each non-atom is reached from the root (capped at 2: all we need is "more than once").
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

// Appends the code points of UTF-8 text (surrogatepass: ED A0-BF xx decodes to a surrogate).
// The text is valid: the loader and the builder check it.
template <class F>
void for_each_code_point(std::string_view s, F&& f) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t n = s.size();
  for (size_t i = 0; i < n;) {
    uint32_t c = p[i];
    size_t len = 1;
    if (c >= 0xf0 && i + 3 < n) {
      c = ((c & 0x07) << 18) | ((p[i + 1] & 0x3fu) << 12) | ((p[i + 2] & 0x3fu) << 6) | (p[i + 3] & 0x3fu);
      len = 4;
    } else if (c >= 0xe0 && i + 2 < n) {
      c = ((c & 0x0f) << 12) | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
      len = 3;
    } else if (c >= 0xc0 && i + 1 < n) {
      c = ((c & 0x1f) << 6) | (p[i + 1] & 0x3fu);
      len = 2;
    }
    f(c, i, len);
    i += len;
  }
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
  if (!(n.flags & internal::kFlagBigInt)) {
    out += std::to_string(n.u.i);
    return;
  }
  const uint8_t* p = n.u.bytes.ptr;
  uint64_t len = n.u.bytes.len;
  if (len <= kMaxDecimalIntBytes) {
    out += internal::twos_complement_to_decimal(p, len);
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
    internal::throw_error(ErrorCode::kLimitExceeded,
                          "value nests deeper than Limits::max_depth (" + std::to_string(limits.max_depth) + ")");
}

// ---- JSON ----------------------------------------------------------------------------------------

struct Token {
  enum Type : uint8_t { kValue, kText, kClose } type;
  uint32_t node;          // kValue
  std::string_view text;  // kText, kClose (static strings only)
};

class JsonWriter {
 public:
  JsonWriter(const DocumentImpl& d, const Limits& limits, std::ostream& out)
      : d_(d), limits_(limits), out_(out), reach_(), ids_() {}

  void run(uint32_t root) {
    reach_ = count_reach(d_, root);
    work_.push_back({Token::kValue, root, {}});
    while (!work_.empty()) {
      Token t = work_.back();
      work_.pop_back();
      if (t.type == Token::kText) {
        buf_ += t.text;
      } else if (t.type == Token::kClose) {
        buf_ += t.text;
        --depth_;
      } else {
        value(t.node);
      }
      if (buf_.size() >= (1 << 16)) flush();
    }
    flush();
  }

 private:
  void flush() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }
  void text(std::string_view s) { work_.push_back({Token::kText, 0, s}); }
  void close(std::string_view s) { work_.push_back({Token::kClose, 0, s}); }
  void val(uint32_t id) { work_.push_back({Token::kValue, id, {}}); }

  // Pushes `items` (reversed, comma-separated) so they print in order.
  void push_items(const uint32_t* items, uint32_t count) {
    for (uint32_t i = count; i-- > 0;) {
      val(items[i]);
      if (i) text(",");
    }
  }
  void push_pairs(const uint32_t* items, uint32_t pairs) {
    for (uint32_t i = pairs; i-- > 0;) {
      text("]");
      val(items[2 * i + 1]);
      text(",");
      val(items[2 * i]);
      text("[");
      if (i) text(",");
    }
  }
  bool plain_dict(uint32_t id) const {
    const uint32_t* items = d_.items(id);
    for (uint32_t i = 0, n = d_.item_count(id); i < n; ++i) {
      const Node& k = d_.node(items[2 * i]);
      if (k.kind != Kind::kStr) return false;
      if (k.u.bytes.len > 0 && k.u.bytes.ptr[0] == '$') return false;
    }
    return true;
  }

  void value(uint32_t id) {
    const Node& n = d_.node(id);
    switch (n.kind) {
      case Kind::kNone: buf_ += "null"; return;
      case Kind::kBool: buf_ += n.u.i ? "true" : "false"; return;
      case Kind::kInt: int_text(buf_, d_, id, true); return;
      case Kind::kFloat:
        if (std::isnan(n.u.f)) {
          buf_ += "{\"$float\":\"nan\"}";
        } else if (std::isinf(n.u.f)) {
          buf_ += n.u.f < 0 ? "{\"$float\":\"-inf\"}" : "{\"$float\":\"inf\"}";
        } else {
          buf_ += float_repr(n.u.f);
        }
        return;
      case Kind::kStr: json_string(buf_, payload_text(n)); return;
      case Kind::kBytes:
        buf_ += "{\"$bytes\":\"";
        hex_bytes(buf_, n.u.bytes.ptr, n.u.bytes.len);
        buf_ += "\"}";
        return;
      case Kind::kGlobal: {
        std::string_view all = payload_text(n);
        buf_ += "{\"$global\":[";
        json_string(buf_, all.substr(0, n.aux));
        buf_ += ',';
        json_string(buf_, all.substr(n.aux));
        buf_ += "]}";
        return;
      }
      default: break;
    }
    if (id == internal::kEmptyTupleNode) {
      buf_ += "{\"$tuple\":[]}";
      return;
    }
    bool shared = reach_[id] > 1;
    if (shared) {
      auto it = ids_.find(id);
      if (it != ids_.end()) {
        buf_ += "{\"$ref\":" + std::to_string(it->second) + "}";
        return;
      }
      uint32_t number = static_cast<uint32_t>(ids_.size());
      ids_.emplace(id, number);
      buf_ += "{\"$id\":" + std::to_string(number) + ",";
    }
    ++depth_;
    check_depth(depth_, limits_);
    // `open` is written now; the rest is pushed (in reverse) and ends with a kClose.
    auto open_tagged = [&](std::string_view tag) {
      if (!shared) buf_ += '{';
      buf_ += tag;
    };
    switch (n.kind) {
      case Kind::kByteArray:
        open_tagged("\"$bytearray\":\"");
        hex_bytes(buf_, n.u.bytes.ptr, n.u.bytes.len);
        buf_ += "\"}";
        --depth_;
        return;
      case Kind::kBuffer:
        open_tagged("\"$buffer\":\"");
        hex_bytes(buf_, n.u.bytes.ptr, n.u.bytes.len);
        buf_ += (n.flags & internal::kFlagReadonly) ? "\",\"readonly\":true}" : "\",\"readonly\":false}";
        --depth_;
        return;
      case Kind::kList:
        if (shared) {
          buf_ += "\"$list\":[";
          close("]}");
        } else {
          buf_ += '[';
          close("]");
        }
        push_items(d_.items(id), d_.item_count(id));
        return;
      case Kind::kTuple:
      case Kind::kSet:
      case Kind::kFrozenSet:
        open_tagged(n.kind == Kind::kTuple ? "\"$tuple\":[" : n.kind == Kind::kSet ? "\"$set\":[" : "\"$frozenset\":[");
        close("]}");
        push_items(d_.items(id), d_.item_count(id));
        return;
      case Kind::kDict:
        if (!shared && plain_dict(id)) {
          buf_ += '{';
          close("}");
          const uint32_t* items = d_.items(id);
          for (uint32_t i = d_.item_count(id); i-- > 0;) {
            val(items[2 * i + 1]);
            text(":");
            val(items[2 * i]);
            if (i) text(",");
          }
        } else {
          open_tagged("\"$dict\":[");
          close("]}");
          push_pairs(d_.items(id), d_.item_count(id));
        }
        return;
      case Kind::kPersistentId:
        open_tagged("\"$persid\":");
        close("}");
        val(n.aux);
        return;
      case Kind::kObject: {
        const ObjectData& o = d_.object(id);
        open_tagged("\"$object\":{\"how\":");
        json_string(buf_, made_by_name(o.how));
        buf_ += ",\"callable\":";
        close("}}");
        if (o.dict_items != kNoNode) {
          text("]");
          push_pairs(d_.items(o.dict_items), d_.item_count(o.dict_items));
          text(",\"dictitems\":[");
        }
        if (o.list_items != kNoNode) {
          text("]");
          push_items(d_.items(o.list_items), d_.item_count(o.list_items));
          text(",\"listitems\":[");
        }
        if (o.state != kNoNode) {
          val(o.state);
          text(",\"state\":");
        }
        if (o.kwargs != kNoNode) {
          val(o.kwargs);
          text(",\"kwargs\":");
        }
        val(o.args);
        text(",\"args\":");
        val(o.callable);
        return;
      }
      default:
        internal::throw_error(ErrorCode::kUnsupported, "cannot print a value of kind " + std::string(kind_name(n.kind)));
    }
  }

  const DocumentImpl& d_;
  const Limits& limits_;
  std::ostream& out_;
  std::vector<uint8_t> reach_;
  std::unordered_map<uint32_t, uint32_t> ids_;
  std::vector<Token> work_;
  std::string buf_;
  size_t depth_ = 0;
};

// ---- show ----------------------------------------------------------------------------------------

constexpr size_t kShowMaxBytes = 64;      // bytes-like payloads show this many bytes, then a note
constexpr size_t kShowMaxStr = 200;       // str shows this many code points, then a note
constexpr uint32_t kShowMaxItems = 200;   // containers show this many items, then a note
constexpr size_t kShowMaxIndent = 32;     // deeper levels do not indent further

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

class ShowWriter {
 public:
  ShowWriter(const DocumentImpl& d, const Limits& limits, std::ostream& out) : d_(d), limits_(limits), out_(out) {}

  void run(uint32_t root) {
    reach_ = count_reach(d_, root);
    work_.push_back({kValue, root, 0, {}});
    while (!work_.empty()) {
      Item t = work_.back();
      work_.pop_back();
      switch (t.type) {
        case kText: buf_ += t.text; break;
        case kOwnedText: buf_ += owned_[t.node]; break;
        case kNewline:
          buf_ += '\n';
          buf_.append(2 * std::min<size_t>(t.depth, kShowMaxIndent), ' ');
          break;
        case kValue: value(t.node, t.depth); break;
        case kDeferred: {
          const Deferred& df = deferred_[t.node];
          push_seq(df.open, df.close_text, d_.items(df.container), d_.item_count(df.container), t.depth, df.pairs);
          break;
        }
      }
      if (buf_.size() >= (1 << 16)) flush();
    }
    flush();
  }

 private:
  enum Type : uint8_t { kValue, kText, kOwnedText, kNewline, kDeferred };
  struct Item {
    Type type;
    uint32_t node;  // kValue: node; kOwnedText: index into owned_
    uint32_t depth;
    std::string_view text;
  };

  void flush() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }
  void text(std::string_view s) { work_.push_back({kText, 0, 0, s}); }
  void owned(std::string s) {
    owned_.push_back(std::move(s));
    work_.push_back({kOwnedText, static_cast<uint32_t>(owned_.size() - 1), 0, {}});
  }
  void newline(uint32_t depth) { work_.push_back({kNewline, 0, depth, {}}); }
  void val(uint32_t id, uint32_t depth) { work_.push_back({kValue, id, depth, {}}); }

  bool simple(uint32_t id) const {
    if (!is_atom(d_, id)) return false;
    const Node& n = d_.node(id);
    if (n.kind == Kind::kStr || n.kind == Kind::kBytes) return n.u.bytes.len <= 40;
    if (n.kind == Kind::kInt) return !(n.flags & internal::kFlagBigInt) || n.u.bytes.len <= 16;
    return true;
  }
  // A container prints on one line when it has at most one item, or only a few simple items.
  bool inline_items(const uint32_t* items, uint32_t count) const {
    if (count <= 1) return true;
    if (count > 8) return false;
    for (uint32_t i = 0; i < count; ++i)
      if (!simple(items[i])) return false;
    return true;
  }

  // Pushes a sequence (reversed) between `open` and `close_text`.
  void push_seq(std::string_view open, std::string_view close_text, const uint32_t* items, uint32_t count,
                uint32_t depth, bool pairs, bool trailing_comma_for_one = false) {
    uint32_t entries = count;
    uint32_t shown = std::min(entries, kShowMaxItems);
    uint32_t stride = pairs ? 2 : 1;
    bool one_line = pairs ? (count <= 1 || (count <= 4 && inline_items(items, count * 2)))
                          : inline_items(items, count);
    buf_ += open;
    text(close_text);
    if (one_line) {
      if (trailing_comma_for_one && count == 1) text(",");
      for (uint32_t i = shown; i-- > 0;) {
        if (pairs) {
          val(items[i * stride + 1], depth + 1);
          text(": ");
        }
        val(items[i * stride], depth + 1);
        if (i) text(", ");
      }
      return;
    }
    newline(depth);
    if (shown < entries) {
      owned("... (" + std::to_string(entries - shown) + " more)");
      newline(depth + 1);
    }
    for (uint32_t i = shown; i-- > 0;) {
      text(",");
      if (pairs) {
        val(items[i * stride + 1], depth + 1);
        text(": ");
      }
      val(items[i * stride], depth + 1);
      newline(depth + 1);
    }
  }

  std::string global_name(const Node& n) const {
    std::string_view all = payload_text(n);
    std::string s(all.substr(0, n.aux));
    s += '.';
    s.append(all.substr(n.aux));
    return s;
  }

  void value(uint32_t id, uint32_t depth) {
    const Node& n = d_.node(id);
    switch (n.kind) {
      case Kind::kNone: buf_ += "None"; return;
      case Kind::kBool: buf_ += n.u.i ? "True" : "False"; return;
      case Kind::kInt: int_text(buf_, d_, id, false); return;
      case Kind::kFloat: buf_ += float_repr(n.u.f); return;
      case Kind::kStr: py_str_repr(buf_, payload_text(n)); return;
      case Kind::kBytes:
        py_bytes_repr(buf_, n.u.bytes.ptr, std::min<uint64_t>(n.u.bytes.len, kShowMaxBytes), n.u.bytes.len);
        return;
      case Kind::kGlobal: buf_ += global_name(n); return;
      default: break;
    }
    if (id == internal::kEmptyTupleNode) {
      buf_ += "()";
      return;
    }
    if (reach_[id] > 1) {
      auto it = ids_.find(id);
      if (it != ids_.end()) {
        buf_ += "<*" + std::to_string(it->second) + ">";
        return;
      }
      uint32_t number = static_cast<uint32_t>(ids_.size());
      ids_.emplace(id, number);
      buf_ += "<&" + std::to_string(number) + ">";
    }
    // The root container is at nesting depth 1, as in JsonWriter (`depth` counts from 0).
    check_depth(size_t{depth} + 1, limits_);
    switch (n.kind) {
      case Kind::kByteArray:
        buf_ += "bytearray(";
        py_bytes_repr(buf_, n.u.bytes.ptr, std::min<uint64_t>(n.u.bytes.len, kShowMaxBytes), n.u.bytes.len);
        buf_ += ')';
        return;
      case Kind::kBuffer:
        buf_ += "PickleBuffer(";
        py_bytes_repr(buf_, n.u.bytes.ptr, std::min<uint64_t>(n.u.bytes.len, kShowMaxBytes), n.u.bytes.len);
        buf_ += (n.flags & internal::kFlagReadonly) ? ", readonly=True)" : ", readonly=False)";
        return;
      case Kind::kList: push_seq("[", "]", d_.items(id), d_.item_count(id), depth, false); return;
      case Kind::kTuple: push_seq("(", ")", d_.items(id), d_.item_count(id), depth, false, true); return;
      case Kind::kSet:
        if (d_.item_count(id) == 0) {
          buf_ += "set()";
          return;
        }
        push_seq("{", "}", d_.items(id), d_.item_count(id), depth, false);
        return;
      case Kind::kFrozenSet:
        if (d_.item_count(id) == 0) {
          buf_ += "frozenset()";
          return;
        }
        push_seq("frozenset({", "})", d_.items(id), d_.item_count(id), depth, false);
        return;
      case Kind::kDict: push_seq("{", "}", d_.items(id), d_.item_count(id), depth, true); return;
      case Kind::kPersistentId:
        buf_ += "persistent_id(";
        text(")");
        val(n.aux, depth + 1);
        return;
      case Kind::kObject:
        if (d_.tag(id) != internal::kTagNone) {
          numpy_value(id, depth);
          return;
        }
        [[fallthrough]];
      case Kind::kArray: {
        const ObjectData& o = d_.object(id);
        buf_ += "object(";
        buf_ += made_by_name(o.how);
        buf_ += ' ';
        // Fields, pushed in reverse: callable, args, kwargs, state, listitems, dictitems.
        struct Field {
          std::string_view name;
          uint32_t node;
        };
        std::vector<Field> fields;
        bool args_empty = o.args == internal::kEmptyTupleNode;
        if (!args_empty) fields.push_back({"args=", o.args});
        if (o.kwargs != kNoNode) fields.push_back({"kwargs=", o.kwargs});
        if (o.state != kNoNode) fields.push_back({"state=", o.state});
        text(")");
        if (!fields.empty() || o.list_items != kNoNode || o.dict_items != kNoNode) {
          newline(depth);
          if (o.dict_items != kNoNode) {
            text(",");
            push_seq_deferred("dictitems={", "}", o.dict_items, depth + 1, true);
            newline(depth + 1);
          }
          if (o.list_items != kNoNode) {
            text(",");
            push_seq_deferred("listitems=[", "]", o.list_items, depth + 1, false);
            newline(depth + 1);
          }
          for (size_t i = fields.size(); i-- > 0;) {
            text(",");
            val(fields[i].node, depth + 1);
            text(fields[i].name);
            newline(depth + 1);
          }
          text(",");
        }
        const Node& c = d_.node(o.callable);
        if (c.kind == Kind::kGlobal) {
          owned(global_name(c));
        } else {
          val(o.callable, depth + 1);
        }
        return;
      }
      default:
        internal::throw_error(ErrorCode::kUnsupported, "cannot show a value of kind " + std::string(kind_name(n.kind)));
    }
  }

  // numpy values: a summary (dtype, shape, the first elements) instead of their pickled form.
  static std::string element_text(const internal::DTypeData& t, const uint8_t* p) {
    auto load = [&](auto v) {
      std::memcpy(&v, p, sizeof v);
      return v;
    };
    bool native = t.byteorder != (internal::dtype_str_native_order() == '<' ? '>' : '<');
    if (!native) return "?";
    switch (t.kind) {
      case 'b': return p[0] ? "True" : "False";
      case 'i':
        if (t.itemsize == 1) return std::to_string(load(int8_t{}));
        if (t.itemsize == 2) return std::to_string(load(int16_t{}));
        if (t.itemsize == 4) return std::to_string(load(int32_t{}));
        if (t.itemsize == 8) return std::to_string(load(int64_t{}));
        break;
      case 'u':
        if (t.itemsize == 1) return std::to_string(load(uint8_t{}));
        if (t.itemsize == 2) return std::to_string(load(uint16_t{}));
        if (t.itemsize == 4) return std::to_string(load(uint32_t{}));
        if (t.itemsize == 8) return std::to_string(load(uint64_t{}));
        break;
      case 'f':
        if (t.itemsize == 8) return float_repr(load(double{}));
        if (t.itemsize == 4) return float_repr(static_cast<double>(load(float{})));
        break;
      default: break;
    }
    return "?";
  }
  static std::string scalar_type_name(const internal::DTypeData& t) {
    switch (t.kind) {
      case 'b': return "bool_";
      case 'i': return "int" + std::to_string(t.itemsize * 8);
      case 'u': return "uint" + std::to_string(t.itemsize * 8);
      case 'f': return "float" + std::to_string(t.itemsize * 8);
      case 'c': return "complex" + std::to_string(t.itemsize * 8);
      case 'S': return "bytes_";
      case 'U': return "str_";
      case 'M': return "datetime64";
      case 'm': return "timedelta64";
      default: return "void";
    }
  }
  void numpy_value(uint32_t id, uint32_t depth) {
    switch (d_.tag(id)) {
      case internal::kTagDType:
        buf_ += "dtype('" + internal::dtype_str(d_, id) + "')";
        return;
      case internal::kTagScalar: {
        const auto& sc = d_.scalar(id);
        const auto& t = d_.dtype(sc.dtype);
        buf_ += "numpy." + scalar_type_name(t) + "(";
        std::string v = element_text(t, sc.data);
        if (v == "?") {
          py_bytes_repr(buf_, sc.data, std::min<uint64_t>(sc.nbytes, kShowMaxBytes), sc.nbytes);
        } else {
          buf_ += v;
        }
        buf_ += ")";
        return;
      }
      case internal::kTagArray: {
        const auto& a = d_.array(id);
        const auto& t = d_.dtype(a.dtype);
        buf_ += "ndarray(dtype='" + internal::dtype_str(d_, a.dtype) + "', shape=(";
        for (size_t i = 0; i < a.shape.size(); ++i) {
          if (i) buf_ += ", ";
          buf_ += std::to_string(a.shape[i]);
        }
        if (a.shape.size() == 1) buf_ += ",";
        buf_ += ")";
        if (a.fortran && a.shape.size() > 1) buf_ += ", order='F'";
        if (a.cls != kNoNode && !(global_name(d_.node(a.cls)) == "numpy.ndarray"))
          buf_ += ", class=" + global_name(d_.node(a.cls));
        if (a.items != kNoNode) {
          buf_ += ", items=";
          text(")");
          val(a.items, depth + 1);
          return;
        }
        // The first elements in C order.
        uint64_t count = t.itemsize ? a.nbytes / t.itemsize : 0;
        if (count && element_text(t, a.data) != "?") {
          std::vector<uint8_t> c = internal::array_c_order_bytes(d_, a);
          buf_ += ", data=[";
          uint64_t shown = std::min<uint64_t>(count, 8);
          for (uint64_t i = 0; i < shown; ++i) {
            if (i) buf_ += ", ";
            buf_ += element_text(t, c.data() + i * t.itemsize);
          }
          if (shown < count) buf_ += ", ... (" + std::to_string(count) + " values)";
          buf_ += "]";
        } else {
          buf_ += ", " + std::to_string(a.nbytes) + " bytes";
        }
        buf_ += ")";
        return;
      }
      default: return;
    }
  }

  // A hidden container of an object, printed later (when popped) as a sequence.
  void push_seq_deferred(std::string_view open, std::string_view close_text, uint32_t container, uint32_t depth,
                         bool pairs) {
    // The container itself is never shared or labelled: only its items are values.
    deferred_.push_back({open, close_text, container, pairs});
    work_.push_back({kDeferred, static_cast<uint32_t>(deferred_.size() - 1), depth, {}});
  }

  struct Deferred {
    std::string_view open, close_text;
    uint32_t container;
    bool pairs;
  };

  const DocumentImpl& d_;
  const Limits& limits_;
  std::ostream& out_;
  std::vector<uint8_t> reach_;
  std::unordered_map<uint32_t, uint32_t> ids_;
  std::vector<Item> work_;
  std::vector<std::string> owned_;
  std::vector<Deferred> deferred_;
  std::string buf_;
};

}  // namespace

void write_json(const Value& v, std::ostream& out, const Limits& limits) {
  if (!v.valid()) internal::throw_error(ErrorCode::kInvalidArgument, "write_json: invalid Value");
  JsonWriter(*v.document_impl(), limits, out).run(v.id());
}

std::string to_json(const Value& v, const Limits& limits) {
  std::ostringstream s;
  write_json(v, s, limits);
  return std::move(s).str();
}

void write_show(const Value& v, std::ostream& out, const Limits& limits) {
  if (!v.valid()) internal::throw_error(ErrorCode::kInvalidArgument, "write_show: invalid Value");
  ShowWriter(*v.document_impl(), limits, out).run(v.id());
}

std::string to_show(const Value& v, const Limits& limits) {
  std::ostringstream s;
  write_show(v, s, limits);
  return std::move(s).str();
}

}  // namespace picklejar
