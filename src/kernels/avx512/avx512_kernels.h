// AVX-512 kernels (compiled with AVX-512 F/BW/DQ/VL/VNNI/BF16 flags); see kernel_table.h
// for semantics.
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace cratio::kernels {}  // namespace cratio::kernels
