// Scalar peak-FLOP probe (the ref ISA): 8 independent multiply-add chains in registers.
#include "kernels/probe_fma.h"

namespace cratio::kernels {

float FmaChainsRef(int64_t num_iterations) {
  // a ← a · 0.5 + 0.5 = 1 − (1 − a0) / 2^n: it settles at exactly 1 and stays there, so
  // values stay finite and normal however long the probe runs.
  const float m = 0.5f;
  const float c = 0.5f;
  float a[8] = {0.10f, 0.11f, 0.12f, 0.13f, 0.14f, 0.15f, 0.16f, 0.17f};
  for (int64_t i = 0; i < num_iterations; ++i) {
    for (float& v : a) v = v * m + c;
  }
  float total = 0.0f;
  for (float v : a) total += v;
  return total;
}

}  // namespace cratio::kernels
