// Reading numpy's pickles (FORMATS.md §2): dtype(typestr, align, copy) + BUILD state, ndarrays as
// _reconstruct + BUILD state or _frombuffer(buffer, dtype, shape, order[, axis_order]), and
// scalar(dtype, bytes). Anything that does not have exactly numpy's shape stays an inert object:
// a reading is added only when it is consistent (sizes, shapes, lengths all agree).
#include <algorithm>
#include <cstring>
#include <optional>

#include "model/value_access.h"
#include "numpy/numpy.h"

namespace picklejar::internal {
namespace {

constexpr int64_t kMaxDims = 64;  // numpy's NPY_MAXDIMS is 32 (64 in 2.x)

std::string_view text(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

// Which numpy function a global is, by name (numpy 1.x and 2.x paths).
enum class Fn { kNone, kDType, kReconstruct, kFromBuffer, kScalar };
Fn numpy_fn(const DocumentImpl& d, uint32_t callable, bool* numpy2 = nullptr) {
  const Node& n = d.node(callable);
  if (n.kind != Kind::kGlobal) return Fn::kNone;
  std::string_view all = text(d, callable);
  std::string_view module = all.substr(0, n.aux), name = all.substr(n.aux);
  if (numpy2) *numpy2 = module.rfind("numpy._core", 0) == 0;
  if (module == "numpy" && name == "dtype") return Fn::kDType;
  if (name == "_reconstruct" &&
      (module == "numpy.core.multiarray" || module == "numpy._core.multiarray" || module == "numpy.core._internal"))
    return Fn::kReconstruct;
  if (name == "_frombuffer" && (module == "numpy.core.numeric" || module == "numpy._core.numeric"))
    return Fn::kFromBuffer;
  if (name == "scalar" && (module == "numpy.core.multiarray" || module == "numpy._core.multiarray"))
    return Fn::kScalar;
  return Fn::kNone;
}

std::optional<int64_t> small_int(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  if ((n.kind == Kind::kInt && !(n.flags & kFlagBigInt)) || n.kind == Kind::kBool) return n.u.i;
  return std::nullopt;
}

// A shape: a tuple of non-negative ints (or one int), at most kMaxDims long.
std::optional<std::vector<int64_t>> read_shape(const DocumentImpl& d, uint32_t id) {
  std::vector<int64_t> shape;
  if (auto one = small_int(d, id)) {
    if (*one < 0) return std::nullopt;
    shape.push_back(*one);
    return shape;
  }
  if (d.node(id).kind != Kind::kTuple) return std::nullopt;
  uint32_t n = id == kEmptyTupleNode ? 0 : d.item_count(id);
  if (n > kMaxDims) return std::nullopt;
  for (uint32_t i = 0; i < n; ++i) {
    auto v = small_int(d, d.items(id)[i]);
    if (!v || *v < 0) return std::nullopt;
    shape.push_back(*v);
  }
  return shape;
}

// Element count, or nullopt on overflow past 2^62.
std::optional<uint64_t> element_count(const std::vector<int64_t>& shape) {
  uint64_t n = 1;
  for (int64_t s : shape) {
    if (!checked_mul(n, static_cast<uint64_t>(s), &n) || n > (uint64_t{1} << 62)) return std::nullopt;
  }
  return n;
}

// count * itemsize == n, without overflow.
bool byte_size_is(uint64_t count, uint64_t itemsize, uint64_t n) {
  uint64_t total = 0;
  return checked_mul(count, itemsize, &total) && total == n;
}

bool is_dtype(const DocumentImpl& d, uint32_t id) { return d.tag(id) == kTagDType; }

// typestr ("f8", "<i4", "U5", "M8[ns]") -> kind, itemsize, byteorder, unit.
bool parse_typestr(std::string_view s, DTypeData& t) {
  if (s.empty()) return false;
  char order = 0;
  if (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=') {
    order = s[0];
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  char kind = s[0];
  if (std::string_view("biufcSUVOMma").find(kind) == std::string_view::npos) return false;
  if (kind == 'a') kind = 'S';
  s.remove_prefix(1);
  std::string_view unit;
  if (auto br = s.find('['); br != std::string_view::npos) {
    if (s.back() != ']' || (kind != 'M' && kind != 'm')) return false;
    unit = s.substr(br + 1, s.size() - br - 2);
    s = s.substr(0, br);
  }
  uint64_t size = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || size > (uint64_t{1} << 40)) return false;
    size = size * 10 + static_cast<uint64_t>(c - '0');
  }
  if (s.empty()) {
    if (kind == 'b') size = 1;
    else if (kind == 'O' || kind == 'M' || kind == 'm') size = 8;
    else if (kind != 'S' && kind != 'U' && kind != 'V') return false;
  }
  t.kind = kind;
  t.itemsize = kind == 'U' ? size * 4 : size;
  if (kind == 'O' && t.itemsize != 8) return false;
  bool ordered = !(t.itemsize <= 1 && kind != 'U') && kind != 'S' && kind != 'V' && kind != 'O';
  if (!ordered) {
    t.byteorder = '|';
  } else if (order == '<' || order == '>') {
    t.byteorder = order;
  } else {
    t.byteorder = native_order();
  }
  t.has_object = kind == 'O';
  if (kind == 'M' || kind == 'm') t.unit = unit.empty() ? "generic" : std::string(unit);
  return true;
}

// Reads dtype(typestr or type, align, copy): the kind and size before any state.
void read_dtype_args(DocumentImpl& d, uint32_t obj) {
  const ObjectData& o = d.object(obj);
  uint32_t args = o.args;
  if (args == kEmptyTupleNode || d.item_count(args) < 1) return;
  uint32_t first = d.items(args)[0];
  DTypeData t;
  const Node& fn = d.node(first);
  if (fn.kind == Kind::kStr || fn.kind == Kind::kBytes) {  // bytes: a Python 2 str loaded as bytes
    if (!parse_typestr(text(d, first), t)) return;
  } else if (fn.kind == Kind::kGlobal) {
    // dtype(numpy.record, ...) and user types: void-like; the state gives the layout.
    t.kind = 'V';
    t.byteorder = '|';
    t.type_object = first;
  } else {
    return;
  }
  d.set_dtype(obj, std::move(t));
}

bool is_none(const DocumentImpl& d, uint32_t id) { return d.node(id).kind == Kind::kNone; }

// BUILD state of a dtype (versions 0-4; FORMATS.md §2.3).
void read_dtype_state(DocumentImpl& d, uint32_t obj, uint32_t state) {
  if (d.tag(obj) != kTagDType || d.node(state).kind != Kind::kTuple || state == kEmptyTupleNode) return;
  DTypeData t = d.dtype(obj);
  uint32_t n = d.item_count(state);
  auto item = [&](uint32_t i) { return d.items(state)[i]; };
  uint32_t endian, subarray, names = kNoNode, fields, elsize, alignment, flags = kNoNode, metadata = kNoNode;
  if (n == 9 || n == 8) {
    endian = item(1), subarray = item(2), names = item(3), fields = item(4), elsize = item(5), alignment = item(6),
    flags = item(7);
    if (n == 9) metadata = item(8);
  } else if (n == 7) {
    endian = item(1), subarray = item(2), names = item(3), fields = item(4), elsize = item(5), alignment = item(6);
  } else if (n == 6) {
    endian = item(1), subarray = item(2), fields = item(3), elsize = item(4), alignment = item(5);
  } else if (n == 5) {
    endian = item(0), subarray = item(1), fields = item(2), elsize = item(3), alignment = item(4);
  } else {
    return;
  }
  Kind ek = d.node(endian).kind;
  if ((ek == Kind::kStr || ek == Kind::kBytes) && text(d, endian).size() == 1) {
    // numpy stores the character as given and treats anything but the opposite order as native
    // (its byte-order test is `c != opposite`): dtype state 'R' reads as '='.
    char e = text(d, endian)[0];
    t.byteorder = (e == '<' || e == '>' || e == '|') ? e : native_order();
  }
  if (!is_none(d, subarray)) {
    if (d.node(subarray).kind != Kind::kTuple || subarray == kEmptyTupleNode || d.item_count(subarray) != 2) return;
    uint32_t base = d.items(subarray)[0];
    auto shape = read_shape(d, d.items(subarray)[1]);
    if (!is_dtype(d, base) || !shape) return;
    t.sub_base = base;
    t.sub_shape = *shape;
    t.has_object = t.has_object || d.dtype(base).has_object;
  }
  if (!is_none(d, fields)) {
    if (d.node(fields).kind != Kind::kDict) return;
    // Field order: names when given, else by offset.
    std::vector<uint32_t> order;
    if (names != kNoNode && !is_none(d, names)) {
      if (d.node(names).kind != Kind::kTuple) return;
      for (uint32_t i = 0, c = names == kEmptyTupleNode ? 0 : d.item_count(names); i < c; ++i)
        order.push_back(d.items(names)[i]);
    } else {
      for (uint32_t i = 0, c = d.item_count(fields); i < c; ++i) order.push_back(d.items(fields)[2 * i]);
    }
    t.fields.clear();
    for (uint32_t name : order) {
      if (d.node(name).kind != Kind::kStr && d.node(name).kind != Kind::kBytes) return;
      int64_t pos = d.find_key(fields, name, d);
      if (pos < 0) return;
      uint32_t spec = d.items(fields)[2 * pos + 1];
      if (d.node(spec).kind != Kind::kTuple || spec == kEmptyTupleNode || d.item_count(spec) < 2) return;
      uint32_t fdt = d.items(spec)[0];
      auto off = small_int(d, d.items(spec)[1]);
      if (!is_dtype(d, fdt) || !off || *off < 0) return;
      FieldData f{std::string(text(d, name)), fdt, *off, d.item_count(spec) > 2 ? d.items(spec)[2] : kNoNode};
      t.has_object = t.has_object || d.dtype(fdt).has_object;
      t.fields.push_back(std::move(f));
    }
  }
  if (auto e = small_int(d, elsize); e && *e >= 0 && (t.kind == 'V' || t.kind == 'S' || t.kind == 'U'))
    t.itemsize = static_cast<uint64_t>(*e);
  if (auto a = small_int(d, alignment)) t.alignment = *a;
  if (flags != kNoNode) {
    if (auto f = small_int(d, flags)) t.flags = *f;
  }
  if (metadata != kNoNode && !is_none(d, metadata) && t.kind != 'M' && t.kind != 'm') t.has_metadata = true;
  // Datetime metadata: ({...}, (unit bytes, count, 1, 1)).
  if (metadata != kNoNode && (t.kind == 'M' || t.kind == 'm') && d.node(metadata).kind == Kind::kTuple &&
      metadata != kEmptyTupleNode && d.item_count(metadata) == 2) {
    uint32_t unit = d.items(metadata)[1];
    if (d.node(unit).kind == Kind::kTuple && unit != kEmptyTupleNode && d.item_count(unit) >= 2) {
      uint32_t u = d.items(unit)[0];
      if (d.node(u).kind == Kind::kBytes || d.node(u).kind == Kind::kStr) t.unit = std::string(text(d, u));
      if (d.node(u).kind == Kind::kBytes && d.node(u).u.bytes.len == 1 && (d.node(u).flags & kFlagFreshByte)) {
        // numpy re-pickles the unit with PyBytes_FromString: a one-byte unit (b's', b'D', ...) is
        // CPython's cached singleton, whatever new object the stream's BINBYTES made.
        std::string_view bytes = text(d, u);
        uint32_t cached = d.add_payload(Kind::kBytes, reinterpret_cast<const uint8_t*>(bytes.data()), 1, d.node(u).offset);
        d.set_list_item(unit, 0, cached);
      }
      if (auto c = small_int(d, d.items(unit)[1])) t.unit_count = *c;
    }
  }
  d.set_dtype(obj, std::move(t));
}

size_t alignment_of(const DTypeData& t) {
  switch (t.kind) {
    case 'b': case 'i': case 'u': case 'f': case 'M': case 'm': case 'O':
      return std::min<size_t>(t.itemsize ? t.itemsize : 1, 16);
    case 'c': return std::min<size_t>(t.itemsize / 2 ? t.itemsize / 2 : 1, 16);
    case 'U': return 4;
    default: return 1;
  }
}

// Points the array at `p` (payload of `n` bytes), copying into an aligned document block when the
// payload is misaligned for the element type, so that typed views are valid.
void place_data(DocumentImpl& d, ArrayData& a, const uint8_t* p, uint64_t n) {
  size_t align = alignment_of(d.dtype(a.dtype));
  if (n && reinterpret_cast<uintptr_t>(p) % align != 0) {
    uint8_t* copy = d.alloc_bytes(n);  // 16-byte aligned
    std::memcpy(copy, p, n);
    p = copy;
  }
  a.data = p;
  a.nbytes = n;
}

void set_strides(ArrayData& a, uint64_t itemsize) {
  size_t nd = a.shape.size();
  a.strides.assign(nd, 0);
  int64_t step = static_cast<int64_t>(itemsize);
  if (a.fortran) {
    for (size_t i = 0; i < nd; ++i) {
      a.strides[i] = step;
      step *= std::max<int64_t>(a.shape[i], 1);
    }
  } else {
    for (size_t i = nd; i-- > 0;) {
      a.strides[i] = step;
      step *= std::max<int64_t>(a.shape[i], 1);
    }
  }
}

void read_array_state(DocumentImpl& d, uint32_t obj, uint32_t state, bool loading);

// A structured array with object fields is pickled as a list of its elements, each a tuple of field
// values (nested tuples for nested structures, arrays for subarray fields). numpy's __setstate__
// copies them into the array and drops them; re-pickling derives them again from the array, so a
// subarray field's value is a writable view with the field's own dtype, in the array's byte order:
// what was pickled (not the byte-swapped array loading made of it), writable.
void unswap_field_arrays(DocumentImpl& d, uint32_t v, int depth) {
  if (depth > 64) return;
  const Node& n = d.node(v);
  if (n.kind == Kind::kTuple && v != kEmptyTupleNode) {
    for (uint32_t i = 0, c = d.item_count(v); i < c; ++i) unswap_field_arrays(d, d.items(v)[i], depth + 1);
  } else if (d.tag(v) == kTagArray) {
    if (d.array(v).swapped) read_array_state(d, v, d.object(v).state, /*loading=*/false);
    ArrayData a = d.array(v);
    a.writable = true;
    d.set_array(v, std::move(a));
  }
}

// _reconstruct(cls, (0,), b'b') + BUILD (version, shape, dtype, is_fortran, rawdata).
void read_array_state(DocumentImpl& d, uint32_t obj, uint32_t state, bool loading) {
  const ObjectData& o = d.object(obj);
  bool numpy2 = false;
  if (numpy_fn(d, o.callable, &numpy2) != Fn::kReconstruct) return;
  if (d.node(state).kind != Kind::kTuple || state == kEmptyTupleNode) return;
  uint32_t n = d.item_count(state);
  if (n != 5 && n != 4) return;
  uint32_t base = n == 5 ? 1 : 0;
  auto item = [&](uint32_t i) { return d.items(state)[base + i]; };
  auto shape = read_shape(d, item(0));
  uint32_t dtype = item(1);
  auto fortran = small_int(d, item(2));
  uint32_t raw = item(3);
  if (!shape || !is_dtype(d, dtype) || !fortran) return;
  const DTypeData t = d.dtype(dtype);  // a copy: make_dtype below may grow the table
  auto count = element_count(*shape);
  if (!count) return;
  ArrayData a;
  a.dtype = dtype;
  a.shape = *shape;
  a.fortran = *fortran != 0;
  a.numpy2_paths = numpy2;
  uint32_t args = o.args;
  if (args != kEmptyTupleNode && d.item_count(args) >= 1 && d.node(d.items(args)[0]).kind == Kind::kGlobal)
    a.cls = d.items(args)[0];
  const Node& r = d.node(raw);
  if (t.has_object) {
    if (r.kind != Kind::kList || d.item_count(raw) != *count) return;
    a.items = raw;
    if (!t.fields.empty())
      for (uint32_t i = 0; i < *count; ++i) unswap_field_arrays(d, d.items(raw)[i], 0);
  } else if (r.kind == Kind::kBytes || r.kind == Kind::kByteArray) {
    if (!byte_size_is(*count, t.itemsize, r.u.bytes.len)) return;
    place_data(d, a, r.u.bytes.ptr, r.u.bytes.len);
  } else if (r.kind == Kind::kStr) {
    // A Python 2 str loaded with encoding='latin1': numpy re-encodes it as latin-1.
    std::string_view s = text(d, raw);
    std::vector<uint8_t> bytes;
    bytes.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
      auto c = static_cast<uint8_t>(s[i]);
      if (c < 0x80) {
        bytes.push_back(c);
        ++i;
      } else if ((c == 0xc2 || c == 0xc3) && i + 1 < s.size()) {
        bytes.push_back(static_cast<uint8_t>(((c & 0x1f) << 6) | (static_cast<uint8_t>(s[i + 1]) & 0x3f)));
        i += 2;
      } else {
        return;  // not latin-1
      }
    }
    if (!byte_size_is(*count, t.itemsize, bytes.size())) return;
    uint8_t* copy = d.alloc_bytes(bytes.size());
    if (!bytes.empty()) std::memcpy(copy, bytes.data(), bytes.size());
    a.data = copy;
    a.nbytes = bytes.size();
  } else {
    return;
  }
  // numpy's __setstate__ byte-swaps non-native numeric data into a native copy with a native dtype
  // ("byte-swap on pickle-read"); the loaded array is that, and re-pickles as that. The dtype is
  // numpy's builtin singleton for plain numbers (PyArray_DescrFromType), a new copy with the byte
  // order flipped for str, datetime64/timedelta64 and dtypes with metadata.
  if (loading && a.items == kNoNode && t.byteorder != '|' && t.byteorder != native_order() && t.fields.empty() &&
      t.sub_base == kNoNode) {
    DTypeData native = t;
    native.byteorder = native_order();
    native.singleton = std::string_view("biufc").find(t.kind) != std::string_view::npos && !t.has_metadata;
    a.data = swapped_copy(d, t, a.data, a.nbytes);
    a.dtype = make_dtype(d, native);
    a.swapped = true;
  }
  // numpy keeps 1-D and empty arrays C-ordered whatever is_fortran says.
  set_strides(a, t.itemsize);
  d.set_array(obj, std::move(a));
}

// _frombuffer(buf, dtype, shape, order[, axis_order]).
void read_frombuffer(DocumentImpl& d, uint32_t obj, bool numpy2) {
  const ObjectData& o = d.object(obj);
  uint32_t args = o.args;
  if (args == kEmptyTupleNode) return;
  uint32_t n = d.item_count(args);
  if (n != 4 && n != 5) return;
  auto arg = [&](uint32_t i) { return d.items(args)[i]; };
  uint32_t buf = arg(0), dtype = arg(1);
  auto shape = read_shape(d, arg(2));
  if (!is_dtype(d, dtype) || !shape || d.node(arg(3)).kind != Kind::kStr) return;
  std::string_view order = text(d, arg(3));
  const Node& b = d.node(buf);
  if (b.kind != Kind::kBuffer && b.kind != Kind::kBytes && b.kind != Kind::kByteArray) return;
  const DTypeData& t = d.dtype(dtype);
  if (t.has_object || t.itemsize == 0) return;
  auto count = element_count(*shape);
  if (!count || !byte_size_is(*count, t.itemsize, b.u.bytes.len)) return;
  ArrayData a;
  a.dtype = dtype;
  a.shape = *shape;
  a.buffer = buf;
  a.frombuffer = true;
  a.numpy2_paths = numpy2;
  a.writable = b.kind == Kind::kByteArray || (b.kind == Kind::kBuffer && !(b.flags & kFlagReadonly));
  if (order == "F") {
    a.fortran = true;
  } else if (order != "C" && !(order == "K" && n == 5)) {
    return;
  }
  place_data(d, a, b.u.bytes.ptr, b.u.bytes.len);
  set_strides(a, t.itemsize);
  if (n == 5) {  // numpy >= 2.3: reshape(shape, 'C').transpose(axis_order)
    auto axes = read_shape(d, arg(4));
    if (!axes || axes->size() != a.shape.size()) return;
    std::vector<int64_t> shp(a.shape.size()), str(a.shape.size());
    std::vector<bool> seen(a.shape.size(), false);
    for (size_t i = 0; i < axes->size(); ++i) {
      auto ax = static_cast<size_t>((*axes)[i]);
      if (ax >= a.shape.size() || seen[ax]) return;
      seen[ax] = true;
      shp[i] = a.shape[ax];
      str[i] = a.strides[ax];
    }
    a.shape = shp;
    a.strides = str;
  }
  d.set_array(obj, std::move(a));
}

// scalar(dtype, bytes)
void read_scalar(DocumentImpl& d, uint32_t obj) {
  const ObjectData& o = d.object(obj);
  uint32_t args = o.args;
  if (args == kEmptyTupleNode || d.item_count(args) != 2) return;
  uint32_t dtype = d.items(args)[0], raw = d.items(args)[1];
  if (!is_dtype(d, dtype)) return;
  const Node& r = d.node(raw);
  if (r.kind != Kind::kBytes || r.u.bytes.len != d.dtype(dtype).itemsize) return;
  ScalarData s;
  s.dtype = dtype;
  s.data = r.u.bytes.ptr;
  s.nbytes = r.u.bytes.len;
  d.set_scalar(obj, s);
}

}  // namespace

