// Kernel-table selection: names, availability, and the CRATIO_ISA override.
#include "kernels/kernel_table.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "base/cpu_features.h"

namespace cratio {
namespace {

TEST(IsaNames, RoundTrip) {
  for (Isa isa : {Isa::kRef, Isa::kAvx2, Isa::kAvx512}) {
    EXPECT_EQ(IsaFromName(IsaName(isa)), isa);
  }
  EXPECT_FALSE(IsaFromName("sse2").has_value());
  EXPECT_FALSE(IsaFromName("").has_value());
}

TEST(KernelTableFor, RefAlwaysAvailableAndComplete) {
  auto table = KernelTableFor(Isa::kRef);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ((*table)->isa, Isa::kRef);
  for (DType d : {DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ4_0, DType::kQ4_1,
                  DType::kQ5_0, DType::kQ5_1, DType::kQ2_K, DType::kQ3_K, DType::kQ4_K,
                  DType::kQ5_K, DType::kQ6_K}) {
    EXPECT_TRUE((*table)->matmul_for(d).supported()) << DTypeName(d);
  }
  EXPECT_FALSE((*table)->matmul_for(DType::kI32).supported());
  EXPECT_FALSE((*table)->matmul_for(static_cast<DType>(1000)).supported());
  EXPECT_NE((*table)->rms_norm_f32, nullptr);
  EXPECT_NE((*table)->softmax_f32, nullptr);
}

TEST(KernelTableFor, MatchesCpuFeatures) {
  const CpuFeatures& cpu = GetCpuFeatures();
  EXPECT_EQ(KernelTableFor(Isa::kAvx2).ok(), cpu.HasAvx2Path());
  EXPECT_EQ(KernelTableFor(Isa::kAvx512).ok(), cpu.HasAvx512Path() && cpu.avx512vnni);
  auto best = KernelTableFor(BestAvailableIsa());
  ASSERT_TRUE(best.ok());
  EXPECT_EQ((*best)->isa, BestAvailableIsa());
}

// The process-wide choice is made once, so each case runs in a child process (gtest death
// test machinery) with its own CRATIO_ISA.
void ExpectChoice(const char* env_value, Isa want, bool want_ok) {
  setenv("CRATIO_ISA", env_value, 1);
  const bool ok = IsaOverrideStatus().ok();
  const Isa got = GetKernelTable().isa;
  if (ok == want_ok && got == want) std::exit(0);
  std::fprintf(stderr, "got isa %s ok %d\n", std::string(IsaName(got)).c_str(), ok);
  std::exit(1);
}

TEST(GetKernelTable, HonoursCratioIsaRef) {
  EXPECT_EXIT(ExpectChoice("ref", Isa::kRef, true), ::testing::ExitedWithCode(0), "");
}

TEST(GetKernelTable, UnknownCratioIsaFallsBackToBestWithStatus) {
  EXPECT_EXIT(ExpectChoice("neon", BestAvailableIsa(), false), ::testing::ExitedWithCode(0), "");
}

TEST(GetKernelTable, UnavailableOrAvailableAvx512IsHandled) {
  const bool has = KernelTableFor(Isa::kAvx512).ok();
  EXPECT_EXIT(ExpectChoice("avx512", has ? Isa::kAvx512 : BestAvailableIsa(), has),
              ::testing::ExitedWithCode(0), "");
}

TEST(GetKernelTable, EmptyCratioIsaMeansBest) {
  EXPECT_EXIT(ExpectChoice("", BestAvailableIsa(), true), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace cratio
