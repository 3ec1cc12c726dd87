// The AVX-512 (F/BW/DQ/VL + VNNI) KernelTable: reference entries overridden by the
// AVX-512 kernels. Activation converters stay the reference ones, so every ISA multiplies
// the very same quantized activations.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/isa_tables.h"

namespace cratio::kernels {

void FillAvx512Kernels(KernelTable& table) {
  FillRefKernels(table);
  table.isa = Isa::kAvx512;
  auto set_gemm = [&table](DType dtype, GemmFn gemm) {
    table.matmul[static_cast<int>(dtype)].gemm = gemm;
  };
  set_gemm(DType::kQ8_0, GemmQ8_0Avx512);
  set_gemm(DType::kQ4_0, GemmQ4_0Avx512);
  set_gemm(DType::kQ4_K, GemmQ4_KAvx512);
  set_gemm(DType::kQ5_K, GemmQ5_KAvx512);
  set_gemm(DType::kQ6_K, GemmQ6_KAvx512);
}

}  // namespace cratio::kernels
