// Tests of size / FLOP / memory accounting on hand-computed tiny models and stories260K.
#include "model/accounting.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "numeric/half.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

// Adds an f32 tensor filled with `values` (or with 1.0 when empty).
void AddF32(ModelFile& m, const std::string& name, Shape shape, std::vector<float> values = {}) {
  if (values.empty()) values.assign(shape.num_elements(), 1.0f);
  auto buf = std::make_shared<AlignedBuffer>(values.size() * sizeof(float));
  std::memcpy(buf->data(), values.data(), values.size() * sizeof(float));
  m.tensors.push_back({name, name, TensorView{DType::kF32, shape, buf->data(), buf->size()}, 0});
  m.owned.push_back(std::move(buf));
}

void AddRaw(ModelFile& m, const std::string& name, DType dtype, Shape shape,
            const std::vector<uint8_t>& bytes) {
  auto buf = std::make_shared<AlignedBuffer>(bytes.size());
  std::memcpy(buf->data(), bytes.data(), bytes.size());
  m.tensors.push_back({name, name, TensorView{dtype, shape, buf->data(), buf->size()}, 0});
  m.owned.push_back(std::move(buf));
}

// dim 4, one layer, 2 heads of head_dim 2, 1 KV head, ffn 6, vocab 5.
ModelConfig TinyConfig() {
  ModelConfig c;
  c.vocab_size = 5, c.model_dim = 4, c.num_layers = 1, c.ffn_dim = 6;
  c.num_heads = 2, c.num_kv_heads = 1, c.head_dim = 2, c.rope_dim = 2;
  c.context_length = 10;
  return c;
}

ModelFile TinyModel(bool with_output = true) {
  ModelFile m;
  AddF32(m, "token_embd.weight", {5, 4});
  AddF32(m, "blk.0.attn_norm.weight", {4});
  // Six exact zeros in Q, one of them negative zero.
  std::vector<float> q(16, 0.5f);
  q[0] = q[1] = q[2] = q[7] = q[9] = 0.0f;
  q[15] = -0.0f;
  AddF32(m, "blk.0.attn_q.weight", {4, 4}, q);
  AddF32(m, "blk.0.attn_k.weight", {2, 4});
  AddF32(m, "blk.0.attn_v.weight", {2, 4});
  AddF32(m, "blk.0.attn_output.weight", {4, 4});
  AddF32(m, "blk.0.ffn_norm.weight", {4});
  AddF32(m, "blk.0.ffn_gate.weight", {6, 4});
  AddF32(m, "blk.0.ffn_up.weight", {6, 4});
  AddF32(m, "blk.0.ffn_down.weight", {4, 6});
  AddF32(m, "output_norm.weight", {4});
  if (with_output) AddF32(m, "output.weight", {5, 4});
  return m;
}

TEST(Accounting, CountsParametersZerosAndGroupsOfHandBuiltModel) {
  const ModelFile m = TinyModel();
  const ModelConfig c = TinyConfig();
  auto acc = ComputeAccounting(m, &c);
  ASSERT_TRUE(acc.ok()) << acc.status().message();
  EXPECT_EQ(acc->num_tensors, 12);
  EXPECT_EQ(acc->params_total, 20 + 4 + 16 + 8 + 8 + 16 + 4 + 24 + 24 + 24 + 4 + 20);
  EXPECT_EQ(acc->params_nonzero, acc->params_total - 6);
  EXPECT_EQ(acc->tensor_bytes, 172u * 4);
  EXPECT_DOUBLE_EQ(acc->bits_per_weight, 32.0);
  std::map<RoleGroup, GroupAccounting> g;
  for (const auto& x : acc->by_group) g[x.group] = x;
  EXPECT_EQ(g[RoleGroup::kEmbedding].params, 20);
  EXPECT_EQ(g[RoleGroup::kAttention].params, 48);
  EXPECT_EQ(g[RoleGroup::kAttention].params_nonzero, 42);
  EXPECT_EQ(g[RoleGroup::kFfn].params, 72);
  EXPECT_EQ(g[RoleGroup::kNorm].params, 12);
  EXPECT_EQ(g[RoleGroup::kOutput].params, 20);
  ASSERT_EQ(acc->by_dtype.size(), 1u);
  EXPECT_EQ(acc->by_dtype[0].dtype, DType::kF32);
  EXPECT_EQ(acc->by_dtype[0].size_bytes, 688u);
}

