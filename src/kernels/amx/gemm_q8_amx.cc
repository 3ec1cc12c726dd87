// q8_0 prefill gemm on AMX int8 tiles, with the activations the AVX-512 kernels use (q8_0
// blocks, same bytes). The unit is a block of 32 values with one scale per row: per pass
// of 32 weight rows (two groups of 16; a last odd group alone) and chunk of up to 32
// sub-blocks the weights are unpacked to signed bytes and repacked once into the B layout
// (one dword = 4 consecutive values of one row; 16 rows side by side), and per panel and
// chunk the activations are copied once into contiguous A tiles. Per 16-token block and
// sub-block one A tile load feeds two tdpbssd (one per weight group) giving the exact
// integer dots C[token, row], which AVX-512 scales into f32 accumulators:
//   acc[t] += f32(C[t]) · w_scale · a_scale[t].
// (q4_0 / q4_k / q5_k left this route for bf16 tiles and q6_k for gemm_q6_k_amx.cc: a C tile
// stored and scaled per 32 values bounds it; see amx_table.cc.)
#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
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

// Tiles: C (int32 dots, tokens × 16 rows) of token block i and weight group g is tile
// 2i + g; 4, 5 = A of token blocks 0 and 1 (tokens × 32 activation bytes); 6, 7 = B of
// weight groups 0 and 1 (8 × 64 bytes: 32 values × 16 rows). Per sub-block two A and two B
// loads feed four independent tdpbssd (32 tokens × 32 rows).
constexpr int kChunkSubs = 32;  // B of both groups: 2 × 32 × 512 bytes = 32 KiB
constexpr int kMaxPanelTokens = 256;  // the route's token panel; activation scale tables
constexpr int kBTileBytes = 512;
constexpr int kATileBytes = 512;  // one packed A tile: 16 tokens × 32 bytes, stride 32
constexpr int kMaxGroups = 2;

// Token blocks of m0 and m1 rows (m1 = 0: one block).
void ConfigureTiles(int m0, int m1) {
  amx::TileConfig cfg;
  const int m[2] = {m0, m1};
  for (int i = 0; i < 2; ++i) {
    if (m[i] == 0) continue;
    for (int g = 0; g < 2; ++g) amx::SetTile(cfg, 2 * i + g, m[i], 64);  // C
    amx::SetTile(cfg, 4 + i, m[i], 32);                                  // A
  }
  for (int g = 0; g < 2; ++g) amx::SetTile(cfg, 6 + g, 8, 64);  // B
  amx::LoadTileConfig(cfg);
}

// The d (f16 at `offset`) of one block in 16 rows, as f32.
inline __m512 RowHalves(const uint8_t* block, int64_t w_row_bytes, int offset) {
  alignas(32) uint16_t d[16];
  for (int n = 0; n < 16; ++n) std::memcpy(&d[n], block + n * w_row_bytes + offset, 2);
  return _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(d)));
}

inline float HalfAt(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return F16ToF32(h);
}

// A policy P provides, for its weight block of kSubs sub-blocks of 32 values (q8_0: one):
//   kBlockBytes, kSubs, kActBlockBytes (the activation block),
//   Unpack(block, w_row_bytes, b[kSubs][8])     B tile rows for 16 rows,
//   Scales(block, w_row_bytes, scale[kSubs])    per-row f32 factors,
//   ActOffset(s)       byte offset of sub-block s's 32 values inside an activation block,
//   ActScales(act_block, scale[kSubs])          per-token factors.
struct Q8_0Policy {
  static constexpr int64_t kBlockBytes = sizeof(BlockQ8_0);
  static constexpr int kSubs = 1;
  static constexpr int64_t kActBlockBytes = sizeof(BlockQ8_0);
  static void Unpack(const uint8_t* block, int64_t w_row_bytes, __m512i b[][8]) {
    avx512::Transpose16x4(block + 2, w_row_bytes, b[0]);
    avx512::Transpose16x4(block + 18, w_row_bytes, b[0] + 4);
  }
  static void Scales(const uint8_t* block, int64_t w_row_bytes, __m512* scale) {
    scale[0] = RowHalves(block, w_row_bytes, 0);
  }
  static int64_t ActOffset(int) { return 2; }
  static void ActScales(const uint8_t* act, float* scale) { scale[0] = HalfAt(act); }
};

