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

}  // namespace cratio::quant
