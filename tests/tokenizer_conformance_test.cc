// llama.cpp's tokenizer conformance vectors (tests/test-tokenizer-0): each of the 46
// texts in <vocab>.gguf.inp must encode (no BOS, special tokens not parsed) to exactly
// the ids on the matching line of <vocab>.gguf.out. Plus round trips on real text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "io/llama2c.h"
#include "io/model_file.h"
#include "model/tokenizer_loader.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

constexpr int kNumCases = 46;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Conformance {
  std::unique_ptr<Tokenizer> tokenizer;
  std::vector<std::string> inputs;
  std::vector<std::vector<int32_t>> expected;
  std::string error;  // set when loading failed
};

// Reads the vocabulary and its vectors once per vocabulary. As test-tokenizer-0 does:
// the .inp text is split on "\n__ggml_vocab_test__\n" (the file ends with that separator,
// so every text is exactly what stands between two separators, empty texts included);
// the .out file has one line of space-separated ids per text.
const Conformance& Load(const std::string& vocab) {
  static std::map<std::string, Conformance> cache;
  auto [it, inserted] = cache.try_emplace(vocab);
  Conformance& c = it->second;
  if (!inserted) return c;
  const std::string path = testing::DataPath("tokenizer/" + vocab);
  Result<ModelFile> file = ReadModelFile(path);
  if (!file.ok()) {
    c.error = file.status().message();
    return c;
  }
  Result<std::unique_ptr<Tokenizer>> tok = LoadTokenizer(*file);
  if (!tok.ok()) {
    c.error = tok.status().message();
    return c;
  }
  c.tokenizer = std::move(tok).value();

  const std::string raw = ReadAll(path + ".inp");
  const std::string separator = "\n__ggml_vocab_test__\n";
  for (size_t pos = 0; pos < raw.size();) {
    const size_t next = raw.find(separator, pos);
    if (next == std::string::npos) {
      c.inputs.push_back(raw.substr(pos));
      break;
    }
    c.inputs.push_back(raw.substr(pos, next - pos));
    pos = next + separator.size();
  }
  std::ifstream out(path + ".out");
  for (std::string line; std::getline(out, line);) {
    std::istringstream ids(line);
    std::vector<int32_t> row;
    for (int32_t id; ids >> id;) row.push_back(id);
    c.expected.push_back(std::move(row));
  }
  return c;
}

class TokenizerConformance : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(TokenizerConformance, MatchesLlamaCppIds) {
  const auto& [vocab, index] = GetParam();
  CRATIO_REQUIRE_DATA_FILE("tokenizer/" + vocab);
  const Conformance& c = Load(vocab);
  ASSERT_TRUE(c.error.empty()) << c.error;
  ASSERT_EQ(c.inputs.size(), static_cast<size_t>(kNumCases));
  ASSERT_EQ(c.expected.size(), static_cast<size_t>(kNumCases));
  const std::string& text = c.inputs[index];
  Result<std::vector<int32_t>> ids = c.tokenizer->Encode(text, /*add_special=*/false);
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  EXPECT_EQ(*ids, c.expected[index]) << "case " << index << ": '" << text << "'";
  // The ids also decode back to the text (both vocabularies cover every byte).
  EXPECT_EQ(c.tokenizer->Decode(*ids), text) << "case " << index;
}

