// The AVX-512 VNNI gemm skeleton shared by the k-quants (q4_k, q5_k, q6_k) on q8_k
// activations. Per 256-element super-block: 4 registers of 64 unsigned weight values,
// vpdpbusd against the activations, sub-block scales applied in the integer domain with
// vpmaddwd (every 4-product lane sum fits in int16), one float update per super-block.
#pragma once

#include "kernels/avx512/q8_k_act_outer.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"

namespace cratio::kernels::avx512 {

// A weight policy P provides:
//   static constexpr int kBlockBytes;
//   struct Row { ... };                   // per-row super-block state kept in registers
//   static void Prepare(const uint8_t* block, Row& row);
//   static __m512i Values(const uint8_t* block, const Row& row, int k);   // elements 64k..
//     // as unsigned bytes (the offset or min is in the correction below)
//   static __m512i Scales(const Row& row, int k);  // i32 lanes: scale of each lane's
//                                                  // sub-block, high 16 bits zero
//   static float D(const uint8_t* block);
//   static __m256i CorrCoeffs16(const uint8_t* block, const Row& row);  // c[16] as int16
//   static float CorrFactor(const uint8_t* block);
// and the super-block value is  d·Σ_sub scale·Σ value·a + CorrFactor·Σ_i c[i]·bsum[i].

// Decode's software prefetch distance, in super-blocks of each row (past a row's end the
// prefetch touches the next row or unmapped memory harmlessly: prefetches never fault).
inline constexpr int kPrefetchBlocks = 4;

// out[t * out_stride + r] = Σ_c W[r, c] · x[t, c] for r < kRows, t < kTokens.
template <class P, int kRows, int kTokens>
inline void Q8KActTile(const uint8_t* w, int64_t w_row_bytes, const uint8_t* xa,
                       int64_t xa_row_bytes, float* out, int64_t out_stride, int64_t cols) {
  const int64_t num_blocks = cols / kQK_K;
  __m512 acc[kRows][kTokens];
  for (int r = 0; r < kRows; ++r) {
    for (int t = 0; t < kTokens; ++t) acc[r][t] = _mm512_setzero_ps();
  }
  for (int64_t b = 0; b < num_blocks; ++b) {
    const uint8_t* blocks[kRows];
    typename P::Row rows[kRows];
    for (int r = 0; r < kRows; ++r) {
      blocks[r] = w + r * w_row_bytes + b * P::kBlockBytes;
      if constexpr (kTokens == 1) {
        // Decode streams kRows weight rows at once: ask for the super-block
        // kPrefetchBlocks ahead in each, so the loads overlap the arithmetic instead of
        // waiting on the hardware prefetcher to find every stream.
        const uint8_t* ahead = blocks[r] + kPrefetchBlocks * P::kBlockBytes;
        for (int line = 0; line < P::kBlockBytes; line += 64) {
          _mm_prefetch(reinterpret_cast<const char*>(ahead + line), _MM_HINT_T0);
        }
      }
      P::Prepare(blocks[r], rows[r]);
    }
    const BlockQ8_K* xb[kTokens];
    for (int t = 0; t < kTokens; ++t) {
      xb[t] = reinterpret_cast<const BlockQ8_K*>(xa + t * xa_row_bytes) + b;
    }
    // isum[r][t] = Σ_sub-blocks scale · Σ q·a (integer, exact).
    __m512i isum[kRows][kTokens];
    for (int r = 0; r < kRows; ++r) {
      for (int t = 0; t < kTokens; ++t) isum[r][t] = _mm512_setzero_si512();
    }
    for (int k = 0; k < 4; ++k) {
      __m512i q[kRows];
      __m512i sc[kRows];
      for (int r = 0; r < kRows; ++r) {
        q[r] = P::Values(blocks[r], rows[r], k);
        sc[r] = P::Scales(rows[r], k);
      }
      for (int t = 0; t < kTokens; ++t) {
        const __m512i a = _mm512_loadu_si512(xb[t]->qs + 64 * k);
        for (int r = 0; r < kRows; ++r) {
          const __m512i dot = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q[r], a);
          isum[r][t] = _mm512_add_epi32(isum[r][t], _mm512_madd_epi16(dot, sc[r]));
        }
      }
    }
    __m256i bsums[kTokens];
    for (int t = 0; t < kTokens; ++t) {
      bsums[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb[t]->bsums));
    }
    for (int r = 0; r < kRows; ++r) {
      const float d = P::D(blocks[r]);
      const float corr_factor = P::CorrFactor(blocks[r]);
      const __m256i coeffs = P::CorrCoeffs16(blocks[r], rows[r]);
      for (int t = 0; t < kTokens; ++t) {
        const __m512 corr =
            _mm512_cvtepi32_ps(_mm512_zextsi256_si512(_mm256_madd_epi16(coeffs, bsums[t])));
        acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[r][t]), _mm512_set1_ps(d * xb[t]->d),
                                    acc[r][t]);
        acc[r][t] = _mm512_fmadd_ps(corr, _mm512_set1_ps(corr_factor * xb[t]->d), acc[r][t]);
      }
    }
  }
  for (int r = 0; r < kRows; ++r) {
    for (int t = 0; t < kTokens; ++t) out[t * out_stride + r] = ReduceAdd(acc[r][t]);
  }
}

