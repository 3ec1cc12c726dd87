// Tests for config.json <-> llama.cpp metadata.
#include "io/hf_config.h"

#include <gtest/gtest.h>

#include "io/json_parse.h"

namespace cratio {
namespace {

using Json = nlohmann::ordered_json;

Json Llama3Config() {
  return Json::parse(R"({
    "architectures": ["LlamaForCausalLM"], "model_type": "llama",
    "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16,
    "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64,
    "max_position_embeddings": 131072, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
    "vocab_size": 128256, "tie_word_embeddings": true,
    "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                     "original_max_position_embeddings": 8192, "rope_type": "llama3"}
  })");
}

TEST(HfConfig, Llama3ConfigBecomesLlamaCppKeys) {
  Result<Metadata> m = MetadataFromHfConfig(Llama3Config(), "/m/config.json");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->GetString("general.architecture"), "llama");
  EXPECT_EQ(m->GetInt("llama.embedding_length"), 2048);
  EXPECT_EQ(m->GetInt("llama.block_count"), 16);
  EXPECT_EQ(m->GetInt("llama.feed_forward_length"), 8192);
  EXPECT_EQ(m->GetInt("llama.attention.head_count"), 32);
  EXPECT_EQ(m->GetInt("llama.attention.head_count_kv"), 8);
  EXPECT_EQ(m->GetInt("llama.rope.dimension_count"), 64);
  EXPECT_EQ(m->GetInt("llama.context_length"), 131072);
  EXPECT_EQ(m->GetInt("llama.vocab_size"), 128256);
  EXPECT_FLOAT_EQ(*m->GetDouble("llama.attention.layer_norm_rms_epsilon"), 1e-5f);
  EXPECT_FLOAT_EQ(*m->GetDouble("llama.rope.freq_base"), 500000.0f);
  EXPECT_EQ(m->GetBool(kKeyTiedEmbeddings), true);
  EXPECT_EQ(m->GetString("llama.rope.scaling.type"), "llama3");
  EXPECT_FLOAT_EQ(*m->GetDouble("llama.rope.scaling.factor"), 32.0f);
  EXPECT_FLOAT_EQ(*m->GetDouble("llama.rope.scaling.low_freq_factor"), 1.0f);
  EXPECT_FLOAT_EQ(*m->GetDouble("llama.rope.scaling.high_freq_factor"), 4.0f);
  EXPECT_EQ(m->GetInt("llama.rope.scaling.original_context_length"), 8192);
  // head_dim 64 == 2048 / 32, so no explicit key_length.
  EXPECT_FALSE(m->Contains("llama.attention.key_length"));
}

TEST(HfConfig, Qwen2AndMistralMapToTheirGgufArchitectures) {
  Json q = Llama3Config();
  q["architectures"] = Json::array({"Qwen2ForCausalLM"});
  q.erase("rope_scaling");
  Result<Metadata> m = MetadataFromHfConfig(q, "q/config.json");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->GetString("general.architecture"), "qwen2");
  EXPECT_EQ(m->GetInt("qwen2.embedding_length"), 2048);
  EXPECT_FALSE(m->Contains("qwen2.rope.scaling.type"));

  Json mistral = q;
  mistral.erase("architectures");
  mistral["model_type"] = "mistral";
  m = MetadataFromHfConfig(mistral, "m/config.json");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->GetString("general.architecture"), "llama");
}

TEST(HfConfig, DefaultsFollowHuggingFaceWhenOptionalFieldsAreAbsent) {
  Json j = Json::parse(R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 64,
    "intermediate_size": 172, "num_hidden_layers": 5, "num_attention_heads": 8,
    "vocab_size": 512})");
  Result<Metadata> m = MetadataFromHfConfig(j, "c.json");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->GetInt("llama.attention.head_count_kv"), 8);
  EXPECT_EQ(m->GetInt("llama.rope.dimension_count"), 8);
  EXPECT_EQ(m->GetInt("llama.context_length"), 2048);
  EXPECT_FLOAT_EQ(*m->GetDouble("llama.rope.freq_base"), 10000.0f);
  EXPECT_FLOAT_EQ(*m->GetDouble("llama.attention.layer_norm_rms_epsilon"), 1e-6f);
  EXPECT_EQ(m->GetBool(kKeyTiedEmbeddings), false);
}

TEST(HfConfig, MissingOrMistypedFieldNamesFileAndField) {
  Json j = Llama3Config();
  j.erase("hidden_size");
  Result<Metadata> m = MetadataFromHfConfig(j, "/models/x/config.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(m.status().message().find("/models/x/config.json"), std::string::npos);
  EXPECT_NE(m.status().message().find("'hidden_size' is missing"), std::string::npos)
      << m.status().message();

  j = Llama3Config();
  j["num_hidden_layers"] = "sixteen";
  m = MetadataFromHfConfig(j, "c.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("'num_hidden_layers' must be an integer"),
            std::string::npos) << m.status().message();

  j = Llama3Config();
  j["rope_scaling"].erase("low_freq_factor");
  m = MetadataFromHfConfig(j, "c.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("rope_scaling.low_freq_factor"), std::string::npos)
      << m.status().message();

  j = Llama3Config();
  j["num_key_value_heads"] = 7;
  m = MetadataFromHfConfig(j, "c.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("not a multiple of num_key_value_heads 7"),
            std::string::npos) << m.status().message();
}

TEST(HfConfig, UnsupportedArchitectureIsNamed) {
  Json j = Llama3Config();
  j["architectures"] = Json::array({"GPTNeoXForCausalLM"});
  Result<Metadata> m = MetadataFromHfConfig(j, "c.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("'GPTNeoXForCausalLM' is not supported"),
            std::string::npos) << m.status().message();
}

TEST(HfConfig, WrittenConfigReadsBackToTheSameKeys) {
  Result<Metadata> m = MetadataFromHfConfig(Llama3Config(), "c.json");
  ASSERT_TRUE(m.ok());
  Result<std::string> text = HfConfigFromMetadata(*m, /*tied=*/true, DType::kBF16);
  ASSERT_TRUE(text.ok()) << text.status().message();
  Result<Json> j = ParseJsonText(*text, "written");
  ASSERT_TRUE(j.ok()) << j.status().message();
  EXPECT_EQ((*j)["torch_dtype"], "bfloat16");
  EXPECT_EQ((*j)["rms_norm_eps"].get<double>(), 1e-5);  // shortest form, not 9.99999974e-06
  Result<Metadata> back = MetadataFromHfConfig(*j, "written");
  ASSERT_TRUE(back.ok()) << back.status().message();
  for (const auto& [key, value] : m->entries()) {
    const MetaValue* v = back->Find(key);
    ASSERT_NE(v, nullptr) << key;
    EXPECT_EQ(*v, value) << key;
  }
}

TEST(HfConfig, WritingNeedsTheArchitectureSizes) {
  Metadata m;
  m.Set("general.architecture", MetaValue::Str("llama"));
  m.Set("llama.embedding_length", MetaValue::U32(64));
  Result<std::string> text = HfConfigFromMetadata(m, false, DType::kF32);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("'llama.block_count' is missing"), std::string::npos)
      << text.status().message();
}

}  // namespace
}  // namespace cratio
