// Tests for the tensor-name spelling and its parser.
#include "model/tensor_names.h"

#include <gtest/gtest.h>

namespace cratio {
namespace {

constexpr TensorRole kAllRoles[] = {
    TensorRole::kTokenEmbd, TensorRole::kOutputNorm, TensorRole::kOutput,
    TensorRole::kAttnNorm,  TensorRole::kAttnQ,      TensorRole::kAttnK,
    TensorRole::kAttnV,     TensorRole::kAttnOutput, TensorRole::kAttnQBias,
    TensorRole::kAttnKBias, TensorRole::kAttnVBias,  TensorRole::kFfnNorm,
    TensorRole::kFfnGate,   TensorRole::kFfnUp,      TensorRole::kFfnDown,
    TensorRole::kRopeFreqs,
};

TEST(TensorName, SpellsLlamaCppNames) {
  EXPECT_EQ(TensorName(TensorRole::kTokenEmbd), "token_embd.weight");
  EXPECT_EQ(TensorName(TensorRole::kOutput), "output.weight");
  EXPECT_EQ(TensorName(TensorRole::kOutputNorm), "output_norm.weight");
  EXPECT_EQ(TensorName(TensorRole::kRopeFreqs), "rope_freqs.weight");
  EXPECT_EQ(TensorName(TensorRole::kAttnQ, 3), "blk.3.attn_q.weight");
  EXPECT_EQ(TensorName(TensorRole::kAttnKBias, 12), "blk.12.attn_k.bias");
  EXPECT_EQ(TensorName(TensorRole::kFfnDown, 0), "blk.0.ffn_down.weight");
  EXPECT_EQ(TensorName(TensorRole::kAttnOutput, 7), "blk.7.attn_output.weight");
}

TEST(TensorName, ParseInvertsTensorNameForEveryRole) {
  for (TensorRole role : kAllRoles) {
    const int64_t layer = IsPerLayer(role) ? 5 : -1;
    const std::string name = TensorName(role, layer);
    auto parsed = ParseTensorName(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(parsed->role, role) << name;
    EXPECT_EQ(parsed->layer_idx, layer) << name;
    EXPECT_EQ(parsed->factor, "") << name;
  }
}

TEST(TensorName, ParsesLowRankFactors) {
  auto a = ParseTensorName("blk.2.attn_q.lr_a.weight");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->role, TensorRole::kAttnQ);
  EXPECT_EQ(a->layer_idx, 2);
  EXPECT_EQ(a->factor, "lr_a");
  auto b = ParseTensorName("blk.10.ffn_down.lr_b.weight");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->role, TensorRole::kFfnDown);
  EXPECT_EQ(b->layer_idx, 10);
  EXPECT_EQ(b->factor, "lr_b");
  auto out = ParseTensorName("output.lr_b.weight");
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->role, TensorRole::kOutput);
  EXPECT_EQ(out->factor, "lr_b");
}

TEST(TensorName, RejectsUnknownAndMalformedNames) {
  EXPECT_FALSE(ParseTensorName("blk.x.attn_q.weight"));
  EXPECT_FALSE(ParseTensorName("blk.-1.attn_q.weight"));
  EXPECT_FALSE(ParseTensorName("blk..attn_q.weight"));
  EXPECT_FALSE(ParseTensorName("blk.3.attn_qq.weight"));
  EXPECT_FALSE(ParseTensorName("blk.3.attn_q"));
  EXPECT_FALSE(ParseTensorName("token_embd.bias"));
  EXPECT_FALSE(ParseTensorName("blk.3.token_embd.weight"));
  EXPECT_FALSE(ParseTensorName("attn_q.weight"));
  // Norms are not linear layers, so they have no low-rank factors.
  EXPECT_FALSE(ParseTensorName("blk.1.attn_norm.lr_a.weight"));
  EXPECT_FALSE(ParseTensorName("blk.1.attn_q.lr_c.weight"));
}

TEST(TensorName, GroupsAndLinearity) {
  EXPECT_TRUE(IsLinear(TensorRole::kAttnQ));
  EXPECT_TRUE(IsLinear(TensorRole::kOutput));
  EXPECT_FALSE(IsLinear(TensorRole::kTokenEmbd));
  EXPECT_FALSE(IsLinear(TensorRole::kAttnQBias));
  EXPECT_EQ(GroupOf(TensorRole::kFfnUp), RoleGroup::kFfn);
  EXPECT_EQ(GroupOf(TensorRole::kAttnVBias), RoleGroup::kAttention);
  EXPECT_EQ(GroupOf(TensorRole::kFfnNorm), RoleGroup::kNorm);
  EXPECT_EQ(RoleGroupName(GroupOf(TensorRole::kTokenEmbd)), "embedding");
  EXPECT_TRUE(IsPerLayer(TensorRole::kFfnNorm));
  EXPECT_FALSE(IsPerLayer(TensorRole::kRopeFreqs));
}

}  // namespace
}  // namespace cratio