// q8_0 in the kRows16 layout: the 8 chunks of 64 bytes are the B tile rows as they are.
struct Q8_0Rows16Policy : Q8_0Policy {
  static constexpr bool kRows16 = true;
  static void Unpack(const uint8_t* block, int64_t, __m512i b[][8]) {
    for (int p = 0; p < 8; ++p) b[0][p] = _mm512_loadu_si512(block + 32 + 64 * p);
  }
  static void Scales(const uint8_t* block, int64_t, __m512* scale) {
    scale[0] = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block)));
  }
};

// Whether a policy reads the kRows16 layout (block b of a 16-row group at b · 16 · block
// bytes) instead of row-major rows.
template <class P>
constexpr bool IsRows16() {
  if constexpr (requires { P::kRows16; }) {
    return P::kRows16;
  } else {
    return false;
  }
}

// One chunk of sub-blocks, repacked for up to two groups of 16 weight rows, and the panel's
// activation factors.
struct Chunk {
  alignas(64) uint8_t b[kMaxGroups][kChunkSubs][kBTileBytes];
  alignas(64) float w_scale[kMaxGroups][kChunkSubs][16];
  alignas(64) float a_scale[kChunkSubs][kMaxPanelTokens];  // [sub][token]
  int64_t a_offset[kChunkSubs];  // byte offset of each sub-block's values in a token row
  int subs;
};

// acc[t] += f32(c[t]) · w_scale · a_scale[t], t < tokens; acc rows of 16 f32 in L1 (four C
// tiles' accumulators would not fit in the 32 vector registers).
inline void ScaleInto(const int32_t* c, int tokens, const float* w_scale, const float* a_scale,
                      float* acc) {
  const __m512 ws = _mm512_load_ps(w_scale);
  for (int t = 0; t < tokens; ++t) {
    const __m512 dots = _mm512_cvtepi32_ps(_mm512_load_si512(c + 16 * t));
    _mm512_store_ps(acc + 16 * t,
                    _mm512_fmadd_ps(dots, _mm512_mul_ps(ws, _mm512_set1_ps(a_scale[t])),
                                    _mm512_load_ps(acc + 16 * t)));
  }
}

// Which C tiles a TokenPair call computes.
template <int kBlocks, int kGroups>
inline void SubBlockTiles(const uint8_t* a0, const uint8_t* a1, const uint8_t* b0,
                          const uint8_t* b1) {
  // Tile numbers must be immediates, hence the spelled-out cases.
  _tile_zero(0);
  if (kGroups == 2) _tile_zero(1);
  if (kBlocks == 2) _tile_zero(2);
  if (kBlocks == 2 && kGroups == 2) _tile_zero(3);
  _tile_loadd(4, a0, 32);
  _tile_loadd(6, b0, 64);
  _tile_dpbssd(0, 4, 6);
  if (kGroups == 2) {
    _tile_loadd(7, b1, 64);
    _tile_dpbssd(1, 4, 7);
  }
  if (kBlocks == 2) {
    _tile_loadd(5, a1, 32);
    _tile_dpbssd(2, 5, 6);
    if (kGroups == 2) _tile_dpbssd(3, 5, 7);
  }
}

template <int kBlocks, int kGroups>
inline void StoreTiles(int32_t (*c)[16 * 16]) {
  _tile_stored(0, c[0], 64);
  if (kGroups == 2) _tile_stored(1, c[1], 64);
  if (kBlocks == 2) _tile_stored(2, c[2], 64);
  if (kBlocks == 2 && kGroups == 2) _tile_stored(3, c[3], 64);
}

