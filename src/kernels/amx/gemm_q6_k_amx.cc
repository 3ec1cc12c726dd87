// q6_k prefill gemm on AMX int8 tiles with q8_k activations, row-major or kRows16 weights.
//
// The other int8 routes (gemm_q8_amx.cc) work in 32-value units with one f32 scale per row
// and unit, converting and scaling every unit's integer dots; q6_k's int8 scale per 16
// values would halve that unit and double the f32 work, which dominates the route (tried:
// 0.9x of the VNNI kernel). Here each scale is folded into the weights in the integer
// domain instead. w = (q − 32) · sc is a 13-bit signed integer (|w| ≤ 4096), held exactly
// as w = 64 · hi + lo with hi = w >> 6 in [−64, 64] and lo = w & 63 in [0, 63], both
// int8. Per 64 values one A tile (16 tokens) feeds two tdpbssd, hi and lo B tiles (16
// weight rows), whose int32 dots run over a whole 256-value super-block; per super-block,
// token and row one conversion finishes it:
//   acc[t] += f32(64 · C_hi[t] + C_lo[t]) · d_w · d_x[t]
// (|C_hi| ≤ 256 · 64 · 128 = 2^21, so 64 · C_hi stays far inside int32). The dots are
// exact, so results match the reference kernel up to f32 summation order.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/amx/amx_kernels.h"
#include "kernels/amx/tile_config.h"
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/q8_0_act_outer.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Tiles: C of token block i is 2i (hi) and 2i + 1 (lo); A of token blocks 0 and 1 is 4 and
// 5 (tokens × 64 activation bytes); B hi and lo are 6 and 7 (16 × 64 bytes: 64 values of
// 16 weight rows, one dword = 4 consecutive values of one row).
constexpr int kSteps = 4;           // 64-value K steps per super-block
constexpr int kTileBytes = 1024;    // a full tile: 16 rows of 64 bytes
constexpr int kChunkBlocks = 4;     // super-blocks per chunk: 32 KiB of hi / lo B tiles
constexpr int kMaxPanelTokens = 256;

void ConfigureTiles(int m0, int m1) {
  amx::TileConfig cfg;
  const int m[2] = {m0, m1};
  for (int i = 0; i < 2; ++i) {
    if (m[i] == 0) continue;
    amx::SetTile(cfg, 2 * i, m[i], 64);
    amx::SetTile(cfg, 2 * i + 1, m[i], 64);
    amx::SetTile(cfg, 4 + i, m[i], 64);
  }
  amx::SetTile(cfg, 6, 16, 64);
  amx::SetTile(cfg, 7, 16, 64);
  amx::LoadTileConfig(cfg);
}

// One super-block of 16 weight rows as the rows16 layout's dword chunks: ql[p] (p < 32) and
// qh[p] (p < 16) hold bytes 4p .. 4p + 3 of each row's ql / qh, sc[j][n] is row n's scale of
// sub-block j, d row n's f32 d.
struct BlockRows {
  __m512i ql[32], qh[16];
  alignas(16) int8_t sc[16][16];
  __m512 d;
};

// The kRows16 layout (numeric/rows16.h): d at 0, scales at 32, ql chunks at 288, qh at 2336.
void LoadRows16(const uint8_t* block, int64_t, BlockRows& br) {
  br.d = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block)));
  std::memcpy(br.sc, block + 32, sizeof(br.sc));
  for (int p = 0; p < 32; ++p) br.ql[p] = _mm512_loadu_si512(block + 288 + 64 * p);
  for (int p = 0; p < 16; ++p) br.qh[p] = _mm512_loadu_si512(block + 2336 + 64 * p);
}