TEST(Accounting, FlopsKvCacheAndMemoryAtContextMatchHandComputation) {
  const ModelFile m = TinyModel();
  const ModelConfig c = TinyConfig();
  auto acc = ComputeAccounting(m, &c);  // context 10 from the config
  ASSERT_TRUE(acc.ok()) << acc.status().message();
  EXPECT_EQ(acc->context_length, 10);
  // Q 16 + K 8 + V 8 + O 16 + gate 24 + up 24 + down 24 + output 20.
  EXPECT_EQ(acc->linear_macs_per_token, 140);
  EXPECT_EQ(acc->linear_macs_nonzero_per_token, 134);
  // QK^T and AV: 2 * 2 * (2 heads * head_dim 2) * 10.
  EXPECT_EQ(acc->attention_flops_per_token, 160);
  EXPECT_EQ(acc->flops_per_token, 2 * 140 + 160);
  EXPECT_EQ(acc->flops_per_token_sparse, 2 * 134 + 160);
  // K and V: 10 positions * 2 floats each (1 KV head * head_dim 2) * 4 bytes.
  EXPECT_EQ(acc->kv_cache_bytes, 160u);
  // 4*dim + q 4 + k 2 + v 2 + 2*ffn 12 + heads 2 * ctx 10 + vocab 5 floats.
  EXPECT_EQ(acc->scratch_bytes, (16u + 4 + 2 + 2 + 12 + 20 + 5) * 4);
  EXPECT_EQ(acc->memory_bytes, acc->weight_bytes + acc->kv_cache_bytes + acc->scratch_bytes);

  AccountingOptions longer;
  longer.context_length = 100;
  auto acc100 = ComputeAccounting(m, &c, longer);
  ASSERT_TRUE(acc100.ok());
  EXPECT_EQ(acc100->attention_flops_per_token, 1600);
  EXPECT_EQ(acc100->kv_cache_bytes, 1600u);
}

TEST(Accounting, TiedOutputCountsEmbeddingAsClassifier) {
  const ModelFile m = TinyModel(/*with_output=*/false);
  const ModelConfig c = TinyConfig();
  auto acc = ComputeAccounting(m, &c);
  ASSERT_TRUE(acc.ok());
  EXPECT_EQ(acc->params_total, 152);
  EXPECT_EQ(acc->linear_macs_per_token, 140);  // the 5x4 embedding replaces output
}

TEST(Accounting, LowRankFactorsCountBothMatmuls) {
  ModelFile m = TinyModel();
  // Replace Q [4, 4] with a rank-1 pair: A [1, 4], B [4, 1] -> 8 MACs instead of 16.
  m.tensors.erase(m.tensors.begin() + 2);
  AddF32(m, "blk.0.attn_q.lr_a.weight", {1, 4});
  AddF32(m, "blk.0.attn_q.lr_b.weight", {4, 1});
  const ModelConfig c = TinyConfig();
  auto acc = ComputeAccounting(m, &c);
  ASSERT_TRUE(acc.ok()) << acc.status().message();
  EXPECT_EQ(acc->linear_macs_per_token, 140 - 16 + 8);
  EXPECT_EQ(acc->params_total, 172 - 16 + 8);
  // Heads still come from B's 4 output rows.
  EXPECT_EQ(acc->attention_flops_per_token, 160);
}

