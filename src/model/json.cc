// The tagged JSON form of a value (docs/JSON.md): an iterative walker (an explicit work stack of
// tokens), so a 1,000,000-deep list prints without recursion; shared values and cycles are
// labelled where first printed and referenced afterwards (count_reach). Typed values (numpy's
// arrays with `--arrays values`) print through the JsonTyped seam (print.h).
#include <cmath>
#include <ostream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/value_access.h"
#include "model/print.h"
#include "picklejar/print.h"

namespace picklejar {
namespace {

using internal::DocumentImpl;
using internal::kNoNode;
using internal::Node;
using internal::ObjectData;
using namespace internal;  // the printer helpers of model/print.h


struct Token {
  enum Type : uint8_t { kValue, kText, kOwned, kClose, kTypedEnd } type;
  uint32_t node;          // kValue, kTypedEnd; kOwned: the index of its text in JsonWriter::owned_
  std::string_view text;  // kText, kClose (static strings only)
};

class JsonWriter {
 public:
  JsonWriter(const DocumentImpl& d, const Limits& limits, std::ostream& out, const JsonTyped* typed)
      : d_(d), limits_(limits), out_(out), typed_(typed), reach_(), ids_() {}

  void run(uint32_t root) {
    reach_ = count_reach(d_, root);
    work_.push_back({Token::kValue, root, {}});
    while (!work_.empty()) {
      Token t = work_.back();
      work_.pop_back();
      if (t.type == Token::kText) {
        buf_ += t.text;
      } else if (t.type == Token::kOwned) {
        buf_ += owned_[t.node];
      } else if (t.type == Token::kClose) {
        buf_ += t.text;
        --depth_;
      } else if (t.type == Token::kTypedEnd) {
        open_typed_.erase(t.node);
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
      case Kind::kFloat: json_float(buf_, n.u.f); return;
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
    if (typed_ && d_.tag(id) != internal::kTagNone && typed_value(id)) return;
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

  // Pushes the typed writer's pieces of `id`, if it takes the node. Its values print as a fresh
  // copy at every occurrence (as tolist() makes new lists), so they take no $id, and a typed value
  // inside itself (an object array holding itself) has no such form.
  bool typed_value(uint32_t id) {
    pieces_.clear();
    if (!typed_->json(d_, id, pieces_)) return false;
    if (!open_typed_.insert(id).second)
      internal::throw_error(ErrorCode::kUnsupported, "a typed value that contains itself has no values form");
    ++depth_;
    check_depth(depth_, limits_);
    work_.push_back({Token::kTypedEnd, id, {}});
    for (size_t i = pieces_.size(); i-- > 0;) {
      if (pieces_[i].then != kNoNode) val(pieces_[i].then);
      owned_.push_back(std::move(pieces_[i].text));
      work_.push_back({Token::kOwned, static_cast<uint32_t>(owned_.size() - 1), {}});
    }
    return true;
  }

  const DocumentImpl& d_;
  const Limits& limits_;
  std::ostream& out_;
  const JsonTyped* typed_;
  std::vector<JsonTyped::Piece> pieces_;
  std::vector<std::string> owned_;
  std::unordered_set<uint32_t> open_typed_;  // typed values being printed
  std::vector<uint8_t> reach_;
  std::unordered_map<uint32_t, uint32_t> ids_;
  std::vector<Token> work_;
  std::string buf_;
  size_t depth_ = 0;
};

}  // namespace

namespace internal {

void json_float(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "{\"$float\":\"nan\"}";
  } else if (std::isinf(v)) {
    out += v < 0 ? "{\"$float\":\"-inf\"}" : "{\"$float\":\"inf\"}";
  } else {
    out += float_repr(v);
  }
}

void write_json(const DocumentImpl& d, uint32_t root, std::ostream& out, const Limits& limits, const JsonTyped* typed) {
  JsonWriter(d, limits, out, typed).run(root);
}

}  // namespace internal

void write_json(const Value& v, std::ostream& out, const Limits& limits) {
  if (!v.valid()) internal::throw_error(ErrorCode::kInvalidArgument, "write_json: invalid Value");
  internal::write_json(*internal::impl_of(v), v.id(), out, limits, nullptr);
}

std::string to_json(const Value& v, const Limits& limits) {
  std::ostringstream s;
  write_json(v, s, limits);
  return std::move(s).str();
}

}  // namespace picklejar
