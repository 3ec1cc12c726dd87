// AVX-512 VNNI gemm on kRows16 weights (numeric/rows16.h) with q8_0 / q8_k activations: one
// 512-bit load holds 4 consecutive values of 16 rows, one int32 lane per row, so each
// vpdpbusd multiplies 16 rows by 4 activation bytes broadcast from memory and the integer
// dot of a whole block lands in one lane per row. Per block the 16 rows' scales load as one
// vector: no per-row horizontal sums and no per-row scale shuffles. This is decode's route
// (1-4 tokens per pass over the weights); larger batches loop over token quads.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/rows16_q4_k.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"
#include "numeric/half.h"
#include "numeric/rows16.h"

namespace cratio::kernels {
namespace {

// Software prefetch distance in the weight stream (one group's blocks are contiguous).
constexpr int kPrefetchBytes = 4096;

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

// q8_0: signed weights made unsigned (w + 128, one xor per load) for vpdpbusd; the offset
// is the same correction as q4_0's with 128 for 8: Σ (w + 128)·a − 128·Σ a.
template <int kTokens>
void Q8_0Group(const uint8_t* group, int64_t num_blocks, const uint8_t* xa, int64_t xa_row_bytes,
               const float* scale, const int32_t* corr, int64_t factor_stride, float* out,
               int64_t out_stride) {
  __m512 acc[kTokens];
  for (int t = 0; t < kTokens; ++t) acc[t] = _mm512_setzero_ps();
  const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80));
  constexpr int64_t kBlock = 16 * sizeof(BlockQ8_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const uint8_t* blk = group + b * kBlock;
    for (int l = 0; l < kBlock; l += 64) {
      _mm_prefetch(reinterpret_cast<const char*>(blk + kPrefetchBytes + l), _MM_HINT_T0);
    }
    const __m512 wd =
        _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk)));
    __m512i q[8];
    for (int p = 0; p < 8; ++p) {
      q[p] = _mm512_xor_si512(_mm512_loadu_si512(blk + 32 + 64 * p), bias);
    }
    for (int t = 0; t < kTokens; ++t) {
      const uint8_t* xq = xa + t * xa_row_bytes + b * sizeof(BlockQ8_0) + 2;
      __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
      for (int p = 0; p < 8; p += 2) {
        s0 = _mm512_dpbusd_epi32(s0, q[p], Bcast32(xq + 4 * p));
        s1 = _mm512_dpbusd_epi32(s1, q[p + 1], Bcast32(xq + 4 * p + 4));
      }
      const __m512i s = _mm512_sub_epi32(_mm512_add_epi32(s0, s1),
                                         _mm512_set1_epi32(16 * corr[t * factor_stride + b]));
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s),
                               _mm512_mul_ps(wd, _mm512_set1_ps(scale[t * factor_stride + b])),
                               acc[t]);
    }
  }
  for (int t = 0; t < kTokens; ++t) _mm512_storeu_ps(out + t * out_stride, acc[t]);
}

// Per token and super-block of the q8_k activations: d, and d · Σ of each 32-value
// sub-block (the factor of q4_k's mins).
void Q8_KActFactors(const uint8_t* xa, int64_t num_blocks, float* scale, float* min_factor) {
  for (int64_t b = 0; b < num_blocks; ++b) {
    const auto* blk = reinterpret_cast<const BlockQ8_K*>(xa) + b;
    scale[b] = blk->d;
    for (int j = 0; j < 8; ++j) {
      const int sum = blk->bsums[2 * j] + blk->bsums[2 * j + 1];
      min_factor[8 * b + j] = blk->d * static_cast<float>(sum);
    }
  }
}

