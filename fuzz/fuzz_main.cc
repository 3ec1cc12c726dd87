// libFuzzer entry point for one harness: CMake compiles this file once per harness with
// CRATIO_FUZZ_ENTRY naming a function of fuzz_targets.h or fuzz_targets_eval.h.
#include <cstddef>
#include <cstdint>

#include "fuzz_targets.h"
#include "fuzz_targets_eval.h"

// One empty input before fuzzing starts builds whatever a harness keeps in statics (the
// encode harness's vocabularies), so that cost is not charged to the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  CRATIO_FUZZ_ENTRY(nullptr, 0);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CRATIO_FUZZ_ENTRY(data, size);
  return 0;
}
