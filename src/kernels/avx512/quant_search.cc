// AVX-512 twins of the quantizers' scale searches (numeric/quant_search.h), sixteen groups
// at a time: lane g of every vector belongs to group g, and each lane performs exactly the
// scalar search's float operations in the scalar order. Vectorising across groups rather
// than within one keeps every sum in its sequential order, so the results are bit-identical
// to the reference and the files we write do not depend on the ISA (tested bit for bit).
#include "kernels/avx512/simd.h"  // first: see simd.h

#include <cstdint>

#include "kernels/avx512/avx512_kernels.h"
#include "numeric/quant_search.h"

// cmake/CratioLibrary.cmake compiles files named quant_search.cc with -ffp-contract=off:
// a fused multiply-add rounds once where the reference rounds twice.

namespace cratio::kernels {
namespace {

constexpr int kLanes = 16;
constexpr int kMaxGroup = 32;

// quant::NearestInt on every lane (same bias trick, same bits).
inline __m512i NearestIntV(__m512 x) {
  const __m512i bits = _mm512_castps_si512(_mm512_add_ps(x, _mm512_set1_ps(12582912.0f)));
  return _mm512_sub_epi32(_mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)),
                          _mm512_set1_epi32(0x00400000));
}

inline __m512i ClampV(__m512i v, int lo, int hi) {
  return _mm512_min_epi32(_mm512_set1_epi32(hi), _mm512_max_epi32(_mm512_set1_epi32(lo), v));
}

inline __mmask16 LiveLanes(int count) {
  return count >= kLanes ? static_cast<__mmask16>(0xFFFF)
                         : static_cast<__mmask16>((1u << count) - 1u);
}

// dst[i] = element i of groups 0..15 (group g at src + g * n); lanes past `count` get 0.
inline void LoadGroups(const float* src, int count, int n, __m512* dst) {
  const __m512i index = _mm512_mullo_epi32(
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
      _mm512_set1_epi32(n));
  const __mmask16 live = LiveLanes(count);
  for (int i = 0; i < n; ++i) {
    dst[i] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), live, index, src + i, 4);
  }
}

template <typename Level>
inline void StoreLevels(const __m512i* lv, int count, int n, Level* levels) {
  alignas(64) int32_t lanes[kLanes];
  for (int i = 0; i < n; ++i) {
    _mm512_store_si512(lanes, lv[i]);
    for (int g = 0; g < count; ++g) levels[g * n + i] = static_cast<Level>(lanes[g]);
  }
}

inline __m512 ErrorOf(__m512 diff, bool use_abs) {
  return use_abs ? _mm512_abs_ps(diff) : _mm512_mul_ps(diff, diff);
}

