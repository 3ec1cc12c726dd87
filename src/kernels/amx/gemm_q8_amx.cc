// q8_0 / q4_0 prefill gemm on AMX int8 tiles, with q8_0 activations (the same bytes the
// AVX-512 kernels use). Per 16 weight rows and chunk of up to 64 blocks, each block's
// weights are unpacked to signed bytes and repacked once into the B layout (one dword =
// 4 consecutive values of one row; 16 rows side by side); per 16-token block and weight
// block one tdpbssd gives the exact integer dots C[token, row] of the 32 values, which
// AVX-512 scales by d_x[token] · d_w[row] into f32 accumulators held in registers.
#include <algorithm>
#include <array>
#include <utility>

#include "kernels/amx/amx_kernels.h"
#include "kernels/amx/tile_config.h"
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/q8_0_act_outer.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Tiles: 0, 1 = C (tokens × 16 rows, int32) for an even / odd block, 2, 4 = A (tokens ×
// 32 activation bytes), 3, 5 = B (8 × 64 bytes: 32 values × 16 rows).
constexpr int kChunkBlocks = 64;
constexpr int kMaxPanelTokens = 128;  // the route's token panel; d_x table on the stack
constexpr int kBTileBytes = 512;

void ConfigureTiles(int tokens) {
  amx::TileConfig cfg;
  for (int c : {0, 1}) amx::SetTile(cfg, c, tokens, 64);  // C
  for (int a : {2, 4}) amx::SetTile(cfg, a, tokens, 32);  // A
  for (int b : {3, 5}) amx::SetTile(cfg, b, 8, 64);       // B
  amx::LoadTileConfig(cfg);
}

struct Q8_0Policy {
  static constexpr int64_t kBlockBytes = sizeof(BlockQ8_0);
  // B tile rows of one block of 16 rows: dword p = values 4p .. 4p + 3.
  static void Unpack(const uint8_t* block, int64_t w_row_bytes, __m512i b[8]) {
    avx512::Transpose16x4(block + 2, w_row_bytes, b);
    avx512::Transpose16x4(block + 18, w_row_bytes, b + 4);
  }
};

struct Q4_0Policy {
  static constexpr int64_t kBlockBytes = sizeof(BlockQ4_0);
  // Low nibbles are values 0-15, high nibbles 16-31, each minus 8.
  static void Unpack(const uint8_t* block, int64_t w_row_bytes, __m512i b[8]) {
    __m512i q[4];
    avx512::Transpose16x4(block + 2, w_row_bytes, q);
    const __m512i nib = _mm512_set1_epi8(0x0F), eight = _mm512_set1_epi8(8);
    for (int p = 0; p < 4; ++p) {
      b[p] = _mm512_sub_epi8(_mm512_and_si512(q[p], nib), eight);
      b[4 + p] = _mm512_sub_epi8(_mm512_and_si512(_mm512_srli_epi16(q[p], 4), nib), eight);
    }
  }
};

// The d (f16, first two bytes) of one block in 16 rows, as f32.
inline __m512 RowScales(const uint8_t* block, int64_t w_row_bytes) {
  alignas(32) uint16_t d[16];
  for (int n = 0; n < 16; ++n) std::memcpy(&d[n], block + n * w_row_bytes, 2);
  return _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(d)));
}

struct Packed {
  alignas(64) uint8_t b[kChunkBlocks][kBTileBytes];
  alignas(64) float d_w[kChunkBlocks][16];
};

// acc[t] += f32(C[t, :]) · d_w · d_x[t] for the block whose C tile was stored at c.
template <int kTokens>
inline void ScaleInto(const int32_t* c, __m512 d_w, const float* d_x, __m512* acc) {
  for (int t = 0; t < kTokens; ++t) {
    const __m512 dots = _mm512_cvtepi32_ps(_mm512_load_si512(c + 16 * t));
    acc[t] = _mm512_fmadd_ps(dots, _mm512_mul_ps(d_w, _mm512_set1_ps(d_x[t])), acc[t]);
  }
}

// out[t0 + t, r0 .. r0 + 15] (+)= Σ over the chunk's blocks, t < kTokens. d_x[b * panel + t].
template <int kTokens>
void TokenBlock(const uint8_t* xa, int64_t xa_row_bytes, int64_t t0, int64_t block0, int blocks,
                const Packed& pk, const float* d_x, int64_t panel, float* out, int64_t out_stride,
                bool accumulate) {
  __m512 acc[kTokens];
  float* o = out + t0 * out_stride;
  for (int t = 0; t < kTokens; ++t) {
    acc[t] = accumulate ? _mm512_loadu_ps(o + t * out_stride) : _mm512_setzero_ps();
  }
  alignas(64) int32_t c0[16 * 16], c1[16 * 16];
  const uint8_t* a = xa + t0 * xa_row_bytes + block0 * int64_t{sizeof(BlockQ8_0)} + 2;
  const int64_t a_step = sizeof(BlockQ8_0);
  const float* dx = d_x + t0;
  int b = 0;
  for (; b + 2 <= blocks; b += 2) {
    _tile_zero(0);
    _tile_loadd(2, a + b * a_step, xa_row_bytes);
    _tile_loadd(3, pk.b[b], 64);
    _tile_dpbssd(0, 2, 3);
    _tile_zero(1);
    _tile_loadd(4, a + (b + 1) * a_step, xa_row_bytes);
    _tile_loadd(5, pk.b[b + 1], 64);
    _tile_dpbssd(1, 4, 5);
    _tile_stored(0, c0, 64);
    _tile_stored(1, c1, 64);
    ScaleInto<kTokens>(c0, _mm512_load_ps(pk.d_w[b]), dx + b * panel, acc);
    ScaleInto<kTokens>(c1, _mm512_load_ps(pk.d_w[b + 1]), dx + (b + 1) * panel, acc);
  }
  if (b < blocks) {
    _tile_zero(0);
    _tile_loadd(2, a + b * a_step, xa_row_bytes);
    _tile_loadd(3, pk.b[b], 64);
    _tile_dpbssd(0, 2, 3);
    _tile_stored(0, c0, 64);
    ScaleInto<kTokens>(c0, _mm512_load_ps(pk.d_w[b]), dx + b * panel, acc);
  }
  for (int t = 0; t < kTokens; ++t) _mm512_storeu_ps(o + t * out_stride, acc[t]);
}

