// joblib's _ensure_native_byte_order (FORMATS.md §3): see reader.h.
#include <cstring>

#include "joblib/reader.h"
#include "numpy/numpy.h"

namespace picklejar::joblib::detail {
namespace {

using internal::throw_error;

// ---- joblib's _ensure_native_byte_order: array.byteswap().newbyteorder('=') for an array whose
// dtype is in the other byte order, or is structured with *all* fields in the other byte order (any
// '|' field, nested structure or subarray field leaves it as it is). newbyteorder makes a new dtype
// object each time (never numpy's builtin singleton, unlike the byte swap numpy's own unpickling
// does), so the swap is done here, before make_array sees the array.

bool foreign_struct(const DocumentImpl& d, uint32_t dtype) {
  const internal::DTypeData& t = d.dtype(dtype);
  if (t.byteorder != '|' || t.fields.empty() || t.sub_base != kNoNode || t.has_object) return false;
  char other = internal::native_order() == '<' ? '>' : '<';
  for (const internal::FieldData& f : t.fields)
    if (d.dtype(f.dtype).byteorder != other) return false;
  return true;
}

// The dtype newbyteorder('=') makes (numpy's PyArray_DescrNewByteorder): a new dtype object with a
// new fields dict holding a new native dtype per field; the names tuple, field names, offsets and
// titles are the old objects, and title keys are dropped from the dict (numpy skips them).
uint32_t native_struct_dtype(DocumentImpl& d, uint32_t dtype, uint64_t offset) {
  const internal::ObjectData old = d.object(dtype);  // a copy: adding nodes may move the table
  uint32_t state = old.state;
  if (state == kNoNode || d.node(state).kind != Kind::kTuple || state == internal::kEmptyTupleNode) return dtype;
  std::vector<uint32_t> items(d.items(state), d.items(state) + d.item_count(state));
  size_t fields_at = items.size() >= 7 ? 4 : items.size() == 6 ? 3 : 2;
  if (items.size() < 5 || d.node(items[fields_at]).kind != Kind::kDict) return dtype;
  uint32_t old_fields = items[fields_at];
  std::vector<uint32_t> pairs(d.items(old_fields), d.items(old_fields) + 2 * d.item_count(old_fields));
  uint32_t fields = d.add_container(Kind::kDict, offset);
  for (size_t i = 0; i < pairs.size(); i += 2) {
    uint32_t key = pairs[i], spec = pairs[i + 1];
    if (d.node(spec).kind != Kind::kTuple || spec == internal::kEmptyTupleNode || d.item_count(spec) < 2) continue;
    std::vector<uint32_t> parts(d.items(spec), d.items(spec) + d.item_count(spec));
    if (parts.size() == 3 && (parts[2] == key || (d.node(parts[2]).kind == d.node(key).kind &&
                                                  (d.node(key).kind == Kind::kStr || d.node(key).kind == Kind::kBytes) &&
                                                  text(d, parts[2]) == text(d, key))))
      continue;  // a title's entry
    if (d.tag(parts[0]) != internal::kTagDType) continue;
    internal::DTypeData native = d.dtype(parts[0]);
    native.byteorder = internal::native_order();
    parts[0] = internal::make_dtype(d, native);
    uint32_t tuple = d.add_container(Kind::kTuple, offset);
    d.append_items(tuple, parts.data(), parts.size());
    d.set_dict_item(fields, key, tuple);
  }
  items[fields_at] = fields;
  std::vector<uint32_t> args;
  if (old.args != kNoNode && old.args != internal::kEmptyTupleNode)
    args.assign(d.items(old.args), d.items(old.args) + d.item_count(old.args));
  if (!args.empty() && d.node(args[0]).kind == Kind::kStr) {  // numpy's reduce makes a new typestr
    std::string_view s = text(d, args[0]);
    args[0] = d.add_payload(Kind::kStr, d.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(),
                            offset);
  }
  uint32_t args_node = internal::kEmptyTupleNode;
  if (!args.empty()) {
    args_node = d.add_container(Kind::kTuple, offset);
    d.append_items(args_node, args.data(), args.size());
  }
  uint32_t obj = d.add_object(MadeBy::kReduce, old.callable, args_node, offset);
  internal::numpy_after_reduce(d, obj);
  uint32_t state_node = d.add_container(Kind::kTuple, offset);
  d.append_items(state_node, items.data(), items.size());
  d.object(obj).state = state_node;
  internal::numpy_after_build(d, obj);
  if (d.tag(obj) != internal::kTagDType) return dtype;
  return obj;
}

bool foreign_plain(const DocumentImpl& d, uint32_t dtype) {
  const internal::DTypeData& t = d.dtype(dtype);
  return t.fields.empty() && t.sub_base == kNoNode && !t.has_object && t.byteorder != '|' && t.byteorder != internal::native_order();
}

// newbyteorder('=') of a plain dtype: a new dtype, the same but native.
uint32_t native_plain_dtype(DocumentImpl& d, uint32_t dtype) {
  internal::DTypeData native;
  const internal::DTypeData& t = d.dtype(dtype);
  native.kind = t.kind;
  native.itemsize = t.itemsize;
  native.byteorder = internal::native_order();
  native.unit = t.unit;
  native.unit_count = t.unit_count;
  return internal::make_dtype(d, native);
}

// array.byteswap() for a structured dtype: each field's scalars reversed (complex: each half).
const uint8_t* swap_fields(DocumentImpl& d, uint32_t dtype, const uint8_t* p, uint64_t nbytes) {
  const internal::DTypeData& t = d.dtype(dtype);
  uint8_t* copy = d.alloc_bytes(static_cast<size_t>(nbytes));
  if (nbytes) std::memcpy(copy, p, static_cast<size_t>(nbytes));
  if (t.itemsize == 0) return copy;
  for (uint64_t e = 0; e + t.itemsize <= nbytes; e += t.itemsize) {
    for (const internal::FieldData& f : t.fields) {
      const internal::DTypeData& ft = d.dtype(f.dtype);
      if (static_cast<uint64_t>(f.offset) + ft.itemsize > t.itemsize) continue;
      internal::swap_elements(copy + e + static_cast<uint64_t>(f.offset), ft.itemsize, internal::swap_unit(ft.kind, ft.itemsize));
    }
  }
  return copy;
}

// joblib's _ensure_native_byte_order on the array data `p` of `dtype`: swaps (into a document
// block) and replaces *dtype when the array is not native.
}  // namespace

const uint8_t* ensure_native(DocumentImpl& d, uint32_t* dtype, const uint8_t* p, uint64_t nbytes, uint64_t offset) {
  if (foreign_plain(d, *dtype)) {
    p = internal::swapped_copy(d, d.dtype(*dtype), p, nbytes);  // array.byteswap()
    *dtype = native_plain_dtype(d, *dtype);
  } else if (foreign_struct(d, *dtype)) {
    p = swap_fields(d, *dtype, p, nbytes);
    *dtype = native_struct_dtype(d, *dtype, offset);
  }
  return p;
}


}  // namespace picklejar::joblib::detail
