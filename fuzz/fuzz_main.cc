// libFuzzer entry point for one harness: CMake compiles this file once per harness with
// CRATIO_FUZZ_ENTRY naming a function of fuzz_targets.h.
#include <cstddef>
#include <cstdint>

#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CRATIO_FUZZ_ENTRY(data, size);
  return 0;
}
