// Low-rank factorization of linear layers: W[rows, cols] ≈ B[rows, rank] · A[rank, cols]
// by truncated SVD (exact for small matrices, randomized for large ones), stored as the
// pair blk.N.<name>.lr_a.weight (A) and blk.N.<name>.lr_b.weight (B); see docs/FORMATS.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/status.h"
#include "compress/compression_method.h"
#include "numeric/dtype.h"

namespace cratio {

enum class LowRankLayers { kAll, kAttention, kFfn };

struct LowRankOptions {
  // Exactly one target: ratio > 0 (factor parameters / dense parameters per layer) or
  // energy > 0 (smallest rank keeping this fraction of Σσ²).
  double ratio = 0.0;
  double energy = 0.0;
  LowRankLayers layers = LowRankLayers::kAll;
  // Factorize W·diag(s) with s_c = sqrt(mean x_c²) from calibration, then unscale A.
  bool activation_aware = false;
  // Storage of the factors; nullopt: f32 when the source is f32, else f16.
  std::optional<DType> factor_dtype;
};

// Rank for a parameter-ratio target: floor(ratio · rows · cols / (rows + cols)), >= 1.
int64_t RankForRatio(int64_t rows, int64_t cols, double ratio);
// Smallest k with Σ_{i<k} s_i² >= energy · total_sq (s decreasing); s.size() when none.
int64_t RankForEnergy(const std::vector<float>& s, double total_sq, double energy);
// True when a rank-`rank` pair holds fewer parameters than the dense [rows, cols].
inline bool RankSaves(int64_t rows, int64_t cols, int64_t rank) {
  return rank * (rows + cols) < rows * cols;
}

// Factors of one matrix: a[rank, cols] = sqrt(S)·Vt, b[rows, rank] = U·sqrt(S) (the
// singular values split evenly so both factors keep a similar scale for f16 storage).
struct LowRankFactors {
  int64_t rank = 0;
  std::vector<float> a;  // [rank, cols]
  std::vector<float> b;  // [rows, rank]
  bool randomized = false;
  double rel_error = 0.0;  // ‖W − B·A‖_F / ‖W‖_F (unscaled W, f32 factors)
};
// Factorizes w[rows, cols] to the options' target. `col_scale` [cols] (may be null) is the
// activation scale. A rank of 0 in the result means the layer should stay dense.
Result<LowRankFactors> FactorizeMatrix(const float* w, int64_t rows, int64_t cols,
                                       const LowRankOptions& options, const float* col_scale);

// InvalidInput for a missing or out-of-range target (ratio in (0, 1), energy in (0, 1]).
Result<std::unique_ptr<CompressionMethod>> MakeLowRankMethod(const LowRankOptions& options);

}  // namespace cratio
