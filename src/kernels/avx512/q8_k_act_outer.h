// Prefill gemm for the k-quants as an outer product (as q8_0_act_outer.h): lanes are 16
// weight rows; vpdpbusd applies 4 weight bytes of 16 rows to 4 broadcast activation bytes.
// Per sub-block the integer sums are scaled by d·sc (per row) in float; the min / offset
// term Σ_j c_j · Σ_{i in j} a_i is one vpdpwssd chain over int16 pairs against the
// activation block sums. Each super-block of 16 rows is repacked once per chunk and reused
// by every token.
#pragma once

#include <algorithm>
#include <type_traits>

#include "kernels/avx512/q8_0_act_outer.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"

namespace cratio::kernels::avx512 {

// One super-block of 16 rows, repacked.
struct KSuperRepack {
  // groups[g] lane r: elements 4g..4g+3 of row r as unsigned bytes.
  alignas(64) __m512i groups[64];
  // fscale[j] lane r: d_r · scale_{r, j} for sub-block j.
  alignas(64) float fscale[16][16];
  // corr_pairs[p] lane r: int16 pair (c_{2p}, c_{2p+1}) of the correction coefficients.
  alignas(64) int32_t corr_pairs[8][16];
  // corr_scale lane r: float factor of the correction sum (-dmin_r or -32·d_r).
  alignas(64) float corr_scale[16];
};

inline constexpr int kOuterChunkSuperBlocks = 4;

struct KChunk {
  KSuperRepack sb[kOuterChunkSuperBlocks];
};

// A policy P for this path provides:
//   static constexpr int kBlockBytes;
//   static constexpr int kSubBlock;        // 32 or 16 elements per scale
//   static constexpr int kNumCorrPairs;    // int16 pairs in the correction (4 or 8)
//   static void Repack16(const uint8_t* block, int64_t w_row_bytes, KSuperRepack& out);
//   static void ActPairs(const BlockQ8_K* x, int32_t pairs[8]);  // activation-side pairs

template <class P, int kTokens>
inline void OuterKTile16(const KChunk& chunk, int num_chunk_blocks, const uint8_t* xa,
                         int64_t xa_row_bytes, int64_t first_block, float* out, int64_t out_stride,
                         bool accumulate) {
  constexpr int kGroupsPerSub = P::kSubBlock / 4;
  constexpr int kNumSub = kQK_K / P::kSubBlock;
  __m512 acc[kTokens];
  for (int t = 0; t < kTokens; ++t) {
    acc[t] = accumulate ? _mm512_loadu_ps(out + t * out_stride) : _mm512_setzero_ps();
  }
  for (int b = 0; b < num_chunk_blocks; ++b) {
    const KSuperRepack& rp = chunk.sb[b];
    const BlockQ8_K* xb[kTokens];
    for (int t = 0; t < kTokens; ++t) {
      xb[t] = reinterpret_cast<const BlockQ8_K*>(xa + t * xa_row_bytes) + first_block + b;
    }
    __m512 tmp[kTokens];
    for (int t = 0; t < kTokens; ++t) tmp[t] = _mm512_setzero_ps();
    for (int j = 0; j < kNumSub; ++j) {
      __m512i groups[kGroupsPerSub];
      for (int i = 0; i < kGroupsPerSub; ++i) {
        groups[i] = _mm512_load_si512(&rp.groups[j * kGroupsPerSub + i]);
      }
      const __m512 fs = _mm512_load_ps(rp.fscale[j]);
      for (int t = 0; t < kTokens; ++t) {
        const uint8_t* xq = reinterpret_cast<const uint8_t*>(xb[t]->qs) + j * P::kSubBlock;
        __m512i sumi = _mm512_setzero_si512();
        for (int i = 0; i < kGroupsPerSub; ++i) {
          sumi = _mm512_dpbusd_epi32(sumi, groups[i], _mm512_set1_epi32(LoadI32(xq + 4 * i)));
        }
        tmp[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), fs, tmp[t]);
      }
    }
    __m512i pairs[P::kNumCorrPairs];
    for (int p = 0; p < P::kNumCorrPairs; ++p) pairs[p] = _mm512_load_si512(rp.corr_pairs[p]);
    const __m512 cs = _mm512_load_ps(rp.corr_scale);
    for (int t = 0; t < kTokens; ++t) {
      alignas(16) int32_t act_pairs[8];
      P::ActPairs(xb[t], act_pairs);
      __m512i ci = _mm512_setzero_si512();
      for (int p = 0; p < P::kNumCorrPairs; ++p) {
        ci = _mm512_dpwssd_epi32(ci, pairs[p], _mm512_set1_epi32(act_pairs[p]));
      }
      tmp[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(ci), cs, tmp[t]);
      acc[t] = _mm512_fmadd_ps(tmp[t], _mm512_set1_ps(xb[t]->d), acc[t]);
    }
  }
  for (int t = 0; t < kTokens; ++t) _mm512_storeu_ps(out + t * out_stride, acc[t]);
}

// 16 rows × all tokens: per chunk of super-blocks, repack once, then token tiles of 8, 4,
// 2, 1.
template <class P>
inline void OuterKRows16(const uint8_t* w, int64_t w_row_bytes, const uint8_t* xa,
                         int64_t xa_row_bytes, int64_t num_tokens, float* out, int64_t out_stride,
                         int64_t cols) {
  KChunk chunk;
  const int64_t num_blocks = cols / kQK_K;
  for (int64_t b0 = 0; b0 < num_blocks; b0 += kOuterChunkSuperBlocks) {
    const int nb = static_cast<int>(std::min<int64_t>(kOuterChunkSuperBlocks, num_blocks - b0));
    for (int b = 0; b < nb; ++b) {
      P::Repack16(w + (b0 + b) * P::kBlockBytes, w_row_bytes, chunk.sb[b]);
    }
    const bool accumulate = b0 > 0;
    int64_t t = 0;
    auto tile = [&](auto tokens_const) {
      constexpr int kT = decltype(tokens_const)::value;
      OuterKTile16<P, kT>(chunk, nb, xa + t * xa_row_bytes, xa_row_bytes, b0, out + t * out_stride,
                          out_stride, accumulate);
      t += kT;
    };
    while (t + 8 <= num_tokens) tile(std::integral_constant<int, 8>{});
    if (t + 4 <= num_tokens) tile(std::integral_constant<int, 4>{});
    if (t + 2 <= num_tokens) tile(std::integral_constant<int, 2>{});
    if (t < num_tokens) tile(std::integral_constant<int, 1>{});
  }
}

// Activation pairs for q4_k / q5_k: sums over the 8 sub-blocks of 32 as int16 pairs.
inline void PairSums32(const BlockQ8_K* x, int32_t pairs[8]) {
  const __m256i bsums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x->bsums));
  const __m256i s = _mm256_madd_epi16(bsums, _mm256_set1_epi16(1));
  const __m128i s16 = _mm_packs_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
  _mm_store_si128(reinterpret_cast<__m128i*>(pairs), s16);
}

inline int32_t PackI16Pair(int lo, int hi) {
  return static_cast<int32_t>((static_cast<uint32_t>(static_cast<uint16_t>(lo))) |
                              (static_cast<uint32_t>(static_cast<uint16_t>(hi)) << 16));
}

}  // namespace cratio::kernels::avx512