// out[t0 + t, 16 · kGroups rows] (+)= the chunk's sub-blocks for kBlocks token blocks of m[0]
// and m[1] tokens (the second starting at t0 + 16); a[i] is block i's packed A tiles
// (sub-block s at a[i] + s · kATileBytes). The tiles are configured for m.
template <int kBlocks, int kGroups>
void TokenPair(const uint8_t* const a[2], const int m[2], int64_t t0, const Chunk& ck, float* out,
               int64_t out_stride, bool accumulate) {
  alignas(64) float acc[2][2][16][16];  // [block][group][token][row]
  for (int i = 0; i < kBlocks; ++i) {
    for (int g = 0; g < kGroups; ++g) {
      for (int t = 0; t < m[i]; ++t) {
        const float* o = out + (t0 + 16 * i + t) * out_stride + 16 * g;
        _mm512_store_ps(acc[i][g][t], accumulate ? _mm512_loadu_ps(o) : _mm512_setzero_ps());
      }
    }
  }
  // The C tiles of sub-block s go to c[parity]; they are scaled one sub-block later, so the
  // vector loads never wait for the tile stores just issued.
  alignas(64) int32_t c[2][4][16 * 16];
  int pending = -1, parity = 0;
  auto scale_pending = [&] {
    const int s = pending;
    for (int i = 0; i < kBlocks; ++i) {
      for (int g = 0; g < kGroups; ++g) {
        ScaleInto(c[parity ^ 1][2 * i + g], m[i], ck.w_scale[g][s], ck.a_scale[s] + t0 + 16 * i,
                  acc[i][g][0]);
      }
    }
  };
  for (int s = 0; s < ck.subs; ++s) {
    SubBlockTiles<kBlocks, kGroups>(a[0] + s * kATileBytes, a[1] + s * kATileBytes, ck.b[0][s],
                                    ck.b[1][s]);
    // Without a second block / group the unused C slots are never read.
    StoreTiles<kBlocks, kGroups>(c[parity]);
    if (pending >= 0) scale_pending();
    pending = s;
    parity ^= 1;
  }
  if (pending >= 0) scale_pending();
  for (int i = 0; i < kBlocks; ++i) {
    for (int g = 0; g < kGroups; ++g) {
      for (int t = 0; t < m[i]; ++t) {
        _mm512_storeu_ps(out + (t0 + 16 * i + t) * out_stride + 16 * g,
                         _mm512_load_ps(acc[i][g][t]));
      }
    }
  }
}

// Weight rows [0, 16 · groups) of `wr` unpacked into the chunk's B tiles and row factors.
template <class P>
void PackWeights(const uint8_t* wr, int64_t w_row_bytes, int64_t k0, int blocks, int groups,
                 Chunk& ck) {
  for (int g = 0; g < groups; ++g) {
    for (int b = 0; b < blocks; ++b) {
      const int64_t block_stride = IsRows16<P>() ? 16 * P::kBlockBytes : P::kBlockBytes;
      const uint8_t* block = wr + g * 16 * w_row_bytes + (k0 + b) * block_stride;
      __m512i v[P::kSubs][8];
      __m512 scale[P::kSubs];
      P::Unpack(block, w_row_bytes, v);
      P::Scales(block, w_row_bytes, scale);
      for (int j = 0; j < P::kSubs; ++j) {
        const int s = b * P::kSubs + j;
        for (int p = 0; p < 8; ++p) {
          _mm512_store_si512(reinterpret_cast<__m512i*>(ck.b[g][s] + 64 * p), v[j][p]);
        }
        _mm512_store_ps(ck.w_scale[g][s], scale[j]);
      }
    }
  }
}

