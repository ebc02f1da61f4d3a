// numpy's writer for `json --arrays values` (the JsonTyped seam of model/print.h): an ndarray as
// the nested lists ndarray.tolist() gives (docs/JSON.md "Array values"). Internal.
#pragma once

#include "model/print.h"

namespace picklejar::internal {

class NumpyJsonValues final : public JsonTyped {
 public:
  bool json(const DocumentImpl& d, uint32_t id, std::vector<Piece>& out) const override;
};

// One stateless instance for every printer.
const JsonTyped& numpy_json_values();

}  // namespace picklejar::internal