void numpy_after_reduce(DocumentImpl& d, uint32_t obj) {
  if (d.node(obj).kind != Kind::kObject) return;
  bool numpy2 = false;
  switch (numpy_fn(d, d.object(obj).callable, &numpy2)) {
    case Fn::kDType: read_dtype_args(d, obj); break;
    case Fn::kFromBuffer: read_frombuffer(d, obj, numpy2); break;
    case Fn::kScalar: read_scalar(d, obj); break;
    default: break;
  }
}

void numpy_after_build(DocumentImpl& d, uint32_t obj, bool loading) {
  if (d.node(obj).kind != Kind::kObject) return;
  uint32_t state = d.object(obj).state;
  if (state == kNoNode) return;
  switch (numpy_fn(d, d.object(obj).callable)) {
    case Fn::kDType: read_dtype_state(d, obj, state); break;
    case Fn::kReconstruct: read_array_state(d, obj, state, loading); break;
    default: break;
  }
}


bool dtype_buffer_exportable(const DocumentImpl& d, uint32_t dtype, int depth) {
  if (depth > 64) return false;
  const DTypeData& t = d.dtype(dtype);
  if (t.sub_base != kNoNode) return dtype_buffer_exportable(d, t.sub_base, depth + 1);
  if (!t.fields.empty()) {
    int64_t end = 0;
    for (const FieldData& f : t.fields) {
      if (f.offset < end || f.name.find(':') != std::string::npos) return false;
      // A lone surrogate (kept as CPython's surrogatepass UTF-8) cannot be encoded as UTF-8.
      for (size_t i = 0; i + 1 < f.name.size(); ++i)
        if (static_cast<uint8_t>(f.name[i]) == 0xed && static_cast<uint8_t>(f.name[i + 1]) >= 0xa0) return false;
      if (!dtype_buffer_exportable(d, f.dtype, depth + 1)) return false;
      end = f.offset + static_cast<int64_t>(d.dtype(f.dtype).itemsize);
    }
    return true;
  }
  if (t.kind == 'M' || t.kind == 'm') return false;  // "cannot include dtype 'M' in a buffer"
  bool native_only = (t.kind == 'f' && t.itemsize == 16) || (t.kind == 'c' && t.itemsize == 32);
  if (native_only && t.byteorder != '|' && t.byteorder != native_order()) return false;
  return true;
}

