// The AVX-512 (F/BW/DQ/VL + VNNI) KernelTable: reference entries overridden by the
// AVX-512 kernels. The activation converters are SIMD twins of the reference ones that
// produce the same bytes (tested), so every ISA multiplies identical activations.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/isa_tables.h"

namespace cratio::kernels {

void FillAvx512Kernels(KernelTable& table) {
  FillRefKernels(table);
  table.isa = Isa::kAvx512;
  auto set_gemm = [&table](DType dtype, GemmFn gemm) {
    table.matmul[static_cast<int>(dtype)].gemm = gemm;
  };
  for (MatmulKernel& k : table.matmul) {
    if (k.act_dtype == DType::kQ8_0) k.convert_act = QuantizeActQ8_0Avx512;
    if (k.act_dtype == DType::kQ8_K) k.convert_act = QuantizeActQ8_KAvx512;
  }
  set_gemm(DType::kF32, GemmF32Avx512);
  set_gemm(DType::kF16, GemmF16Avx512);
  set_gemm(DType::kBF16, GemmBf16Avx512);
  set_gemm(DType::kQ8_0, GemmQ8_0Avx512);
  set_gemm(DType::kQ4_0, GemmQ4_0Avx512);
  set_gemm(DType::kQ4_1, GemmQ4_1Avx512);
  set_gemm(DType::kQ5_0, GemmQ5_0Avx512);
  set_gemm(DType::kQ5_1, GemmQ5_1Avx512);
  set_gemm(DType::kQ2_K, GemmQ2_KAvx512);
  set_gemm(DType::kQ3_K, GemmQ3_KAvx512);
  set_gemm(DType::kQ4_K, GemmQ4_KAvx512);
  set_gemm(DType::kQ5_K, GemmQ5_KAvx512);
  set_gemm(DType::kQ6_K, GemmQ6_KAvx512);

  table.scale_f32 = ScaleF32Avx512;
  table.add_f32 = AddF32Avx512;
  table.softmax_f32 = SoftmaxF32Avx512;
  table.rms_norm_f32 = RmsNormF32Avx512;
  table.silu_mul_f32 = SiluMulF32Avx512;
  table.f16_to_f32 = F16ToF32Avx512;
  table.gemm_nn_f32 = GemmNnF32Avx512;
  table.quant_search.affine = AffineScaleSearchBatchAvx512;
  table.quant_search.symmetric = SymmetricScaleSearchBatchAvx512;
}

}  // namespace cratio::kernels
