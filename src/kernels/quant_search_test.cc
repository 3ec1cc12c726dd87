// Every ISA's batched scale searches (KernelTable::quant_search) give bit-identical results
// to numeric's scalar searches — the property that lets them speed up quantization without
// changing a single byte of the files we write.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel_test_util.h"
#include "numeric/dtype.h"
#include "numeric/quant_search.h"

namespace cratio::kernels {
namespace {

using testing::AvailableIsas;

// Groups of shapes the quantizers produce and the edge cases a search must survive: a
// Gaussian spread, all zeros, a constant, only negatives, one outlier, denormal-tiny and
// huge magnitudes, exact half steps (rounding ties).
std::vector<float> MakeGroups(int count, int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  std::vector<float> x(static_cast<size_t>(count) * n);
  for (int g = 0; g < count; ++g) {
    float* v = x.data() + static_cast<size_t>(g) * n;
    for (int i = 0; i < n; ++i) v[i] = normal(rng);
    switch ((g + seed) % 9) {
      case 0: for (int i = 0; i < n; ++i) v[i] = 0.0f; break;
      case 1: for (int i = 0; i < n; ++i) v[i] = 0.25f; break;
      case 2: for (int i = 0; i < n; ++i) v[i] = -std::fabs(v[i]); break;
      case 3: v[n / 2] = 3.0f; break;
      case 4: for (int i = 0; i < n; ++i) v[i] *= 1e-30f; break;
      case 5: for (int i = 0; i < n; ++i) v[i] *= 1e6f; break;
      case 6: for (int i = 0; i < n; ++i) v[i] = 0.5f * static_cast<float>(i % 7 - 3); break;
      case 7: for (int i = 0; i < n; ++i) v[i] = std::fabs(v[i]) + 0.1f; break;
      default: break;
    }
  }
  return x;
}

std::vector<float> MakeWeights(const std::vector<float>& x, uint32_t seed) {
  std::mt19937 rng(seed * 7919u + 1u);
  std::uniform_real_distribution<float> u(0.0f, 2.0f);
  std::vector<float> w(x.size());
  for (size_t i = 0; i < x.size(); ++i) w[i] = std::fabs(x[i]) + u(rng) * (i % 5 == 0 ? 0.0f : 1.0f);
  return w;
}

// The ISAs whose table has batched search twins (the others use the scalar loop, which
// the codec test below still covers).
std::vector<Isa> IsasWithTwins() {
  std::vector<Isa> isas;
  for (Isa isa : AvailableIsas()) {
    const KernelTable& table = *KernelTableFor(isa).value();
    if (table.quant_search.affine != nullptr || table.quant_search.symmetric != nullptr) {
      isas.push_back(isa);
    }
  }
  return isas;
}

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof(b));
  return b;
}

class QuantSearchTwin : public ::testing::TestWithParam<Isa> {};
class QuantSearchCodec : public ::testing::TestWithParam<Isa> {};

TEST_P(QuantSearchTwin, AffineMatchesScalarBitForBit) {
  const KernelTable& table = *KernelTableFor(GetParam()).value();
  ASSERT_NE(table.quant_search.affine, nullptr);
  // The searches the codecs use: q4_k / q5_k plain, the importance variant, q2_k's
  // |error| search, and a search with no candidate steps.
  const quant::AffineSearch searches[] = {
      {-1.0f, 0.1f, 20, false}, {-0.5f, 0.1f, 15, false}, {-0.9f, 0.05f, 36, false},
      {-0.5f, 0.1f, 15, true}, {0.0f, 0.0f, 0, false}};
  for (int n : {16, 32}) {
    for (int nmax : {3, 15, 31}) {
      for (const quant::AffineSearch& search : searches) {
        for (int count : {1, 8, 16, 23}) {
          const uint32_t seed = static_cast<uint32_t>(n * 1000 + nmax * 10 + count);
          const std::vector<float> x = MakeGroups(count, n, seed);
          const std::vector<float> w = MakeWeights(x, seed);
          std::vector<uint8_t> got_l(x.size(), 0xAA), want_l(x.size(), 0x55);
          std::vector<float> got_s(count), want_s(count), got_m(count), want_m(count);
          table.quant_search.affine(count, n, nmax, x.data(), w.data(), search, got_l.data(),
                                    got_s.data(), got_m.data());
          uint8_t scratch[32];
          for (int g = 0; g < count; ++g) {
            want_s[g] = quant::AffineScaleSearch(n, nmax, x.data() + g * n, w.data() + g * n,
                                                 search, want_l.data() + g * n, scratch,
                                                 &want_m[g]);
          }
          for (int g = 0; g < count; ++g) {
            SCOPED_TRACE(::testing::Message() << "n " << n << " nmax " << nmax << " steps "
                                              << search.num_steps << " abs "
                                              << search.use_abs_error << " group " << g);
            ASSERT_EQ(Bits(got_s[g]), Bits(want_s[g])) << got_s[g] << " vs " << want_s[g];
            ASSERT_EQ(Bits(got_m[g]), Bits(want_m[g])) << got_m[g] << " vs " << want_m[g];
            ASSERT_EQ(std::memcmp(got_l.data() + g * n, want_l.data() + g * n, n), 0);
          }
        }
      }
    }
  }
}

