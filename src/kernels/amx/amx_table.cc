// The AMX prefill routes added to the AVX-512 table: f16 / bf16 weights with bf16
// activations on tiles. Decode (fewer tokens) keeps the AVX-512 f32-activation kernels,
// whose speed is set by memory bandwidth, not arithmetic.
#include "kernels/amx/amx_kernels.h"
#include "kernels/isa_tables.h"

namespace cratio::kernels {
namespace {

// Below this many tokens the weight repacking per call costs more than the tiles save.
constexpr int64_t kAmxMinTokens = 16;
// Tokens per prefill call: each 32-row weight group is repacked once per call, and 256
// bf16 activation rows of up to 2048 columns (1 MiB) stay in L2.
constexpr int64_t kAmxTokenPanel = 256;

}  // namespace

void AddAmxKernels(KernelTable& table) {
  for (DType dtype : {DType::kF16, DType::kBF16}) {
    MatmulKernel& k = table.matmul[static_cast<int>(dtype)];
    k.prefill_act_dtype = DType::kBF16;
    k.prefill_convert_act = ConvertActBf16Amx;
    k.prefill_gemm = dtype == DType::kF16 ? GemmF16Amx : GemmBf16Amx;
    k.prefill_min_tokens = kAmxMinTokens;
    k.prefill_token_panel = kAmxTokenPanel;
  }
}

}  // namespace cratio::kernels
