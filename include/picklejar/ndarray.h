// NumPy inside pickles: typed, zero-copy views of numpy.ndarray, numpy.dtype and numpy scalar
// values (Kind::kArray, kDType, kNumpyScalar), as Value::as_array(), as_dtype(), as_scalar() give them.
// Thread safety: views of a loaded Document are immutable; any number of threads may read them.
#pragma once

#include <complex>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "picklejar/error.h"
#include "picklejar/export.h"
#include "picklejar/value.h"

namespace picklejar {

struct DTypeField;

// A numpy dtype: numpy's own description (kind character, byte order, item size) plus fields,
// subarray and datetime unit where they apply. Valid as long as its Document.
class PICKLEJAR_EXPORT DType {
 public:
  DType() = default;
  explicit DType(Value v);  // v must be a Kind::kDType value (else kTypeMismatch)
  Value value() const { return v_; }
  // numpy's kind: 'b' bool, 'i' int, 'u' unsigned, 'f' float, 'c' complex, 'S' bytes, 'U' str,
  // 'V' void/structured, 'O' object, 'M' datetime64, 'm' timedelta64.
  char kind() const;
  // '<' little-endian, '>' big-endian, '|' not applicable (1-byte types, S, V, O, structured).
  char byteorder() const;
  size_t itemsize() const;
  // True if the bytes are in this machine's order (or the order does not matter).
  bool native_byte_order() const;
  // numpy's dtype.str: "<f8", "|b1", "<U5", "|V12", "<M8[ns]".
  std::string str() const;
  // Structured dtypes: their fields in order (empty otherwise).
  std::vector<DTypeField> fields() const;
  // Subarray dtypes (e.g. ('<f4', (2, 3))): the base dtype and shape; invalid/empty otherwise.
  DType subarray_base() const;
  std::vector<int64_t> subarray_shape() const;
  // datetime64/timedelta64: the unit ("ns", "D", "generic") and its count (2 in "2s").
  std::string datetime_unit() const;
  int64_t datetime_count() const;
  bool has_object() const;  // object elements anywhere inside (then arrays hold Values)

 private:
  Value v_;
};

struct DTypeField {
  std::string name;
  DType dtype;
  int64_t offset = 0;
  Value title;  // invalid when the field has no title
};

// An element type T matches a dtype when kind and size agree: bool 'b'1, signed integers 'i',
// unsigned 'u', float/double 'f', std::complex<float/double> 'c'.
template <class T>
constexpr char dtype_kind_of() {
  if constexpr (std::is_same_v<T, bool>) return 'b';
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) return 'i';
  else if constexpr (std::is_integral_v<T>) return 'u';
  else if constexpr (std::is_floating_point_v<T>) return 'f';
  else if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) return 'c';
  else return 0;
}

// A view of an ndarray. The data is the array's bytes in memory order (C, or Fortran when
// fortran_order()), never copied from where the load left it: the input buffer (memory loads),
// the document's blocks (file and stream loads, and misaligned memory payloads, copied once at
// load so that typed views are aligned), or a caller's out-of-band buffer.
class PICKLEJAR_EXPORT ArrayRef {
 public:
  ArrayRef() = default;
  explicit ArrayRef(Value v);  // v must be a Kind::kArray value (else kTypeMismatch)
  Value value() const { return v_; }
  DType dtype() const;
  const std::vector<int64_t>& shape() const;
  const std::vector<int64_t>& strides() const;  // in bytes
  size_t ndim() const { return shape().size(); }
  size_t size() const;                           // number of elements
  bool fortran_order() const;                    // elements stored in Fortran order
  bool writable() const;                         // false for read-only buffers (as numpy says)
  // The class pickled: numpy.ndarray, or a subclass such as numpy.matrix (a Kind::kGlobal).
  Value array_class() const;
  // The raw element bytes (empty for object arrays).
  ByteView bytes() const;
  // The elements as T, zero-copy. Throws kTypeMismatch unless T matches the dtype's kind and size
  // and the data is in this machine's byte order (use byteswapped() first otherwise).
  template <class T>
  std::span<const T> as() const {
    check_element(dtype_kind_of<T>(), sizeof(T));
    ByteView b = bytes();
    return {reinterpret_cast<const T*>(b.data()), b.size() / sizeof(T)};
  }
  // The element bytes converted to this machine's byte order (a copy; same bytes if already native).
  std::vector<uint8_t> byteswapped() const;
  // Object arrays: the elements in C order (a list Value). Invalid for other dtypes.
  Value object_items() const;

 private:
  void check_element(char kind, size_t size) const;
  Value v_;
};

// A numpy scalar (np.float64(1.5), np.int64(3), np.bool_(True), ...): its dtype and raw bytes.
class PICKLEJAR_EXPORT ScalarRef {
 public:
  ScalarRef() = default;
  explicit ScalarRef(Value v);  // v must be a Kind::kNumpyScalar value
  DType dtype() const;
  ByteView bytes() const;
  template <class T>
  T as() const {
    check_element(dtype_kind_of<T>(), sizeof(T));
    T out;
    std::memcpy(&out, bytes().data(), sizeof(T));
    return out;
  }

 private:
  void check_element(char kind, size_t size) const;
  Value v_;
};

}  // namespace picklejar
