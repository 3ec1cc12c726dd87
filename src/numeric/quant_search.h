// Scale searches shared by the reference quantizers: given a small group of floats, find
// integer levels and a scale (and for affine types a min) that minimise a weighted squared
// error. The algorithms follow ggml's k-quant reference quantizers so files we write are of
// the same quality as llama.cpp's; see docs/DTYPES.md. Internal to src/numeric.
#pragma once

#include <cstdint>
#include <cstring>

namespace cratio::quant {

// Round to nearest, ties to even, for |x| <= 2^22 (adding 1.5 * 2^23 leaves the integer in
// the low mantissa bits). This is the rounding every k-quant reference uses, so ties break
// the same way as in llama.cpp.
inline int NearestInt(float x) {
  const float biased = x + 12582912.0f;
  int32_t bits;
  std::memcpy(&bits, &biased, sizeof(bits));
  return (bits & 0x007fffff) - 0x00400000;
}

// Symmetric levels: x[i] ≈ scale * levels[i] with levels[i] in [-nmax, nmax - 1]. Starts from
// the scale that maps the largest-magnitude element to -nmax, then tries 18 nearby scales and
// keeps the one with the best weighted least-squares fit. `weights` null means x[i]^2 (the
// unweighted reference). Returns the scale (0 for an all-zero group, levels all 0).
// levels: [n], n <= 256.
float SymmetricScaleSearch(int n, int nmax, const float* x, const float* weights, int8_t* levels);

// As SymmetricScaleSearch's starting point, then up to five passes of coordinate descent on
// single levels with weights x[i]^2 (q3_k's reference search). Returns the scale.
float SymmetricLevelRefine(int n, int nmax, const float* x, int8_t* levels);

// Affine levels: x[i] ≈ scale * levels[i] - min_out with levels in [0, nmax] and min_out >= 0
// (an offset below zero only: blocks store a non-negative min that is subtracted).
struct AffineSearch {
  float rmin;          // first scale tried is (nmax + rmin) / range ...
  float rdelta;        // ... then steps of rdelta ...
  int num_steps;       // ... for num_steps + 1 candidates
  bool use_abs_error;  // minimise weighted |error| instead of error^2
};
// weights: [n], required. levels, scratch: [n] each, n <= 32. Writes the offset to *min_out
// and returns the scale (0 when the group is constant).
float AffineScaleSearch(int n, int nmax, const float* x, const float* weights,
                        const AffineSearch& search, uint8_t* levels, uint8_t* scratch,
                        float* min_out);

// Non-negative values (the per-sub-block scales or mins of a super-block) to levels in
// [0, nmax]: grid search on the scale, then coordinate descent on the levels, all weighted by
// `weights` (required). Returns the scale (0 when every value is ~0). levels: [n], n <= 16.
float PositiveScaleSearch(int n, int nmax, const float* x, const float* weights, uint8_t* levels);

// Below this magnitude a group counts as all zero (as ggml's GROUP_MAX_EPS).
inline constexpr float kGroupMaxEps = 1e-15f;

// Batched searches: `count` independent groups of `n` elements each, group g at x + g * n
// (and weights + g * n, levels + g * n), its result in scales[g] (and mins[g]). Each group's
// result is bit-identical to the single-group function above, so a batched twin can only
// change the speed of quantization, never the file it writes.
using AffineSearchBatchFn = void (*)(int count, int n, int nmax, const float* x,
                                     const float* weights, const AffineSearch& search,
                                     uint8_t* levels, float* scales, float* mins);
// weights may be null (then x^2, as SymmetricScaleSearch).
using SymmetricSearchBatchFn = void (*)(int count, int n, int nmax, const float* x,
                                        const float* weights, int8_t* levels, float* scales);

// Faster twins of the batched searches, for n <= 32 (null entries: the scalar loop). The
// kernels layer installs the ones for its chosen ISA (it may depend on numeric, not the
// other way round); tests check them bit for bit against the scalar searches.
struct SearchKernels {
  AffineSearchBatchFn affine = nullptr;
  SymmetricSearchBatchFn symmetric = nullptr;
};
// Installs `kernels` (null: back to the scalar loops) for all threads; call while no
// quantization runs. The pointee must outlive every later search.
void SetSearchKernels(const SearchKernels* kernels);

// The batched searches: the installed twin when there is one and n <= 32, otherwise
// the single-group function in a loop.
void AffineScaleSearchBatch(int count, int n, int nmax, const float* x, const float* weights,
                            const AffineSearch& search, uint8_t* levels, float* scales,
                            float* mins);
void SymmetricScaleSearchBatch(int count, int n, int nmax, const float* x, const float* weights,
                               int8_t* levels, float* scales);

}  // namespace cratio::quant
