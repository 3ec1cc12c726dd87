// AMX-BF16 peak probe for the roofline: four independent tdpbf16ps accumulators fed by two A
// and two B tiles that stay in registers, so the loop is limited by the tile unit alone.
#include "kernels/amx/tile_config.h"
#include "kernels/probe_fma.h"

namespace cratio::kernels {

float TileChainsAmxBf16(int64_t num_iterations) {
  amx::TileConfig cfg;
  for (int t = 0; t < 8; ++t) amx::SetTile(cfg, t, 16, 64);
  amx::LoadTileConfig(cfg);
  // A = bf16 1.0 (0x3F80), B = bf16 2^-10 (0x3A80): every instruction adds 32 · 2^-10 = 1/32
  // to each C element, exactly in f32 for any run this probe makes.
  alignas(64) uint16_t a[16 * 32], b[16 * 32];
  for (int i = 0; i < 16 * 32; ++i) {
    a[i] = 0x3F80;
    b[i] = 0x3A80;
  }
  _tile_loadd(4, a, 64);
  _tile_loadd(5, a, 64);
  _tile_loadd(6, b, 64);
  _tile_loadd(7, b, 64);
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  for (int64_t i = 0; i < num_iterations; ++i) {
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  alignas(64) float c[4][16 * 16];
  _tile_stored(0, c[0], 64);
  _tile_stored(1, c[1], 64);
  _tile_stored(2, c[2], 64);
  _tile_stored(3, c[3], 64);
  _tile_release();
  return c[0][0] + c[1][0] + c[2][0] + c[3][0];
}

}  // namespace cratio::kernels
