// Tests for the roofline probes: the FMA chains compute the recurrence they claim (so
// the FLOP count is honest) on every ISA this CPU has, and the probes return positive,
// finite rates. No test asserts a speed.
#include "bench/roofline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/amx_support.h"
#include "kernels/probe_fma.h"

namespace cratio {
namespace {

// The value every probe returns: lanes · Σ over chains of a_n = 1 − (1 − a0) / 2^n, the
// recurrence a ← a · 0.5 + 0.5 from each chain's start value.
double ExpectedChainSum(const std::vector<float>& starts, int lanes, int64_t n) {
  double total = 0.0;
  for (float a0 : starts) total += 1.0 - (1.0 - a0) / std::pow(2.0, static_cast<double>(n));
  return total * lanes;
}

std::vector<float> Starts(int num_chains) {
  std::vector<float> s;
  for (int i = 0; i < num_chains; ++i) s.push_back(0.10f + 0.01f * i);
  return s;
}

TEST(FmaProbe, RefChainsComputeTheRecurrence) {
  const FmaProbe p = FmaProbeFor(Isa::kRef);
  EXPECT_EQ(p.flops_per_iteration, 16);
  for (int64_t n : {0, 1, 3, 10}) {
    EXPECT_NEAR(p.run(n), ExpectedChainSum(Starts(8), 1, n), 1e-5) << n;
  }
}

TEST(FmaProbe, SimdChainsComputeTheRecurrenceOnEveryAvailableIsa) {
  for (Isa isa : {Isa::kAvx2, Isa::kAvx512}) {
    if (!KernelTableFor(isa).ok()) continue;
    const FmaProbe p = FmaProbeFor(isa);
    const int lanes = isa == Isa::kAvx512 ? 16 : 8;
    EXPECT_EQ(p.flops_per_iteration, 12 * lanes * 2) << IsaName(isa);
    for (int64_t n : {0, 1, 3, 10}) {
      EXPECT_NEAR(p.run(n), ExpectedChainSum(Starts(12), lanes, n), 1e-4)
          << IsaName(isa) << " n=" << n;
    }
  }
}

TEST(FmaProbe, LongRunsSettleAtExactlyOnePerLane) {
  // 1e7 iterations: every chain reached 1.0 long ago and stayed (finite, no drift).
  const FmaProbe p = FmaProbeFor(BestAvailableIsa());
  EXPECT_EQ(p.run(10'000'000), static_cast<float>(p.flops_per_iteration / 2));
}

TEST(FmaProbe, AmxTileProbeAddsOneThirtySecondPerInstructionToEachAccumulator) {
  if (!AmxEnabled() || !KernelTableFor(Isa::kAvx512).ok()) GTEST_SKIP() << "no AMX here";
  const FmaProbe p = AmxBf16TileProbe();
  // 4 tdpbf16ps × 16 × 16 outputs × 32 products × 2 FLOPs.
  EXPECT_EQ(p.flops_per_iteration, 65536);
  // Each instruction adds 32 · (1.0 · 2^-10) = 1/32 to element 0 of its C tile; 4 tiles
  // summed after n iterations: 4n/32 = n/8.
  for (int64_t n : {0, 1, 3, 10, 800}) EXPECT_EQ(p.run(n), static_cast<float>(n) / 8.0f) << n;
}

TEST(Roofline, FlopProbeNamesTheAmxTilesWhenTheAmxRouteIsOn) {
  if (!KernelTableFor(Isa::kAvx512).ok()) GTEST_SKIP() << "no AVX-512 here";
  ThreadPool pool(2);
  auto r = MeasurePeakFlops(pool, Isa::kAvx512, 0.02, 1);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_STREQ(r->probe, AmxEnabled() ? "amx-bf16" : "fma");
  EXPECT_GT(r->fma_flops_per_s, 0.0);
  if (!AmxEnabled()) {
    EXPECT_EQ(r->flops_per_s, r->fma_flops_per_s);
  }
}

TEST(Roofline, BandwidthProbeReturnsAPositiveRateForTheWholeBuffer) {
  ThreadPool pool(2);
  auto r = MeasureReadBandwidth(pool, 16 << 20, 2);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->buffer_bytes, 16 << 20);
  EXPECT_EQ(r->num_threads, 2);
  EXPECT_TRUE(std::isfinite(r->read_bytes_per_s));
  EXPECT_GT(r->read_bytes_per_s, 0.0);
}

TEST(Roofline, BandwidthProbeRejectsATinyBuffer) {
  ThreadPool pool(1);
  auto r = MeasureReadBandwidth(pool, 1000, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("1000 bytes"), std::string::npos);
}

TEST(Roofline, FlopProbeReturnsAPositiveRateOnEveryAvailableIsa) {
  ThreadPool pool(2);
  for (Isa isa : {Isa::kRef, Isa::kAvx2, Isa::kAvx512}) {
    if (!KernelTableFor(isa).ok()) continue;
    auto r = MeasurePeakFlops(pool, isa, 0.02, 1);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->isa, isa);
    EXPECT_EQ(r->num_threads, 2);
    EXPECT_TRUE(std::isfinite(r->flops_per_s));
    EXPECT_GT(r->flops_per_s, 0.0);
  }
}

}  // namespace
}  // namespace cratio
