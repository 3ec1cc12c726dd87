// The AVX2 + FMA + F16C KernelTable: reference entries overridden by the AVX2 kernels.
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/isa_tables.h"

namespace cratio::kernels {

void FillAvx2Kernels(KernelTable& table) {
  FillRefKernels(table);
  table.isa = Isa::kAvx2;
}

}  // namespace cratio::kernels
