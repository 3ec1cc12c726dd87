// The 64-byte AMX tile configuration (palette 1) that LDTILECFG reads, and a setter.
#pragma once

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

}  // namespace cratio::kernels::amx