using TokenBlockFn = void (*)(const uint8_t*, int64_t, int64_t, int64_t, int, const Packed&,
                              const float*, int64_t, float*, int64_t, bool);

template <size_t... kI>
constexpr std::array<TokenBlockFn, sizeof...(kI)> TokenBlockTable(std::index_sequence<kI...>) {
  return {&TokenBlock<static_cast<int>(kI) + 1>...};
}
// kTokenBlocks[m - 1] handles m tokens.
constexpr auto kTokenBlocks = TokenBlockTable(std::make_index_sequence<16>{});

template <class P>
void GemmQ8Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
               int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows, int64_t cols,
               GemmFn rest) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* x = static_cast<const uint8_t*>(xa);
  const int64_t num_blocks = cols / 32;
  const int64_t tile_rows = num_rows / 16 * 16;
  // Larger panels than the route hands out go in slices of kMaxPanelTokens.
  for (int64_t p0 = 0; p0 < num_tokens && tile_rows > 0; p0 += kMaxPanelTokens) {
    const int64_t panel = std::min<int64_t>(kMaxPanelTokens, num_tokens - p0);
    const uint8_t* xp = x + p0 * xa_row_bytes;
    float* op = out + p0 * out_stride;
    const int64_t full_tokens = panel / 16 * 16;
    const int tail_tokens = static_cast<int>(panel - full_tokens);
    int configured = 0;
    auto configure = [&configured](int tokens) {
      if (configured != tokens) ConfigureTiles(tokens);
      configured = tokens;
    };
    alignas(64) float d_x[kChunkBlocks * kMaxPanelTokens];  // [block][token]
    Packed pk;
    for (int64_t k0 = 0; k0 < num_blocks; k0 += kChunkBlocks) {
      const int blocks = static_cast<int>(std::min<int64_t>(kChunkBlocks, num_blocks - k0));
      for (int b = 0; b < blocks; ++b) {
        for (int64_t t = 0; t < panel; ++t) {
          uint16_t h;
          std::memcpy(&h, xp + t * xa_row_bytes + (k0 + b) * int64_t{sizeof(BlockQ8_0)}, 2);
          d_x[b * panel + t] = F16ToF32(h);
        }
      }
      const bool accumulate = k0 > 0;
      for (int64_t r0 = 0; r0 < tile_rows; r0 += 16) {
        const uint8_t* wr = wb + r0 * w_row_bytes;
        for (int b = 0; b < blocks; ++b) {
          const uint8_t* block = wr + (k0 + b) * P::kBlockBytes;
          __m512i v[8];
          P::Unpack(block, w_row_bytes, v);
          for (int p = 0; p < 8; ++p) {
            _mm512_store_si512(reinterpret_cast<__m512i*>(pk.b[b] + 64 * p), v[p]);
          }
          _mm512_store_ps(pk.d_w[b], RowScales(block, w_row_bytes));
        }
        if (full_tokens > 0) configure(16);
        for (int64_t t0 = 0; t0 < full_tokens; t0 += 16) {
          TokenBlock<16>(xp, xa_row_bytes, t0, k0, blocks, pk, d_x, panel, op + r0, out_stride,
                         accumulate);
        }
        if (tail_tokens > 0) {
          configure(tail_tokens);
          kTokenBlocks[tail_tokens - 1](xp, xa_row_bytes, full_tokens, k0, blocks, pk, d_x, panel,
                                        op + r0, out_stride, accumulate);
        }
      }
    }
    _tile_release();
  }
  // Rows past the last whole 16: the AVX-512 kernel, same activations.
  if (tile_rows < num_rows) {
    rest(wb + tile_rows * w_row_bytes, w_row_bytes, xa, xa_row_bytes, num_tokens, out + tile_rows,
         out_stride, num_rows - tile_rows, cols);
  }
}

}  // namespace

void GemmQ8_0Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmQ8Amx<Q8_0Policy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                        cols, GemmQ8_0Avx512);
}

void GemmQ4_0Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmQ8Amx<Q4_0Policy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                        cols, GemmQ4_0Avx512);
}

}  // namespace cratio::kernels
