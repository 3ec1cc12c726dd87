// The importance-weighted quantizers: they reduce the importance-weighted error they promise
// to minimise, never lose to the plain quantizer, and equal it when there is no importance.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "numeric/dtype.h"
#include "numeric/test_rows.h"

namespace cratio {
namespace {

constexpr int64_t kRowLength = 2048;

double WeightedError(const std::vector<float>& x, const std::vector<float>& y,
                     const std::vector<float>& importance) {
  double sum = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
    sum += static_cast<double>(importance[i]) * d * d;
  }
  return sum;
}

struct Encoded {
  std::vector<uint8_t> bytes;
  std::vector<float> decoded;
};

Encoded Quantize(const DTypeInfo& info, const std::vector<float>& x, const float* importance) {
  const auto n = static_cast<int64_t>(x.size());
  Encoded e;
  e.bytes.resize(static_cast<size_t>(RowBytes(info.dtype, n)));
  e.decoded.resize(x.size());
  if (importance == nullptr) {
    info.quantize_row(x.data(), e.bytes.data(), n);
  } else {
    info.quantize_row_weighted(x.data(), e.bytes.data(), n, importance);
  }
  info.dequantize_row(e.bytes.data(), e.decoded.data(), n);
  return e;
}

// Log-normal importance: a few elements matter a great deal, as with activation statistics.
std::vector<float> SkewedImportance(int64_t n, uint64_t seed) {
  auto g = testing::GaussianRow(n, seed);
  for (float& v : g) v = std::exp(2.0f * v);
  return g;
}

TEST(WeightedQuantization, LowersTheWeightedErrorOnSkewedImportance) {
  for (const DTypeInfo& info : AllDTypes()) {
    if (!info.is_quantized || info.quantize_row_weighted == nullptr) continue;
    for (int r = 0; r < 4; ++r) {
      const auto x = testing::GaussianRow(kRowLength, 100 + r);
      const auto importance = SkewedImportance(kRowLength, 200 + r);
      const double plain = WeightedError(x, Quantize(info, x, nullptr).decoded, importance);
      const double weighted =
          WeightedError(x, Quantize(info, x, importance.data()).decoded, importance);
      // Measured ratios are 0.27 (q2_k) to 0.55 (q5_0); 0.8 leaves room yet catches a no-op.
      EXPECT_LT(weighted, 0.8 * plain) << info.name << " row " << r;
    }
  }
}

TEST(WeightedQuantization, NeverLosesToThePlainQuantizerBlockByBlock) {
  // One important element per 16: the plain fit ignores that, the weighted fit must not do worse.
  for (const DTypeInfo& info : AllDTypes()) {
    if (!info.is_quantized || info.quantize_row_weighted == nullptr) continue;
    const auto x = testing::GaussianRow(kRowLength, 300);
    std::vector<float> importance(static_cast<size_t>(kRowLength), 0.0f);
    for (size_t i = 5; i < importance.size(); i += 16) importance[i] = 1.0f;
    const auto plain = Quantize(info, x, nullptr).decoded;
    const auto weighted = Quantize(info, x, importance.data()).decoded;
    const auto block = static_cast<size_t>(info.block_size);
    for (size_t b = 0; b < x.size(); b += block) {
      double e_plain = 0.0;
      double e_weighted = 0.0;
      for (size_t i = b; i < b + block; ++i) {
        const double dp = static_cast<double>(x[i]) - plain[i];
        const double dw = static_cast<double>(x[i]) - weighted[i];
        e_plain += importance[i] * dp * dp;
        e_weighted += importance[i] * dw * dw;
      }
      EXPECT_LE(e_weighted, e_plain) << info.name << " block at " << b;
    }
  }
}

TEST(WeightedQuantization, NullImportanceIsThePlainQuantizer) {
  for (const DTypeInfo& info : AllDTypes()) {
    if (info.quantize_row_weighted == nullptr) continue;
    const auto x = testing::GaussianRow(kRowLength, 400);
    std::vector<uint8_t> weighted(static_cast<size_t>(RowBytes(info.dtype, kRowLength)));
    info.quantize_row_weighted(x.data(), weighted.data(), kRowLength, nullptr);
    EXPECT_EQ(weighted, Quantize(info, x, nullptr).bytes) << info.name;
  }
}

TEST(WeightedQuantization, AllZeroImportanceKeepsThePlainEncoding) {
  // Nothing to prefer: every block falls back to the plain encoding rather than to zeros.
  for (const DTypeInfo& info : AllDTypes()) {
    if (!info.is_quantized || info.quantize_row_weighted == nullptr) continue;
    const auto x = testing::GaussianRow(kRowLength, 500);
    const std::vector<float> zeros(static_cast<size_t>(kRowLength), 0.0f);
    EXPECT_EQ(Quantize(info, x, zeros.data()).bytes, Quantize(info, x, nullptr).bytes) << info.name;
  }
}

TEST(WeightedQuantization, UniformImportanceStaysWithinThePlainBound) {
  // With flat importance the weighted search must still be a good quantizer in plain terms.
  for (const DTypeInfo& info : AllDTypes()) {
    if (!info.is_quantized || info.quantize_row_weighted == nullptr) continue;
    const auto x = testing::GaussianRow(kRowLength, 600);
    const std::vector<float> ones(static_cast<size_t>(kRowLength), 1.0f);
    const double plain = testing::RelativeRmse(x, Quantize(info, x, nullptr).decoded);
    const double weighted = testing::RelativeRmse(x, Quantize(info, x, ones.data()).decoded);
    EXPECT_LE(weighted, plain * 1.0001) << info.name;
  }
}

}  // namespace
}  // namespace cratio
