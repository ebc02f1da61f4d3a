// The pickler's internal entry point, for writers that need more than picklejar::dump: joblib's
// container (pure-Python pickler batching, arrays as NumpyArrayWrapper + raw bytes). Internal.
#pragma once

#include <cstddef>
#include <cstdint>

#include "picklejar/pickle.h"

namespace picklejar::internal {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const uint8_t* p, size_t n) = 0;
};

struct PicklerMode {
  // Batch as pickle._Pickler (pure Python) does, not as the C pickler (FORMATS.md §1.5).
  bool pure_python = false;
  // joblib.dump: numpy.ndarray/matrix values become NumpyArrayWrapper objects followed by their
  // raw bytes (16-byte aligned in the uncompressed stream), object arrays a nested protocol 2 pickle.
  bool joblib = false;
};

// Writes the pickle of `v` to `sink`. Returns the number of bytes written.
uint64_t dump_to(const Value& v, ByteSink& sink, const DumpOptions& options, const PicklerMode& mode);

}  // namespace picklejar::internal