// q4_k: per super-block Σ_j sc_j · dot_j and Σ_j m_j · (d_x · Σ a_j) in f32 lanes, then
// acc += d · d_x · (the first) − dmin · (the second).
template <int kTokens>
void Q4_KGroup(const uint8_t* group, int64_t num_blocks, const uint8_t* xa, int64_t xa_row_bytes,
               const float* scale, const float* min_factor, int64_t factor_stride, float* out,
               int64_t out_stride) {
  __m512 acc[kTokens];
  for (int t = 0; t < kTokens; ++t) acc[t] = _mm512_setzero_ps();
  const __m512i nib = _mm512_set1_epi8(0x0F);
  constexpr int64_t kBlock = 16 * sizeof(BlockQ4_K);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const uint8_t* blk = group + b * kBlock;
    const __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk)));
    const __m512 dmin =
        _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 32)));
    __m512 sc[8], mn[8];
    avx512::Q4_KRows16ScalesMins(blk, sc, mn);
    __m512 dots[kTokens], mins[kTokens];
    for (int t = 0; t < kTokens; ++t) {
      dots[t] = _mm512_setzero_ps();
      mins[t] = _mm512_setzero_ps();
      for (int j = 0; j < 8; ++j) {
        mins[t] = _mm512_fmadd_ps(
            mn[j], _mm512_set1_ps(min_factor[t * factor_stride * 8 + 8 * b + j]), mins[t]);
      }
    }
    for (int g = 0; g < 4; ++g) {
      const uint8_t* qs = blk + 256 + 512 * g;
      for (int l = 0; l < 512; l += 64) {
        _mm_prefetch(reinterpret_cast<const char*>(qs + kPrefetchBytes + l), _MM_HINT_T0);
      }
      __m512i lo[8], hi[8];
      for (int p = 0; p < 8; ++p) {
        const __m512i q = _mm512_loadu_si512(qs + 64 * p);
        lo[p] = _mm512_and_si512(q, nib);
        hi[p] = _mm512_and_si512(_mm512_srli_epi16(q, 4), nib);
      }
      for (int t = 0; t < kTokens; ++t) {
        // Sub-blocks 2g (low nibbles) and 2g + 1 (high): values 64g .. 64g + 63.
        const uint8_t* xq = xa + t * xa_row_bytes + b * sizeof(BlockQ8_K) + 4 + 64 * g;
        __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
        for (int p = 0; p < 8; ++p) {
          s0 = _mm512_dpbusd_epi32(s0, lo[p], Bcast32(xq + 4 * p));
          s1 = _mm512_dpbusd_epi32(s1, hi[p], Bcast32(xq + 32 + 4 * p));
        }
        dots[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s0), sc[2 * g], dots[t]);
        dots[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s1), sc[2 * g + 1], dots[t]);
      }
    }
    for (int t = 0; t < kTokens; ++t) {
      const __m512 dx = _mm512_set1_ps(scale[t * factor_stride + b]);
      acc[t] = _mm512_fmadd_ps(dots[t], _mm512_mul_ps(d, dx), acc[t]);
      acc[t] = _mm512_fnmadd_ps(mins[t], dmin, acc[t]);
    }
  }
  for (int t = 0; t < kTokens; ++t) _mm512_storeu_ps(out + t * out_stride, acc[t]);
}

// Per token and super-block of the q8_k activations: d, and 32 · the sum of each 16-value
// sub-block (q6_k's offset: Σ (q − 32)·a = Σ q·a − 32·Σ a).
void Q8_KActFactors32(const uint8_t* xa, int64_t num_blocks, float* scale, int32_t* corr) {
  for (int64_t b = 0; b < num_blocks; ++b) {
    const auto* blk = reinterpret_cast<const BlockQ8_K*>(xa) + b;
    scale[b] = blk->d;
    for (int j = 0; j < 16; ++j) corr[16 * b + j] = 32 * blk->bsums[j];
  }
}

