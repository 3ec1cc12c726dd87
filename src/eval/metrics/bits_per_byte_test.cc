// bits per byte: Σ NLL / (ln 2 · Σ bytes), with a delta-method SE.
#include "eval/metrics/bits_per_byte.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace cratio {
namespace {

ItemResult Doc(const char* id, double nll, int64_t bytes) {
  ItemResult r;
  r.id = id;
  r.nll_sum = nll;
  r.num_scored_bytes = bytes;
  r.num_scored_tokens = 1;
  return r;
}

TEST(BitsPerByte, NatsOverBytesInBits) {
  const double ln2 = std::numbers::ln2;
  const std::vector<ItemResult> items = {Doc("a", 3 * ln2, 2), Doc("b", ln2, 2)};
  const Result<MetricValue> v = ComputeMetric("bits_per_byte", items);
  ASSERT_TRUE(v.ok()) << v.status().message();
  // Σ NLL = 4 ln 2 nats over 4 bytes = ln 2 nats/byte = 1 bit/byte.
  // residuals: 3ln2 − 2ln2 = ln2, ln2 − 2ln2 = −ln2; Σ² = 2 ln²2;
  // SE(R) = sqrt(2 ln²2 / (2·1)) / 2 = ln2 / 2 nats; in bits 0.5.
  EXPECT_NEAR(v->value, 1.0, 1e-12);
  EXPECT_NEAR(v->se, 0.5, 1e-12);
}

TEST(BitsPerByte, SingleDocumentHasNoItemLevelError) {
  const std::vector<ItemResult> items = {Doc("only", 8 * std::numbers::ln2, 4)};
  const Result<MetricValue> v = ComputeMetric("bits_per_byte", items);
  ASSERT_TRUE(v.ok());
  EXPECT_NEAR(v->value, 2.0, 1e-12);  // 8 bits / 4 bytes
  EXPECT_TRUE(std::isnan(v->se));     // one item: no between-item spread to measure
}

}  // namespace
}  // namespace cratio
