// 2:4 semi-structured pruning: every group of 4 consecutive weights keeps its 2 largest
// scores, read back from the stored file.
#include <gtest/gtest.h>

#include "compress/methods.h"
#include "compress/prune_test_util.h"
#include "compress/prune_unstructured.h"

namespace cratio {
namespace {

using testing::TensorF32;

TEST(PruneTwoOfFour, EveryGroupOfFourKeepsItsTwoLargestMagnitudesAfterGguf) {
  ModelFile original = testing::RandomModel(5);
  ModelFile model = testing::RandomModel(5);
  auto method = CreateMethod("prune-2:4");
  ASSERT_TRUE(method.ok()) << method.status().message();
  EXPECT_EQ((*method)->spec(), "prune-2:4");
  CompressionReport report;
  ASSERT_TRUE((*method)->Apply(model, {}, &report).ok());
  ModelFile back = testing::GgufRoundTrip(model, testing::TempDir());
  int64_t num_checked = 0;
  for (const TensorEntry& e : back.tensors) {
    if (!IsPrunableLinear(e)) continue;
    const std::vector<float> before = TensorF32(original, e.name);
    const std::vector<float> after = TensorF32(back, e.name);
    for (size_t g = 0; g < after.size(); g += 4) {
      int zeros = 0;
      float largest_dropped = 0.0f, smallest_kept = 1e30f;
      for (size_t i = g; i < g + 4; ++i) {
        if (after[i] == 0.0f) {
          ++zeros;
          largest_dropped = std::max(largest_dropped, std::fabs(before[i]));
        } else {
          ASSERT_EQ(after[i], before[i]);
          smallest_kept = std::min(smallest_kept, std::fabs(before[i]));
        }
      }
      ASSERT_EQ(zeros, 2) << e.name << " group at " << g;
      ASSERT_LE(largest_dropped, smallest_kept) << e.name << " group at " << g;
    }
    ++num_checked;
  }
  EXPECT_EQ(num_checked, 14);
  EXPECT_TRUE(testing::AllFinite(testing::RunLogits(back)));
}

TEST(PruneTwoOfFour, WandaScoresFollowTheActivations) {
  ModelFile model = testing::RandomModel(5);
  CalibrationData calib;
  for (const TensorEntry& e : model.tensors) {
    if (!IsPrunableLinear(e)) continue;
    ActivationStats st;
    st.sum_sq.assign(e.view.cols(), 1.0);
    // Within each group of 4, columns 0 and 1 see huge activations.
    for (int64_t c = 0; c < e.view.cols(); c += 4) st.sum_sq[c] = st.sum_sq[c + 1] = 1e12;
    st.num_tokens = 1;
    calib.by_tensor[e.name] = st;
  }
  CompressionContext ctx;
  ctx.calib = &calib;
  CompressionReport report;
  ASSERT_TRUE((*CreateMethod("prune-2:4:wanda"))->Apply(model, ctx, &report).ok());
  const std::vector<float> w = TensorF32(model, "blk.1.attn_v.weight");
  for (size_t g = 0; g < w.size(); g += 4) {
    ASSERT_NE(w[g], 0.0f);
    ASSERT_NE(w[g + 1], 0.0f);
    ASSERT_EQ(w[g + 2], 0.0f);
    ASSERT_EQ(w[g + 3], 0.0f);
  }
}

TEST(PruneTwoOfFour, OtherPatternsAreInvalidInput) {
  for (const char* step : {"prune-2:8", "prune-2", "prune-2:4:foo"}) {
    auto m = CreateMethod(step);
    ASSERT_FALSE(m.ok()) << step;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  }
}

}  // namespace
}  // namespace cratio
