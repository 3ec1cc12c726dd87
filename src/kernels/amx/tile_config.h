// The 64-byte AMX tile configuration (palette 1) that LDTILECFG reads, and a setter.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/avx512/simd.h"

namespace cratio::kernels::amx {

struct alignas(64) TileConfig {
  uint8_t palette_id = 1;
  uint8_t start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};  // bytes per row of each tile
  uint8_t rows[16] = {};
};

inline void SetTile(TileConfig& cfg, int tile, int rows, int colsb) {
  cfg.rows[tile] = static_cast<uint8_t>(rows);
  cfg.colsb[tile] = static_cast<uint16_t>(colsb);
}

// LDTILECFG. GCC's _tile_loadconfig declares an 8-byte memory operand, so without the
// barrier the compiler drops the stores to the rest of the 64 bytes as dead (seen: only the
// palette byte was written, and the first tile instruction faulted).
inline void LoadTileConfig(const TileConfig& cfg) {
  __asm__ volatile("" : : "r"(&cfg) : "memory");
  _tile_loadconfig(&cfg);
}

// The token blocks of a panel in pairs of 32 tokens, as the int8 routes walk them: fn(t0, m)
// per pair starting at token t0 with m[0] tokens in its first block and m[1] in its second
// (the panel's last block may be short or alone: m[1] = 0). `configure(m0, m1)` runs first
// whenever the pair's shape differs from the last one's (once per panel shape, not per
// pair); `last` carries that shape across calls (start with {-1, -1}).
template <class Configure, class Fn>
void ForTokenPairs(int64_t panel, int last[2], Configure&& configure, Fn&& fn) {
  for (int64_t t0 = 0; t0 < panel; t0 += 32) {
    const int m[2] = {static_cast<int>(std::min<int64_t>(16, panel - t0)),
                      static_cast<int>(std::clamp<int64_t>(panel - t0 - 16, 0, 16))};
    if (last[0] != m[0] || last[1] != m[1]) configure(m[0], m[1]);
    last[0] = m[0];
    last[1] = m[1];
    fn(t0, m);
  }
}

}  // namespace cratio::kernels::amx
