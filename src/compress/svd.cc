// LAPACKE / CBLAS wrappers behind the exact and randomized SVDs of svd.h.
#include "compress/svd.h"

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace cratio {

namespace {

// Replaces y[m, l] (row-major) by an orthonormal basis of its columns (thin Q of QR).
Status Orthonormalize(std::vector<float>& y, int64_t m, int64_t l) {
  std::vector<float> tau(static_cast<size_t>(std::min(m, l)));
  lapack_int info = LAPACKE_sgeqrf(LAPACK_ROW_MAJOR, m, l, y.data(), l, tau.data());
  if (info != 0) return InternalError("svd: sgeqrf failed with info {} on [{}, {}]", info, m, l);
  info = LAPACKE_sorgqr(LAPACK_ROW_MAJOR, m, l, l, y.data(), l, tau.data());
  if (info != 0) return InternalError("svd: sorgqr failed with info {} on [{}, {}]", info, m, l);
  return Status::Ok();
}

}  // namespace

Result<Svd> ExactSvd(const float* a, int64_t rows, int64_t cols) {
  const int64_t k = std::min(rows, cols);
  Svd out;
  out.rows = rows, out.cols = cols, out.rank = k;
  out.u.resize(static_cast<size_t>(rows * k));
  out.s.resize(static_cast<size_t>(k));
  out.vt.resize(static_cast<size_t>(k * cols));
  std::vector<float> work(a, a + rows * cols);  // sgesdd destroys its input
  const lapack_int info = LAPACKE_sgesdd(LAPACK_ROW_MAJOR, 'S', rows, cols, work.data(), cols,
                                         out.s.data(), out.u.data(), k, out.vt.data(), cols);
  if (info != 0) {
    return InternalError("svd: sgesdd failed with info {} on a [{}, {}] matrix", info, rows, cols);
  }
  return out;
}

Result<Svd> RandomizedSvd(const float* a, int64_t rows, int64_t cols, int64_t rank,
                          int64_t oversample, int power_iters, uint64_t seed) {
  const int64_t m = rows, n = cols;
  if (rank <= 0 || rank > std::min(m, n)) {
    return InvalidInput("svd: rank {} out of range for a [{}, {}] matrix", rank, m, n);
  }
  const int64_t l = std::min(rank + std::max<int64_t>(oversample, 0), std::min(m, n));
  // omega[n, l] ~ N(0, 1)
  std::vector<float> omega(static_cast<size_t>(n * l));
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& x : omega) x = normal(rng);
  // y[m, l] = A[m, n] · omega[n, l]
  std::vector<float> y(static_cast<size_t>(m * l));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, l, n, 1.0f, a, n, omega.data(), l,
              0.0f, y.data(), l);
  CRATIO_RETURN_IF_ERROR(Orthonormalize(y, m, l));
  // Power iterations sharpen the spectrum's decay: y = A (Aᵀ y), orthonormalized each
  // half step so small singular directions do not drown in rounding.
  std::vector<float>& z = omega;  // [n, l]
  for (int it = 0; it < power_iters; ++it) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, l, m, 1.0f, a, n, y.data(), l, 0.0f,
                z.data(), l);
    CRATIO_RETURN_IF_ERROR(Orthonormalize(z, n, l));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, l, n, 1.0f, a, n, z.data(), l,
                0.0f, y.data(), l);
    CRATIO_RETURN_IF_ERROR(Orthonormalize(y, m, l));
  }
  // b[l, n] = Qᵀ[l, m] · A[m, n]; its exact SVD b = Ub S Vt gives A ≈ (Q Ub) S Vt.
  std::vector<float> b(static_cast<size_t>(l * n));
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, l, n, m, 1.0f, y.data(), l, a, n, 0.0f,
              b.data(), n);
  CRATIO_ASSIGN_OR_RETURN(Svd small, ExactSvd(b.data(), l, n));  // u [l, l]
  Svd out;
  out.rows = m, out.cols = n, out.rank = small.rank;
  out.s = std::move(small.s);
  out.vt = std::move(small.vt);
  out.u.resize(static_cast<size_t>(m * small.rank));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, small.rank, l, 1.0f, y.data(), l,
              small.u.data(), small.rank, 0.0f, out.u.data(), small.rank);
  TruncateSvd(out, rank);
  return out;
}

void TruncateSvd(Svd& svd, int64_t rank) {
  if (rank >= svd.rank) return;
  std::vector<float> u(static_cast<size_t>(svd.rows * rank));
  for (int64_t r = 0; r < svd.rows; ++r) {
    std::copy_n(svd.u.data() + r * svd.rank, rank, u.data() + r * rank);
  }
  svd.u = std::move(u);
  svd.s.resize(static_cast<size_t>(rank));
  svd.vt.resize(static_cast<size_t>(rank * svd.cols));
  svd.rank = rank;
}

}  // namespace cratio
