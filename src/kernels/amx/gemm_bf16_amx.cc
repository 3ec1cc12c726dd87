// bf16 prefill gemm on AMX tiles. Per group of 32 weight rows and chunk of up to 2048
// columns the rows are rounded to bf16 and repacked once into the tiles' B layout (one
// dword = two consecutive columns of one row; 16 rows side by side), then every 16-token
// block of bf16 activations is one A tile: C[16 tokens, 16 rows] += A · B by tdpbf16ps,
// 16 × 16 × 32 multiply-adds per instruction, stored straight into out[token, row].
#include <algorithm>
#include <cstring>

#include "base/cpu_features.h"
#include "kernels/amx/amx_kernels.h"
#include "kernels/amx/tile_config.h"
#include "kernels/avx512/q8_0_act_outer.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"
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
enum class WeightKind { kBf16, kF16Integer, kF16Cvtne, kQ4_0, kQ4_0Rows16 };

constexpr bool IsQ4_0(WeightKind kind) {
  return kind == WeightKind::kQ4_0 || kind == WeightKind::kQ4_0Rows16;
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

// One q4_0 block of 16 rows as the B tile of its 32 columns. Nibble chunk c (lane n: qs
// bytes 4c .. 4c + 3 of row n) holds values 4c + i in its low nibbles and 16 + 4c + i in
// its high ones, so its bytes 0-1 / 2-3 give B rows 2c / 2c + 1 (low) and 8 + 2c / 9 + 2c
// (high); d is the 16 rows' scales.
inline void Q4_0BlockToBf16(const __m512i chunk[4], __m512 d, uint8_t* out) {
  const __m512i byte = _mm512_set1_epi32(0xFF), nib = _mm512_set1_epi8(0x0F);
  const __m512i eight = _mm512_set1_epi32(8);
  auto bf16 = [&](__m512i q) {  // int32 lanes (0-15) -> bf16 bits of (q − 8) · d
    return RoundToBf16(
        _mm512_castps_si512(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(q, eight)), d)));
  };
  for (int c = 0; c < 4; ++c) {
    const __m512i halves[2] = {_mm512_and_si512(chunk[c], nib),
                               _mm512_and_si512(_mm512_srli_epi16(chunk[c], 4), nib)};
    for (int h = 0; h < 2; ++h) {
      for (int pair = 0; pair < 2; ++pair) {
        const __m512i x = _mm512_srli_epi32(halves[h], 16 * pair);
        const __m512i even = bf16(_mm512_and_si512(x, byte));
        const __m512i odd = bf16(_mm512_and_si512(_mm512_srli_epi32(x, 8), byte));
        const int row = 8 * h + 2 * c + pair;
        _mm512_store_si512(reinterpret_cast<__m512i*>(out + 64 * row),
                           _mm512_or_si512(even, _mm512_slli_epi32(odd, 16)));
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

// Weight c of a row-major row as the tiles see it.
template <WeightKind kKind>
float WeightAsBf16(const uint8_t* row, int64_t c) {
  if constexpr (IsQ4_0(kKind)) {
    const auto* blk = reinterpret_cast<const BlockQ4_0*>(row) + c / kQK4_0;
    const int i = static_cast<int>(c % kQK4_0);
    const int q = i < 16 ? blk->qs[i] & 0x0F : blk->qs[i - 16] >> 4;
    return Bf16ToF32(F32ToBf16(static_cast<float>(q - 8) * F16ToF32(blk->d)));
  }
  uint16_t h;
  std::memcpy(&h, row + c * 2, 2);
  return kKind != WeightKind::kBf16 ? Bf16ToF32(F32ToBf16(F16ToF32(h))) : Bf16ToF32(h);
}

// out[t, r] (+)= Σ_{c in [c0, c1)} w[r, c] · xa[t, c] in f32, for rows [r0, r1) of
// row-major weights.
template <WeightKind kKind>
void ScalarPart(const uint8_t* w, int64_t w_row_bytes, const uint8_t* xa, int64_t xa_row_bytes,
                int64_t num_tokens, float* out, int64_t out_stride, int64_t r0, int64_t r1,
                int64_t c0, int64_t c1, bool accumulate) {
  for (int64_t t = 0; t < num_tokens; ++t) {
    const auto* x = reinterpret_cast<const uint16_t*>(xa + t * xa_row_bytes);
    for (int64_t r = r0; r < r1; ++r) {
      const uint8_t* row = w + r * w_row_bytes;
      float sum = 0.0f;
      for (int64_t c = c0; c < c1; ++c) sum += WeightAsBf16<kKind>(row, c) * Bf16ToF32(x[c]);
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
  // kRows16 weights have whole groups and q4_0 whole blocks: no scalar part.
  if constexpr (kKind != WeightKind::kQ4_0Rows16) {
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

}  // namespace cratio::kernels