std::string dtype_typestr(const DTypeData& t) {
  uint64_t size = t.kind == 'U' ? t.itemsize / 4 : t.itemsize;
  return std::string(1, t.kind) + std::to_string(size);
}

std::string dtype_str(const DocumentImpl& d, uint32_t dtype) {
  const DTypeData& t = d.dtype(dtype);
  if (t.kind == 'O') return "|O";  // numpy's dtype('O').str (its typestr argument is "O8")
  std::string s = std::string(1, t.byteorder) + dtype_typestr(t);
  if (t.kind == 'M' || t.kind == 'm') {
    if (t.unit != "generic") {
      s += "[";
      if (t.unit_count != 1) s += std::to_string(t.unit_count);
      s += t.unit + "]";
    }
  }
  return s;
}

namespace {
// Copies the first `most` elements of `a` into `out` in C (or Fortran) logical order, following
// the strides.
std::vector<uint8_t> gather(const DocumentImpl& d, const ArrayData& a, bool fortran, uint64_t most) {
  const DTypeData& t = d.dtype(a.dtype);
  uint64_t item = t.itemsize;
  auto count = std::min(element_count(a.shape).value_or(0), most);
  std::vector<uint8_t> out(count * item);
  if (count == 0 || item == 0) return out;
  size_t nd = a.shape.size();
  std::vector<int64_t> idx(nd, 0);
  for (uint64_t k = 0; k < count; ++k) {
    int64_t off = 0;
    for (size_t i = 0; i < nd; ++i) off += idx[i] * a.strides[i];
    std::memcpy(out.data() + k * item, a.data + off, item);
    if (fortran) {
      for (size_t i = 0; i < nd; ++i) {
        if (++idx[i] < a.shape[i]) break;
        idx[i] = 0;
      }
    } else {
      for (size_t i = nd; i-- > 0;) {
        if (++idx[i] < a.shape[i]) break;
        idx[i] = 0;
      }
    }
  }
  return out;
}

bool contiguous(const DocumentImpl& d, const ArrayData& a, bool fortran) {
  int64_t step = static_cast<int64_t>(d.dtype(a.dtype).itemsize);
  size_t nd = a.shape.size();
  for (size_t k = 0; k < nd; ++k) {
    size_t i = fortran ? k : nd - 1 - k;
    if (a.shape[i] == 0) return true;
    if (a.shape[i] != 1 && a.strides[i] != step) return false;
    step *= a.shape[i];
  }
  return true;
}
}  // namespace

