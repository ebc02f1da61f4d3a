// numpy's printer for the `show` form (the ShowTyped seam of model/print.h). Internal.
#pragma once

#include "model/print.h"

namespace picklejar::internal {

class NumpyShow final : public ShowTyped {
 public:
  Text show(const DocumentImpl& d, uint32_t id) const override;
};

// One stateless instance for every printer.
const ShowTyped& numpy_show();

}  // namespace picklejar::internal
