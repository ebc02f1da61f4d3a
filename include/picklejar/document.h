// picklejar::Document, which owns every value a load (or a Builder) produces.
// Thread safety: a Document is immutable once load() returns it (builder() and set_root() refuse
// it); any number of threads may read it. Building (Builder) is single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <initializer_list>
#include <span>
#include <type_traits>

#include "picklejar/export.h"
#include "picklejar/value.h"

namespace picklejar {

class Builder;

// Owns all nodes, payloads and (for zero-copy loads) the reference to the input. Values are handles
// into it and die with it. Movable, not copyable. Freeing a document frees a few large blocks: its
// cost does not depend on how deeply the values nest.
class PICKLEJAR_EXPORT Document {
 public:
  Document();  // an empty document, to build values in
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  ~Document();

  // The loaded (or set) root value. Throws kInvalidArgument if there is none. Deleted on
  // temporaries: the Value would dangle as soon as the Document dies.
  Value root() const&;
  Value root() && = delete;
  bool has_root() const noexcept;
  // Makes `v` (a value of this document) the root. kInvalidArgument on a loaded document.
  void set_root(Value v);

  // The protocol of the last PROTO opcode a load read into this document (0: none, or built).
  int protocol() const noexcept;
  // True for a document a load*() function returned: it is immutable.
  bool loaded() const noexcept;

  // A builder that creates values in this document. kInvalidArgument on a loaded document (a
  // persistent_load callback builds in the document being loaded: that is allowed until the load
  // returns).
  Builder builder();

  // Number of nodes (values) the document holds.
  size_t node_count() const noexcept;
  // Bytes held by the document's own blocks (nodes, items, copied payloads); borrowed input and
  // out-of-band buffers are not counted.
  size_t memory_bytes() const noexcept;

 private:
  friend class internal::ValueAccess;
  std::unique_ptr<internal::DocumentImpl> impl_;
};

// Makes values in a document from C++ data. Reusing a Value twice makes a shared reference, as in
// Python. Values passed in must belong to the same document (else kInvalidArgument).
class PICKLEJAR_EXPORT Builder {
 public:
  explicit Builder(Document& doc) : doc_(&doc) {}

  Value none();
  Value boolean(bool b);
  Value integer(int64_t v);
  // An int of any size from its little-endian two's-complement bytes.
  Value big_integer(ByteView twos_complement_le);
  Value float64(double v);
  Value str(std::string_view utf8);  // kBadUtf8 unless valid UTF-8 (surrogatepass allowed)
  Value bytes(ByteView data);
  Value bytearray(ByteView data);
  Value tuple(std::initializer_list<Value> items);
  Value tuple(std::span<const Value> items);
  Value list(std::initializer_list<Value> items = {});
  Value list(std::span<const Value> items);
  Value dict(std::initializer_list<std::pair<Value, Value>> items = {});
  Value set(std::initializer_list<Value> items = {});
  Value frozenset(std::initializer_list<Value> items = {});
  Value global(std::string_view module, std::string_view qualname);
  // A PickleBuffer (protocol 5) over caller memory, borrowed: it must outlive the document.
  Value buffer(ByteView data, bool readonly);
  // An instance Python builds when loading: kReduce is callable(*args), kNewObj is
  // cls.__new__(cls, *args) (args must be a tuple). Use set_state() for what BUILD applies.
  Value object(MadeBy how, Value callable, Value args);
  // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs).
  Value object(Value cls, Value args, Value kwargs);
  // The state BUILD applies after creating `object` (usually a dict of attributes).
  void set_state(Value object, Value state);

  // ---- numpy (see picklejar/ndarray.h). Values are made as numpy 1.24 pickles them, so they
  // load in Python as real numpy objects.
  // A dtype from numpy's dtype.str: "<f8", ">i4", "|b1", "|u1", "<c16", "|S7", "<U5", "|V8", "|O",
  // "<M8[ns]", "<m8[2s]" (kInvalidArgument for anything else; structured dtypes are not supported).
  Value dtype(std::string_view str);
  // An ndarray over caller memory, borrowed without copying (it must outlive the document and be
  // aligned for the element type): `data` holds prod(shape) elements of `dtype` in C order, or in
  // Fortran order if `fortran_order`.
  Value array(Value dtype, std::span<const int64_t> shape, ByteView data, bool fortran_order = false);
  template <class T>
  Value array(std::span<const T> data, std::span<const int64_t> shape, bool fortran_order = false) {
    return array(dtype(numpy_str_of<T>()), shape,
                 ByteView(reinterpret_cast<const uint8_t*>(data.data()), data.size_bytes()), fortran_order);
  }
  // An object-dtype ndarray holding `items` (C order).
  Value object_array(std::span<const int64_t> shape, std::span<const Value> items);
  // A numpy scalar of `dtype` from its raw bytes (copied), e.g. np.float64(1.5).
  Value scalar(Value dtype, ByteView bytes);

  template <class T>
  static constexpr const char* numpy_str_of() {
    if constexpr (std::is_same_v<T, bool>) return "|b1";
    else if constexpr (std::is_same_v<T, int8_t>) return "|i1";
    else if constexpr (std::is_same_v<T, uint8_t>) return "|u1";
    else if constexpr (std::is_same_v<T, int16_t>) return "<i2";
    else if constexpr (std::is_same_v<T, uint16_t>) return "<u2";
    else if constexpr (std::is_same_v<T, int32_t>) return "<i4";
    else if constexpr (std::is_same_v<T, uint32_t>) return "<u4";
    else if constexpr (std::is_same_v<T, int64_t>) return "<i8";
    else if constexpr (std::is_same_v<T, uint64_t>) return "<u8";
    else if constexpr (std::is_same_v<T, float>) return "<f4";
    else if constexpr (std::is_same_v<T, double>) return "<f8";
    else static_assert(sizeof(T) == 0, "no numpy dtype for this element type");
  }

  // Mutation while building (Python semantics: dict keys with Python equality).
  void append(Value list, Value item);
  void set_item(Value dict, Value key, Value value);
  void add(Value set, Value item);

 private:
  internal::DocumentImpl& target();  // the document, checked to be still open to building
  Document* doc_;
};

}  // namespace picklejar
