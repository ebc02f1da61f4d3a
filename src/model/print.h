// What the printers share (the JSON writer in json.cc, the show writer in show.cc): atoms, the
// children a walker visits, reach counts for labelling shared values, number and text helpers,
// and the show and JSON writers' seams for typed values. Internal.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"
#include "model/document_impl.h"

namespace picklejar::internal {

inline std::string_view payload_text(const Node& n) {
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

// Atoms print by value every time; everything else can be shared.
bool is_atom(const DocumentImpl& d, uint32_t id);

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
std::vector<uint8_t> count_reach(const DocumentImpl& d, uint32_t root);

void put_u4(std::string& out, uint32_t u);
// A JSON string literal of UTF-8 text (lone surrogates as \uXXXX escapes).
void json_string(std::string& out, std::string_view s);
void hex_bytes(std::string& out, const uint8_t* p, uint64_t n);
// An int's text: decimal, or hex past kMaxDecimalIntBytes (JSON: as a string).
void int_text(std::string& out, const DocumentImpl& d, uint32_t id, bool json);
void check_depth(size_t depth, const Limits& limits);
// A float as the JSON writer writes Python floats: repr(), or the tagged nan/inf (docs/JSON.md).
void json_float(std::string& out, double v);

// ---- show
constexpr size_t kShowMaxBytes = 64;      // bytes-like payloads show this many bytes, then a note
constexpr size_t kShowMaxStr = 200;       // str shows this many code points, then a note
constexpr uint32_t kShowMaxItems = 200;   // containers show this many items, then a note
constexpr size_t kShowMaxIndent = 32;     // deeper levels do not indent further

// Python's repr() of the first n of `total` bytes (a note says how many there were).
void py_bytes_repr(std::string& out, const uint8_t* p, uint64_t n, uint64_t total);
void py_str_repr(std::string& out, std::string_view s);
// "module.qualname" of a global node.
std::string global_name(const Node& n);

// The show writer's seam: how a library's typed values (DocumentImpl::tag) print, instead of the
// objects they were pickled as. numpy's is in src/numpy/show.cc.
class ShowTyped {
 public:
  virtual ~ShowTyped() = default;
  struct Text {
    std::string head;          // printed first
    uint32_t then = kNoNode;   // a value printed (as any value) after head, or kNoNode
    std::string_view tail;     // printed last (static text)
  };
  // The text of typed node `id`, or nullopt-like: an empty head with no `then` leaves the node to
  // the generic object printer.
  virtual Text show(const DocumentImpl& d, uint32_t id) const = 0;
};

// The readable `show` form of `root`, with `typed` (may be null) for typed values.
void write_show(const DocumentImpl& d, uint32_t root, std::ostream& out, const Limits& limits, const ShowTyped* typed);

// ---- json
// The JSON writer's seam: a library's typed values (DocumentImpl::tag) written as plain values
// (`json --arrays values`: an array as ndarray.tolist() gives it) instead of the objects they were
// pickled as. numpy's is in src/numpy/json_values.cc.
class JsonTyped {
 public:
  virtual ~JsonTyped() = default;
  struct Piece {
    std::string text;         // printed first
    uint32_t then = kNoNode;  // a value printed (as any value) after text, or kNoNode
  };
  // Appends the pieces of typed node `id` (printed in order) and returns true, or returns false
  // with `out` untouched to leave the node to the faithful form.
  virtual bool json(const DocumentImpl& d, uint32_t id, std::vector<Piece>& out) const = 0;
};

// The tagged JSON form of `root`, with `typed` (may be null: the faithful form) for typed values.
void write_json(const DocumentImpl& d, uint32_t root, std::ostream& out, const Limits& limits, const JsonTyped* typed);

}  // namespace picklejar::internal
