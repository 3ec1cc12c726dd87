// Singular value decompositions of row-major f32 matrices for low-rank factorization:
// exact (LAPACK sgesdd) and randomized (Halko, Martinsson & Tropp 2011: Gaussian sketch,
// power iterations with re-orthonormalization, exact SVD of the small projected matrix).
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"

namespace cratio {

// A[m, n] ≈ U[m, k] · diag(s[k]) · Vt[k, n], singular values in decreasing order.
struct Svd {
  int64_t rows = 0, cols = 0, rank = 0;
  std::vector<float> u;   // [rows, rank] row-major
  std::vector<float> s;   // [rank]
  std::vector<float> vt;  // [rank, cols] row-major
};

// Thin exact SVD of a[rows, cols] (rank = min(rows, cols)). Internal error when LAPACK
// does not converge.
Result<Svd> ExactSvd(const float* a, int64_t rows, int64_t cols);

// Rank-`rank` randomized SVD: sketch width rank + oversample, `power_iters` power
// iterations, Gaussian test matrix from `seed` (deterministic). rank <= min(rows, cols).
Result<Svd> RandomizedSvd(const float* a, int64_t rows, int64_t cols, int64_t rank,
                          int64_t oversample = 10, int power_iters = 2, uint64_t seed = 1);

// Keeps the leading `rank` triplets.
void TruncateSvd(Svd& svd, int64_t rank);

}  // namespace cratio
