// bf16 prefill gemm on AMX tiles. Per group of 32 weight rows and chunk of up to 2048
// columns the rows are rounded to bf16 and repacked once into the tiles' B layout (one
// dword = two consecutive columns of one row; 16 rows side by side), then every 16-token
// block of bf16 activations is one A tile: C[16 tokens, 16 rows] += A · B by tdpbf16ps,
// 16 × 16 × 32 multiply-adds per instruction, stored straight into out[token, row].
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

#include "base/cpu_features.h"
#include "kernels/amx/amx_kernels.h"
#include "kernels/amx/tile_config.h"
#include "kernels/k_scales.h"
#include "kernels/avx512/q8_0_act_outer.h"
#include "kernels/avx512/rows16_q4_k.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"
#include "numeric/dtype.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Tiles: 0, 1 = C (tokens × rows 0-15 / 16-31 of the group), 2 = A (tokens × 32 columns),
// 3, 4 = B (32 columns × 16 rows each).
constexpr int kGroupRows = 32;
constexpr int kStepCols = 32;    // bf16 per tile row (64 bytes)
constexpr int kChunkCols = 2048;  // packed B per group: 64 steps × 2 tiles × 1 KiB on the stack
constexpr int kChunkSteps = kChunkCols / kStepCols;
constexpr int kTileBytes = 1024;

// C and A tiles hold `tokens` rows (1..16); B tiles always 16.
void ConfigureTiles(int tokens) {
  amx::TileConfig cfg;
  amx::SetTile(cfg, 0, tokens, 64);
  amx::SetTile(cfg, 1, tokens, 64);
  amx::SetTile(cfg, 2, tokens, 64);
  amx::SetTile(cfg, 3, 16, 64);
  amx::SetTile(cfg, 4, 16, 64);
  amx::LoadTileConfig(cfg);
}

// Dword lanes of f32 bits -> bf16 in the low 16 bits, as numeric's F32ToBf16.
inline __m512i RoundToBf16(__m512i bits) {
  const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
  const __m512i rounded =
      _mm512_srli_epi32(_mm512_add_epi32(bits, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff))), 16);
  const __m512i quiet = _mm512_or_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(0x40));
  const __mmask16 nan = _mm512_cmpgt_epu32_mask(
      _mm512_and_si512(bits, _mm512_set1_epi32(0x7fffffff)), _mm512_set1_epi32(0x7f800000));
  return _mm512_mask_blend_epi32(nan, rounded, quiet);
}

// How B rows are made: bf16 weights as they are; f16 weights widened to f32 and rounded to
// bf16 either by integer arithmetic (RoundToBf16) or by one AVX512-BF16 vcvtne2ps2bf16.
// The two give the same bits for every f16 input: vcvtne2ps2bf16 rounds to nearest even,
// quiets NaNs the same way, and its denormal flushing never applies (f16 values widen to
// normal f32 or zero, and bf16 has f32's exponent range).
// q4_0 weights (row-major or kRows16) are dequantized per block, (q − 8) · d exactly in f32,
// and rounded to bf16 by the same integer arithmetic.
// q4_k / q5_k likewise per super-block, d·sc·q − dmin·m as numeric's dequantizers compute
// it.
enum class WeightKind {
  kBf16, kF16Integer, kF16Cvtne, kQ4_0, kQ4_0Rows16, kQ4_K, kQ4_KRows16, kQ5_K
};

constexpr bool IsQ4_0(WeightKind kind) {
  return kind == WeightKind::kQ4_0 || kind == WeightKind::kQ4_0Rows16;
}
// The k-quants with 6-bit scales and mins per 32 values.
constexpr bool IsKQuant(WeightKind kind) {
  return kind == WeightKind::kQ4_K || kind == WeightKind::kQ4_KRows16 ||
         kind == WeightKind::kQ5_K;
}
constexpr bool IsRows16(WeightKind kind) {
  return kind == WeightKind::kQ4_0Rows16 || kind == WeightKind::kQ4_KRows16;
}

