// The AVX-512 (F/BW/DQ/VL + VNNI) KernelTable: reference entries overridden by the
// AVX-512 kernels.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/isa_tables.h"

namespace cratio::kernels {

void FillAvx512Kernels(KernelTable& table) {
  FillRefKernels(table);
  table.isa = Isa::kAvx512;
}

}  // namespace cratio::kernels
