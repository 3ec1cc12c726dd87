// Roofline limits of token rates, with hand-computed values.
#include "bench/roofline_limit.h"

#include <gtest/gtest.h>

namespace cratio {
namespace {

// 100 GB/s, 1 TFLOP/s; a model streaming 1 GB and doing 2 GFLOP per token.
const MachineLimits kMachine{100e9, 1e12};
PerTokenWork Work() {
  PerTokenWork w;
  w.weight_bytes = 1000000000;
  w.linear_flops = 2e9;
  return w;
}

TEST(DecodeLimit, IsBandwidthBoundAtSmallBatchAndComputeBoundAtLarge) {
  // Batch 1: 100e9 / 1e9 = 100 tok/s by bandwidth; compute 1e12 / 2e9 = 500 tok/s.
  const TokenRateLimit b1 = DecodeLimit(kMachine, Work(), 1);
  EXPECT_DOUBLE_EQ(b1.tok_per_s, 100.0);
  EXPECT_STREQ(b1.bound, "bandwidth");
  // Batch 8: 800 tok/s by bandwidth > 500 by compute.
  const TokenRateLimit b8 = DecodeLimit(kMachine, Work(), 8);
  EXPECT_DOUBLE_EQ(b8.tok_per_s, 500.0);
  EXPECT_STREQ(b8.bound, "compute");
  EXPECT_DOUBLE_EQ(PercentOfLimit(50.0, b1), 50.0);
  EXPECT_DOUBLE_EQ(PercentOfLimit(50.0, TokenRateLimit{}), 0.0);
}

TEST(IdealRequestMs, AddsPrefillAndDecodeAtTheirLimits) {
  // 100 prompt tokens at 500 tok/s = 200 ms; 10 generated = 9 decode steps at 100 tok/s
  // = 90 ms; total 290 ms.
  EXPECT_NEAR(IdealRequestMs(kMachine, Work(), 100, 10, 1), 290.0, 1e-9);
  // Batch 4: 400 prompt tokens = 800 ms; 36 decode tokens at min(400, 500) = 400 tok/s
  // = 90 ms; total 890 ms.
  EXPECT_NEAR(IdealRequestMs(kMachine, Work(), 100, 10, 4), 890.0, 1e-9);
  EXPECT_DOUBLE_EQ(PercentOfIdeal(290.0, 580.0), 50.0);
  EXPECT_DOUBLE_EQ(IdealRequestMs(MachineLimits{}, Work(), 100, 10, 1), 0.0);
}

}  // namespace
}  // namespace cratio