// q6_k: value e = 128h + 32k + l of a super-block has its low 4 bits in ql[64h + 32(k % 2) +
// l] (low nibble for k < 2), its high 2 bits at 2k of qh[32h + l], and scale e / 16. Per
// half h and chunk of 4 l's, three loads give 4 values of the 16 rows for all four k.
template <int kTokens>
void Q6_KGroup(const uint8_t* group, int64_t num_blocks, const uint8_t* xa, int64_t xa_row_bytes,
               const float* scale, const int32_t* corr, int64_t factor_stride, float* out,
               int64_t out_stride) {
  __m512 acc[kTokens];
  for (int t = 0; t < kTokens; ++t) acc[t] = _mm512_setzero_ps();
  const __m512i m0f = _mm512_set1_epi8(0x0F), m3f = _mm512_set1_epi8(0x3F);
  // Bits 0-3 of each byte from `lo`, bits 4-7 from `hi` (one vpternlogd: m0f ? lo : hi),
  // then bits 6-7 cleared: the 6-bit value from a nibble and a 2-bit field already shifted
  // to bits 4-5.
  auto combine = [&](__m512i lo, __m512i hi) {
    return _mm512_and_si512(_mm512_ternarylogic_epi32(m0f, lo, hi, 0xCA), m3f);
  };
  constexpr int64_t kBlock = 16 * sizeof(BlockQ6_K);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const uint8_t* blk = group + b * kBlock;
    const uint8_t* ql = blk + 288;
    const uint8_t* qh = blk + 2336;
    const __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk)));
    __m512 dots[kTokens];
    for (int t = 0; t < kTokens; ++t) dots[t] = _mm512_setzero_ps();
    for (int h = 0; h < 2; ++h) {
      // Sub-blocks 8h + 2k (p < 4) and 8h + 2k + 1 (p >= 4).
      for (int half16 = 0; half16 < 2; ++half16) {
        __m512i v[4][4];  // [k][chunk]
        for (int c = 0; c < 4; ++c) {
          const int p = 4 * half16 + c;
          // The block's 53 lines ahead, 4 per step of the 16, not in one burst at the top
          // (a burst filled the line-fill buffers and stalled on them: half of this
          // kernel's decode samples sat on the prefetch loop).
          for (int x = 0; x < 4; ++x) {
            const int line = 4 * (8 * h + p) + x;
            if (64 * line < kBlock) {
              _mm_prefetch(reinterpret_cast<const char*>(blk + kPrefetchBytes + 64 * line),
                           _MM_HINT_T0);
            }
          }
          const __m512i a = _mm512_loadu_si512(ql + 64 * (16 * h + p));
          const __m512i bq = _mm512_loadu_si512(ql + 64 * (16 * h + 8 + p));
          const __m512i hb = _mm512_loadu_si512(qh + 64 * (8 * h + p));
          v[0][c] = combine(a, _mm512_slli_epi16(hb, 4));
          v[1][c] = combine(bq, _mm512_slli_epi16(hb, 2));
          v[2][c] = combine(_mm512_srli_epi16(a, 4), hb);
          v[3][c] = combine(_mm512_srli_epi16(bq, 4), _mm512_srli_epi16(hb, 2));
        }
        for (int k = 0; k < 4; ++k) {
          const int sub = 8 * h + 2 * k + half16;
          const __m512 sc = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(
              _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 32 + 16 * sub))));
          for (int t = 0; t < kTokens; ++t) {
            const uint8_t* xq = xa + t * xa_row_bytes + b * sizeof(BlockQ8_K) + 4 +
                                128 * h + 32 * k + 16 * half16;
            __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
            s0 = _mm512_dpbusd_epi32(s0, v[k][0], Bcast32(xq));
            s1 = _mm512_dpbusd_epi32(s1, v[k][1], Bcast32(xq + 4));
            s0 = _mm512_dpbusd_epi32(s0, v[k][2], Bcast32(xq + 8));
            s1 = _mm512_dpbusd_epi32(s1, v[k][3], Bcast32(xq + 12));
            const __m512i si =
                _mm512_sub_epi32(_mm512_add_epi32(s0, s1),
                                 _mm512_set1_epi32(corr[t * factor_stride * 16 + 16 * b + sub]));
            dots[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(si), sc, dots[t]);
          }
        }
      }
    }
    for (int t = 0; t < kTokens; ++t) {
      const __m512 dx = _mm512_set1_ps(scale[t * factor_stride + b]);
      acc[t] = _mm512_fmadd_ps(dots[t], _mm512_mul_ps(d, dx), acc[t]);
    }
  }
  for (int t = 0; t < kTokens; ++t) _mm512_storeu_ps(out + t * out_stride, acc[t]);
}

