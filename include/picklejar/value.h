// picklejar::Value, a cheap handle to one value inside a Document, and the views it hands out.
// Thread safety: a loaded Document is immutable, so any number of threads may read Values of it
// concurrently. A Value is valid as long as the values it points to live: moving a Document moves
// them along (Values taken before stay valid and belong to the moved-to Document); destroying the
// Document (or assigning another to it) ends them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "picklejar/export.h"

namespace picklejar {

class Document;
class Value;
namespace internal {
class DocumentImpl;
class ValueAccess;  // the library's own access to handles (src/model/value_access.h)
}
class ItemView;
class EntryView;

using ByteView = std::span<const uint8_t>;

// Every kind of value the unpickler produces (README "Loading behaviour worth knowing" and "NumPy"
// say which Python values become which kind). Numeric values of this enum are part of the ABI:
// append only.
enum class Kind : uint8_t {
  kNone,
  kBool,
  kInt,           // any size: int64 fast path, arbitrary precision beyond
  kFloat,         // IEEE-754 double
  kStr,           // UTF-8; lone surrogates kept as CPython's "surrogatepass" bytes
  kBytes,
  kByteArray,
  kTuple,
  kList,
  kDict,          // insertion order, any keys, Python equality (1 == 1.0 == True)
  kSet,
  kFrozenSet,
  kGlobal,        // a class or function named by (module, qualname); never imported
  kObject,        // an instance the loader keeps inert: callable, args, state, items
  kPersistentId,  // a persistent id met without a persistent_load callback
  kBuffer,        // a PickleBuffer: an out-of-band buffer (NEXT_BUFFER), maybe read-only
  kArray,         // numpy.ndarray (as_array()); also an object (as_object() shows how it was pickled)
  kDType,         // numpy.dtype (as_dtype()); also an object
  kNumpyScalar,   // a numpy scalar such as np.float64(1.5) (as_scalar()); also an object
  kTensor,        // a torch.Tensor or nn.Parameter (picklejar/torch.h: torch::TensorRef); also an object
};

// Python's name for a kind: "NoneType", "bool", "int", "float", "str", "bytes", "bytearray",
// "tuple", "list", "dict", "set", "frozenset", "global", "object", "persistent_id", "PickleBuffer",
// "ndarray", "dtype", "numpy scalar", "Tensor".
PICKLEJAR_EXPORT std::string_view kind_name(Kind kind) noexcept;

// How an inert object was made.
enum class MadeBy : uint8_t {
  kReduce,    // REDUCE: callable(*args)
  kNewObj,    // NEWOBJ: cls.__new__(cls, *args); also copyreg._reconstructor(cls, object|list|dict, state)
  kNewObjEx,  // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
  kInst,      // INST: module.name(*args)
  kObj,       // OBJ: cls(*args)
};
PICKLEJAR_EXPORT std::string_view made_by_name(MadeBy how) noexcept;  // "reduce", "newobj", ...

struct GlobalRef {
  std::string_view module;
  std::string_view name;  // qualname; may be dotted ("Outer.Inner")
};

// copyreg's extension registry, as copyreg.add_extension(module, qualname, code) fills it: code
// (1 to 2^31-1) -> the global it stands for. LoadOptions::extensions reads EXT1/EXT2/EXT4 codes
// with it; DumpOptions::extensions writes a registered global as its code at protocol 2+, as
// CPython's pickler does. Empty (the default, as in a Python that registered none).
using ExtensionRegistry = std::map<int32_t, std::pair<std::string, std::string>>;

struct ObjectRef;
class ArrayRef;
class DType;
class ScalarRef;

// A small copyable handle: (document, node id). Node identity is Python object identity: two
// Values are the same Python object exactly when is() says so.
// Typed accessors throw picklejar::Error(kTypeMismatch) when the value has another kind, naming the
// kind found and the offset the value came from.
class PICKLEJAR_EXPORT Value {
 public:
  Value() = default;  // an invalid handle; only valid() and is() may be called on it. Values that
                      // point somewhere come from Document::root(), Builder and other Values.

  bool valid() const noexcept { return doc_ != nullptr; }
  Kind kind() const;
  uint32_t id() const noexcept { return id_; }
  // Identity: the same node of the same document. As in CPython, each small int (-5 to 256) is one
  // object per document, however often it is loaded or built.
  bool is(const Value& other) const noexcept { return doc_ == other.doc_ && id_ == other.id_; }
  // Offset in the decoded stream of the opcode that created the value (kNoOffset if built in C++;
  // for a small int, the first opcode that gave it).
  uint64_t offset() const;

  bool is_none() const { return kind() == Kind::kNone; }

  bool as_bool() const;
  // An int (bool counts, as in Python) that fits in int64; kOutOfRange for a bigger one.
  int64_t as_int() const;
  bool fits_int64() const;  // true for kInt values that as_int() returns, and for bools
  // The int's minimal little-endian two's-complement bytes (empty for 0), as LONG1 writes them.
  std::vector<uint8_t> int_bytes() const;
  // The int in decimal ("-12"); throws kLimitExceeded above max_digits digits.
  std::string int_decimal(size_t max_digits = 1000000) const;
  // A float; ints and bools convert as Python's float() would (big ints may lose precision).
  double as_float() const;
  // The UTF-8 bytes of a str. Lone surrogates are encoded as in CPython's "surrogatepass".
  std::string_view as_str() const;
  // The payload of bytes, bytearray or a buffer.
  ByteView as_bytes() const;
  bool readonly_buffer() const;  // kBuffer: true if READONLY_BUFFER applied or supplied read-only

