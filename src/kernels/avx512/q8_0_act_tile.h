// The AVX-512 VNNI gemm skeleton shared by weight types that take q8_0 activations
// (q8_0, q4_0, ...): two 32-element blocks per 512-bit register, a tile of rows × tokens
// of float accumulators, each weight block pair unpacked once per tile and applied to every
// token of the tile with vpdpbusd (u8 × s8 -> i32).
#pragma once

#include <cstdint>

#include "kernels/avx512/q8_0_act_outer.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"

namespace cratio::kernels::avx512 {

// A weight policy P provides:
//   static constexpr int kBlockBytes;       // bytes per 32-element block
//   static constexpr bool kNibbleOrder;     // qs register holds [b0 0-15, b1 0-15,
//                                           //  b0 16-31, b1 16-31] (else [b0, b1])
//   static constexpr bool kWeightsSigned;   // true: int8 weights (act made unsigned)
//   static constexpr int kOffset;           // unsigned weights: value = q - kOffset
//   static __m512i LoadQs(const uint8_t* b0, const uint8_t* b1);  // b1 may be null
//   static uint16_t Scale(const uint8_t* block);                   // f16 bits of d
//   static constexpr bool kHasMin;          // x = d·q + m, m = f16 at bytes 2-3

// Lane pattern of the two blocks' scales in the i32 / f32 lanes of a dot product.
template <bool kNibbleOrder>
inline __m512 PairScales(uint16_t d0, uint16_t d1) {
  constexpr __mmask16 kSecond = kNibbleOrder ? 0xF0F0 : 0xFF00;
  const __m256i h = _mm256_mask_blend_epi16(kSecond, _mm256_set1_epi16(static_cast<short>(d0)),
                                            _mm256_set1_epi16(static_cast<short>(d1)));
  return _mm512_cvtph_ps(h);
}

// Activation pair (signed int8) in the lane order the weight policy uses.
template <bool kNibbleOrder>
inline __m512i LoadActPair(const BlockQ8_0* x0, const BlockQ8_0* x1) {
  const __m256i a0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x0->qs));
  const __m256i a1 =
      x1 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x1->qs)) : _mm256_setzero_si256();
  const __m512i both = _mm512_inserti64x4(_mm512_castsi256_si512(a0), a1, 1);
  if constexpr (!kNibbleOrder) return both;
  // [a0 0-15, a0 16-31, a1 0-15, a1 16-31] -> [a0 0-15, a1 0-15, a0 16-31, a1 16-31]
  return _mm512_shuffle_i64x2(both, both, _MM_SHUFFLE(3, 1, 2, 0));
}

// Decode's software prefetch distance in each weight row.
inline constexpr int kDecodePrefetchBytes = 576;

// out[t * out_stride + r] = Σ_c W[r, c] · x[t, c] for r < kRows, t < kTokens.
template <class P, int kRows, int kTokens>
inline void Q8ActTile(const uint8_t* w, int64_t w_row_bytes, const uint8_t* xa,
                      int64_t xa_row_bytes, float* out, int64_t out_stride, int64_t cols) {
  const int64_t num_blocks = cols / kQK8_0;
  __m512 acc[kRows][kTokens];
  for (int r = 0; r < kRows; ++r) {
    for (int t = 0; t < kTokens; ++t) acc[r][t] = _mm512_setzero_ps();
  }
  const __m512i k80 = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i kOffsetBytes = _mm512_set1_epi8(static_cast<char>(P::kOffset));

  for (int64_t b = 0; b < num_blocks; b += 2) {
    const bool two = b + 1 < num_blocks;
    __m512i wq[kRows];
    __m512 wd[kRows];
    __m512i wcorr[kRows];               // signed weights: -128 · Σ w per lane
    [[maybe_unused]] __m512 wm[kRows];  // kHasMin: the blocks' m in the scale pattern
    for (int r = 0; r < kRows; ++r) {
      const uint8_t* b0 = w + r * w_row_bytes + b * P::kBlockBytes;
      const uint8_t* b1 = two ? b0 + P::kBlockBytes : nullptr;
      if constexpr (kTokens == 1) {
        // Decode streams kRows rows at once: fetch ahead in each (a line per step covers
        // the 2 blocks a step consumes; prefetches never fault past a row's end).
        _mm_prefetch(reinterpret_cast<const char*>(b0 + kDecodePrefetchBytes), _MM_HINT_T0);
      }
      wq[r] = P::LoadQs(b0, b1);
      wd[r] = PairScales<P::kNibbleOrder>(P::Scale(b0), two ? P::Scale(b1) : 0);
      if constexpr (P::kHasMin) {
        wm[r] = PairScales<P::kNibbleOrder>(LoadU16(b0 + 2), two ? LoadU16(b1 + 2) : 0);
      }
      if constexpr (P::kWeightsSigned) {
        wcorr[r] = _mm512_sub_epi32(_mm512_setzero_si512(),
                                    _mm512_dpbusd_epi32(_mm512_setzero_si512(), k80, wq[r]));
      }
    }
    for (int t = 0; t < kTokens; ++t) {
      const auto* x0 = reinterpret_cast<const BlockQ8_0*>(xa + t * xa_row_bytes) + b;
      const BlockQ8_0* x1 = two ? x0 + 1 : nullptr;
      const __m512i xs = LoadActPair<P::kNibbleOrder>(x0, x1);
      const __m512 xd = PairScales<P::kNibbleOrder>(x0->d, two ? x1->d : 0);
      if constexpr (P::kWeightsSigned) {
        // Σ (a + 128)·w - 128·Σ w = Σ a·w.
        const __m512i xu = _mm512_xor_si512(xs, k80);
        for (int r = 0; r < kRows; ++r) {
          const __m512i sumi = _mm512_dpbusd_epi32(wcorr[r], xu, wq[r]);
          acc[r][t] =
              _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_mul_ps(wd[r], xd), acc[r][t]);
        }
      } else {
        // Σ q·a - offset·Σ a = Σ (q - offset)·a.
        const __m512i xcorr = _mm512_sub_epi32(
            _mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), kOffsetBytes, xs));
        [[maybe_unused]] __m512 x_sum;  // kHasMin: d_x · (partial Σ a) per lane
        if constexpr (P::kHasMin) {
          x_sum = _mm512_mul_ps(xd, _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(
                                        _mm512_setzero_si512(), _mm512_set1_epi8(1), xs)));
        }
        for (int r = 0; r < kRows; ++r) {
          const __m512i sumi = _mm512_dpbusd_epi32(xcorr, wq[r], xs);
          acc[r][t] =
              _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_mul_ps(wd[r], xd), acc[r][t]);
          if constexpr (P::kHasMin) acc[r][t] = _mm512_fmadd_ps(wm[r], x_sum, acc[r][t]);
        }
      }
    }
  }
  for (int r = 0; r < kRows; ++r) {
    for (int t = 0; t < kTokens; ++t) out[t * out_stride + r] = ReduceAdd(acc[r][t]);
  }
}