// Row-major blocks (BlockQ6_K: ql[128], qh[64], scales[16], d), transposed to the same
// chunks.
void LoadRowMajor(const uint8_t* block, int64_t w_row_bytes, BlockRows& br) {
  for (int i = 0; i < 8; ++i) avx512::Transpose16x4(block + 16 * i, w_row_bytes, br.ql + 4 * i);
  for (int i = 0; i < 4; ++i) {
    avx512::Transpose16x4(block + 128 + 16 * i, w_row_bytes, br.qh + 4 * i);
  }
  alignas(32) uint16_t d[16];
  for (int n = 0; n < 16; ++n) {
    const uint8_t* row = block + n * w_row_bytes;
    for (int j = 0; j < 16; ++j) br.sc[j][n] = static_cast<int8_t>(row[192 + j]);
    std::memcpy(&d[n], row + 208, 2);
  }
  br.d = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(d)));
}

// The hi / lo B tiles of one super-block: tile row r of step s is quad i = 16s + r, values
// 4i .. 4i + 3 of the 16 rows. Value e = 128h + 32k + l has its low 4 bits in ql[64h +
// 32(k % 2) + l] (low nibble for k < 2), its high 2 bits at 2k of qh[32h + l] and its
// scale in sub-block e / 16 (the reference dequantizer's layout), so quad 32h + 8k + p
// comes from ql chunks 16h + p, 16h + 8 + p and qh chunk 8h + p.
void FoldScales(const BlockRows& br, uint8_t hi[kSteps][kTileBytes],
                uint8_t lo[kSteps][kTileBytes]) {
  const __m512i m0f = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
  const __m512i m3f = _mm512_set1_epi8(0x3F), low_byte = _mm512_set1_epi16(0x00FF);
  const __m512i offset = _mm512_set1_epi16(32);
  constexpr __mmask64 kOddBytes = 0xAAAAAAAAAAAAAAAAull;
  // Sub-block j's scales as int16 pairs: both halves of row n's dword hold sc[j][n].
  __m512i sc16[16];
  for (int j = 0; j < 16; ++j) {
    const __m512i s = _mm512_cvtepi8_epi32(
        _mm_load_si128(reinterpret_cast<const __m128i*>(br.sc[j])));
    sc16[j] = _mm512_or_si512(_mm512_and_si512(s, _mm512_set1_epi32(0xFFFF)),
                              _mm512_slli_epi32(s, 16));
  }
  for (int h = 0; h < 2; ++h) {
    for (int p = 0; p < 8; ++p) {
      const __m512i a = br.ql[16 * h + p], b = br.ql[16 * h + 8 + p], hb = br.qh[8 * h + p];
      const __m512i v[4] = {
          _mm512_or_si512(_mm512_and_si512(a, m0f), _mm512_and_si512(_mm512_slli_epi16(hb, 4), m30)),
          _mm512_or_si512(_mm512_and_si512(b, m0f), _mm512_and_si512(_mm512_slli_epi16(hb, 2), m30)),
          _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(a, 4), m0f),
                          _mm512_and_si512(hb, m30)),
          _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(b, 4), m0f),
                          _mm512_and_si512(_mm512_srli_epi16(hb, 2), m30))};
      for (int k = 0; k < 4; ++k) {
        const int quad = 32 * h + 8 * k + p;
        const __m512i s = sc16[quad / 4];
        // Even and odd bytes as int16, minus 32, times the scale: exact 13-bit products.
        const __m512i pe =
            _mm512_mullo_epi16(_mm512_sub_epi16(_mm512_and_si512(v[k], low_byte), offset), s);
        const __m512i po =
            _mm512_mullo_epi16(_mm512_sub_epi16(_mm512_srli_epi16(v[k], 8), offset), s);
        // hi: bits 6-13 of each product in its byte; lo: bits 0-5.
        const __m512i hv =
            _mm512_mask_blend_epi8(kOddBytes, _mm512_srli_epi16(pe, 6), _mm512_slli_epi16(po, 2));
        const __m512i lv = _mm512_and_si512(
            _mm512_mask_blend_epi8(kOddBytes, pe, _mm512_slli_epi16(po, 8)), m3f);
        _mm512_store_si512(reinterpret_cast<__m512i*>(hi[quad / 16] + 64 * (quad % 16)), hv);
        _mm512_store_si512(reinterpret_cast<__m512i*>(lo[quad / 16] + 64 * (quad % 16)), lv);
      }
    }
  }
}

