// End to end on the real stories260K model (llama2.c's 260K-parameter TinyStories model
// as GGUF): greedy decoding from BOS must reproduce its publicly documented story, in
// the library and through `cratio generate`.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "model/config.h"
#include "model/generate.h"
#include "model/session.h"
#include "model/weights.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

constexpr const char* kModel = "models/stories260K.gguf";
// The greedy continuation from BOS (llama2.c's `run stories260K.bin -t 0`).
constexpr std::string_view kStory =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
    "park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n"
    "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do.";

// Decodes SentencePiece pieces straight from the GGUF vocabulary ("▁" is a space,
// "<0x0A>" a byte), so this check of the engine does not depend on the tokenizer.
std::string DecodeWithVocab(const ModelFile& file, const std::vector<int32_t>& ids) {
  const MetaArray* tokens = file.metadata.GetArray("tokenizer.ggml.tokens");
  std::string out;
  for (int32_t id : ids) {
    std::string piece = *tokens->items[id].AsString();
    if (piece.size() == 6 && piece.rfind("<0x", 0) == 0 && piece.back() == '>') {
      out += static_cast<char>(std::stoi(piece.substr(3, 2), nullptr, 16));
      continue;
    }
    for (size_t p = piece.find("\xe2\x96\x81"); p != std::string::npos;
         p = piece.find("\xe2\x96\x81")) {
      piece.replace(p, 3, " ");
    }
    out += piece;
  }
  if (!out.empty() && out[0] == ' ') out.erase(0, 1);
  return out;
}

TEST(Stories260K, GreedyFromBosReproducesTheDocumentedStory) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  auto file = ReadModelFile(testing::DataPath(kModel));
  ASSERT_TRUE(file.ok()) << file.status().message();
  auto config = ModelConfig::FromModelFile(*file);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->model_dim, 64);
  EXPECT_EQ(config->num_layers, 5);
  EXPECT_EQ(config->num_heads, 8);
  EXPECT_EQ(config->num_kv_heads, 4);
  auto weights = ModelWeights::Load(*file, *config);
  ASSERT_TRUE(weights.ok()) << weights.status().message();
  SessionOptions so;
  so.n_ctx = 256;
  so.num_threads = 1;
  auto session = Session::Create(*weights, so);
  ASSERT_TRUE(session.ok()) << session.status().message();
  const int32_t bos = static_cast<int32_t>(
      file->metadata.GetInt("tokenizer.ggml.bos_token_id").value_or(1));
  GenerateOptions go;
  go.max_new_tokens = 120;
  go.stop_at_eos = false;
  auto result = GenerateFromTokens(**session, nullptr, {bos}, go);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const std::string text = DecodeWithVocab(*file, result->tokens);
  ASSERT_GE(text.size(), kStory.size()) << text;
  EXPECT_EQ(text.substr(0, kStory.size()), kStory);
}

}  // namespace
}  // namespace cratio
