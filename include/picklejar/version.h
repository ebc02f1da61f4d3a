// The library version. Thread safety: constants only.
#pragma once

#include "picklejar/export.h"

#define PICKLEJAR_VERSION_MAJOR 0
#define PICKLEJAR_VERSION_MINOR 1
#define PICKLEJAR_VERSION_PATCH 0
#define PICKLEJAR_VERSION_STRING "0.1.0"

namespace picklejar {
// The version of the library actually linked (may differ from the header's if mismatched).
PICKLEJAR_EXPORT const char* version() noexcept;
}  // namespace picklejar