  // Number of items of a tuple, list, dict, set or frozenset; length of str (in UTF-8 bytes),
  // bytes, bytearray or buffer.
  size_t size() const;
  // Item i of a tuple or list; kOutOfRange past the end.
  Value operator[](size_t i) const;
  // Items of a tuple, list, set or frozenset, in order: a view, nothing allocated (for (Value x :
  // v.items())). Valid while the document lives and is not changed (by a Builder).
  ItemView items() const;
  // Entries of a dict, in insertion order, as (key, value) pairs: for (auto [k, x] : v.dict_items()).
  EntryView dict_items() const;
  // A dict lookup with Python equality. at() throws kKeyNotFound; find() never throws for a
  // missing key (it still throws kTypeMismatch if this is not a dict).
  Value at(std::string_view key) const;
  Value at(int64_t key) const;
  Value at(const Value& key) const;
  std::optional<Value> find(std::string_view key) const;
  std::optional<Value> find(int64_t key) const;
  std::optional<Value> find(const Value& key) const;
  // Membership in a set or frozenset, with Python equality.
  bool contains(const Value& key) const;

  GlobalRef as_global() const;

  // An inert object (kObject, and the numpy kinds, which are objects too): how it was made, from
  // what, and what was applied to it.
  ObjectRef as_object() const;
  // numpy values (include picklejar/ndarray.h): typed, zero-copy views.
  ArrayRef as_array() const;
  DType as_dtype() const;
  ScalarRef as_scalar() const;

  Value persistent_id() const;  // kPersistentId: the pid value

  // Python's == (numbers across int/float/bool, containers element-wise, sets as sets, dict
  // order-insensitive, globals by name, objects and buffers by identity). Values may belong to
  // different documents. Iterative, and each pair of values is compared once, so a 1,000,000-deep
  // list compares and a shared value costs one comparison; a cycle equals a cycle of the same
  // shape (where Python raises RecursionError). Throws kLimitExceeded on nesting deeper than
  // max_depth (the default is Limits::max_depth's).
  bool equals(const Value& other, size_t max_depth = 10'000'000) const;

 private:
  friend class internal::ValueAccess;
  friend class ItemView;
  friend class EntryView;
  Value(const internal::DocumentImpl* doc, uint32_t id) : doc_(doc), id_(id) {}

  const internal::DocumentImpl* doc_ = nullptr;
  uint32_t id_ = 0;
};

// The items of a container (Value::items()): a random-access view of handles, made on the fly.
class ItemView {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Value;
    iterator() = default;
    Value operator*() const { return Value(doc_, *p_); }
    iterator& operator++() {
      ++p_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++p_;
      return old;
    }
    bool operator==(const iterator& o) const { return p_ == o.p_; }
    bool operator!=(const iterator& o) const { return p_ != o.p_; }

   private:
    friend class ItemView;
    iterator(const internal::DocumentImpl* d, const uint32_t* p) : doc_(d), p_(p) {}
    const internal::DocumentImpl* doc_ = nullptr;
    const uint32_t* p_ = nullptr;
  };
  iterator begin() const { return iterator(doc_, ids_); }
  iterator end() const { return iterator(doc_, ids_ + n_); }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  Value operator[](size_t i) const { return Value(doc_, ids_[i]); }  // i < size(), unchecked
  std::vector<Value> to_vector() const { return std::vector<Value>(begin(), end()); }

 private:
  friend class Value;
  ItemView(const internal::DocumentImpl* d, const uint32_t* ids, size_t n) : doc_(d), ids_(ids), n_(n) {}
  const internal::DocumentImpl* doc_;
  const uint32_t* ids_;
  size_t n_;
};

// The entries of a dict (Value::dict_items()): (key, value) pairs in insertion order, made on the fly.
class EntryView {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::pair<Value, Value>;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::pair<Value, Value>;
    iterator() = default;
    std::pair<Value, Value> operator*() const { return {Value(doc_, p_[0]), Value(doc_, p_[1])}; }
    iterator& operator++() {
      p_ += 2;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      p_ += 2;
      return old;
    }
    bool operator==(const iterator& o) const { return p_ == o.p_; }
    bool operator!=(const iterator& o) const { return p_ != o.p_; }

   private:
    friend class EntryView;
    iterator(const internal::DocumentImpl* d, const uint32_t* p) : doc_(d), p_(p) {}
    const internal::DocumentImpl* doc_ = nullptr;
    const uint32_t* p_ = nullptr;
  };
  iterator begin() const { return iterator(doc_, ids_); }
  iterator end() const { return iterator(doc_, ids_ + 2 * n_); }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  std::pair<Value, Value> operator[](size_t i) const { return {Value(doc_, ids_[2 * i]), Value(doc_, ids_[2 * i + 1])}; }
  std::vector<std::pair<Value, Value>> to_vector() const { return std::vector<std::pair<Value, Value>>(begin(), end()); }

 private:
  friend class Value;
  EntryView(const internal::DocumentImpl* d, const uint32_t* ids, size_t n) : doc_(d), ids_(ids), n_(n) {}
  const internal::DocumentImpl* doc_;
  const uint32_t* ids_;  // key, value, key, value, ...
  size_t n_;             // pairs
};

// A view of an inert object. Absent parts are invalid Values (Value::valid() == false).
struct ObjectRef {
  MadeBy how = MadeBy::kReduce;
  Value callable;    // what was called: a global for every pickle CPython writes
  Value args;        // the argument tuple
  Value kwargs;      // NEWOBJ_EX keyword arguments (a dict), else invalid
  Value state;       // what BUILD (or state_setter) applied, else invalid
  Value state_setter;  // a reduce's state_setter, called as state_setter(obj, state) in place of BUILD, else invalid
  Value list_items;  // a list of what APPEND(S) added (list subclasses), else invalid
  Value dict_items;  // a dict of what SETITEM(S) added (dict subclasses), else invalid
};

}  // namespace picklejar