std::string CaseName(const ::testing::TestParamInfo<std::tuple<std::string, int>>& info) {
  std::string name = std::get<0>(info.param);
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return fmt::format("{}_case{:02}", name, std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Vectors, TokenizerConformance,
                         ::testing::Combine(::testing::Values("ggml-vocab-llama-spm.gguf",
                                                              "ggml-vocab-gpt-2.gguf"),
                                            ::testing::Range(0, kNumCases)),
                         CaseName);

TEST(TokenizerRealVocab, Stories260KEncodesAndDecodesOnceUponATime) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  Result<ModelFile> file = ReadModelFile(testing::DataPath("models/stories260K.gguf"));
  ASSERT_TRUE(file.ok()) << file.status().message();
  Result<std::unique_ptr<Tokenizer>> tok = LoadTokenizer(*file);
  ASSERT_TRUE(tok.ok()) << tok.status().message();
  EXPECT_EQ((*tok)->vocab_size(), 512);
  const std::string text = "Once upon a time";
  Result<std::vector<int32_t>> ids = (*tok)->Encode(text, /*add_special=*/true);
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  ASSERT_GE(ids->size(), 2u);
  EXPECT_EQ((*ids)[0], 1);  // BOS
  // 253 merges make every piece longer than one character here; no byte fallback.
  EXPECT_LT(ids->size(), text.size() / 2);
  for (size_t i = 1; i < ids->size(); ++i) EXPECT_GE((*ids)[i], 259) << "byte token at " << i;
  EXPECT_EQ((*tok)->Decode(*ids), text);
  std::string streamed;
  for (size_t i = 1; i < ids->size(); ++i) streamed += (*tok)->TokenToPiece((*ids)[i]);
  EXPECT_EQ(streamed, " " + text);  // pieces keep the space prefix; Decode drops it
}

// llama2.c's tokenizer.bin holds the same LLaMA vocabulary (read by another path: no GGUF,
// "▁" restored from spaces), so it must reproduce the LLaMA SentencePiece vectors too.
TEST(TokenizerRealVocab, Llama2cTokenizerBinMatchesTheLlamaSpmVectors) {
  CRATIO_REQUIRE_DATA_FILE("tokenizer/llama2c/tokenizer.bin");
  CRATIO_REQUIRE_DATA_FILE("tokenizer/ggml-vocab-llama-spm.gguf");
  Result<Metadata> md = ReadLlama2cTokenizer(testing::DataPath("tokenizer/llama2c/tokenizer.bin"));
  ASSERT_TRUE(md.ok()) << md.status().message();
  Result<TokenizerSpec> spec = TokenizerSpecFromMetadata(*md);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  Result<std::unique_ptr<Tokenizer>> tok = CreateTokenizer(std::move(spec).value());
  ASSERT_TRUE(tok.ok()) << tok.status().message();
  const Conformance& c = Load("ggml-vocab-llama-spm.gguf");
  ASSERT_TRUE(c.error.empty()) << c.error;
  ASSERT_EQ(c.inputs.size(), static_cast<size_t>(kNumCases));
  for (int i = 0; i < kNumCases; ++i) {
    Result<std::vector<int32_t>> ids = (*tok)->Encode(c.inputs[i], /*add_special=*/false);
    ASSERT_TRUE(ids.ok()) << ids.status().message();
    EXPECT_EQ(*ids, c.expected[i]) << "case " << i << ": '" << c.inputs[i] << "'";
  }
}

// All of WikiText-2 test (1.2 MB) through both vocabularies: it exercises the linear-time
// merge loops on a long input and must decode back byte for byte.
TEST(TokenizerRealVocab, WikiTextRoundTripsThroughBothVocabularies) {
  CRATIO_REQUIRE_DATA_FILE("eval/wikitext-2/test.txt");
  const std::string text = ReadAll(testing::DataPath("eval/wikitext-2/test.txt"));
  ASSERT_GT(text.size(), 1000000u);
  for (const std::string vocab : {"ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf"}) {
    if (!std::filesystem::exists(testing::DataPath("tokenizer/" + vocab))) continue;
    const Conformance& c = Load(vocab);
    ASSERT_TRUE(c.error.empty()) << c.error;
    Result<std::vector<int32_t>> ids = c.tokenizer->Encode(text, /*add_special=*/false);
    ASSERT_TRUE(ids.ok()) << ids.status().message();
    // Roughly 4 bytes per token for both vocabularies on English text.
    EXPECT_GT(ids->size(), text.size() / 6) << vocab;
    EXPECT_LT(ids->size(), text.size() / 3) << vocab;
    EXPECT_TRUE(c.tokenizer->Decode(*ids) == text) << vocab;
  }
}

}  // namespace
}  // namespace cratio