TEST_P(QuantSearchTwin, SymmetricMatchesScalarBitForBit) {
  const KernelTable& table = *KernelTableFor(GetParam()).value();
  ASSERT_NE(table.quant_search.symmetric, nullptr);
  for (int n : {16, 32}) {
    for (int nmax : {4, 8, 16, 32}) {
      for (bool weighted : {false, true}) {
        for (int count : {1, 16, 37}) {
          const uint32_t seed = static_cast<uint32_t>(n * 1000 + nmax * 10 + count + weighted);
          const std::vector<float> x = MakeGroups(count, n, seed);
          const std::vector<float> w = MakeWeights(x, seed);
          const float* wp = weighted ? w.data() : nullptr;
          std::vector<int8_t> got_l(x.size(), 99), want_l(x.size(), -99);
          std::vector<float> got_s(count), want_s(count);
          table.quant_search.symmetric(count, n, nmax, x.data(), wp, got_l.data(), got_s.data());
          for (int g = 0; g < count; ++g) {
            want_s[g] = quant::SymmetricScaleSearch(n, nmax, x.data() + g * n,
                                                    wp ? wp + g * n : nullptr,
                                                    want_l.data() + g * n);
          }
          for (int g = 0; g < count; ++g) {
            SCOPED_TRACE(::testing::Message() << "n " << n << " nmax " << nmax << " weighted "
                                              << weighted << " group " << g);
            ASSERT_EQ(Bits(got_s[g]), Bits(want_s[g])) << got_s[g] << " vs " << want_s[g];
            ASSERT_EQ(std::memcmp(got_l.data() + g * n, want_l.data() + g * n, n), 0);
          }
        }
      }
    }
  }
}

// End to end through the codecs: with the twins installed, every k-quant writes the same
// bytes as with the scalar searches, plain and importance-weighted.
TEST_P(QuantSearchCodec, WritesIdenticalBytesWithTheTableInstalled) {
  const KernelTable& table = *KernelTableFor(GetParam()).value();
  const int64_t n = 4096;
  std::vector<float> x = MakeGroups(static_cast<int>(n / 32), 32, 11);
  std::vector<float> importance = MakeWeights(x, 12);
  for (DType dtype : {DType::kQ2_K, DType::kQ3_K, DType::kQ4_K, DType::kQ5_K, DType::kQ6_K}) {
    const DTypeInfo& info = GetDTypeInfo(dtype);
    const size_t bytes = static_cast<size_t>(n / info.block_size * info.block_bytes);
    for (bool weighted : {false, true}) {
      std::vector<uint8_t> want(bytes, 0x55), got(bytes, 0xAA);
      quant::SetSearchKernels(nullptr);
      if (weighted) {
        info.quantize_row_weighted(x.data(), want.data(), n, importance.data());
      } else {
        info.quantize_row(x.data(), want.data(), n);
      }
      quant::SetSearchKernels(&table.quant_search);
      if (weighted) {
        info.quantize_row_weighted(x.data(), got.data(), n, importance.data());
      } else {
        info.quantize_row(x.data(), got.data(), n);
      }
      quant::SetSearchKernels(nullptr);
      EXPECT_EQ(std::memcmp(got.data(), want.data(), bytes), 0)
          << info.name << (weighted ? " weighted" : " plain");
    }
  }
}

std::string IsaParamName(const ::testing::TestParamInfo<Isa>& info) {
  return std::string(IsaName(info.param));
}

INSTANTIATE_TEST_SUITE_P(WithTwins, QuantSearchTwin, ::testing::ValuesIn(IsasWithTwins()),
                         IsaParamName);
INSTANTIATE_TEST_SUITE_P(AllIsas, QuantSearchCodec, ::testing::ValuesIn(AvailableIsas()),
                         IsaParamName);
// A machine without AVX-512 has no twin to compare.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(QuantSearchTwin);

}  // namespace
}  // namespace cratio::kernels
