// Helpers for the importance-weighted quantizers (internal to src/numeric): the row
// statistics their weights use, and the final per-block choice between the weighted search
// and the plain reference, judged by the objective the caller asked for.
#pragma once

#include <cmath>
#include <cstdint>

namespace cratio::weighted {

// Mean of x^2 over the row, accumulated in float left to right as ggml's weighted quantizers
// do (their per-element weight is importance * sqrt(mean_square + x^2)).
inline float RowMeanSquare(const float* x, int64_t n) {
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) sum += x[i] * x[i];
  return sum / static_cast<float>(n);
}

// sum_i importance[i] * (x[i] - y[i])^2, in double so the comparison below is not decided by
// float rounding.
inline double ImportanceError(const float* x, const float* y, const float* importance, int n) {
  double sum = 0.0;
  for (int i = 0; i < n; ++i) {
    const double diff = static_cast<double>(x[i]) - static_cast<double>(y[i]);
    sum += static_cast<double>(importance[i]) * diff * diff;
  }
  return sum;
}

// Picks whichever of two encodings of one block decodes closer to x under `importance`;
// the plain encoding wins ties (e.g. an all-zero importance block). `dequantize` decodes one
// block of kBlockSize elements.
template <typename Block, int kBlockSize, typename Dequantize>
const Block& CloserBlock(const Block& searched, const Block& plain, const float* x,
                         const float* importance, Dequantize dequantize) {
  float y_searched[kBlockSize];
  float y_plain[kBlockSize];
  dequantize(&searched, y_searched, kBlockSize);
  dequantize(&plain, y_plain, kBlockSize);
  return ImportanceError(x, y_searched, importance, kBlockSize) <
                 ImportanceError(x, y_plain, importance, kBlockSize)
             ? searched
             : plain;
}

}  // namespace cratio::weighted
