// SHA-256 on the x86 SHA extensions; call only when GetCpuFeatures().sha.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cratio::kernels {

// A base::Sha256BlockFn: compresses num_blocks 64-byte blocks into state.
void Sha256BlocksShaNi(uint32_t state[8], const uint8_t* data, size_t num_blocks);

}  // namespace cratio::kernels