TEST(Accounting, CountsZerosOfF16AndQuantizedRows) {
  // f16: +0, -0, 1.0, a subnormal (non-zero).
  ModelFile m;
  std::vector<uint8_t> f16(8);
  const uint16_t h[4] = {0x0000, 0x8000, 0x3c00, 0x0001};
  std::memcpy(f16.data(), h, 8);
  AddRaw(m, "blk.0.attn_k.weight", DType::kF16, {1, 4}, f16);
  // q8_0, two blocks of 32: block 0 has scale 1.0 and quants 0..31 (one zero); block 1
  // has scale 0 (all 32 zero).
  std::vector<uint8_t> q8(2 * 34, 0);
  const uint16_t one = 0x3c00;
  std::memcpy(q8.data(), &one, 2);
  for (int i = 0; i < 32; ++i) q8[2 + i] = static_cast<uint8_t>(i);
  for (int i = 0; i < 32; ++i) q8[34 + 2 + i] = static_cast<uint8_t>(i + 1);
  AddRaw(m, "blk.0.attn_v.weight", DType::kQ8_0, {1, 64}, q8);
  auto acc = ComputeAccounting(m, nullptr);
  ASSERT_TRUE(acc.ok()) << acc.status().message();
  EXPECT_EQ(acc->params_total, 68);
  EXPECT_EQ(acc->params_nonzero, 2 + 31);
  std::map<DType, DTypeAccounting> d;
  for (const auto& x : acc->by_dtype) d[x.dtype] = x;
  EXPECT_DOUBLE_EQ(d[DType::kQ8_0].bits_per_weight, 8.5);
  EXPECT_DOUBLE_EQ(d[DType::kF16].bits_per_weight, 16.0);
  // Without a config only the linear FLOPs from tensors are known.
  EXPECT_EQ(acc->flops_per_token, 2 * 68);
  EXPECT_EQ(acc->kv_cache_bytes, 0u);
}

TEST(Accounting, ParallelZeroCountMatchesSerial) {
  Tensor t(DType::kF32, Shape{512, 256});
  float* p = t.as<float>();
  for (int64_t i = 0; i < 512 * 256; ++i) p[i] = (i % 7 == 0 || i % 11 == 0) ? 0.0f : 1.0f;
  int64_t expected = 0;
  for (int64_t i = 0; i < 512 * 256; ++i) expected += !(i % 7 == 0 || i % 11 == 0);
  ThreadPool pool(3);
  auto serial = CountNonZero(t.view());
  auto parallel = CountNonZero(t.view(), &pool);
  ASSERT_TRUE(serial.ok() && parallel.ok());
  EXPECT_EQ(*serial, expected);
  EXPECT_EQ(*parallel, expected);
}

TEST(Accounting, Stories260KParameterCountEqualsSumOfTensorShapes) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  auto file = ReadModelFile(testing::DataPath("models/stories260K.gguf"));
  ASSERT_TRUE(file.ok()) << file.status().message();
  auto config = ModelConfig::FromModelFile(*file);
  ASSERT_TRUE(config.ok()) << config.status().message();
  int64_t expected = 0;
  for (const TensorEntry& e : file->tensors) {
    int64_t n = 1;
    for (int i = 0; i < e.view.shape.rank(); ++i) n *= e.view.shape.dim(i);
    expected += n;
  }
  AccountingOptions opts;
  opts.context_length = 512;
  auto acc = ComputeAccounting(*file, &*config, opts);
  ASSERT_TRUE(acc.ok()) << acc.status().message();
  EXPECT_EQ(acc->params_total, expected);
  EXPECT_EQ(acc->num_tensors, 48);
  EXPECT_EQ(acc->tensor_bytes, static_cast<uint64_t>(expected) * 4);  // all f32
  EXPECT_GT(acc->params_nonzero, expected * 99 / 100);
  // dim 64, 5 layers, 8 heads / 4 KV heads of 8, ffn 172, vocab 512, tied output.
  const int64_t per_layer_macs = 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 172 * 64;
  EXPECT_EQ(acc->linear_macs_per_token, 5 * per_layer_macs + 512 * 64);
  EXPECT_EQ(acc->attention_flops_per_token, 5 * 4 * 64 * 512);
  EXPECT_EQ(acc->kv_cache_bytes, 5u * 512 * 2 * 32 * 4);
}

}  // namespace
}  // namespace cratio
