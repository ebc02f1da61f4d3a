// numpy's writer for `json --arrays values` (the JsonTyped seam of model/print.h): an ndarray as
// the nested lists ndarray.tolist() gives (docs/JSON.md "Array values"). Internal.
#pragma once

#include <cstdint>
#include <vector>

#include "model/print.h"
#include "picklejar/limits.h"

namespace picklejar::internal {

class NumpyJsonValues final : public JsonTyped {
 public:
  bool json(const DocumentImpl& d, uint32_t id, std::vector<Piece>& out) const override;
};

// One stateless instance for every printer.
const JsonTyped& numpy_json_values();

// The nested lists of a shape with no elements ((2**58, 0) names no element but 2**58 empty lists:
// found by fuzz_torch) cost text the shape alone chooses: kLimitExceeded at `offset` when their
// text would pass `limits.max_memory_bytes`, as the document's own memory is bounded.
void check_empty_lists(const std::vector<int64_t>& shape, const Limits& limits, uint64_t offset);

}  // namespace picklejar::internal
