// End to end on the real stories260K model (llama2.c's 260K-parameter TinyStories model
// as GGUF): greedy decoding from BOS must reproduce its publicly documented story, in
// the library and through `cratio generate`.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "io/model_file.h"
#include "model/config.h"
#include "model/generate.h"
#include "model/loaded_model.h"
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
    const std::string& piece = *tokens->items[id].AsString();
    if (piece.size() == 6 && piece.rfind("<0x", 0) == 0 && piece.back() == '>') {
      out += static_cast<char>(std::stoi(piece.substr(3, 2), nullptr, 16));
      continue;
    }
    constexpr std::string_view kMarker = "\xe2\x96\x81";  // U+2581
    for (size_t i = 0; i < piece.size();) {
      if (std::string_view(piece).substr(i, kMarker.size()) == kMarker) {
        out.push_back(' ');
        i += kMarker.size();
      } else {
        out.push_back(piece[i++]);
      }
    }
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

TEST(Stories260K, GenerateWithTokenizerStreamsTheStory) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  auto model = LoadModel(testing::DataPath(kModel));
  ASSERT_TRUE(model.ok()) << model.status().message();
  SessionOptions so;
  so.n_ctx = 256;
  so.num_threads = 1;
  so.max_batch = 4;  // a longer prompt is prefilled in several batches
  auto session = Session::Create((*model)->weights, so);
  ASSERT_TRUE(session.ok()) << session.status().message();
  GenerateOptions go;
  go.max_new_tokens = 120;
  go.stop_at_eos = false;
  std::string streamed;
  auto result = Generate(**session, *(*model)->tokenizer, "", go,
                         [&](std::string_view piece) { streamed += piece; });
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->prompt_tokens.size(), 1u);  // BOS only
  EXPECT_EQ(streamed, result->text);
  ASSERT_GE(streamed.size(), kStory.size()) << streamed;
  EXPECT_EQ(streamed.substr(0, kStory.size()), kStory);

  // Prompted with the story's opening, greedy decoding continues it the same way: the
  // prompt is prefilled in batches of 4 and the KV cache carries over.
  const std::string opening = "Once upon a time, there was a little girl named Lily.";
  auto cont = Generate(**session, *(*model)->tokenizer, opening, go);
  ASSERT_TRUE(cont.ok()) << cont.status().message();
  EXPECT_GT(cont->prompt_tokens.size(), 8u);
  const std::string_view rest = kStory.substr(opening.size());
  ASSERT_GE(cont->text.size(), rest.size()) << cont->text;
  EXPECT_EQ(cont->text.substr(0, rest.size()), rest);
}

// Runs a command, returning its stdout (stderr goes to `stderr_path`).
std::string RunCapture(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(Stories260K, GenerateCommandStreamsTheStoryAndReportsSpeed) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string err_path = testing::TempDir() + "/stderr.txt";
  int code = -1;
  const std::string out = RunCapture(testing::CratioBin() + " generate " +
                                         testing::DataPath(kModel) +
                                         " -n 120 --temp 0 -t 1 2> " + err_path,
                                     &code);
  ASSERT_EQ(code, 0) << out;
  ASSERT_GE(out.size(), kStory.size()) << out;
  EXPECT_EQ(out.substr(0, kStory.size()), kStory);
  std::string err;
  if (FILE* f = std::fopen(err_path.c_str(), "r")) {
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) err.append(buf.data(), n);
    std::fclose(f);
  }
  EXPECT_NE(err.find("tokens/s"), std::string::npos) << err;
}

TEST(Stories260K, GenerateCommandRejectsAMissingModel) {
  int code = -1;
  RunCapture(testing::CratioBin() + " generate /nonexistent/model.gguf -p hi 2>/dev/null", &code);
  EXPECT_EQ(code, 2);
}

}  // namespace
}  // namespace cratio