// 32 f16 -> 32 bf16, order kept.
inline __m512i F16ToBf16Cvtne(__m512i v) {
  const __m512 lo = _mm512_cvtph_ps(_mm512_castsi512_si256(v));
  const __m512 hi = _mm512_cvtph_ps(_mm512_extracti64x4_epi64(v, 1));
  const __m512bh b = _mm512_cvtne2ps_pbh(hi, lo);  // lo -> elements 0-15
  __m512i bits;
  std::memcpy(&bits, &b, sizeof(bits));
  return bits;
}

// 32 f16 -> 32 bf16, order kept.
inline __m512i F16ToBf16(__m512i v) {
  const __m512i lo = RoundToBf16(_mm512_castps_si512(_mm512_cvtph_ps(_mm512_castsi512_si256(v))));
  const __m512i hi =
      RoundToBf16(_mm512_castps_si512(_mm512_cvtph_ps(_mm512_extracti64x4_epi64(v, 1))));
  return _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi32_epi16(lo)),
                            _mm512_cvtepi32_epi16(hi), 1);
}

// The low (or, with `high`, the high) nibble of every byte.
inline __m512i Nibbles(__m512i chunk, bool high) {
  return _mm512_and_si512(high ? _mm512_srli_epi16(chunk, 4) : chunk, _mm512_set1_epi8(0x0F));
}

// Byte chunk p's 4 values per row (one small integer per byte, lane n: row n) as B rows 2p
// and 2p + 1 of a 32-value sub-block: value(q) per int32 lane gives the f32 weight.
template <class Value>
inline void BytePairsToBf16(__m512i q, int p, Value&& value, uint8_t* out) {
  const __m512i byte = _mm512_set1_epi32(0xFF);
  for (int pair = 0; pair < 2; ++pair) {
    const __m512i x = _mm512_srli_epi32(q, 16 * pair);
    const __m512i even = RoundToBf16(_mm512_castps_si512(value(_mm512_and_si512(x, byte))));
    const __m512i odd =
        RoundToBf16(_mm512_castps_si512(value(_mm512_and_si512(_mm512_srli_epi32(x, 8), byte))));
    _mm512_store_si512(reinterpret_cast<__m512i*>(out + 64 * (2 * p + pair)),
                       _mm512_or_si512(even, _mm512_slli_epi32(odd, 16)));
  }
}

// One q4_0 block of 16 rows as the B tile of its 32 columns. Nibble chunk c (lane n: qs
// bytes 4c .. 4c + 3 of row n) holds values 4c + i in its low nibbles (B rows 2c, 2c + 1)
// and 16 + 4c + i in its high ones (B rows 8 + 2c, 9 + 2c); d is the 16 rows' scales.
inline void Q4_0BlockToBf16(const __m512i chunk[4], __m512 d, uint8_t* out) {
  const __m512i eight = _mm512_set1_epi32(8);
  auto value = [&](__m512i q) {  // (q − 8) · d, exact in f32
    return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(q, eight)), d);
  };
  for (int c = 0; c < 4; ++c) {
    BytePairsToBf16(Nibbles(chunk[c], false), c, value, out);
    BytePairsToBf16(Nibbles(chunk[c], true), c, value, out + 8 * 64);
  }
}

