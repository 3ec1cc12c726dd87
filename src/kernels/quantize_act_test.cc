// Every ISA's activation converters produce exactly the reference bytes (the gemm
// tolerances rely on all ISAs multiplying identical activations).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "kernels/kernel_test_util.h"

namespace cratio::kernels {
namespace {

using testing::ActRowBytes;
using testing::AvailableIsas;
using testing::RandomFloats;

class QuantizeAct : public ::testing::TestWithParam<Isa> {};

TEST_P(QuantizeAct, BytesEqualReferenceIncludingZeroAndHugeBlocks) {
  const KernelTable& fast = *KernelTableFor(GetParam()).value();
  const KernelTable& ref = *KernelTableFor(Isa::kRef).value();
  for (DType weight : {DType::kQ4_0, DType::kQ4_K}) {
    const MatmulKernel& fk = fast.matmul_for(weight);
    const MatmulKernel& rk = ref.matmul_for(weight);
    ASSERT_EQ(fk.act_dtype, rk.act_dtype);
    const int64_t cols = 1024;
    for (uint32_t seed = 0; seed < 20; ++seed) {
      auto x = RandomFloats(cols, seed, -3.0f, 3.0f);
      // One all-zero block, one block of huge values, one with exact half steps.
      for (int i = 0; i < 256; ++i) x[i] = 0.0f;
      for (int i = 256; i < 288; ++i) x[i] = 1e30f * (i % 2 ? 1.0f : -1.0f);
      for (int i = 512; i < 768; ++i) x[i] = 0.5f * static_cast<float>(i % 255 - 127);
      const int64_t bytes = ActRowBytes(fk.act_dtype, cols);
      std::vector<uint8_t> got(bytes, 0xAA), want(bytes, 0x55);
      fk.convert_act(x.data(), got.data(), cols);
      rk.convert_act(x.data(), want.data(), cols);
      ASSERT_EQ(std::memcmp(got.data(), want.data(), bytes), 0)
          << DTypeName(fk.act_dtype) << " seed " << seed;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllIsas, QuantizeAct, ::testing::ValuesIn(AvailableIsas()),
                         [](const ::testing::TestParamInfo<Isa>& p) {
                           return std::string(IsaName(p.param));
                         });

}  // namespace
}  // namespace cratio::kernels
