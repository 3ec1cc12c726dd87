// The scalar reference KernelTable: every dtype the engine multiplies by, every helper.
#include "kernels/ref/ref_kernels.h"

namespace cratio::kernels {
namespace {

void Set(KernelTable& table, DType weight, DType act, ConvertActFn convert, GemmFn gemm) {
  table.matmul[static_cast<int>(weight)] = MatmulKernel{act, convert, gemm};
}

}  // namespace

void FillRefKernels(KernelTable& table) {
  table.isa = Isa::kRef;
  Set(table, DType::kF32, DType::kF32, nullptr, GemmF32Ref);
  Set(table, DType::kF16, DType::kF32, nullptr, GemmF16Ref);
  Set(table, DType::kBF16, DType::kF32, nullptr, GemmBf16Ref);
  Set(table, DType::kQ8_0, DType::kQ8_0, QuantizeActQ8_0Ref, GemmQ8_0Ref);
  Set(table, DType::kQ4_0, DType::kQ8_0, QuantizeActQ8_0Ref, GemmQ4_0Ref);
  Set(table, DType::kQ4_1, DType::kQ8_0, QuantizeActQ8_0Ref, GemmQ4_1Ref);
  Set(table, DType::kQ5_0, DType::kQ8_0, QuantizeActQ8_0Ref, GemmQ5_0Ref);
  Set(table, DType::kQ5_1, DType::kQ8_0, QuantizeActQ8_0Ref, GemmQ5_1Ref);
  Set(table, DType::kQ2_K, DType::kQ8_K, QuantizeActQ8_KRef, GemmQ2_KRef);
  Set(table, DType::kQ3_K, DType::kQ8_K, QuantizeActQ8_KRef, GemmQ3_KRef);
  Set(table, DType::kQ4_K, DType::kQ8_K, QuantizeActQ8_KRef, GemmQ4_KRef);
  Set(table, DType::kQ5_K, DType::kQ8_K, QuantizeActQ8_KRef, GemmQ5_KRef);
  Set(table, DType::kQ6_K, DType::kQ8_K, QuantizeActQ8_KRef, GemmQ6_KRef);

  table.scale_f32 = ScaleF32Ref;
  table.add_f32 = AddF32Ref;
  table.softmax_f32 = SoftmaxF32Ref;
  table.rms_norm_f32 = RmsNormF32Ref;
  table.silu_mul_f32 = SiluMulF32Ref;
  table.f16_to_f32 = F16ToF32Ref;
  table.gemm_nn_f32 = GemmNnF32Ref;
}

}  // namespace cratio::kernels
