// KernelTable: the one dispatch point for compute kernels. A plain struct of function
// pointers per ISA (scalar reference, AVX2, AVX-512), filled once; ops/ calls through it.
// Kernels are pure single-threaded functions on raw pointers and counts.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/status.h"
#include "numeric/dtype.h"
#include "numeric/quant_search.h"

namespace cratio {

enum class Isa { kRef, kAvx2, kAvx512 };

// "ref", "avx2", "avx512".
std::string_view IsaName(Isa isa);
// Parses the names above; nullopt otherwise.
std::optional<Isa> IsaFromName(std::string_view name);

// xa[cols] in the kernel's activation format = convert(x[cols] f32). `cols` is a multiple
// of the weight dtype's block size (and of 256 for k-quant weights).
using ConvertActFn = void (*)(const float* x, void* xa, int64_t cols);

// out[t * out_stride + r] = Σ_c W[r, c] · x[t, c]
//   for r in [0, num_rows), t in [0, num_tokens).
// w: row r starts at w + r * w_row_bytes (weight dtype, whole blocks).
// xa: token t starts at xa + t * xa_row_bytes (activation format of the entry).
// Overwrites out (no accumulation). Single-threaded; callers split rows.
using GemmFn = void (*)(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                        int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                        int64_t cols);

// One weight dtype's matmul: activations are converted once per call into `act_dtype`
// rows (f32 as is, bf16, q8_0 or q8_k blocks), then `gemm` runs on slices of rows.
struct MatmulKernel {
  DType act_dtype = DType::kF32;
  ConvertActFn convert_act = nullptr;  // null when act_dtype is f32 (use x directly)
  GemmFn gemm = nullptr;               // null: dtype not supported

  // Optional prefill route (AMX tiles): when prefill_gemm is set and a matmul has at least
  // prefill_min_tokens tokens, activations are converted to prefill_act_dtype instead and
  // prefill_gemm runs on panels of up to prefill_token_panel tokens. Its numerics may differ
  // from `gemm` (e.g. bf16-rounded operands); its tests name the tolerance.
  DType prefill_act_dtype = DType::kF32;
  ConvertActFn prefill_convert_act = nullptr;
  GemmFn prefill_gemm = nullptr;
  int64_t prefill_min_tokens = 0;
  int64_t prefill_token_panel = 0;

  // Weights in the kRows16 layout (numeric/rows16.h): `rows16_gemm` with the entry's
  // activations, and from prefill_min_tokens tokens on `rows16_prefill_gemm` with the
  // prefill activations when set. w starts at a 16-row group and num_rows is a multiple
  // of 16. Null rows16_gemm, or a batch without a rows16_prefill_gemm (ops/matmul.cc says
  // from how many tokens): Matmul unpacks each group once per call and runs the row-major
  // kernels. The loader packs a dtype only where the chosen table has rows16_gemm.
  GemmFn rows16_gemm = nullptr;
  GemmFn rows16_prefill_gemm = nullptr;

  bool supported() const { return gemm != nullptr; }
};

// Number of table slots: DType values are GGML ids below this bound.
inline constexpr int kNumDTypeSlots = 32;

struct KernelTable {
  Isa isa = Isa::kRef;

  // Indexed by static_cast<int>(DType); use matmul_for().
  std::array<MatmulKernel, kNumDTypeSlots> matmul{};

  // f32 helpers for attention, norms and activations. n is any count >= 0.
  // x[i] *= a.
  void (*scale_f32)(float* x, float a, int64_t n) = nullptr;
  // y[i] += x[i].
  void (*add_f32)(float* y, const float* x, int64_t n) = nullptr;
  // x = softmax(x) in place (max-subtracted, so any finite input is safe).
  void (*softmax_f32)(float* x, int64_t n) = nullptr;
  // out[i] = x[i] / sqrt(mean(x²) + eps) · w[i]; out may alias x.
  void (*rms_norm_f32)(const float* x, const float* w, float* out, int64_t n, float eps) = nullptr;
  // gate[i] = silu(gate[i]) · up[i], silu(v) = v / (1 + e^-v).
  void (*silu_mul_f32)(float* gate, const float* up, int64_t n) = nullptr;
  // dst[i] = f32(src[i]) for IEEE half src; exact.
  void (*f16_to_f32)(const uint16_t* src, float* dst, int64_t n) = nullptr;
  // c[i, 0:n] = Σ_{j<k} a[i, j] · b[j, 0:n] for i < m (row i of a at a + i * a_stride, row j
  // of b at b + j * b_stride, row i of c at c + i * c_stride); overwrites c, which must not
  // alias a or b. The attention's probabilities · values product (m queries, k keys,
  // n = head_dim); any m, n, k >= 0.
  void (*gemm_nn_f32)(const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                      float* c, int64_t c_stride, int64_t m, int64_t n, int64_t k) = nullptr;

  // Batched scale searches for the weight quantizers, bit-identical to numeric's scalar
  // ones; null entries mean the scalar loop. GetKernelTable() installs the chosen table's
  // entries into numeric (quant::SetSearchKernels), so every quantizer uses them.
  quant::SearchKernels quant_search{};

  const MatmulKernel& matmul_for(DType dtype) const {
    static const MatmulKernel kNone;
    const auto idx = static_cast<uint32_t>(dtype);
    return idx < matmul.size() ? matmul[idx] : kNone;
  }
};

// The table for one ISA; InvalidInput when this CPU lacks the ISA (the message names the
// missing features).
Result<const KernelTable*> KernelTableFor(Isa isa);

// The process-wide table, chosen on first use: CRATIO_ISA=ref|avx2|avx512 when set and
// available, otherwise the best ISA the CPU has; choosing it also installs its
// quant_search entries for numeric's quantizers and, unless the ISA is ref, the SHA-NI
// block function for base's SHA-256 where the CPU has it. Never fails; callers that want to
// report a refused CRATIO_ISA use IsaOverrideStatus().
const KernelTable& GetKernelTable();

// OK when CRATIO_ISA is unset or was honoured; otherwise why it was not (unknown name,
// or an ISA this CPU lacks) — the CLI prints this once.
Status IsaOverrideStatus();

// Best ISA this CPU supports.
Isa BestAvailableIsa();

}  // namespace cratio
