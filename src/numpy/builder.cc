// Builder calls for numpy values. Each makes the very object graph numpy's __reduce__ gives
// (dtype(typestr, False, True) + state; _reconstruct(ndarray, (0,), b'b') + state; scalar(dtype,
// bytes)), then reads it like a loaded one, so printing, views and dumping need no special case.
#include <cstring>

#include "model/value_access.h"
#include "model/document_impl.h"
#include "numpy/numpy.h"
#include "picklejar/document.h"
#include "picklejar/ndarray.h"

namespace picklejar {

using internal::DocumentImpl;
using internal::throw_error;

namespace {

constexpr uint64_t kBuilt = Error::kNoOffset;


uint32_t str_node(DocumentImpl& d, std::string_view s) {
  return d.add_payload(Kind::kStr, d.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(), kBuilt);
}

uint32_t bytes_node(DocumentImpl& d, std::string_view s) {
  return d.add_payload(Kind::kBytes, d.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(),
                       kBuilt);
}

uint32_t tuple_node(DocumentImpl& d, const std::vector<uint32_t>& items) {
  if (items.empty()) return internal::kEmptyTupleNode;
  uint32_t t = d.add_container(Kind::kTuple, kBuilt);
  d.append_items(t, items.data(), items.size());
  return t;
}

uint32_t shape_tuple(DocumentImpl& d, std::span<const int64_t> shape) {
  std::vector<uint32_t> items;
  for (int64_t s : shape) {
    if (s < 0) throw_error(ErrorCode::kInvalidArgument, "array shape has a negative dimension");
    items.push_back(d.add_int(s, kBuilt));
  }
  return tuple_node(d, items);
}

uint64_t element_count(std::span<const int64_t> shape) {
  uint64_t n = 1;
  for (int64_t s : shape) {
    if (s < 0 || !internal::checked_mul(n, static_cast<uint64_t>(s), &n) || n > (uint64_t{1} << 62))
      throw_error(ErrorCode::kInvalidArgument, "array shape is too large or negative");
  }
  return n;
}

// _reconstruct(numpy.ndarray, (0,), b'b') with the state still to set.
uint32_t reconstruct_object(DocumentImpl& d) {
  uint32_t fn = d.add_global(internal::kNumpy1Names.multiarray, "_reconstruct", kBuilt);
  uint32_t cls = d.add_global("numpy", "ndarray", kBuilt);
  uint32_t args = tuple_node(d, {cls, tuple_node(d, {d.add_int(0, kBuilt)}), bytes_node(d, "b")});
  return d.add_object(MadeBy::kReduce, fn, args, kBuilt);
}

}  // namespace

Value Builder::dtype(std::string_view str) {
  auto& d = target();
  std::string_view s = str;
  char order = s.empty() ? 0 : s[0];
  if (order != '<' && order != '>' && order != '|')
    throw_error(ErrorCode::kInvalidArgument, "dtype string must start with '<', '>' or '|': " + std::string(str));
  s.remove_prefix(1);
  std::string unit;
  int64_t unit_count = 1;
  if (auto br = s.find('['); br != std::string_view::npos) {
    if (s.back() != ']') throw_error(ErrorCode::kInvalidArgument, "bad dtype string " + std::string(str));
    std::string_view u = s.substr(br + 1, s.size() - br - 2);
    size_t digits = 0;
    while (digits < u.size() && u[digits] >= '0' && u[digits] <= '9') ++digits;
    if (digits) unit_count = std::stoll(std::string(u.substr(0, digits)));
    unit = std::string(u.substr(digits));
    s = s.substr(0, br);
  }
  if (s == "O") s = "O8";
  if (s.size() < 2) throw_error(ErrorCode::kInvalidArgument, "bad dtype string " + std::string(str));
  char kind = s[0];
  static constexpr std::string_view kKinds = "biufcSUVOMm";
  if (kKinds.find(kind) == std::string_view::npos)
    throw_error(ErrorCode::kInvalidArgument, "unsupported dtype kind in " + std::string(str));
  uint64_t n = 0;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9' || n > (uint64_t{1} << 40))
      throw_error(ErrorCode::kInvalidArgument, "bad dtype size in " + std::string(str));
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  uint64_t itemsize = kind == 'U' ? n * 4 : n;
  bool valid_size = true;
  switch (kind) {
    case 'b': valid_size = itemsize == 1; break;
    case 'i': case 'u': valid_size = itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8; break;
    case 'f': valid_size = itemsize == 2 || itemsize == 4 || itemsize == 8 || itemsize == 16; break;
    case 'c': valid_size = itemsize == 8 || itemsize == 16 || itemsize == 32; break;
    case 'O': case 'M': case 'm': valid_size = itemsize == 8; break;
    default: break;
  }
  if (!valid_size) throw_error(ErrorCode::kInvalidArgument, "bad dtype size in " + std::string(str));
  bool ordered = !(itemsize <= 1 && kind != 'U') && kind != 'S' && kind != 'V' && kind != 'O';
  char byteorder = ordered ? order : '|';
  if (ordered && order == '|') throw_error(ErrorCode::kInvalidArgument, "dtype " + std::string(str) + " needs '<' or '>'");
  if ((kind == 'M' || kind == 'm') && unit.empty()) unit = "generic";

  internal::DTypeData t;
  t.kind = kind;
  t.itemsize = itemsize;
  t.byteorder = byteorder;
  t.unit = unit;
  t.unit_count = unit_count;
  uint32_t obj = internal::make_dtype(d, t);
  // numpy's builtin dtypes are singletons: arrays and scalars of one such type share one object.
  if (kind == 'O' || (std::string_view("biufc").find(kind) != std::string_view::npos &&
                      (byteorder == '|' || byteorder == internal::native_order()))) {
    internal::DTypeData s = d.dtype(obj);
    s.singleton = true;
    d.set_dtype(obj, std::move(s));
  }
  return internal::make_value(&d, obj);
}

Value Builder::array(Value dtype, std::span<const int64_t> shape, ByteView data, bool fortran_order) {
  auto& d = target();
  uint32_t dt = internal::own_value(*doc_, dtype);
  if (d.tag(dt) != internal::kTagDType) throw_error(ErrorCode::kTypeMismatch, "array() needs a dtype Value");
  const internal::DTypeData& t = d.dtype(dt);
  if (t.has_object) throw_error(ErrorCode::kInvalidArgument, "object arrays are made with object_array()");
  uint64_t count = element_count(shape);
  uint64_t bytes_needed = 0;
  if (!internal::checked_mul(count, t.itemsize, &bytes_needed) || bytes_needed != data.size())
    throw_error(ErrorCode::kInvalidArgument, "array data has " + std::to_string(data.size()) + " bytes, the shape needs " +
                                                 std::to_string(count * t.itemsize));
  uint32_t obj = reconstruct_object(d);
  // is_fortran: numpy says True only for arrays that are F- and not C-contiguous.
  size_t long_dims = 0;
  for (int64_t s : shape) long_dims += s > 1;
  bool is_fortran = fortran_order && long_dims > 1 && count > 0;
  uint32_t raw = d.add_payload(Kind::kBytes, data.data(), data.size(), kBuilt);  // borrowed
  d.object(obj).state = tuple_node(d, {d.add_int(1, kBuilt), shape_tuple(d, shape), dt,
                                       is_fortran ? internal::kTrueNode : internal::kFalseNode, raw});
  internal::numpy_after_build(d, obj, /*loading=*/false);
  if (d.tag(obj) != internal::kTagArray) throw_error(ErrorCode::kInvalidArgument, "array() could not make the array");
  return internal::make_value(&d, obj);
}

Value Builder::object_array(std::span<const int64_t> shape, std::span<const Value> items) {
  auto& d = target();
  uint64_t count = element_count(shape);
  if (count != items.size())
    throw_error(ErrorCode::kInvalidArgument, "object_array() got " + std::to_string(items.size()) + " items for " +
                                                 std::to_string(count) + " elements");
  Value dt = dtype("|O");
  uint32_t list = d.add_container(Kind::kList, kBuilt);
  for (const Value& v : items) {
    uint32_t c = internal::own_value(*doc_, v);
    d.append_items(list, &c, 1);
  }
  uint32_t obj = reconstruct_object(d);
  d.object(obj).state =
      tuple_node(d, {d.add_int(1, kBuilt), shape_tuple(d, shape), dt.id(), internal::kFalseNode, list});
  internal::numpy_after_build(d, obj);
  return internal::make_value(&d, obj);
}

Value Builder::scalar(Value dtype, ByteView bytes) {
  auto& d = target();
  uint32_t dt = internal::own_value(*doc_, dtype);
  if (d.tag(dt) != internal::kTagDType) throw_error(ErrorCode::kTypeMismatch, "scalar() needs a dtype Value");
  if (bytes.size() != d.dtype(dt).itemsize)
    throw_error(ErrorCode::kInvalidArgument, "scalar() needs " + std::to_string(d.dtype(dt).itemsize) + " bytes");
  uint32_t fn = d.add_global(internal::kNumpy1Names.multiarray, "scalar", kBuilt);
  uint32_t raw = d.add_payload(Kind::kBytes, d.copy_bytes(bytes.data(), bytes.size()), bytes.size(), kBuilt);
  uint32_t obj = d.add_object(MadeBy::kReduce, fn, tuple_node(d, {dt, raw}), kBuilt);
  internal::numpy_after_reduce(d, obj);
  return internal::make_value(&d, obj);
}

}  // namespace picklejar

