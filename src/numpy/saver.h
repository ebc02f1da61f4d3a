// numpy's saver: writes ndarrays, dtypes and numpy scalars the way numpy 1.24 pickles them, through
// the pickler's extension seam (pickle/pickler.h). One per dump: it keeps the dump's numpy
// singletons (the builtin dtype objects, np.True_/np.False_). Internal.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

#include "numpy/numpy.h"
#include "pickle/pickler.h"

namespace picklejar::internal {

class NumpySaver final : public Saver {
 public:
  bool save_object(Pickler& p, const DocumentImpl* d, uint32_t id) override {
    p_ = &p;
    return save_numpy(d, id);
  }
  std::string memo_key(const DocumentImpl* d, uint32_t id) override;
  void resume(Pickler& p, uint32_t code, const DocumentImpl* d, uint32_t id) override {
    p_ = &p;
    numpy_end(d, id, code == kFromBufferEnd);
  }

 private:
  enum : uint32_t { kReconstructEnd, kFromBufferEnd };
  bool numpy2_paths(bool loaded_numpy2) const;
  const NumpyNames& numpy_names(bool numpy2) const;
  bool frombuffer_eligible(const DocumentImpl* d, const ArrayData& a) const;
  // A numpy scalar as numpy re-pickles it (see saver.cc).
  bool save_numpy_scalar(const DocumentImpl* d, uint32_t id);
  // Returns false when the generic object path writes what numpy would.
  bool save_numpy(const DocumentImpl* d, uint32_t id);
  // After numpy's callable and arguments: REDUCE, memo, and for _reconstruct the BUILD state.
  void numpy_end(const DocumentImpl* d, uint32_t id, bool frombuffer);

  Pickler* p_ = nullptr;  // the pickler of the call being served
  // The builtin dtype singletons made for the dump ("f8" -> scratch node), and the first
  // np.False_/np.True_ written (numpy's bool scalars are singletons).
  std::unordered_map<std::string, uint32_t> canonical_dtypes_;
  std::pair<const DocumentImpl*, uint32_t> bool_scalars_[2] = {{nullptr, 0}, {nullptr, 0}};
};

}  // namespace picklejar::internal