// quant::AffineScaleSearch on up to 16 groups.
void AffineChunk(int count, int n, int nmax, const float* x_in, const float* w_in,
                 const quant::AffineSearch& search, uint8_t* levels, float* scales, float* mins) {
  __m512 x[kMaxGroup];
  __m512 w[kMaxGroup];
  LoadGroups(x_in, count, n, x);
  LoadGroups(w_in, count, n, w);
  const __m512 zero = _mm512_setzero_ps();
  const __m512 fmax = _mm512_set1_ps(static_cast<float>(nmax));
  const bool use_abs = search.use_abs_error;

  __m512 offset = x[0];
  __m512 hi = x[0];
  __m512 sum_w = w[0];
  __m512 sum_x = _mm512_mul_ps(sum_w, x[0]);
  for (int i = 1; i < n; ++i) {
    offset = _mm512_min_ps(x[i], offset);  // (x < offset) ? x : offset, as std::min(offset, x)
    hi = _mm512_max_ps(x[i], hi);          // (x > hi) ? x : hi, as std::max(hi, x)
    sum_w = _mm512_add_ps(sum_w, w[i]);
    sum_x = _mm512_add_ps(sum_x, _mm512_mul_ps(w[i], x[i]));
  }
  offset = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(offset, zero, _CMP_GT_OQ), offset, zero);
  const __mmask16 constant = _mm512_cmp_ps_mask(hi, offset, _CMP_LE_OQ);

  __m512i lv[kMaxGroup];
  __m512 inv_scale = _mm512_div_ps(fmax, _mm512_sub_ps(hi, offset));
  __m512 scale = _mm512_div_ps(_mm512_set1_ps(1.0f), inv_scale);
  __m512 best_error = zero;
  for (int i = 0; i < n; ++i) {
    lv[i] = ClampV(NearestIntV(_mm512_mul_ps(inv_scale, _mm512_sub_ps(x[i], offset))), 0, nmax);
    const __m512 diff = _mm512_sub_ps(
        _mm512_add_ps(_mm512_mul_ps(scale, _mm512_cvtepi32_ps(lv[i])), offset), x[i]);
    best_error = _mm512_add_ps(best_error, _mm512_mul_ps(w[i], ErrorOf(diff, use_abs)));
  }
  for (int step = 0; search.num_steps >= 1 && step <= search.num_steps; ++step) {
    const float numerator =
        search.rmin + search.rdelta * static_cast<float>(step) + static_cast<float>(nmax);
    inv_scale = _mm512_div_ps(_mm512_set1_ps(numerator), _mm512_sub_ps(hi, offset));
    __m512i trial[kMaxGroup];
    __m512 sum_l = zero;
    __m512 sum_l2 = zero;
    __m512 sum_xl = zero;
    for (int i = 0; i < n; ++i) {
      const __m512 v = _mm512_mul_ps(inv_scale, _mm512_sub_ps(x[i], offset));
      const __mmask16 positive = _mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ);
      trial[i] = _mm512_maskz_mov_epi32(positive, NearestIntV(_mm512_min_ps(v, fmax)));
      const __m512 lf = _mm512_cvtepi32_ps(trial[i]);
      const __m512 wl = _mm512_mul_ps(w[i], lf);
      sum_l = _mm512_add_ps(sum_l, wl);
      sum_l2 = _mm512_add_ps(sum_l2, _mm512_mul_ps(wl, lf));
      sum_xl = _mm512_add_ps(sum_xl, _mm512_mul_ps(wl, x[i]));
    }
    const __m512 det =
        _mm512_sub_ps(_mm512_mul_ps(sum_w, sum_l2), _mm512_mul_ps(sum_l, sum_l));
    const __mmask16 solvable = _mm512_cmp_ps_mask(det, zero, _CMP_GT_OQ);
    if (solvable == 0) continue;
    __m512 this_scale = _mm512_div_ps(
        _mm512_sub_ps(_mm512_mul_ps(sum_w, sum_xl), _mm512_mul_ps(sum_x, sum_l)), det);
    __m512 this_offset = _mm512_div_ps(
        _mm512_sub_ps(_mm512_mul_ps(sum_l2, sum_x), _mm512_mul_ps(sum_l, sum_xl)), det);
    const __mmask16 above = _mm512_cmp_ps_mask(this_offset, zero, _CMP_GT_OQ);
    this_offset = _mm512_mask_blend_ps(above, this_offset, zero);
    this_scale = _mm512_mask_blend_ps(above, this_scale, _mm512_div_ps(sum_xl, sum_l2));
    __m512 err = zero;
    for (int i = 0; i < n; ++i) {
      const __m512 diff = _mm512_sub_ps(
          _mm512_add_ps(_mm512_mul_ps(this_scale, _mm512_cvtepi32_ps(trial[i])), this_offset),
          x[i]);
      err = _mm512_add_ps(err, _mm512_mul_ps(w[i], ErrorOf(diff, use_abs)));
    }
    const __mmask16 better = solvable & _mm512_cmp_ps_mask(err, best_error, _CMP_LT_OQ);
    if (better == 0) continue;
    for (int i = 0; i < n; ++i) lv[i] = _mm512_mask_blend_epi32(better, lv[i], trial[i]);
    best_error = _mm512_mask_blend_ps(better, best_error, err);
    scale = _mm512_mask_blend_ps(better, scale, this_scale);
    offset = _mm512_mask_blend_ps(better, offset, this_offset);
  }
  // Constant groups: all levels 0, scale 0, the offset as min.
  for (int i = 0; i < n; ++i) lv[i] = _mm512_mask_blend_epi32(constant, lv[i], _mm512_setzero_si512());
  scale = _mm512_mask_blend_ps(constant, scale, zero);
  alignas(64) float scale_lanes[kLanes];
  alignas(64) float offset_lanes[kLanes];
  _mm512_store_ps(scale_lanes, scale);
  _mm512_store_ps(offset_lanes, offset);
  for (int g = 0; g < count; ++g) {
    scales[g] = scale_lanes[g];
    mins[g] = -offset_lanes[g];
  }
  StoreLevels(lv, count, n, levels);
}

