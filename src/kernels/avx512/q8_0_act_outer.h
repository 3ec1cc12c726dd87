// Prefill gemm for q8_0-activation weight types as an outer product: each 512-bit lane is
// one of 16 weight rows, so one vpdpbusd applies 4 weight bytes of 16 rows to 4 broadcast
// activation bytes of one token — no horizontal reductions and only one float update per
// block for 16 outputs. Weight bytes are transposed into that layout once per 16-row tile
// and chunk of blocks, then reused by every token.
#pragma once

#include <algorithm>
#include <type_traits>

#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"

namespace cratio::kernels::avx512 {

// A policy P for this path provides:
//   static constexpr int kBlockBytes;
//   static constexpr int kOffset;  // value = u8 group byte - kOffset
//   static void Repack16(const uint8_t* block, int64_t w_row_bytes, __m512i groups[8]);
//     // groups[g] lane r: elements 4g..4g+3 of block `block + r * w_row_bytes` as
//     // unsigned bytes
//   static constexpr bool kHasMin;  // x = d·q + m (m: f16 in bytes 2-3 of the block)
// and stores its f16 scale in the first 2 bytes of the block.

inline int32_t LoadI32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// out[k] lane r = dword k of the 16 bytes at p + r * stride, for 16 rows: rows 4c + i sit
// in 128-bit chunk c of register i, then a 4 × 4 dword transpose inside every chunk.
inline void Transpose16x4(const uint8_t* p, int64_t stride, __m512i out[4]) {
  __m512i a[4];
  for (int i = 0; i < 4; ++i) {
    __m512i v =
        _mm512_castsi128_si512(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i * stride)));
    v = _mm512_inserti32x4(
        v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + (4 + i) * stride)), 1);
    v = _mm512_inserti32x4(
        v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + (8 + i) * stride)), 2);
    v = _mm512_inserti32x4(
        v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + (12 + i) * stride)), 3);
    a[i] = v;
  }
  const __m512i t0 = _mm512_unpacklo_epi32(a[0], a[1]);
  const __m512i t1 = _mm512_unpackhi_epi32(a[0], a[1]);
  const __m512i t2 = _mm512_unpacklo_epi32(a[2], a[3]);
  const __m512i t3 = _mm512_unpackhi_epi32(a[2], a[3]);
  out[0] = _mm512_unpacklo_epi64(t0, t2);
  out[1] = _mm512_unpackhi_epi64(t0, t2);
  out[2] = _mm512_unpacklo_epi64(t1, t3);
  out[3] = _mm512_unpackhi_epi64(t1, t3);
}

// Blocks repacked per 16-row tile before the token loop: 32 blocks = 16 KiB of groups +
// 2 KiB of scales on the stack, reused by every token of the panel.
inline constexpr int kOuterChunkBlocks = 32;

struct OuterChunk {
  alignas(64) __m512i groups[kOuterChunkBlocks][8];
  alignas(64) float scales[kOuterChunkBlocks][16];
  alignas(64) float mins[kOuterChunkBlocks][16];  // q4_1 / q5_1: m of each row's block
};

// 4 bits per 32-bit lane -> bytes of 0x10 / 0x00: bit i to byte i (the shifted copies x,
// x<<7, x<<14, x<<21 never overlap, so the product has no carries).
inline __m512i SpreadNibbleBits(__m512i bits4) {
  const __m512i spread = _mm512_mullo_epi32(bits4, _mm512_set1_epi32(0x00204081));
  return _mm512_slli_epi32(_mm512_and_si512(spread, _mm512_set1_epi32(0x01010101)), 4);
}