namespace picklejar::internal {

uint32_t make_array(DocumentImpl& d, uint32_t dtype, const std::vector<int64_t>& shape, bool is_fortran, uint32_t raw,
                    uint32_t cls) {
  uint32_t fn = d.add_global(kNumpy1Names.multiarray, "_reconstruct", kBuilt);
  if (cls == kNoNode) cls = d.add_global("numpy", "ndarray", kBuilt);
  uint32_t args = tuple_node(d, {cls, tuple_node(d, {d.add_int(0, kBuilt)}), bytes_node(d, "b")});
  uint32_t obj = d.add_object(MadeBy::kReduce, fn, args, kBuilt);
  d.object(obj).state = tuple_node(d, {d.add_int(1, kBuilt), shape_tuple(d, shape), dtype,
                                       is_fortran ? kTrueNode : kFalseNode, raw});
  numpy_after_build(d, obj);
  return obj;
}

uint32_t make_dtype(DocumentImpl& d, const DTypeData& spec) {
  // dtype(typestr, False, True) + BUILD (version, byteorder, None, None, None, elsize, alignment,
  // flags[, ({}, (unit, count, 1, 1))]) exactly as numpy 1.24's __reduce__ writes it.
  char kind = spec.kind;
  uint64_t itemsize = spec.itemsize;
  uint32_t fn = d.add_global("numpy", "dtype", kBuilt);
  uint32_t args = tuple_node(d, {str_node(d, dtype_typestr(spec)), kFalseNode, kTrueNode});
  uint32_t obj = d.add_object(MadeBy::kReduce, fn, args, kBuilt);
  bool extended = kind == 'S' || kind == 'U' || kind == 'V';
  int64_t elsize = extended ? static_cast<int64_t>(itemsize) : -1;
  int64_t alignment = kind == 'U' ? 4 : extended ? 1 : -1;
  int64_t flags = kind == 'U' ? 8 : kind == 'O' ? 63 : 0;
  bool datetime = kind == 'M' || kind == 'm';
  std::vector<uint32_t> state{d.add_int(datetime ? 4 : 3, kBuilt),
                              str_node(d, std::string(1, spec.byteorder)),
                              kNoneNode,
                              kNoneNode,
                              kNoneNode,
                              d.add_int(elsize, kBuilt),
                              d.add_int(alignment, kBuilt),
                              d.add_int(flags, kBuilt)};
  if (datetime) {
    std::string unit = spec.unit.empty() ? "generic" : spec.unit;
    uint32_t unit_info = tuple_node(d, {bytes_node(d, unit), d.add_int(spec.unit_count, kBuilt), d.add_int(1, kBuilt),
                                        d.add_int(1, kBuilt)});
    state.push_back(tuple_node(d, {d.add_container(Kind::kDict, kBuilt), unit_info}));
  }
  numpy_after_reduce(d, obj);
  d.object(obj).state = tuple_node(d, state);
  numpy_after_build(d, obj);
  if (spec.singleton) {
    DTypeData made = d.dtype(obj);
    made.singleton = true;
    d.set_dtype(obj, std::move(made));
  }
  return obj;
}

}  // namespace picklejar::internal