// One chunk of super-blocks for one group of 16 weight rows, and the panel's activation d.
struct Chunk {
  alignas(64) uint8_t hi[kChunkBlocks][kSteps][kTileBytes];
  alignas(64) uint8_t lo[kChunkBlocks][kSteps][kTileBytes];
  alignas(64) float w_d[kChunkBlocks][16];
  alignas(64) float a_d[kChunkBlocks][kMaxPanelTokens];
  int blocks;
};

// out[t0 + t, 16 rows] (+)= the chunk's super-blocks for kBlocks token blocks of m[0] and
// m[1] tokens (the second starting at t0 + 16); a[i] is block i's packed A tiles (super-block
// b, step s at a[i] + (b · kSteps + s) · kTileBytes). The tiles are configured for m.
template <int kBlocks>
void TokenPair(const uint8_t* const a[2], const int m[2], int64_t t0, const Chunk& ck, float* out,
               int64_t out_stride, bool accumulate) {
  alignas(64) float acc[2][16][16];  // [block][token][row]
  for (int i = 0; i < kBlocks; ++i) {
    for (int t = 0; t < m[i]; ++t) {
      const float* o = out + (t0 + 16 * i + t) * out_stride;
      _mm512_store_ps(acc[i][t], accumulate ? _mm512_loadu_ps(o) : _mm512_setzero_ps());
    }
  }
  // Super-block b's C tiles go to c[parity] and are scaled after the next one's tile work
  // is issued, so the vector loads never wait for the tile stores just made.
  alignas(64) int32_t c[2][4][16 * 16];
  int pending = -1, parity = 0;
  auto scale_pending = [&] {
    const int b = pending;
    const __m512 wd = _mm512_load_ps(ck.w_d[b]);
    for (int i = 0; i < kBlocks; ++i) {
      const int32_t* chi = c[parity ^ 1][2 * i];
      const int32_t* clo = c[parity ^ 1][2 * i + 1];
      const float* ad = ck.a_d[b] + t0 + 16 * i;
      for (int t = 0; t < m[i]; ++t) {
        const __m512i dots = _mm512_add_epi32(_mm512_slli_epi32(_mm512_load_si512(chi + 16 * t), 6),
                                              _mm512_load_si512(clo + 16 * t));
        _mm512_store_ps(acc[i][t], _mm512_fmadd_ps(_mm512_cvtepi32_ps(dots),
                                                   _mm512_mul_ps(wd, _mm512_set1_ps(ad[t])),
                                                   _mm512_load_ps(acc[i][t])));
      }
    }
  };
  for (int b = 0; b < ck.blocks; ++b) {
    // Tile numbers must be immediates, hence the spelled-out cases.
    _tile_zero(0);
    _tile_zero(1);
    if (kBlocks == 2) {
      _tile_zero(2);
      _tile_zero(3);
    }
    for (int s = 0; s < kSteps; ++s) {
      const int64_t a_off = (b * kSteps + s) * kTileBytes;
      _tile_loadd(4, a[0] + a_off, 64);
      _tile_loadd(6, ck.hi[b][s], 64);
      _tile_loadd(7, ck.lo[b][s], 64);
      _tile_dpbssd(0, 4, 6);
      _tile_dpbssd(1, 4, 7);
      if (kBlocks == 2) {
        _tile_loadd(5, a[1] + a_off, 64);
        _tile_dpbssd(2, 5, 6);
        _tile_dpbssd(3, 5, 7);
      }
    }
    _tile_stored(0, c[parity][0], 64);
    _tile_stored(1, c[parity][1], 64);
    if (kBlocks == 2) {
      _tile_stored(2, c[parity][2], 64);
      _tile_stored(3, c[parity][3], 64);
    }
    if (pending >= 0) scale_pending();
    pending = b;
    parity ^= 1;
  }
  if (pending >= 0) scale_pending();
  for (int i = 0; i < kBlocks; ++i) {
    for (int t = 0; t < m[i]; ++t) {
      _mm512_storeu_ps(out + (t0 + 16 * i + t) * out_stride, _mm512_load_ps(acc[i][t]));
    }
  }
}

