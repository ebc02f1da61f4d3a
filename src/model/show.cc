// The readable `show` form of a value: Python-like text, indented, one item per line for big
// containers; an iterative walker, shared values labelled <&N> where first shown and <*N> later.
// Typed values (numpy's) print through the ShowTyped seam (print.h).
#include <algorithm>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/print.h"
#include "picklejar/print.h"

namespace picklejar::internal {
namespace {

class ShowWriter {
 public:
  ShowWriter(const DocumentImpl& d, const Limits& limits, std::ostream& out, const ShowTyped* typed)
      : d_(d), limits_(limits), out_(out), typed_(typed) {}

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
    if (n.kind == Kind::kInt) return !(n.flags & kFlagBigInt) || n.u.bytes.len <= 16;
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
    if (id == kEmptyTupleNode) {
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
        buf_ += (n.flags & kFlagReadonly) ? ", readonly=True)" : ", readonly=False)";
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
        if (typed_ && d_.tag(id) != kTagNone) {
          ShowTyped::Text t = typed_->show(d_, id);
          if (!t.head.empty() || t.then != kNoNode) {
            buf_ += t.head;
            if (t.then == kNoNode) {
              buf_ += t.tail;
            } else {
              text(t.tail);
              val(t.then, depth + 1);
            }
            return;
          }
        }
        [[fallthrough]];
      case Kind::kArray:
      case Kind::kTensor: {
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
        bool args_empty = o.args == kEmptyTupleNode;
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
        throw_error(ErrorCode::kUnsupported, "cannot show a value of kind " + std::string(kind_name(n.kind)));
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
  const ShowTyped* typed_;
  std::vector<uint8_t> reach_;
  std::unordered_map<uint32_t, uint32_t> ids_;
  std::vector<Item> work_;
  std::vector<std::string> owned_;
  std::vector<Deferred> deferred_;
  std::string buf_;
};

}  // namespace

void write_show(const DocumentImpl& d, uint32_t root, std::ostream& out, const Limits& limits, const ShowTyped* typed) {
  ShowWriter(d, limits, out, typed).run(root);
}

}  // namespace picklejar::internal
