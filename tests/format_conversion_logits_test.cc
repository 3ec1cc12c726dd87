// The formats carry the same model: stories260K read from GGUF, moved to the Hugging Face
// RoPE layout and written as safetensors, or written as a llama2.c checkpoint, gives the
// same next-token logits through the engine.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "io/llama2c.h"
#include "io/safetensors.h"
#include "model/config.h"
#include "model/session.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

// The half-layout path rotates the same pairs in another order: f32 rounding only.
constexpr double kLayoutLogitTolerance = 1e-4;

std::vector<float> LastLogits(const ModelFile& file) {
  Result<ModelConfig> config = ModelConfig::FromModelFile(file);
  EXPECT_TRUE(config.ok()) << config.status().message();
  if (!config.ok()) return {};
  Result<ModelWeights> weights = ModelWeights::Load(file, *config);
  EXPECT_TRUE(weights.ok()) << weights.status().message();
  if (!weights.ok()) return {};
  SessionOptions options;
  options.num_threads = 1;
  options.n_ctx = 64;
  auto session = Session::Create(*weights, options);
  EXPECT_TRUE(session.ok()) << session.status().message();
  if (!session.ok()) return {};
  const std::vector<int32_t> tokens = {1, 403, 407, 261, 378, 280, 306, 300, 390, 290};
  Batch batch;
  for (size_t i = 0; i < tokens.size(); ++i) {
    batch.Add(tokens[i], static_cast<int32_t>(i), 0, i + 1 == tokens.size());
  }
  const Status s = (*session)->Forward(batch);
  EXPECT_TRUE(s.ok()) << s.message();
  if (!s.ok()) return {};
  const float* row = (*session)->logits(0);
  return std::vector<float>(row, row + (*session)->vocab_size());
}

TEST(FormatConversion, Stories260KGivesTheSameLogitsFromGgufSafetensorsAndLlama2c) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  Result<ModelFile> gguf = ReadModelFile(testing::DataPath("models/stories260K.gguf"));
  ASSERT_TRUE(gguf.ok()) << gguf.status().message();
  const std::vector<float> reference = LastLogits(*gguf);
  ASSERT_EQ(reference.size(), 512u);

  const std::string dir = testing::TempDir();
  ModelFile hf = std::move(*gguf);
  ASSERT_TRUE(ConvertRopeLayout(hf, QkPermutation::kAdjacentToHalf).ok());
  ASSERT_TRUE(WriteSafetensors(dir + "/hf", hf).ok());
  Result<ModelFile> st = ReadModelFile(dir + "/hf");
  ASSERT_TRUE(st.ok()) << st.status().message();
  ASSERT_EQ(st->metadata.GetString(kKeyRopeLayout), "half");
  const std::vector<float> from_safetensors = LastLogits(*st);

  // llama2.c wants the adjacent layout; its writer permutes the half-layout rows back.
  ASSERT_TRUE(WriteLlama2c(dir + "/stories260K.bin", *st).ok());
  Result<ModelFile> l2c = ReadModelFile(dir + "/stories260K.bin");
  ASSERT_TRUE(l2c.ok()) << l2c.status().message();
  const std::vector<float> from_llama2c = LastLogits(*l2c);

  ASSERT_EQ(from_safetensors.size(), reference.size());
  ASSERT_EQ(from_llama2c.size(), reference.size());
  for (size_t i = 0; i < reference.size(); ++i) {
    EXPECT_NEAR(from_safetensors[i], reference[i], kLayoutLogitTolerance) << "token " << i;
    EXPECT_EQ(from_llama2c[i], reference[i]) << "token " << i;  // same weights, same layout
  }
}

}  // namespace
}  // namespace cratio
