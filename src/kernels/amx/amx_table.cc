// The AMX prefill routes added to the AVX-512 table: f16 / bf16 / q4_0 / q4_k / q5_k
// weights with bf16 activations on bf16 tiles; q8_0 / q6_k weights with q8_0 / q8_k
// activations on int8 tiles. Decode (fewer tokens) keeps the AVX-512 kernels, whose speed is set by
// memory bandwidth, not arithmetic.
//
// q4_0, q4_k and q5_k take the bf16 tiles although their values are small integers: a float scale
// per 32 values makes the int8 route convert and scale a C tile per 32 values (a 1 KiB tile
// store and reload per 16 × 16 × 32 products, which bounded it), while bf16 tiles
// accumulate in f32 across whole rows. Their weights dequantize in f32 as numeric does and
// round to bf16 (2^-9 relative, against a quantization step of d); the activations round to
// bf16 instead of q8_0 / q8_k. Measured 1.55x / 1.6-1.9x (kernel) and 1.4-1.5x (pp512) over
// the int8 route: docs/PERFORMANCE.md. q6_k keeps int8 tiles, its int8 scales folded into
// the weights exactly (gemm_q6_k_amx.cc), and q8_0's 8-bit values would lose bits to bf16.
#include <utility>

#include "kernels/amx/amx_kernels.h"
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/isa_tables.h"

namespace cratio::kernels {
namespace {

// Below this many tokens the weight repacking per call costs more than the tiles save.
constexpr int64_t kAmxMinTokens = 16;
// Tokens per prefill call: each 32-row weight group is repacked once per call, and 256
// bf16 activation rows of up to 2048 columns (1 MiB) stay in L2.
constexpr int64_t kAmxTokenPanel = 256;
// The int8 kernels keep a table of the activation scales per panel on the stack (64 KiB at
// 256 tokens); 256 rather than 128 halves the weight unpacking per pp512 matmul (1.06-1.35x
// in the kernel bench).
constexpr int64_t kAmxInt8TokenPanel = 256;

}  // namespace

void AddAmxKernels(KernelTable& table) {
  const std::pair<DType, GemmFn> bf16_routes[] = {
      {DType::kF16, GemmF16Amx},
      {DType::kBF16, GemmBf16Amx},
      {DType::kQ4_0, GemmQ4_0Bf16Amx},
      {DType::kQ4_K, GemmQ4_KBf16Amx},
      {DType::kQ5_K, GemmQ5_KBf16Amx}};
  for (const auto& [dtype, gemm] : bf16_routes) {
    MatmulKernel& k = table.matmul[static_cast<int>(dtype)];
    k.prefill_act_dtype = DType::kBF16;
    k.prefill_convert_act = ConvertActBf16Amx;
    k.prefill_gemm = gemm;
    k.prefill_min_tokens = kAmxMinTokens;
    k.prefill_token_panel = kAmxTokenPanel;
  }
  // Integer types keep their q8_0 / q8_k activations (same converter, same bytes).
  const std::pair<DType, GemmFn> int8_routes[] = {{DType::kQ8_0, GemmQ8_0Amx},
                                                  {DType::kQ6_K, GemmQ6_KAmx}};
  for (const auto& [dtype, gemm] : int8_routes) {
    MatmulKernel& k = table.matmul[static_cast<int>(dtype)];
    k.prefill_act_dtype = k.act_dtype;
    k.prefill_convert_act = k.convert_act;
    k.prefill_gemm = gemm;
    k.prefill_min_tokens = kAmxMinTokens;
    k.prefill_token_panel = kAmxInt8TokenPanel;
  }
  // kRows16 weights: the loader packs these dtypes only where AMX is on, so prefill keeps a
  // tile route (the rows16 vpdpbusd kernel alone would stream the weights once per 4 tokens).
  struct Rows16Route {
    DType dtype;
    GemmFn gemm, prefill;
  };
  for (const auto& [dtype, gemm, prefill] :
       {Rows16Route{DType::kQ8_0, GemmQ8_0Rows16Avx512, GemmQ8_0Rows16Amx},
        Rows16Route{DType::kQ4_0, GemmQ4_0Rows16Avx512, GemmQ4_0Rows16Bf16Amx},
        Rows16Route{DType::kQ4_K, GemmQ4_KRows16Avx512, GemmQ4_KRows16Bf16Amx},
        Rows16Route{DType::kQ6_K, GemmQ6_KRows16Avx512, GemmQ6_KRows16Amx}}) {
    MatmulKernel& k = table.matmul[static_cast<int>(dtype)];
    k.rows16_gemm = gemm;
    k.rows16_prefill_gemm = prefill;
  }
}

}  // namespace cratio::kernels