// One q4_k / q5_k super-block of 16 rows as the B tiles of its 8 sub-blocks (dst + j ·
// dst_step_bytes): qs chunk p of group g (lane n: qs bytes 32g + 4p .. + 3 of row n) holds
// sub-block 2g's values 4p .. 4p + 3 in its low nibbles and 2g + 1's in its high ones;
// q5_k's qh chunk p (the same 4 positions) holds sub-block j's fifth bit at bit j.
// scale[j] = d · sc_j and min[j] = dmin · m_j per row, both exact in f32, so
// fmsub(scale, q, min) rounds once, as numeric's d1 · q − m1 does.
inline void KQuantBlockToBf16(const __m512i qs[4][8], const __m512i* qh, const __m512 scale[8],
                              const __m512 min[8], uint8_t* dst, int64_t dst_step_bytes) {
  const __m512i one = _mm512_set1_epi8(1);
  for (int g = 0; g < 4; ++g) {
    for (int h = 0; h < 2; ++h) {
      const int j = 2 * g + h;
      auto value = [&](__m512i q) {
        return _mm512_fmsub_ps(scale[j], _mm512_cvtepi32_ps(q), min[j]);
      };
      for (int p = 0; p < 8; ++p) {
        __m512i q = Nibbles(qs[g][p], h == 1);
        if (qh != nullptr) {
          // Bit j of each byte to bit 4 (a 16-bit shift by j <= 7 keeps each byte's own bit
          // at bit 0 after the mask).
          const __m512i bit = _mm512_and_si512(_mm512_srli_epi16(qh[p], j), one);
          q = _mm512_or_si512(q, _mm512_slli_epi16(bit, 4));
        }
        BytePairsToBf16(q, p, value, dst + j * dst_step_bytes);
      }
    }
  }
}

// B tiles of 16 rows (all present) for `steps` steps of 32 columns from column k0:
// dst + s * dst_step_bytes holds row p = dword p (columns k0 + 32s + 2p, +1) of each row.
// For q4_0 a step is one block; kRows16 weights have block b of the group at b · 288.
template <WeightKind kKind>
void PackRows16(const uint8_t* w, int64_t w_row_bytes, int64_t k0, int steps, uint8_t* dst,
                int64_t dst_step_bytes) {
  if constexpr (IsQ4_0(kKind)) {
    for (int s = 0; s < steps; ++s) {
      const int64_t b = k0 / kStepCols + s;
      __m512i chunk[4];
      __m512 d;
      if constexpr (kKind == WeightKind::kQ4_0Rows16) {
        const uint8_t* blk = w + b * 16 * static_cast<int64_t>(sizeof(BlockQ4_0));
        d = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk)));
        for (int c = 0; c < 4; ++c) chunk[c] = _mm512_loadu_si512(blk + 32 + 64 * c);
      } else {
        const uint8_t* blk = w + b * static_cast<int64_t>(sizeof(BlockQ4_0));
        alignas(32) uint16_t h[16];
        for (int n = 0; n < 16; ++n) std::memcpy(&h[n], blk + n * w_row_bytes, 2);
        d = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(h)));
        avx512::Transpose16x4(blk + 2, w_row_bytes, chunk);
      }
      Q4_0BlockToBf16(chunk, d, dst + s * dst_step_bytes);
    }
    return;
  }
  if constexpr (IsKQuant(kKind)) {
    // Chunks start on super-blocks (kChunkCols is a multiple of 256, and so are cols).
    constexpr bool kQ5 = kKind == WeightKind::kQ5_K;
    using Block = std::conditional_t<kQ5, BlockQ5_K, BlockQ4_K>;
    for (int s = 0; s < steps; s += 8) {
      const int64_t b = (k0 / kStepCols + s) / 8;
      __m512i qs[4][8], qh[8];
      __m512 scale[8], min[8];
      if constexpr (kKind == WeightKind::kQ4_KRows16) {
        const uint8_t* blk = w + b * 16 * static_cast<int64_t>(sizeof(BlockQ4_K));
        const __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk)));
        const __m512 dmin =
            _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 32)));
        avx512::Q4_KRows16ScalesMins(blk, scale, min);
        for (int j = 0; j < 8; ++j) {
          scale[j] = _mm512_mul_ps(d, scale[j]);
          min[j] = _mm512_mul_ps(dmin, min[j]);
        }
        for (int g = 0; g < 4; ++g) {
          for (int p = 0; p < 8; ++p) qs[g][p] = _mm512_loadu_si512(blk + 256 + 512 * g + 64 * p);
        }
      } else {
        const uint8_t* blk = w + b * static_cast<int64_t>(sizeof(Block));
        alignas(64) float sc[8][16], mn[8][16];
        for (int n = 0; n < 16; ++n) {
          const auto* row = reinterpret_cast<const Block*>(blk + n * w_row_bytes);
          uint8_t packed[16];
          UnpackScalesMinsK4(row->scales, packed);
          const float d = F16ToF32(row->d), dmin = F16ToF32(row->dmin);
          for (int j = 0; j < 8; ++j) {
            sc[j][n] = d * static_cast<float>(packed[j]);
            mn[j][n] = dmin * static_cast<float>(packed[8 + j]);
          }
        }
        for (int j = 0; j < 8; ++j) {
          scale[j] = _mm512_load_ps(sc[j]);
          min[j] = _mm512_load_ps(mn[j]);
        }
        const int64_t qs_at = offsetof(Block, qs);
        for (int g = 0; g < 4; ++g) {
          avx512::Transpose16x4(blk + qs_at + 32 * g, w_row_bytes, qs[g]);
          avx512::Transpose16x4(blk + qs_at + 16 + 32 * g, w_row_bytes, qs[g] + 4);
        }
        if constexpr (kQ5) {
          avx512::Transpose16x4(blk + offsetof(BlockQ5_K, qh), w_row_bytes, qh);
          avx512::Transpose16x4(blk + offsetof(BlockQ5_K, qh) + 16, w_row_bytes, qh + 4);
        }
      }
      KQuantBlockToBf16(qs, kQ5 ? qh : nullptr, scale, min, dst + s * dst_step_bytes,
                        dst_step_bytes);
    }
    return;
  }
  for (int s = 0; s < steps; ++s) {
    const uint8_t* p = w + (k0 + int64_t{s} * kStepCols) * 2;
    __m512i d[16];
    for (int q = 0; q < 4; ++q) avx512::Transpose16x4(p + 16 * q, w_row_bytes, d + 4 * q);
    uint8_t* out = dst + s * dst_step_bytes;
    for (int i = 0; i < 16; ++i) {
      __m512i v = d[i];
      if (kKind == WeightKind::kF16Integer) v = F16ToBf16(v);
      if (kKind == WeightKind::kF16Cvtne) v = F16ToBf16Cvtne(v);
      _mm512_store_si512(reinterpret_cast<__m512i*>(out + i * 64), v);
    }
  }
}