// Tiles of kRows × kTokens, with edge tiles of fewer tokens / single rows.
template <class P, int kRows, int kTokens>
inline void Q8KActRows(const uint8_t* w, int64_t w_row_bytes, const uint8_t* xa,
                       int64_t xa_row_bytes, int64_t num_tokens, float* out, int64_t out_stride,
                       int64_t cols) {
  int64_t t = 0;
  for (; t + kTokens <= num_tokens; t += kTokens) {
    Q8KActTile<P, kRows, kTokens>(w, w_row_bytes, xa + t * xa_row_bytes, xa_row_bytes,
                                  out + t * out_stride, out_stride, cols);
  }
  for (; t < num_tokens; ++t) {
    Q8KActTile<P, kRows, 1>(w, w_row_bytes, xa + t * xa_row_bytes, xa_row_bytes,
                            out + t * out_stride, out_stride, cols);
  }
}

// From this many tokens on, 16-row tiles use the outer-product kernel (q8_k_act_outer.h).
inline constexpr int64_t kOuterKMinTokens = 8;

template <class P>
inline void Q8KActGemm(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                       int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                       int64_t cols) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* xb = static_cast<const uint8_t*>(xa);
  int64_t r = 0;
  if (num_tokens >= kOuterKMinTokens) {
    for (; r + 16 <= num_rows; r += 16) {
      OuterKRows16<P>(wb + r * w_row_bytes, w_row_bytes, xb, xa_row_bytes, num_tokens, out + r,
                      out_stride, cols);
    }
  }
  if (num_tokens >= 4) {
    // Prefill: 2 rows × 4 tokens keeps 16 accumulators plus the unpacked weights in
    // registers.
    for (; r + 2 <= num_rows; r += 2) {
      Q8KActRows<P, 2, 4>(wb + r * w_row_bytes, w_row_bytes, xb, xa_row_bytes, num_tokens, out + r,
                          out_stride, cols);
    }
  } else {
    // Decode and tiny batches: stream 4 rows at a time.
    for (; r + 4 <= num_rows; r += 4) {
      Q8KActRows<P, 4, 1>(wb + r * w_row_bytes, w_row_bytes, xb, xa_row_bytes, num_tokens, out + r,
                          out_stride, cols);
    }
  }
  for (; r < num_rows; ++r) {
    Q8KActRows<P, 1, 1>(wb + r * w_row_bytes, w_row_bytes, xb, xa_row_bytes, num_tokens, out + r,
                        out_stride, cols);
  }
}

}  // namespace cratio::kernels::avx512
