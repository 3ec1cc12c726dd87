// AVX2 kernels (compiled with -mavx2 -mfma -mf16c); see kernel_table.h for semantics.
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace cratio::kernels {}  // namespace cratio::kernels
