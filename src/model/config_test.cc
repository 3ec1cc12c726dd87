// ModelConfig from metadata: keys, defaults, RoPE layout and scaling, validation messages.
#include "model/config.h"

#include <gtest/gtest.h>

#include "model/tiny_model_testing.h"

namespace cratio {
namespace {

using testing::BuildTinyModel;
using testing::TinyModelSpec;

TEST(ModelConfig, ReadsLlamaKeysAndDefaults) {
  ModelFile f = BuildTinyModel(TinyModelSpec{});
  auto c = ModelConfig::FromModelFile(f);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->arch, Arch::kLlama);
  EXPECT_EQ(c->vocab_size, 50);  // from token_embd rows
  EXPECT_EQ(c->model_dim, 64);
  EXPECT_EQ(c->num_layers, 2);
  EXPECT_EQ(c->ffn_dim, 96);
  EXPECT_EQ(c->num_heads, 4);
  EXPECT_EQ(c->num_kv_heads, 2);
  EXPECT_EQ(c->head_dim, 16);
  EXPECT_EQ(c->rope_dim, 16);  // defaults to head_dim
  EXPECT_EQ(c->context_length, 64);
  EXPECT_FLOAT_EQ(c->rms_norm_eps, 1e-5f);
  EXPECT_EQ(c->rope_layout, RopeLayout::kAdjacent);
  EXPECT_FALSE(c->tied_output);
  EXPECT_EQ(c->rope_scaling_factor, 0.0f);
}

TEST(ModelConfig, Qwen2DefaultsToHalfLayoutAndTheKeyOverrides) {
  TinyModelSpec spec;
  spec.arch = "qwen2";
  spec.tied_output = true;
  ModelFile f = BuildTinyModel(spec);
  auto c = ModelConfig::FromModelFile(f);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->arch, Arch::kQwen2);
  EXPECT_EQ(c->rope_layout, RopeLayout::kHalf);
  EXPECT_TRUE(c->tied_output);
  f.metadata.Set(std::string(kKeyRopeLayout), MetaValue::Str("adjacent"));
  EXPECT_EQ(ModelConfig::FromModelFile(f)->rope_layout, RopeLayout::kAdjacent);
  f.metadata.Set(std::string(kKeyRopeLayout), MetaValue::Str("sideways"));
  auto bad = ModelConfig::FromModelFile(f);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("sideways"), std::string::npos);
}

TEST(ModelConfig, ReadsLlama3RopeScaling) {
  ModelFile f = BuildTinyModel(TinyModelSpec{});
  f.metadata.Set("llama.rope.scaling.type", MetaValue::Str("llama3"));
  f.metadata.Set("llama.rope.scaling.factor", MetaValue::F32(32.0f));
  f.metadata.Set("llama.rope.scaling.original_context_length", MetaValue::U32(8192));
  auto c = ModelConfig::FromModelFile(f);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->rope_scaling_factor, 32.0f);
  EXPECT_EQ(c->rope_low_freq_factor, 1.0f);
  EXPECT_EQ(c->rope_high_freq_factor, 4.0f);
  EXPECT_EQ(c->rope_original_context, 8192);
  f.metadata.Set("llama.rope.scaling.type", MetaValue::Str("yarn"));
  EXPECT_FALSE(ModelConfig::FromModelFile(f).ok());
}

TEST(ModelConfig, ErrorsNameTheKeyAndNumbers) {
  {
    ModelFile f = BuildTinyModel(TinyModelSpec{});
    f.metadata.Erase("llama.block_count");
    auto c = ModelConfig::FromModelFile(f);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.status().message().find("'llama.block_count' is missing"), std::string::npos)
        << c.status().message();
  }
  {
    ModelFile f = BuildTinyModel(TinyModelSpec{});
    f.metadata.Set("llama.attention.head_count_kv", MetaValue::U32(3));
    auto c = ModelConfig::FromModelFile(f);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.status().message().find("(4) is not a multiple"), std::string::npos)
        << c.status().message();
  }
  {
    ModelFile f = BuildTinyModel(TinyModelSpec{});
    f.metadata.Set("general.architecture", MetaValue::Str("gpt2"));
    auto c = ModelConfig::FromModelFile(f);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.status().message().find("'gpt2'"), std::string::npos);
  }
  {
    ModelFile f = BuildTinyModel(TinyModelSpec{});
    f.metadata.Set("llama.embedding_length", MetaValue::Str("wide"));
    auto c = ModelConfig::FromModelFile(f);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.status().message().find("expected an integer"), std::string::npos);
  }
}

}  // namespace
}  // namespace cratio