// fn(t0, tokens) per quad of tokens, the quad's size as a compile-time constant.
template <class Fn>
void ForTokenQuads(int64_t num_tokens, Fn&& fn) {
  for (int64_t t0 = 0; t0 < num_tokens; t0 += 4) {
    switch (std::min<int64_t>(4, num_tokens - t0)) {
      case 1:
        fn(t0, std::integral_constant<int, 1>{});
        break;
      case 2:
        fn(t0, std::integral_constant<int, 2>{});
        break;
      case 3:
        fn(t0, std::integral_constant<int, 3>{});
        break;
      default:
        fn(t0, std::integral_constant<int, 4>{});
        break;
    }
  }
}

// The weight types over their activation formats: per block of kBlockValues activation
// values a scale and kFactors correction terms (ActFactors fills both per token), and
// Group<kT> for one 16-row group.
struct Q4_0Rows16 {
  using Factor = int32_t;
  static constexpr int64_t kBlockValues = kQK8_0, kFactors = 1;
  static constexpr auto ActFactors = Q8_0ActFactors;
  template <int kT, class... A>
  static void Group(A... args) { Q4_0Group<kT>(args...); }
};
struct Q8_0Rows16 : Q4_0Rows16 {
  // ActFactors gives 8 · Σ a; Q8_0Group scales it by 16 to 128 · Σ a.
  template <int kT, class... A>
  static void Group(A... args) { Q8_0Group<kT>(args...); }
};
struct Q4_KRows16 {
  using Factor = float;
  static constexpr int64_t kBlockValues = kQK_K, kFactors = 8;
  static constexpr auto ActFactors = Q8_KActFactors;
  template <int kT, class... A>
  static void Group(A... args) { Q4_KGroup<kT>(args...); }
};

struct Q6_KRows16 {
  using Factor = int32_t;
  static constexpr int64_t kBlockValues = kQK_K, kFactors = 16;
  static constexpr auto ActFactors = Q8_KActFactors32;
  template <int kT, class... A>
  static void Group(A... args) { Q6_KGroup<kT>(args...); }
};

template <class K>
void Rows16Gemm(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                int64_t cols) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* x = static_cast<const uint8_t*>(xa);
  const int64_t num_blocks = cols / K::kBlockValues;
  thread_local std::vector<float> scale;
  thread_local std::vector<typename K::Factor> factor;
  scale.resize(static_cast<size_t>(4 * num_blocks));
  factor.resize(static_cast<size_t>(4 * K::kFactors * num_blocks));
  ForTokenQuads(num_tokens, [&](int64_t t0, auto tokens) {
    constexpr int kT = decltype(tokens)::value;
    const uint8_t* xt = x + t0 * xa_row_bytes;
    for (int t = 0; t < kT; ++t) {
      K::ActFactors(xt + t * xa_row_bytes, num_blocks, scale.data() + t * num_blocks,
                    factor.data() + t * K::kFactors * num_blocks);
    }
    for (int64_t r = 0; r < num_rows; r += 16) {
      K::template Group<kT>(wb + r * w_row_bytes, num_blocks, xt, xa_row_bytes,
                            static_cast<const float*>(scale.data()),
                            static_cast<const typename K::Factor*>(factor.data()), num_blocks,
                            out + t0 * out_stride + r, out_stride);
    }
  });
}

}  // namespace

void GemmQ8_0Rows16Avx512(const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out,
                          int64_t out_stride, int64_t num_rows, int64_t cols) {
  Rows16Gemm<Q8_0Rows16>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                         cols);
}

void GemmQ4_0Rows16Avx512(const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out,
                          int64_t out_stride, int64_t num_rows, int64_t cols) {
  Rows16Gemm<Q4_0Rows16>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                         cols);
}

void GemmQ6_KRows16Avx512(const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out,
                          int64_t out_stride, int64_t num_rows, int64_t cols) {
  Rows16Gemm<Q6_KRows16>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                         cols);
}

void GemmQ4_KRows16Avx512(const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out,
                          int64_t out_stride, int64_t num_rows, int64_t cols) {
  Rows16Gemm<Q4_KRows16>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                         cols);
}

}  // namespace cratio::kernels