// Full gemm over tiles of up to 4 rows × 4 tokens; edge tiles use smaller instantiations.
template <class P, int kRows>
inline void Q8ActRowTile(const uint8_t* w, int64_t w_row_bytes, const uint8_t* xa,
                         int64_t xa_row_bytes, int64_t num_tokens, float* out, int64_t out_stride,
                         int64_t cols) {
  int64_t t = 0;
  for (; t + 4 <= num_tokens; t += 4) {
    Q8ActTile<P, kRows, 4>(w, w_row_bytes, xa + t * xa_row_bytes, xa_row_bytes,
                           out + t * out_stride, out_stride, cols);
  }
  const uint8_t* x_rest = xa + t * xa_row_bytes;
  float* out_rest = out + t * out_stride;
  switch (num_tokens - t) {
    case 3:
      Q8ActTile<P, kRows, 3>(w, w_row_bytes, x_rest, xa_row_bytes, out_rest, out_stride, cols);
      break;
    case 2:
      Q8ActTile<P, kRows, 2>(w, w_row_bytes, x_rest, xa_row_bytes, out_rest, out_stride, cols);
      break;
    case 1:
      Q8ActTile<P, kRows, 1>(w, w_row_bytes, x_rest, xa_row_bytes, out_rest, out_stride, cols);
      break;
    default:
      break;
  }
}

// From this many tokens on, 16-row tiles use the outer-product kernel (q8_0_act_outer.h).
inline constexpr int64_t kOuterMinTokens = 8;

template <class P>
inline void Q8ActGemm(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                      int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                      int64_t cols) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* xb = static_cast<const uint8_t*>(xa);
  int64_t r = 0;
  if (num_tokens >= kOuterMinTokens) {
    for (; r + 16 <= num_rows; r += 16) {
      OuterRows16<P>(wb + r * w_row_bytes, w_row_bytes, xb, xa_row_bytes, num_tokens, out + r,
                     out_stride, cols);
    }
  } else if (num_tokens < 4 && !P::kHasMin) {
    // Decode: 8 rows share each activation pair's preparation (8 + 8 + 8 registers).
    for (; r + 8 <= num_rows; r += 8) {
      Q8ActRowTile<P, 8>(wb + r * w_row_bytes, w_row_bytes, xb, xa_row_bytes, num_tokens, out + r,
                         out_stride, cols);
    }
  }
  for (; r + 4 <= num_rows; r += 4) {
    Q8ActRowTile<P, 4>(wb + r * w_row_bytes, w_row_bytes, xb, xa_row_bytes, num_tokens, out + r,
                       out_stride, cols);
  }
  for (; r < num_rows; ++r) {
    Q8ActRowTile<P, 1>(wb + r * w_row_bytes, w_row_bytes, xb, xa_row_bytes, num_tokens, out + r,
                       out_stride, cols);
  }
}

}  // namespace cratio::kernels::avx512
