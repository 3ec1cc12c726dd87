// Fillers for the per-ISA kernel tables. Each SIMD filler starts from the reference table
// and overrides the entries it has fast kernels for. Only kernel_table.cc calls these,
// after checking the CPU has the ISA.
#pragma once

#include "kernels/kernel_table.h"

namespace cratio::kernels {

void FillRefKernels(KernelTable& table);     // kernels/ref/ref_table.cc
void FillAvx2Kernels(KernelTable& table);    // kernels/avx2/avx2_table.cc
void FillAvx512Kernels(KernelTable& table);  // kernels/avx512/avx512_table.cc
// Adds the AMX prefill routes to an AVX-512 table; only after AmxEnabled().
void AddAmxKernels(KernelTable& table);      // kernels/amx/amx_table.cc

}  // namespace cratio::kernels