// quant::SymmetricScaleSearch on up to 16 groups; w_in null: weights x^2.
void SymmetricChunk(int count, int n, int nmax, const float* x_in, const float* w_in,
                    int8_t* levels, float* scales) {
  __m512 x[kMaxGroup];
  __m512 w[kMaxGroup];
  LoadGroups(x_in, count, n, x);
  if (w_in != nullptr) {
    LoadGroups(w_in, count, n, w);
  } else {
    for (int i = 0; i < n; ++i) w[i] = _mm512_mul_ps(x[i], x[i]);
  }
  const __m512 zero = _mm512_setzero_ps();
  __m512 max_abs = zero;
  __m512 max_signed = zero;
  for (int i = 0; i < n; ++i) {
    const __m512 a = _mm512_abs_ps(x[i]);
    const __mmask16 larger = _mm512_cmp_ps_mask(a, max_abs, _CMP_GT_OQ);
    max_abs = _mm512_mask_blend_ps(larger, max_abs, a);
    max_signed = _mm512_mask_blend_ps(larger, max_signed, x[i]);
  }
  const __mmask16 all_zero =
      _mm512_cmp_ps_mask(max_abs, _mm512_set1_ps(quant::kGroupMaxEps), _CMP_LT_OQ);

  auto fit = [&](__m512 inv_scale, __m512i* lv, __m512* sum_xl, __m512* sum_ll) {
    *sum_xl = zero;
    *sum_ll = zero;
    for (int i = 0; i < n; ++i) {
      lv[i] = ClampV(NearestIntV(_mm512_mul_ps(inv_scale, x[i])), -nmax, nmax - 1);
      const __m512 lf = _mm512_cvtepi32_ps(lv[i]);
      *sum_xl = _mm512_add_ps(*sum_xl, _mm512_mul_ps(_mm512_mul_ps(w[i], x[i]), lf));
      *sum_ll = _mm512_add_ps(*sum_ll, _mm512_mul_ps(_mm512_mul_ps(w[i], lf), lf));
    }
  };
  __m512i lv[kMaxGroup];
  __m512 sum_xl;
  __m512 sum_ll;
  fit(_mm512_div_ps(_mm512_set1_ps(static_cast<float>(-nmax)), max_signed), lv, &sum_xl,
      &sum_ll);
  const __mmask16 nonzero_ll = _mm512_cmp_ps_mask(sum_ll, zero, _CMP_NEQ_UQ);
  __m512 scale = _mm512_maskz_div_ps(nonzero_ll, sum_xl, sum_ll);
  __m512 best = _mm512_mul_ps(scale, sum_xl);
  for (int step = -9; step <= 9; ++step) {
    if (step == 0) continue;
    const float numerator = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(step));
    __m512i trial[kMaxGroup];
    __m512 t_xl;
    __m512 t_ll;
    fit(_mm512_div_ps(_mm512_set1_ps(numerator), max_signed), trial, &t_xl, &t_ll);
    const __mmask16 better =
        _mm512_cmp_ps_mask(t_ll, zero, _CMP_GT_OQ) &
        _mm512_cmp_ps_mask(_mm512_mul_ps(t_xl, t_xl), _mm512_mul_ps(best, t_ll), _CMP_GT_OQ);
    if (better == 0) continue;
    for (int i = 0; i < n; ++i) lv[i] = _mm512_mask_blend_epi32(better, lv[i], trial[i]);
    scale = _mm512_mask_blend_ps(better, scale, _mm512_div_ps(t_xl, t_ll));
    best = _mm512_mask_blend_ps(better, best, _mm512_mul_ps(scale, t_xl));
  }
  for (int i = 0; i < n; ++i) lv[i] = _mm512_mask_blend_epi32(all_zero, lv[i], _mm512_setzero_si512());
  scale = _mm512_mask_blend_ps(all_zero, scale, zero);
  alignas(64) float scale_lanes[kLanes];
  _mm512_store_ps(scale_lanes, scale);
  for (int g = 0; g < count; ++g) scales[g] = scale_lanes[g];
  StoreLevels(lv, count, n, levels);
}

}  // namespace

void AffineScaleSearchBatchAvx512(int count, int n, int nmax, const float* x,
                                  const float* weights, const quant::AffineSearch& search,
                                  uint8_t* levels, float* scales, float* mins) {
  for (int g = 0; g < count; g += kLanes) {
    const int chunk = count - g < kLanes ? count - g : kLanes;
    AffineChunk(chunk, n, nmax, x + g * n, weights + g * n, search, levels + g * n, scales + g,
                mins + g);
  }
}

void SymmetricScaleSearchBatchAvx512(int count, int n, int nmax, const float* x,
                                     const float* weights, int8_t* levels, float* scales) {
  for (int g = 0; g < count; g += kLanes) {
    const int chunk = count - g < kLanes ? count - g : kLanes;
    SymmetricChunk(chunk, n, nmax, x + g * n, weights ? weights + g * n : nullptr,
                   levels + g * n, scales + g);
  }
}

}  // namespace cratio::kernels