// Weights [c0, c1) of a row-major row as the tiles see them (quantized rows: whole blocks).
template <WeightKind kKind>
void RowAsBf16(const uint8_t* row, int64_t c0, int64_t c1, float* out) {
  if constexpr (IsKQuant(kKind) || IsQ4_0(kKind)) {
    const DType dtype = kKind == WeightKind::kQ5_K ? DType::kQ5_K
                        : IsKQuant(kKind)          ? DType::kQ4_K
                                                   : DType::kQ4_0;
    const int64_t block = GetDTypeInfo(dtype).block_size;
    const int64_t block_bytes = GetDTypeInfo(dtype).block_bytes;
    GetDTypeInfo(dtype).dequantize_row(row + c0 / block * block_bytes, out, c1 - c0);
    for (int64_t c = 0; c < c1 - c0; ++c) out[c] = Bf16ToF32(F32ToBf16(out[c]));
  } else {
    for (int64_t c = c0; c < c1; ++c) {
      uint16_t h;
      std::memcpy(&h, row + c * 2, 2);
      out[c - c0] = kKind != WeightKind::kBf16 ? Bf16ToF32(F32ToBf16(F16ToF32(h))) : Bf16ToF32(h);
    }
  }
}

// out[t, r] (+)= Σ_{c in [c0, c1)} w[r, c] · xa[t, c] in f32, for rows [r0, r1) of
// row-major weights.
template <WeightKind kKind>
void ScalarPart(const uint8_t* w, int64_t w_row_bytes, const uint8_t* xa, int64_t xa_row_bytes,
                int64_t num_tokens, float* out, int64_t out_stride, int64_t r0, int64_t r1,
                int64_t c0, int64_t c1, bool accumulate) {
  std::vector<float> wr(static_cast<size_t>(c1 - c0));
  for (int64_t r = r0; r < r1; ++r) {
    RowAsBf16<kKind>(w + r * w_row_bytes, c0, c1, wr.data());
    for (int64_t t = 0; t < num_tokens; ++t) {
      const auto* x = reinterpret_cast<const uint16_t*>(xa + t * xa_row_bytes);
      float sum = 0.0f;
      for (int64_t c = c0; c < c1; ++c) sum += wr[c - c0] * Bf16ToF32(x[c]);
      float& o = out[t * out_stride + r];
      o = accumulate ? o + sum : sum;
    }
  }
}

