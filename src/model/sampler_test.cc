// Sampler: greedy, seeded reproducibility, top-k / top-p truncation, temperature.
#include "model/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cratio {
namespace {

TEST(Sampler, GreedyPicksTheLargestLogitAndLowestIdOnTies) {
  Sampler s(SamplerOptions{}, 5);
  const float logits[] = {0.5f, 3.0f, -1.0f, 3.0f, 2.9f};
  EXPECT_EQ(s.Sample(logits), 1);
  EXPECT_EQ(Sampler::Argmax(logits, 5), 1);
}

TEST(Sampler, TopKOneIsGreedyAtAnyTemperature) {
  SamplerOptions o;
  o.temperature = 5.0f;
  o.top_k = 1;
  Sampler s(o, 4);
  const float logits[] = {0.0f, 0.1f, 0.3f, 0.2f};
  for (int i = 0; i < 20; ++i) EXPECT_EQ(s.Sample(logits), 2);
}

TEST(Sampler, SameSeedGivesSameSequenceAndOtherSeedDiffers) {
  SamplerOptions o;
  o.temperature = 1.0f;
  o.seed = 1234;
  std::vector<float> logits(100);
  for (int i = 0; i < 100; ++i) logits[i] = std::sin(i * 0.37f);
  Sampler a(o, 100), b(o, 100);
  o.seed = 99;
  Sampler c(o, 100);
  int num_differ = 0;
  for (int i = 0; i < 50; ++i) {
    const int32_t ta = a.Sample(logits.data());
    EXPECT_EQ(ta, b.Sample(logits.data()));
    num_differ += ta != c.Sample(logits.data());
  }
  EXPECT_GT(num_differ, 10);
}

TEST(Sampler, TopKKeepsOnlyTheKMostLikely) {
  SamplerOptions o;
  o.temperature = 1.0f;
  o.top_k = 3;
  Sampler s(o, 6);
  const float logits[] = {1.0f, 5.0f, 4.9f, 0.0f, 4.8f, 4.7f};
  std::vector<int> counts(6);
  for (int i = 0; i < 3000; ++i) ++counts[s.Sample(logits)];
  EXPECT_EQ(counts[0] + counts[3] + counts[5], 0);
  EXPECT_GT(counts[1], 0);
  EXPECT_GT(counts[2], 0);
  EXPECT_GT(counts[4], 0);
}

TEST(Sampler, TopPKeepsTheSmallestNucleus) {
  SamplerOptions o;
  o.temperature = 1.0f;
  o.top_p = 0.7f;
  Sampler s(o, 3);
  // probabilities 0.6, 0.3, 0.1: the nucleus for 0.7 is {0, 1}.
  const float logits[] = {std::log(0.6f), std::log(0.3f), std::log(0.1f)};
  std::vector<int> counts(3);
  for (int i = 0; i < 3000; ++i) ++counts[s.Sample(logits)];
  EXPECT_EQ(counts[2], 0);
  // Renormalised 2:1 between the two kept tokens.
  EXPECT_NEAR(static_cast<double>(counts[0]) / 3000, 2.0 / 3, 0.04);
}

TEST(Sampler, TemperatureOneFollowsTheSoftmax) {
  SamplerOptions o;
  o.temperature = 1.0f;
  o.seed = 7;
  Sampler s(o, 4);
  const float logits[] = {0.0f, std::log(2.0f), std::log(3.0f), std::log(4.0f)};
  std::vector<int> counts(4);
  const int n = 20000;
  for (int i = 0; i < n; ++i) ++counts[s.Sample(logits)];
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(static_cast<double>(counts[k]) / n, (k + 1) / 10.0, 0.015) << k;
  }
}

TEST(Sampler, LowTemperatureConcentratesOnTheArgmax) {
  SamplerOptions o;
  o.temperature = 0.05f;
  Sampler s(o, 3);
  const float logits[] = {1.0f, 1.5f, 0.5f};
  int num_argmax = 0;
  for (int i = 0; i < 1000; ++i) num_argmax += s.Sample(logits) == 1;
  EXPECT_GE(num_argmax, 999);
}

}  // namespace
}  // namespace cratio
