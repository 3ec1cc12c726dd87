// The AVX2 + FMA + F16C KernelTable: reference entries overridden by the AVX2 kernels.
// Activation converters stay the reference ones (identical activations on every ISA).
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/isa_tables.h"

namespace cratio::kernels {

void FillAvx2Kernels(KernelTable& table) {
  FillRefKernels(table);
  table.isa = Isa::kAvx2;
  auto set_gemm = [&table](DType dtype, GemmFn gemm) {
    table.matmul[static_cast<int>(dtype)].gemm = gemm;
  };
  set_gemm(DType::kF32, GemmF32Avx2);
  set_gemm(DType::kF16, GemmF16Avx2);
  set_gemm(DType::kBF16, GemmBf16Avx2);
  set_gemm(DType::kQ8_0, GemmQ8_0Avx2);
  set_gemm(DType::kQ4_0, GemmQ4_0Avx2);
  set_gemm(DType::kQ4_K, GemmQ4_KAvx2);
  set_gemm(DType::kQ5_K, GemmQ5_KAvx2);
  set_gemm(DType::kQ6_K, GemmQ6_KAvx2);

  table.scale_f32 = ScaleF32Avx2;
  table.add_f32 = AddF32Avx2;
  table.softmax_f32 = SoftmaxF32Avx2;
  table.rms_norm_f32 = RmsNormF32Avx2;
  table.silu_mul_f32 = SiluMulF32Avx2;
  table.f16_to_f32 = F16ToF32Avx2;
  table.gemm_nn_f32 = GemmNnF32Avx2;
}

}  // namespace cratio::kernels
