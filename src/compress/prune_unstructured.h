// Unstructured pruning (magnitude or Wanda |w|·‖x‖ scores, per row or per tensor) and the
// helpers every pruning / low-rank method shares: which tensors are prunable linear
// layers, and moving a tensor to f32 and back into its own dtype.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/aligned_buffer.h"
#include "base/status.h"
#include "base/thread_pool.h"
#include "compress/compression_method.h"
#include "io/model_file.h"

namespace cratio {

// True for the dense 2-D weights of the per-layer linear layers (attention Q/K/V/O, FFN
// gate/up/down). Embeddings, norms, the output projection and low-rank factors are not.
bool IsPrunableLinear(const TensorEntry& e);

// out[rows * cols] f32 = the tensor dequantized (any dtype cratio can read).
// InvalidInput naming the tensor when its dtype cannot be converted.
Result<std::vector<float>> LoadTensorF32(const TensorEntry& e, ThreadPool* pool);

// values[rows * cols] stored as `dtype` (reference quantizer) into a new buffer.
std::shared_ptr<AlignedBuffer> StoreTensorF32(const float* values, DType dtype,
                                              const Shape& shape, ThreadPool* pool);

// Per-input-channel activation norms ‖x_c‖ = sqrt(Σ_t x[t, c]²) for `name` from the
// calibration data; InvalidInput when there is none or its width is not `cols`.
Result<std::vector<float>> ActivationNorms(const CompressionContext& ctx, const std::string& name,
                                           int64_t cols);

// Replaces `e`'s data by `values` re-stored in its own dtype; fills `change` (rel_error
// through the stored values, num_nonzero counted on what was stored).
void ReplaceTensorData(ModelFile& model, TensorEntry& e, const std::vector<float>& original,
                       const std::vector<float>& values, ThreadPool* pool, TensorChange* change);

enum class PruneScope { kPerRow, kPerTensor };

// Zeroes the `num_zero` entries of smallest score (exactly that many; ties broken by
// index) among values[begin, end). score[i] is the score of values[i].
void ZeroSmallest(float* values, const float* score, int64_t begin, int64_t end,
                  int64_t num_zero);

struct UnstructuredPruneOptions {
  double sparsity = 0.5;  // fraction of each group's weights set to zero, in [0, 1)
  PruneScope scope = PruneScope::kPerRow;
  bool wanda = false;     // score |w|·‖x_c‖ (needs calibration) instead of |w|
};

// Prunes W[rows, cols] (f32, in place). `act_norms` [cols] is required when wanda.
void PruneUnstructured(float* w, int64_t rows, int64_t cols, const UnstructuredPruneOptions& opt,
                       const float* act_norms, ThreadPool* pool);

// The method behind "prune-unstructured:S[:per-row|per-tensor]" and "prune-wanda:S[:...]".
// InvalidInput when the sparsity is outside [0, 1).
Result<std::unique_ptr<CompressionMethod>> MakeUnstructuredPruneMethod(
    const UnstructuredPruneOptions& options);

// Recipe-step argument helpers shared by the pruning and low-rank parsers: "0.5:per-row"
// -> {"0.5", "per-row"}; a whole-string finite number, else InvalidInput naming `what`.
std::vector<std::string_view> SplitStepArgs(std::string_view args);
Result<double> ParseStepNumber(std::string_view text, std::string_view what);

}  // namespace cratio