bool array_c_contiguous(const DocumentImpl& d, const ArrayData& a) { return contiguous(d, a, false); }
bool array_f_contiguous(const DocumentImpl& d, const ArrayData& a) { return contiguous(d, a, true); }

std::vector<uint8_t> array_c_order_bytes(const DocumentImpl& d, const ArrayData& a, uint64_t most) {
  if (array_c_contiguous(d, a)) {
    uint64_t item = d.dtype(a.dtype).itemsize;
    uint64_t n = item && most < a.nbytes / item ? most * item : a.nbytes;
    return std::vector<uint8_t>(a.data, a.data + n);
  }
  return gather(d, a, false, most);
}

std::vector<uint8_t> array_f_order_bytes(const DocumentImpl& d, const ArrayData& a) {
  if (array_f_contiguous(d, a)) return std::vector<uint8_t>(a.data, a.data + a.nbytes);
  return gather(d, a, true, UINT64_MAX);
}

namespace {
class NumpyVmHooks final : public VmHooks {
 public:
  void after_reduce(DocumentImpl& d, uint32_t obj) override { numpy_after_reduce(d, obj); }
  uint32_t after_build(Document& doc, uint32_t obj, ByteReader&, uint64_t) override {
    numpy_after_build(internal::impl_of(doc), obj);
    return kNoNode;
  }
};
}  // namespace

const uint8_t* swapped_copy(DocumentImpl& d, const DTypeData& t, const uint8_t* p, uint64_t n) {
  uint8_t* copy = d.alloc_bytes(static_cast<size_t>(n));
  if (n) std::memcpy(copy, p, static_cast<size_t>(n));
  swap_elements(copy, static_cast<size_t>(n), swap_unit(t.kind, t.itemsize));
  return copy;
}

VmHooks& numpy_vm_hooks() {
  static NumpyVmHooks hooks;
  return hooks;
}

}  // namespace picklejar::internal