template <bool kRows16>
void GemmQ6_KAmxImpl(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                     int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                     int64_t cols, GemmFn rest) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* x = static_cast<const uint8_t*>(xa);
  const int64_t num_blocks = cols / kQK_K;
  const int64_t tile_rows = num_rows / 16 * 16;
  // kRows16: super-block b of a 16-row group at b · 16 · block bytes.
  const int64_t block_stride = kRows16 ? 16 * sizeof(BlockQ6_K) : sizeof(BlockQ6_K);
  Chunk ck;  // 37 KiB
  // The panel's activations per chunk as contiguous A tiles ([token block][super-block]
  // [step], 1 KiB each).
  thread_local std::vector<uint8_t> a_pack;
  a_pack.resize(static_cast<size_t>(kMaxPanelTokens / 16) * kChunkBlocks * kSteps * kTileBytes);
  BlockRows br;
  for (int64_t p0 = 0; p0 < num_tokens && tile_rows > 0; p0 += kMaxPanelTokens) {
    const int64_t panel = std::min<int64_t>(kMaxPanelTokens, num_tokens - p0);
    const uint8_t* xp = x + p0 * xa_row_bytes;
    float* op = out + p0 * out_stride;
    int configured[2] = {-1, -1};
    for (int64_t k0 = 0; k0 < num_blocks; k0 += kChunkBlocks) {
      const int blocks = static_cast<int>(std::min<int64_t>(kChunkBlocks, num_blocks - k0));
      ck.blocks = blocks;
      for (int64_t t = 0; t < panel; ++t) {
        uint8_t* dst = a_pack.data() + (t / 16) * blocks * kSteps * kTileBytes + (t % 16) * 64;
        for (int b = 0; b < blocks; ++b) {
          const uint8_t* act = xp + t * xa_row_bytes + (k0 + b) * sizeof(BlockQ8_K);
          std::memcpy(&ck.a_d[b][t], act, 4);
          for (int s = 0; s < kSteps; ++s) {
            std::memcpy(dst + (b * kSteps + s) * kTileBytes, act + 4 + 64 * s, 64);
          }
        }
      }
      const bool accumulate = k0 > 0;
      for (int64_t r0 = 0; r0 < tile_rows; r0 += 16) {
        for (int b = 0; b < blocks; ++b) {
          const uint8_t* block = wb + r0 * w_row_bytes + (k0 + b) * block_stride;
          if (kRows16) {
            LoadRows16(block, w_row_bytes, br);
          } else {
            LoadRowMajor(block, w_row_bytes, br);
          }
          FoldScales(br, ck.hi[b], ck.lo[b]);
          _mm512_store_ps(ck.w_d[b], br.d);
        }
        amx::ForTokenPairs(panel, configured, ConfigureTiles, [&](int64_t t0, const int m[2]) {
          const uint8_t* a[2] = {
              a_pack.data() + (t0 / 16) * blocks * kSteps * kTileBytes,
              a_pack.data() + (t0 / 16 + (m[1] > 0)) * blocks * kSteps * kTileBytes};
          if (m[1] > 0) {
            TokenPair<2>(a, m, t0, ck, op + r0, out_stride, accumulate);
          } else {
            TokenPair<1>(a, m, t0, ck, op + r0, out_stride, accumulate);
          }
        });
      }
    }
    _tile_release();
  }
  // Rows past the last whole 16 (row-major only): the AVX-512 kernel, same activations.
  if (tile_rows < num_rows) {
    rest(wb + tile_rows * w_row_bytes, w_row_bytes, xa, xa_row_bytes, num_tokens, out + tile_rows,
         out_stride, num_rows - tile_rows, cols);
  }
}

}  // namespace

void GemmQ6_KAmx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmQ6_KAmxImpl<false>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                         cols, GemmQ6_KAvx512);
}

void GemmQ6_KRows16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                       int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                       int64_t cols) {
  // num_rows is a multiple of 16: no rows are left for `rest`.
  GemmQ6_KAmxImpl<true>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                        cols, GemmQ6_KRows16Avx512);
}

}  // namespace cratio::kernels
