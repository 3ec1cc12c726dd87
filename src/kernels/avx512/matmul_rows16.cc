// AVX-512 VNNI gemm on kRows16 weights (numeric/rows16.h) with q8_0 / q8_k activations: one
// 512-bit load holds 4 consecutive values of 16 rows, one int32 lane per row, so each
// vpdpbusd multiplies 16 rows by 4 activation bytes broadcast from memory and the integer
// dot of a whole block lands in one lane per row. Per block the 16 rows' scales load as one
// vector: no per-row horizontal sums and no per-row scale shuffles. This is decode's route
// (1-4 tokens per pass over the weights); larger batches loop over token quads.
#include <algorithm>
#include <vector>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"
#include "numeric/half.h"
#include "numeric/rows16.h"

namespace cratio::kernels {
namespace {

// Software prefetch distance in the weight stream (one group's blocks are contiguous).
constexpr int kPrefetchBytes = 1024;

inline __m512i Bcast32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

// Per token and block of the q8_0 activations: the f32 scale and 8 · Σ qs (q4_0's offset
// correction: Σ (q - 8)·a = Σ q·a - 8·Σ a).
void Q8_0ActFactors(const uint8_t* xa, int64_t num_blocks, float* scale, int32_t* corr) {
  const __m256i bias = _mm256_set1_epi8(static_cast<char>(0x80));
  for (int64_t b = 0; b < num_blocks; ++b) {
    const auto* blk = reinterpret_cast<const BlockQ8_0*>(xa) + b;
    scale[b] = F16ToF32(blk->d);
    // Σ (a + 128) over 32 bytes by sad, minus 32 · 128.
    const __m256i u = _mm256_xor_si256(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->qs)), bias);
    const __m256i s = _mm256_sad_epu8(u, _mm256_setzero_si256());
    const __m128i s2 = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    const int64_t sum = _mm_cvtsi128_si64(s2) + _mm_extract_epi64(s2, 1) - 32 * 128;
    corr[b] = static_cast<int32_t>(8 * sum);
  }
}

// out[t * out_stride + n] for the 16 rows of one group and kTokens tokens.
template <int kTokens>
void Q4_0Group(const uint8_t* group, int64_t num_blocks, const uint8_t* xa, int64_t xa_row_bytes,
               const float* scale, const int32_t* corr, int64_t factor_stride, float* out,
               int64_t out_stride) {
  __m512 acc[kTokens];
  for (int t = 0; t < kTokens; ++t) acc[t] = _mm512_setzero_ps();
  const __m512i nib = _mm512_set1_epi8(0x0F);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const uint8_t* blk = group + b * 288;
    for (int l = 0; l < 288; l += 64) {
      _mm_prefetch(reinterpret_cast<const char*>(blk + kPrefetchBytes + l), _MM_HINT_T0);
    }
    const __m512 wd =
        _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk)));
    __m512i lo[4], hi[4];
    for (int p = 0; p < 4; ++p) {
      const __m512i q = _mm512_loadu_si512(blk + 32 + 64 * p);
      lo[p] = _mm512_and_si512(q, nib);
      hi[p] = _mm512_and_si512(_mm512_srli_epi16(q, 4), nib);
    }
    for (int t = 0; t < kTokens; ++t) {
      const uint8_t* xq = xa + t * xa_row_bytes + b * sizeof(BlockQ8_0) + 2;
      // Two chains (low and high nibbles) halve the vpdpbusd latency chain.
      __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
      for (int p = 0; p < 4; ++p) {
        s0 = _mm512_dpbusd_epi32(s0, lo[p], Bcast32(xq + 4 * p));
        s1 = _mm512_dpbusd_epi32(s1, hi[p], Bcast32(xq + 16 + 4 * p));
      }
      const __m512i s = _mm512_sub_epi32(_mm512_add_epi32(s0, s1),
                                         _mm512_set1_epi32(corr[t * factor_stride + b]));
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s),
                               _mm512_mul_ps(wd, _mm512_set1_ps(scale[t * factor_stride + b])),
                               acc[t]);
    }
  }
  for (int t = 0; t < kTokens; ++t) _mm512_storeu_ps(out + t * out_stride, acc[t]);
}

}  // namespace

void GemmQ4_0Rows16Avx512(const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out,
                          int64_t out_stride, int64_t num_rows, int64_t cols) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* x = static_cast<const uint8_t*>(xa);
  const int64_t num_blocks = cols / kQK8_0;
  constexpr int kQuad = 4;
  thread_local std::vector<float> scale;
  thread_local std::vector<int32_t> corr;
  scale.resize(static_cast<size_t>(kQuad * num_blocks));
  corr.resize(static_cast<size_t>(kQuad * num_blocks));
  for (int64_t t0 = 0; t0 < num_tokens; t0 += kQuad) {
    const int tokens = static_cast<int>(std::min<int64_t>(kQuad, num_tokens - t0));
    const uint8_t* xt = x + t0 * xa_row_bytes;
    for (int t = 0; t < tokens; ++t) {
      Q8_0ActFactors(xt + t * xa_row_bytes, num_blocks, scale.data() + t * num_blocks,
                     corr.data() + t * num_blocks);
    }
    for (int64_t r = 0; r < num_rows; r += kRows16) {
      const uint8_t* group = wb + r * w_row_bytes;
      float* o = out + t0 * out_stride + r;
      switch (tokens) {
        case 1:
          Q4_0Group<1>(group, num_blocks, xt, xa_row_bytes, scale.data(), corr.data(),
                       num_blocks, o, out_stride);
          break;
        case 2:
          Q4_0Group<2>(group, num_blocks, xt, xa_row_bytes, scale.data(), corr.data(),
                       num_blocks, o, out_stride);
          break;
        case 3:
          Q4_0Group<3>(group, num_blocks, xt, xa_row_bytes, scale.data(), corr.data(),
                       num_blocks, o, out_stride);
          break;
        default:
          Q4_0Group<4>(group, num_blocks, xt, xa_row_bytes, scale.data(), corr.data(),
                       num_blocks, o, out_stride);
          break;
      }
    }
  }
}

}  // namespace cratio::kernels