// C tiles for tokens [t0, t0 + tile rows) and rows r0.. (one or two B tiles), over `steps`
// packed steps starting at activation column k0.
template <bool kTwo>
void TokenBlock(const uint8_t* xa, int64_t xa_row_bytes, int64_t t0, int64_t k0, int steps,
                const uint8_t* pack, float* out, int64_t out_stride, int64_t r0, bool accumulate) {
  float* c = out + t0 * out_stride + r0;
  const int64_t c_stride = out_stride * static_cast<int64_t>(sizeof(float));
  if (accumulate) {
    _tile_loadd(0, c, c_stride);
    if (kTwo) _tile_loadd(1, c + 16, c_stride);
  } else {
    _tile_zero(0);
    if (kTwo) _tile_zero(1);
  }
  const uint8_t* a = xa + t0 * xa_row_bytes + k0 * 2;
  for (int s = 0; s < steps; ++s) {
    _tile_loadd(2, a + s * 64, xa_row_bytes);
    _tile_loadd(3, pack + s * 2 * kTileBytes, 64);
    _tile_dpbf16ps(0, 2, 3);
    if (kTwo) {
      _tile_loadd(4, pack + s * 2 * kTileBytes + kTileBytes, 64);
      _tile_dpbf16ps(1, 2, 4);
    }
  }
  _tile_stored(0, c, c_stride);
  if (kTwo) _tile_stored(1, c + 16, c_stride);
}

template <WeightKind kKind>
void GemmAmx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
             int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows, int64_t cols) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* x = static_cast<const uint8_t*>(xa);
  const int64_t tile_cols = cols / kStepCols * kStepCols;
  const int64_t tile_rows = num_rows / 16 * 16;
  const int64_t full_tokens = num_tokens / 16 * 16;
  const int tail_tokens = static_cast<int>(num_tokens - full_tokens);
  if (tile_cols > 0 && tile_rows > 0 && num_tokens > 0) {
    alignas(64) uint8_t pack[kChunkSteps * 2 * kTileBytes];
    int configured = 0;
    auto configure = [&configured](int tokens) {
      if (configured != tokens) ConfigureTiles(tokens);
      configured = tokens;
    };
    for (int64_t r0 = 0; r0 < tile_rows; r0 += kGroupRows) {
      const bool two = r0 + kGroupRows <= tile_rows;
      for (int64_t k0 = 0; k0 < tile_cols; k0 += kChunkCols) {
        const int steps = static_cast<int>(std::min<int64_t>(kChunkCols, tile_cols - k0) / kStepCols);
        PackRows16<kKind>(wb + r0 * w_row_bytes, w_row_bytes, k0, steps, pack, 2 * kTileBytes);
        if (two) {
          PackRows16<kKind>(wb + (r0 + 16) * w_row_bytes, w_row_bytes, k0, steps,
                           pack + kTileBytes, 2 * kTileBytes);
        }
        const bool accumulate = k0 > 0;
        auto block = [&](int64_t t0) {
          if (two) {
            TokenBlock<true>(x, xa_row_bytes, t0, k0, steps, pack, out, out_stride, r0, accumulate);
          } else {
            TokenBlock<false>(x, xa_row_bytes, t0, k0, steps, pack, out, out_stride, r0, accumulate);
          }
        };
        if (full_tokens > 0) configure(16);
        for (int64_t t0 = 0; t0 < full_tokens; t0 += 16) block(t0);
        if (tail_tokens > 0) {
          configure(tail_tokens);
          block(full_tokens);
        }
      }
    }
    _tile_release();
  }
  // kRows16 weights have whole groups and quantized ones whole blocks: no scalar part.
  if constexpr (!IsRows16(kKind)) {
    const bool tiles_ran = tile_cols > 0 && num_tokens > 0;
    // Columns past the last whole step, for the rows the tiles covered.
    if (tile_cols < cols) {
      ScalarPart<kKind>(wb, w_row_bytes, x, xa_row_bytes, num_tokens, out, out_stride, 0,
                        tile_rows, tile_cols, cols, tiles_ran);
    }
    // Rows past the last whole 16, every column.
    ScalarPart<kKind>(wb, w_row_bytes, x, xa_row_bytes, num_tokens, out, out_stride, tile_rows,
                      num_rows, 0, cols, false);
  }
}

}  // namespace