// out[t * out_stride + r] (+)= Σ over the chunk's blocks, r < 16, t < kTokens.
template <int kOffset, bool kHasMin, int kTokens>
inline void OuterTile16(const OuterChunk& chunk, int num_chunk_blocks, const uint8_t* xa,
                        int64_t xa_row_bytes, int64_t first_block, float* out, int64_t out_stride,
                        bool accumulate) {
  __m512 acc[kTokens];
  for (int t = 0; t < kTokens; ++t) {
    acc[t] = accumulate ? _mm512_loadu_ps(out + t * out_stride) : _mm512_setzero_ps();
  }
  const __m256i k80 = _mm256_set1_epi8(static_cast<char>(0x80));
  for (int b = 0; b < num_chunk_blocks; ++b) {
    __m512i groups[8];
    for (int g = 0; g < 8; ++g) groups[g] = _mm512_load_si512(&chunk.groups[b][g]);
    const __m512 dw = _mm512_load_ps(chunk.scales[b]);
    [[maybe_unused]] const __m512 mw = kHasMin ? _mm512_load_ps(chunk.mins[b]) : dw;
    for (int t = 0; t < kTokens; ++t) {
      const auto* xb = reinterpret_cast<const BlockQ8_0*>(xa + t * xa_row_bytes) + first_block + b;
      // Σ a over the block, for Σ (u - offset)·a = Σ u·a - offset·Σ a.
      const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb->qs));
      const __m256i sad = _mm256_sad_epu8(_mm256_xor_si256(q, k80), _mm256_setzero_si256());
      const __m128i s2 =
          _mm_add_epi64(_mm256_castsi256_si128(sad), _mm256_extracti128_si256(sad, 1));
      const int32_t sum =
          _mm_cvtsi128_si32(_mm_add_epi64(s2, _mm_unpackhi_epi64(s2, s2))) - 32 * 128;
      __m512i sumi = _mm512_set1_epi32(-kOffset * sum);
      for (int g = 0; g < 8; ++g) {
        const uint8_t* xq = reinterpret_cast<const uint8_t*>(xb->qs) + 4 * g;
        sumi = _mm512_dpbusd_epi32(sumi, groups[g], _mm512_set1_epi32(LoadI32(xq)));
      }
      const __m512 dx = _mm512_set1_ps(_cvtsh_ss(xb->d));
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_mul_ps(dw, dx), acc[t]);
      if constexpr (kHasMin) {
        // + m · d_x · Σ a
        acc[t] =
            _mm512_fmadd_ps(mw, _mm512_mul_ps(dx, _mm512_set1_ps(static_cast<float>(sum))), acc[t]);
      }
    }
  }
  for (int t = 0; t < kTokens; ++t) _mm512_storeu_ps(out + t * out_stride, acc[t]);
}

// 16 rows × all tokens: per chunk of blocks, repack once, then token tiles of 16, 8, 4, 2, 1.
template <class P>
inline void OuterRows16(const uint8_t* w, int64_t w_row_bytes, const uint8_t* xa,
                        int64_t xa_row_bytes, int64_t num_tokens, float* out, int64_t out_stride,
                        int64_t cols) {
  OuterChunk chunk;
  const int64_t num_blocks = cols / kQK8_0;
  for (int64_t b0 = 0; b0 < num_blocks; b0 += kOuterChunkBlocks) {
    const int nb = static_cast<int>(std::min<int64_t>(kOuterChunkBlocks, num_blocks - b0));
    for (int b = 0; b < nb; ++b) {
      const uint8_t* block = w + (b0 + b) * P::kBlockBytes;
      P::Repack16(block, w_row_bytes, chunk.groups[b]);
      for (int r = 0; r < 16; ++r) {
        chunk.scales[b][r] = _cvtsh_ss(LoadU16(block + r * w_row_bytes));
        if constexpr (P::kHasMin)
          chunk.mins[b][r] = _cvtsh_ss(LoadU16(block + r * w_row_bytes + 2));
      }
    }
    const bool accumulate = b0 > 0;
    int64_t t = 0;
    auto tile = [&](auto tokens_const) {
      constexpr int kT = decltype(tokens_const)::value;
      OuterTile16<P::kOffset, P::kHasMin, kT>(chunk, nb, xa + t * xa_row_bytes, xa_row_bytes, b0,
                                              out + t * out_stride, out_stride, accumulate);
      t += kT;
    };
    while (t + 16 <= num_tokens) tile(std::integral_constant<int, 16>{});
    if (t + 8 <= num_tokens) tile(std::integral_constant<int, 8>{});
    if (t + 4 <= num_tokens) tile(std::integral_constant<int, 4>{});
    if (t + 2 <= num_tokens) tile(std::integral_constant<int, 2>{});
    if (t < num_tokens) tile(std::integral_constant<int, 1>{});
  }
}

}  // namespace cratio::kernels::avx512
