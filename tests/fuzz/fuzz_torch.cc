// libFuzzer target: picklejar_fuzz::fuzz_torch (tests/fuzz/fuzz_entries.h). Run with tools/fuzz.sh torch SECONDS.
#include <cstddef>
#include <cstdint>

#include "fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return picklejar_fuzz::fuzz_torch(data, size);
}
