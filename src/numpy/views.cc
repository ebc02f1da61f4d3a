// The public numpy views (include/picklejar/ndarray.h) over the readings in the document.
#include <algorithm>

#include "model/value_access.h"
#include "model/document_impl.h"
#include "numpy/numpy.h"
#include "picklejar/ndarray.h"

namespace picklejar {

using internal::DocumentImpl;
using internal::throw_error;

namespace {

const DocumentImpl& doc_of(const Value& v) {
  if (!v.valid()) throw_error(ErrorCode::kInvalidArgument, "use of an invalid (empty) Value");
  return *internal::impl_of(v);
}

void require(const Value& v, uint16_t tag, std::string_view what) {
  const DocumentImpl& d = doc_of(v);
  if (d.tag(v.id()) != tag)
    throw_error(ErrorCode::kTypeMismatch, "expected " + std::string(what) + ", found " + std::string(kind_name(v.kind())),
                d.node(v.id()).offset);
}

void check_element_type(const DType& dt, char kind, size_t size, uint64_t offset) {
  if (kind == 0 || dt.kind() != kind || dt.itemsize() != size)
    throw_error(ErrorCode::kTypeMismatch,
                "dtype " + dt.str() + " does not hold elements of " + std::string(1, kind ? kind : '?') +
                    std::to_string(size),
                offset);
  if (!dt.native_byte_order())
    throw_error(ErrorCode::kTypeMismatch, "dtype " + dt.str() + " is not in this machine's byte order: use byteswapped()",
                offset);
}

}  // namespace

// ---- Value accessors
ArrayRef Value::as_array() const { return ArrayRef(*this); }
DType Value::as_dtype() const { return DType(*this); }
ScalarRef Value::as_scalar() const { return ScalarRef(*this); }

// ---- DType
DType::DType(Value v) : v_(v) { require(v, internal::kTagDType, "dtype"); }
char DType::kind() const { return doc_of(v_).dtype(v_.id()).kind; }
char DType::byteorder() const { return doc_of(v_).dtype(v_.id()).byteorder; }
size_t DType::itemsize() const { return doc_of(v_).dtype(v_.id()).itemsize; }
bool DType::native_byte_order() const {
  char b = byteorder();
  return b == '|' || b == internal::native_order();
}
std::string DType::str() const { return internal::dtype_str(doc_of(v_), v_.id()); }
std::vector<DTypeField> DType::fields() const {
  const DocumentImpl& d = doc_of(v_);
  std::vector<DTypeField> out;
  for (const auto& f : d.dtype(v_.id()).fields)
    out.push_back({f.name, DType(internal::make_value(&d, f.dtype)), f.offset,
                   f.title == internal::kNoNode ? Value() : internal::make_value(&d, f.title)});
  return out;
}
DType DType::subarray_base() const {
  const DocumentImpl& d = doc_of(v_);
  uint32_t b = d.dtype(v_.id()).sub_base;
  return b == internal::kNoNode ? DType() : DType(internal::make_value(&d, b));
}
std::vector<int64_t> DType::subarray_shape() const { return doc_of(v_).dtype(v_.id()).sub_shape; }
std::string DType::datetime_unit() const { return doc_of(v_).dtype(v_.id()).unit; }
int64_t DType::datetime_count() const { return doc_of(v_).dtype(v_.id()).unit_count; }
bool DType::has_object() const { return doc_of(v_).dtype(v_.id()).has_object; }

// ---- ArrayRef
ArrayRef::ArrayRef(Value v) : v_(v) { require(v, internal::kTagArray, "ndarray"); }
DType ArrayRef::dtype() const {
  const DocumentImpl& d = doc_of(v_);
  return DType(internal::make_value(&d, d.array(v_.id()).dtype));
}
const std::vector<int64_t>& ArrayRef::shape() const { return doc_of(v_).array(v_.id()).shape; }
const std::vector<int64_t>& ArrayRef::strides() const { return doc_of(v_).array(v_.id()).strides; }
size_t ArrayRef::size() const {
  size_t n = 1;
  for (int64_t s : shape()) n *= static_cast<size_t>(s);
  return n;
}
bool ArrayRef::fortran_order() const { return doc_of(v_).array(v_.id()).fortran; }
bool ArrayRef::writable() const { return doc_of(v_).array(v_.id()).writable; }
Value ArrayRef::array_class() const {
  const DocumentImpl& d = doc_of(v_);
  uint32_t c = d.array(v_.id()).cls;
  return c == internal::kNoNode ? Value() : internal::make_value(&d, c);
}
ByteView ArrayRef::bytes() const {
  const auto& a = doc_of(v_).array(v_.id());
  return {a.data, static_cast<size_t>(a.nbytes)};
}
Value ArrayRef::object_items() const {
  const DocumentImpl& d = doc_of(v_);
  uint32_t i = d.array(v_.id()).items;
  return i == internal::kNoNode ? Value() : internal::make_value(&d, i);
}
void ArrayRef::check_element(char kind, size_t size) const {
  check_element_type(dtype(), kind, size, doc_of(v_).node(v_.id()).offset);
}
std::vector<uint8_t> ArrayRef::byteswapped() const {
  ByteView b = bytes();
  std::vector<uint8_t> out(b.begin(), b.end());
  DType dt = dtype();
  if (dt.native_byte_order() || dt.kind() == 'V' || dt.kind() == 'S') return out;
  // Swap each scalar: complex numbers swap their two halves separately.
  internal::swap_elements(out.data(), out.size(), internal::swap_unit(dt.kind(), dt.itemsize()));
  return out;
}

// ---- ScalarRef
ScalarRef::ScalarRef(Value v) : v_(v) { require(v, internal::kTagScalar, "numpy scalar"); }
DType ScalarRef::dtype() const {
  const DocumentImpl& d = doc_of(v_);
  return DType(internal::make_value(&d, d.scalar(v_.id()).dtype));
}
ByteView ScalarRef::bytes() const {
  const auto& s = doc_of(v_).scalar(v_.id());
  return {s.data, static_cast<size_t>(s.nbytes)};
}
void ScalarRef::check_element(char kind, size_t size) const {
  check_element_type(dtype(), kind, size, doc_of(v_).node(v_.id()).offset);
}

}  // namespace picklejar
