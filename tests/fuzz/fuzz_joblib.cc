// libFuzzer target: picklejar_fuzz::fuzz_joblib (tests/fuzz/fuzz_entries.h). Run with tools/fuzz.sh joblib SECONDS.
#include <cstddef>
#include <cstdint>

#include "fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return picklejar_fuzz::fuzz_joblib(data, size);
}
