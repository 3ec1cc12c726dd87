// The word-parallel scale unpackers agree with the per-element definitions on random bytes.
#include "kernels/k_scales.h"

#include <gtest/gtest.h>

#include <random>

namespace cratio::kernels {
namespace {

TEST(KScales, WordUnpackersMatchPerElementDefinitions) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 2000; ++trial) {
    uint8_t packed[12];
    for (auto& b : packed) b = static_cast<uint8_t>(rng());
    uint8_t sm[16];
    UnpackScalesMinsK4(packed, sm);
    for (int j = 0; j < 8; ++j) {
      uint8_t scale, min;
      ScaleMinK4(j, packed, &scale, &min);
      ASSERT_EQ(sm[j], scale) << trial << " " << j;
      ASSERT_EQ(sm[8 + j], min) << trial << " " << j;
    }
    int8_t a[16], b[16];
    ScalesQ3K(packed, a);
    ScalesQ3KWords(packed, b);
    for (int j = 0; j < 16; ++j) ASSERT_EQ(a[j], b[j]) << trial << " " << j;
  }
}

}  // namespace
}  // namespace cratio::kernels
