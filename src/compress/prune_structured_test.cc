// Structured pruning: smaller tensors with the right shapes, the most important channels
// and head groups kept, per-layer metadata arrays, and a model the engine still runs.
#include "compress/prune_structured.h"

#include <gtest/gtest.h>

#include "compress/methods.h"
#include "compress/prune_test_util.h"
#include "compress/prune_unstructured.h"

namespace cratio {
namespace {

using testing::TensorF32;

std::vector<int64_t> IntArray(const ModelFile& m, const std::string& key) {
  std::vector<int64_t> out;
  const MetaArray* arr = m.metadata.GetArray(key);
  EXPECT_NE(arr, nullptr) << key;
  if (arr == nullptr) return out;
  EXPECT_EQ(arr->elem_type, MetaType::kI32) << key;
  for (const MetaValue& v : arr->items) out.push_back(*v.AsInt());
  return out;
}

TEST(KeptCounts, RoundToBlocksAndNeverReachZero) {
  EXPECT_EQ(KeptFfnChannels(172, 0.5, 1), 86);
  EXPECT_EQ(KeptFfnChannels(5632, 0.3, 256), 3840);  // 3942 rounded to 15 blocks of 256
  EXPECT_EQ(KeptFfnChannels(64, 0.99, 32), 32);
  EXPECT_EQ(KeptHeadGroups(4, 0.3), 3);
  EXPECT_EQ(KeptHeadGroups(2, 0.9), 1);
}

TEST(PruneStructured, HalfOfFfnAndHeadsGivesSmallerTensorsAndPerLayerArrays) {
  ModelFile model = testing::RandomModel(9);
  auto method = CreateMethod("prune-structured:0.5");
  ASSERT_TRUE(method.ok()) << method.status().message();
  CompressionReport report;
  Status st = (*method)->Apply(model, {}, &report);
  ASSERT_TRUE(st.ok()) << st.message();
  ModelFile back = testing::GgufRoundTrip(model, testing::TempDir());
  for (int l = 0; l < 2; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    // head_dim 16, 4 query heads over 2 KV heads: one group (2 query heads) is kept.
    EXPECT_EQ(back.FindTensor(p + "attn_q.weight")->view.shape, (Shape{32, 64}));
    EXPECT_EQ(back.FindTensor(p + "attn_k.weight")->view.shape, (Shape{16, 64}));
    EXPECT_EQ(back.FindTensor(p + "attn_v.weight")->view.shape, (Shape{16, 64}));
    EXPECT_EQ(back.FindTensor(p + "attn_output.weight")->view.shape, (Shape{64, 32}));
    EXPECT_EQ(back.FindTensor(p + "ffn_gate.weight")->view.shape, (Shape{86, 64}));
    EXPECT_EQ(back.FindTensor(p + "ffn_up.weight")->view.shape, (Shape{86, 64}));
    EXPECT_EQ(back.FindTensor(p + "ffn_down.weight")->view.shape, (Shape{64, 86}));
  }
  EXPECT_EQ(IntArray(back, "llama.feed_forward_length"), (std::vector<int64_t>{86, 86}));
  EXPECT_EQ(IntArray(back, "llama.attention.head_count"), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(IntArray(back, "llama.attention.head_count_kv"), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(back.metadata.GetInt("llama.attention.key_length"), 16);
  Result<ModelConfig> config = ModelConfig::FromModelFile(back);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->head_dim, 16);
  EXPECT_EQ(config->ffn_dim, 86);
  EXPECT_TRUE(testing::AllFinite(testing::RunLogits(back)));
}

TEST(PruneStructured, KeepsTheChannelAndHeadGroupWithTheLargestWeights) {
  ModelFile original = testing::RandomModel(9);
  ModelFile model = testing::RandomModel(9);
  // Make FFN channel 100 and KV group 1 of layer 0 dominant by scaling their weights ×10.
  auto scale_rows = [&](const std::string& name, int64_t first, int64_t count) {
    TensorEntry* e = nullptr;
    for (TensorEntry& t : model.tensors) {
      if (t.name == name) e = &t;
    }
    std::vector<float> w = TensorF32(model, name);
    for (int64_t i = first * e->view.cols(); i < (first + count) * e->view.cols(); ++i) w[i] *= 10;
    auto buf = StoreTensorF32(w.data(), e->view.dtype, e->view.shape, nullptr);
    e->view.data = buf->data();
    model.owned.push_back(buf);
  };
  scale_rows("blk.0.ffn_gate.weight", 100, 1);
  scale_rows("blk.0.attn_k.weight", 16, 16);
  CompressionReport report;
  ASSERT_TRUE((*CreateMethod("prune-structured:0.9"))->Apply(model, {}, &report).ok());
  // 172 × 0.1 → 17 channels kept, channel 100 among them (rows stay in order).
  const std::vector<float> gate = TensorF32(model, "blk.0.ffn_gate.weight");
  ASSERT_EQ(gate.size(), 17u * 64);
  const std::vector<float> gate_before = TensorF32(original, "blk.0.ffn_gate.weight");
  bool found = false;
  for (int64_t r = 0; r < 17; ++r) {
    found |= gate[r * 64] == gate_before[100 * 64] * 10 && gate[r * 64 + 1] == gate_before[100 * 64 + 1] * 10;
  }
  EXPECT_TRUE(found);
  // KV group 1: its K rows (16..31) and V rows; query heads 2 and 3 (rows 32..63).
  const std::vector<float> k = TensorF32(model, "blk.0.attn_k.weight");
  const std::vector<float> k_before = TensorF32(original, "blk.0.attn_k.weight");
  ASSERT_EQ(k.size(), 16u * 64);
  EXPECT_EQ(k[0], k_before[16 * 64] * 10);
  const std::vector<float> q = TensorF32(model, "blk.0.attn_q.weight");
  const std::vector<float> q_before = TensorF32(original, "blk.0.attn_q.weight");
  ASSERT_EQ(q.size(), 32u * 64);
  EXPECT_EQ(std::vector<float>(q.begin(), q.end()),
            std::vector<float>(q_before.begin() + 32 * 64, q_before.end()));
  const std::vector<float> o = TensorF32(model, "blk.0.attn_output.weight");  // [64, 32]
  const std::vector<float> o_before = TensorF32(original, "blk.0.attn_output.weight");
  for (int64_t r = 0; r < 64; ++r) {
    for (int64_t c = 0; c < 32; ++c) ASSERT_EQ(o[r * 32 + c], o_before[r * 64 + 32 + c]);
  }
}

TEST(PruneStructured, FfnOnlyLeavesAttentionAndHeadMetadataAlone) {
  ModelFile model = testing::RandomModel(9);
  CompressionReport report;
  ASSERT_TRUE((*CreateMethod("prune-structured:0.25:ffn"))->Apply(model, {}, &report).ok());
  EXPECT_EQ(model.FindTensor("blk.0.attn_q.weight")->view.shape, (Shape{64, 64}));
  EXPECT_EQ(model.FindTensor("blk.1.ffn_down.weight")->view.shape, (Shape{64, 129}));
  EXPECT_EQ(model.metadata.GetInt("llama.attention.head_count"), 4);
  EXPECT_EQ(IntArray(model, "llama.feed_forward_length"), (std::vector<int64_t>{129, 129}));
  EXPECT_TRUE(testing::AllFinite(testing::RunLogits(model)));
}

TEST(PruneStructured, ActivationAwareScoresUseTheDownProjectionInputs) {
  ModelFile model = testing::RandomModel(9);
  ModelFile original = testing::RandomModel(9);
  CalibrationData calib;
  for (int l = 0; l < 2; ++l) {
    ActivationStats ffn;
    ffn.sum_sq.assign(172, 1e-6);
    ffn.sum_sq[7] = 1.0;  // only channel 7 is ever active
    ffn.num_tokens = 1;
    calib.by_tensor["blk." + std::to_string(l) + ".ffn_down.weight"] = ffn;
    ActivationStats attn;
    attn.sum_sq.assign(64, 1.0);
    attn.num_tokens = 1;
    calib.by_tensor["blk." + std::to_string(l) + ".attn_output.weight"] = attn;
  }
  CompressionContext ctx;
  ctx.calib = &calib;
  CompressionReport report;
  ASSERT_TRUE((*CreateMethod("prune-structured:0.99:act"))->Apply(model, ctx, &report).ok());
  const std::vector<float> gate = TensorF32(model, "blk.1.ffn_gate.weight");
  const std::vector<float> gate_before = TensorF32(original, "blk.1.ffn_gate.weight");
  ASSERT_EQ(gate.size(), 2u * 64);  // 172 × 0.01 rounds to 2 channels
  EXPECT_TRUE(std::equal(gate.begin(), gate.begin() + 64, gate_before.begin() + 7 * 64) ||
              std::equal(gate.begin() + 64, gate.end(), gate_before.begin() + 7 * 64));
  ModelFile no_calib = testing::RandomModel(9);
  EXPECT_EQ((*CreateMethod("prune-structured:0.5:act"))->Apply(no_calib, {}, &report).code(),
            StatusCode::kInvalidInput);
}

TEST(PruneStructured, RemovingEverythingIsInvalidInput) {
  for (const char* step : {"prune-structured:1.0", "prune-structured:1.5", "prune-structured",
                           "prune-structured:0.3:mlp"}) {
    auto m = CreateMethod(step);
    ASSERT_FALSE(m.ok()) << step;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  }
  EXPECT_NE(CreateMethod("prune-structured:1.0").status().message().find("[0, 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace cratio