template <class P>
void GemmQ8Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
               int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows, int64_t cols,
               GemmFn rest) {
  using PairFn = void (*)(const uint8_t* const[2], const int[2], int64_t, const Chunk&, float*,
                          int64_t, bool);
  // kPairs[blocks - 1][groups - 1].
  static constexpr PairFn kPairs[2][2] = {
      {&TokenPair<1, 1>, &TokenPair<1, 2>}, {&TokenPair<2, 1>, &TokenPair<2, 2>}};
  constexpr int kBlocksPerChunk = kChunkSubs / P::kSubs;
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* x = static_cast<const uint8_t*>(xa);
  const int64_t num_blocks = cols / (32 * P::kSubs);
  const int64_t tile_rows = num_rows / 16 * 16;
  Chunk ck;
  // The panel's activations per chunk as contiguous A tiles ([token block][sub-block], 512
  // bytes each): one tile load reads 8 whole cache lines instead of 16 rows of 32 bytes
  // spread over the panel (and split across lines by the 34-byte q8_0 blocks).
  thread_local std::vector<uint8_t> a_pack;
  a_pack.resize(static_cast<size_t>(kMaxPanelTokens / 16) * kChunkSubs * kATileBytes);
  // Larger panels than the route hands out go in slices of kMaxPanelTokens.
  for (int64_t p0 = 0; p0 < num_tokens && tile_rows > 0; p0 += kMaxPanelTokens) {
    const int64_t panel = std::min<int64_t>(kMaxPanelTokens, num_tokens - p0);
    const uint8_t* xp = x + p0 * xa_row_bytes;
    float* op = out + p0 * out_stride;
    int configured[2] = {-1, -1};
    for (int64_t k0 = 0; k0 < num_blocks; k0 += kBlocksPerChunk) {
      const int blocks = static_cast<int>(std::min<int64_t>(kBlocksPerChunk, num_blocks - k0));
      ck.subs = blocks * P::kSubs;
      for (int b = 0; b < blocks; ++b) {
        const int64_t act_block = (k0 + b) * P::kActBlockBytes;
        for (int j = 0; j < P::kSubs; ++j) ck.a_offset[b * P::kSubs + j] = act_block + P::ActOffset(j);
        for (int64_t t = 0; t < panel; ++t) {
          float scale[P::kSubs];
          P::ActScales(xp + t * xa_row_bytes + act_block, scale);
          for (int j = 0; j < P::kSubs; ++j) ck.a_scale[b * P::kSubs + j][t] = scale[j];
        }
      }
      for (int64_t t = 0; t < panel; ++t) {
        const uint8_t* row = xp + t * xa_row_bytes;
        uint8_t* dst = a_pack.data() + (t / 16) * ck.subs * kATileBytes + (t % 16) * 32;
        for (int s = 0; s < ck.subs; ++s) std::memcpy(dst + s * kATileBytes, row + ck.a_offset[s], 32);
      }
      const bool accumulate = k0 > 0;
      for (int64_t r0 = 0; r0 < tile_rows;) {
        const int groups = tile_rows - r0 >= 32 ? 2 : 1;
        PackWeights<P>(wb + r0 * w_row_bytes, w_row_bytes, k0, blocks, groups, ck);
        amx::ForTokenPairs(panel, configured, ConfigureTiles, [&](int64_t t0, const int m[2]) {
          const uint8_t* a[2] = {a_pack.data() + (t0 / 16) * ck.subs * kATileBytes,
                                 a_pack.data() + (t0 / 16 + (m[1] > 0)) * ck.subs * kATileBytes};
          kPairs[m[1] > 0][groups - 1](a, m, t0, ck, op + r0, out_stride, accumulate);
        });
        r0 += 16 * groups;
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

void GemmQ8_0Rows16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                       int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                       int64_t cols) {
  GemmQ8Amx<Q8_0Rows16Policy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                              num_rows, cols, GemmQ8_0Rows16Avx512);
}

}  // namespace cratio::kernels
