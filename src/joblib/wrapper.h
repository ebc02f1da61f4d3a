// joblib's array wrappers as joblib.load's BUILD hook sees them (NumpyUnpickler.load_build), shared
// by the reader (src/joblib/reader.cc, which defines these) and the joblib writer in
// src/pickle/pickler.cc, so that what the writer emits after a wrapper's BUILD is what the reader
// reads there. Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/document_impl.h"

namespace picklejar::internal {

enum class JoblibWrapper : uint8_t {
  kNone,               // not a wrapper: its BUILD is an ordinary BUILD
  kNumpyArrayWrapper,  // joblib.numpy_pickle.NumpyArrayWrapper: array data follows its BUILD
  kNDArrayWrapper,     // joblib < 0.10: its BUILD reads a .npy side file
  kZNDArrayWrapper,    // joblib < 0.10: its BUILD reads a ZF side file
};

// Which wrapper an object made by `callable` is (the reader's hook runs on the BUILD of each).
JoblibWrapper joblib_wrapper_of(const DocumentImpl& d, uint32_t callable);

// What the hook reads after the BUILD of a NumpyArrayWrapper with state `state`.
struct JoblibWrapperLayout {
  uint32_t dtype = ~0u;        // a kTagDType node
  std::vector<int64_t> shape;  // the 'shape' item: a tuple of non-negative ints, or one int
  bool fortran = false;        // 'order' is 'F'
  bool nested_pickle = false;  // an object dtype: a complete pickle of the array follows
  bool padded = false;         // else: a padding-length byte and that much padding precede the data
};
// nullopt when the hook refuses the state (kBadArgument "malformed joblib NumpyArrayWrapper state").
std::optional<JoblibWrapperLayout> joblib_wrapper_layout(const DocumentImpl& d, uint32_t state);

// The side file an NDArrayWrapper / ZNDArrayWrapper with state `state` names ('filename'): a plain
// file name in the pickle's folder. Throws kBadArgument (at `offset`, the BUILD) when the state has
// none or it is not a plain file name, so that the scanner refuses what the loader refuses.
std::string joblib_side_file_name(const DocumentImpl& d, uint32_t state, uint64_t offset);

}  // namespace picklejar::internal
