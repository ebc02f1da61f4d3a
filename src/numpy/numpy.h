// NumPy: recognising numpy's pickled objects (dtype, ndarray, scalars) and the names numpy writes.
// Loading keeps them as the inert objects they were pickled as and adds a typed reading (see
// ObjectTag in model/document_impl.h). Nothing numpy-specific runs unless the names match. Internal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/document_impl.h"

namespace picklejar::internal {

// After REDUCE made `obj`: numpy.dtype(...), _frombuffer(...) and numpy scalar(...) are read here.
void numpy_after_reduce(DocumentImpl& d, uint32_t obj);
// After BUILD applied state to `obj`: a dtype's state, or an array's _reconstruct state.
void numpy_after_build(DocumentImpl& d, uint32_t obj);

// Makes a dtype object as numpy's __reduce__ pickles it (kind, itemsize, byteorder, unit, count of
// `spec`; no fields or subarray) and returns its node.
uint32_t make_dtype(DocumentImpl& d, const DTypeData& spec);

// numpy's dtype.str ("<f8", "|S7", "<M8[ns]") and its typestr argument to dtype() ("f8").
std::string dtype_str(const DocumentImpl& d, uint32_t dtype);
std::string dtype_typestr(const DTypeData& t);

// The element bytes of an array in C order as numpy's tobytes() gives them (a copy when the array
// is stored in Fortran order or with other strides).
std::vector<uint8_t> array_c_order_bytes(const DocumentImpl& d, const ArrayData& a);
// Fortran-order bytes (what numpy pickles for is_fortran arrays).
std::vector<uint8_t> array_f_order_bytes(const DocumentImpl& d, const ArrayData& a);
bool array_c_contiguous(const DocumentImpl& d, const ArrayData& a);
bool array_f_contiguous(const DocumentImpl& d, const ArrayData& a);

// '<' or '>': this machine's byte order.
char dtype_str_native_order();

// Module names numpy 1.x / 2.x write.
struct NumpyNames {
  std::string_view multiarray;  // _reconstruct, scalar
  std::string_view numeric;     // _frombuffer
};
constexpr NumpyNames kNumpy1Names{"numpy.core.multiarray", "numpy.core.numeric"};
constexpr NumpyNames kNumpy2Names{"numpy._core.multiarray", "numpy._core.numeric"};

}  // namespace picklejar::internal