void ConvertActBf16Amx(const float* x, void* xa, int64_t cols) {
  auto* out = static_cast<uint16_t*>(xa);
  int64_t c = 0;
  for (; c + 16 <= cols; c += 16) {
    const __m512i b = RoundToBf16(_mm512_castps_si512(_mm512_loadu_ps(x + c)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), _mm512_cvtepi32_epi16(b));
  }
  if (c < cols) {
    const auto m = static_cast<__mmask16>((1u << (cols - c)) - 1);
    const __m512i b = RoundToBf16(_mm512_castps_si512(_mm512_maskz_loadu_ps(m, x + c)));
    _mm256_mask_storeu_epi16(out + c, m, _mm512_cvtepi32_epi16(b));
  }
}

void GemmF16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                int64_t cols) {
  // AMX-BF16 parts have AVX512-BF16 too; the integer rounding stays for any that do not.
  static const bool cvtne = GetCpuFeatures().avx512bf16;
  if (cvtne) {
    GemmAmx<WeightKind::kF16Cvtne>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                   num_rows, cols);
  } else {
    GemmAmx<WeightKind::kF16Integer>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out,
                                     out_stride, num_rows, cols);
  }
}

void GemmBf16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmAmx<WeightKind::kBf16>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                             num_rows, cols);
}

void GemmQ4_0Bf16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                     int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                     int64_t cols) {
  GemmAmx<WeightKind::kQ4_0>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                             num_rows, cols);
}

void GemmQ4_0Rows16Bf16Amx(const void* w, int64_t w_row_bytes, const void* xa,
                           int64_t xa_row_bytes, int64_t num_tokens, float* out,
                           int64_t out_stride, int64_t num_rows, int64_t cols) {
  GemmAmx<WeightKind::kQ4_0Rows16>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                   num_rows, cols);
}

void GemmQ4_KBf16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                     int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                     int64_t cols) {
  GemmAmx<WeightKind::kQ4_K>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                             num_rows, cols);
}

void GemmQ4_KRows16Bf16Amx(const void* w, int64_t w_row_bytes, const void* xa,
                           int64_t xa_row_bytes, int64_t num_tokens, float* out,
                           int64_t out_stride, int64_t num_rows, int64_t cols) {
  GemmAmx<WeightKind::kQ4_KRows16>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                   num_rows, cols);
}

void GemmQ5_KBf16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                     int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                     int64_t cols) {
  GemmAmx<WeightKind::kQ5_K>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                             num_rows, cols);
}

}  // namespace cratio::kernels
