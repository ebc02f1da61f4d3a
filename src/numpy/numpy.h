// NumPy: recognising numpy's pickled objects (dtype, ndarray, scalars) and the names numpy writes.
// Loading keeps them as the inert objects they were pickled as and adds a typed reading (see
// ObjectTag in model/document_impl.h). Nothing numpy-specific runs unless the names match. Internal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_order.h"
#include "model/document_impl.h"
#include "pickle/hooks.h"

namespace picklejar::internal {

// numpy's unpickler hooks: numpy_after_reduce and numpy_after_build below, as a VmHooks for
// run_unpickler (stateless: one instance serves every load, on any thread).
VmHooks& numpy_vm_hooks();

// After REDUCE made `obj`: numpy.dtype(...), _frombuffer(...) and numpy scalar(...) are read here.
void numpy_after_reduce(DocumentImpl& d, uint32_t obj);
// After BUILD applied state to `obj`: a dtype's state, or an array's _reconstruct state. When
// `loading`, a non-native numeric array is byte-swapped to native order as numpy's __setstate__ does
// (Builder arrays are kept as made).
void numpy_after_build(DocumentImpl& d, uint32_t obj, bool loading = true);

// Makes a dtype object as numpy's __reduce__ pickles it (kind, itemsize, byteorder, unit, count and
// singleton of `spec`; no fields or subarray) and returns its node.
uint32_t make_dtype(DocumentImpl& d, const DTypeData& spec);

// Makes an ndarray as numpy pickles it (_reconstruct(cls, (0,), b'b') + BUILD (1, shape, dtype,
// is_fortran, raw)) and reads it; `raw` is a bytes node (or a list node for object dtypes).
// cls kNoNode means numpy.ndarray. Returns the node (untyped if the parts do not agree).
uint32_t make_array(DocumentImpl& d, uint32_t dtype, const std::vector<int64_t>& shape, bool is_fortran, uint32_t raw,
                    uint32_t cls);

// numpy's dtype.str ("<f8", "|S7", "<M8[ns]") and its typestr argument to dtype() ("f8").
std::string dtype_str(const DocumentImpl& d, uint32_t dtype);
std::string dtype_typestr(const DTypeData& t);

// The element bytes of an array in C order as numpy's tobytes() gives them (a copy when the array
// is stored in Fortran order or with other strides); with `most`, only the first `most` elements
// (what a summary prints: the rest of a mapped array stays untouched).
std::vector<uint8_t> array_c_order_bytes(const DocumentImpl& d, const ArrayData& a, uint64_t most = UINT64_MAX);
// Fortran-order bytes (what numpy pickles for is_fortran arrays).
std::vector<uint8_t> array_f_order_bytes(const DocumentImpl& d, const ArrayData& a);
bool array_c_contiguous(const DocumentImpl& d, const ArrayData& a);
bool array_f_contiguous(const DocumentImpl& d, const ArrayData& a);

// Whether numpy 1.24 can export an array of this dtype through the buffer protocol (numpy's
// _buffer_format_string), which its protocol 5 pickling needs (else it falls back to _reconstruct):
// not datetime64/timedelta64 anywhere inside, not longdouble/clongdouble in non-native byte order,
// structured fields in increasing, non-overlapping offsets with names without ':'.
bool dtype_buffer_exportable(const DocumentImpl& d, uint32_t dtype, int depth = 0);

// The size of the scalars a byte swap reverses in an element of this kind and size: a complex
// number's two halves separately, a str's UCS-4 code points, else the whole element.
inline size_t swap_unit(char kind, uint64_t itemsize) {
  return static_cast<size_t>(kind == 'c' ? itemsize / 2 : kind == 'U' ? 4 : itemsize);
}
// A copy of n bytes of elements of `t` in the other byte order, owned by `d` (array.byteswap()).
const uint8_t* swapped_copy(DocumentImpl& d, const DTypeData& t, const uint8_t* p, uint64_t n);

// a * b, or false on overflow.
inline bool checked_mul(uint64_t a, uint64_t b, uint64_t* out) { return !__builtin_mul_overflow(a, b, out); }

// Module names numpy 1.x / 2.x write.
struct NumpyNames {
  std::string_view multiarray;  // _reconstruct, scalar
  std::string_view numeric;     // _frombuffer
};
constexpr NumpyNames kNumpy1Names{"numpy.core.multiarray", "numpy.core.numeric"};
constexpr NumpyNames kNumpy2Names{"numpy._core.multiarray", "numpy._core.numeric"};

}  // namespace picklejar::internal
