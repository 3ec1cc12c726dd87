// Tests for tokenizer.json -> tokenizer.ggml.* metadata.
#include "io/tokenizer_json.h"

#include <gtest/gtest.h>

#include "io/io_test_helpers.h"
#include "io/safetensors.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kLlama3Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kQwen2Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

Json ByteLevelTokenizer(const std::string& regex) {
  Json j = Json::parse(R"({
    "version": "1.0",
    "added_tokens": [
      {"id": 5, "content": "<|begin_of_text|>", "special": true},
      {"id": 6, "content": "<|end_of_text|>", "special": true},
      {"id": 8, "content": "<tool>", "special": false}],
    "normalizer": null,
    "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
      {"type": "Split", "pattern": {"Regex": ""}, "behavior": "Isolated", "invert": false},
      {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]},
    "post_processor": {"type": "Sequence", "processors": [
      {"type": "ByteLevel", "trim_offsets": false},
      {"type": "TemplateProcessing",
       "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                  {"Sequence": {"id": "A", "type_id": 0}}]}]},
    "decoder": {"type": "ByteLevel"},
    "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "\u0120": 2, "ab": 3, "\u0120ab": 4},
              "merges": [["a", "b"], ["\u0120", "ab"]]}
  })");
  j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = regex;
  return j;
}

std::vector<std::string> Strings(const MetaArray* a) {
  std::vector<std::string> out;
  for (const MetaValue& v : a->items) out.push_back(*v.AsString());
  return out;
}
std::vector<int64_t> Ints(const MetaArray* a) {
  std::vector<int64_t> out;
  for (const MetaValue& v : a->items) out.push_back(*v.AsInt());
  return out;
}

TEST(TokenizerJson, Llama3StyleByteLevelBpe) {
  Result<Metadata> m = TokenizerMetadataFromJson(ByteLevelTokenizer(kLlama3Regex), nullptr, "t.json");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->GetString("tokenizer.ggml.model"), "gpt2");
  EXPECT_EQ(m->GetString("tokenizer.ggml.pre"), "llama3");
  EXPECT_EQ(Strings(m->GetArray("tokenizer.ggml.tokens")),
            (std::vector<std::string>{"a", "b", "\xc4\xa0", "ab", "\xc4\xa0" "ab",
                                      "<|begin_of_text|>", "<|end_of_text|>", "[PAD7]", "<tool>"}));
  EXPECT_EQ(Ints(m->GetArray("tokenizer.ggml.token_type")),
            (std::vector<int64_t>{1, 1, 1, 1, 1, 3, 3, 5, 4}));
  EXPECT_EQ(Strings(m->GetArray("tokenizer.ggml.merges")),
            (std::vector<std::string>{"a b", "\xc4\xa0 ab"}));
  EXPECT_FALSE(m->Contains("tokenizer.ggml.scores"));
  EXPECT_EQ(m->GetInt("tokenizer.ggml.bos_token_id"), 5);  // from the post-processor
  EXPECT_EQ(m->GetBool("tokenizer.ggml.add_bos_token"), true);
  EXPECT_EQ(m->GetInt("tokenizer.ggml.eos_token_id"), 6);
}

TEST(TokenizerJson, PreTokenizerNamesFollowTheRegex) {
  EXPECT_EQ(PreTokenizerNameForRegex(kQwen2Regex), "qwen2");
  EXPECT_EQ(PreTokenizerNameForRegex(kLlama3Regex), "llama3");
  EXPECT_EQ(PreTokenizerNameForRegex(R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)"),
            "gpt-2");
  EXPECT_EQ(PreTokenizerNameForRegex(R"(\p{N}+)"), "default");

  Result<Metadata> m = TokenizerMetadataFromJson(ByteLevelTokenizer(kQwen2Regex), nullptr, "t");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->GetString("tokenizer.ggml.pre"), "qwen2");

  // GPT-2 itself: a lone ByteLevel pre-tokenizer that applies its own regex.
  Json gpt2 = ByteLevelTokenizer("");
  gpt2["pre_tokenizer"] = Json::parse(R"({"type": "ByteLevel", "add_prefix_space": false})");
  m = TokenizerMetadataFromJson(gpt2, nullptr, "t");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->GetString("tokenizer.ggml.pre"), "gpt-2");
}

Json SentencePieceStyleTokenizer() {
  return Json::parse(R"({
    "added_tokens": [
      {"id": 0, "content": "<unk>", "special": true},
      {"id": 1, "content": "<s>", "special": true},
      {"id": 2, "content": "</s>", "special": true}],
    "normalizer": {"type": "Sequence", "normalizers": [
      {"type": "Prepend", "prepend": "\u2581"},
      {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
    "pre_tokenizer": null,
    "decoder": {"type": "Sequence", "decoders": [{"type": "ByteFallback"}, {"type": "Fuse"}]},
    "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true,
      "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0x00>": 3, "<0x0A>": 4, "\u2581": 5,
                "t": 6, "h": 7, "e": 8, "\u2581t": 9, "he": 10, "\u2581the": 11},
      "merges": ["\u2581 t", "h e", "\u2581t he"]}
  })");
}

TEST(TokenizerJson, SentencePieceStyleGetsScoresFromMergeRank) {
  const Json config = Json::parse(R"({"bos_token": "<s>", "add_bos_token": true,
    "eos_token": {"content": "</s>", "special": true}, "add_eos_token": false})");
  Result<Metadata> m = TokenizerMetadataFromJson(SentencePieceStyleTokenizer(), &config, "t");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->GetString("tokenizer.ggml.model"), "llama");
  EXPECT_EQ(Ints(m->GetArray("tokenizer.ggml.token_type")),
            (std::vector<int64_t>{2, 3, 3, 6, 6, 1, 1, 1, 1, 1, 1, 1}));
  std::vector<double> scores;
  for (const MetaValue& v : m->GetArray("tokenizer.ggml.scores")->items) {
    scores.push_back(*v.AsDouble());
  }
  // Merge results score -rank; other normal tokens rank after all 3 merges by id.
  EXPECT_EQ(scores, (std::vector<double>{0, 0, 0, 0, 0, -8, -9, -10, -11, 0, -1, -2}));
  EXPECT_EQ(m->GetInt("tokenizer.ggml.bos_token_id"), 1);
  EXPECT_EQ(m->GetInt("tokenizer.ggml.eos_token_id"), 2);
  EXPECT_EQ(m->GetInt("tokenizer.ggml.unknown_token_id"), 0);
  EXPECT_EQ(m->GetBool("tokenizer.ggml.add_bos_token"), true);
  EXPECT_EQ(m->GetBool("tokenizer.ggml.add_space_prefix"), true);
  EXPECT_FALSE(m->Contains("tokenizer.ggml.merges"));
}

TEST(TokenizerJson, ByteLevelMetadataWritesAndReadsBackUnchanged) {
  Result<Metadata> m = TokenizerMetadataFromJson(ByteLevelTokenizer(kQwen2Regex), nullptr, "t");
  ASSERT_TRUE(m.ok()) << m.status().message();
  Result<TokenizerJsonFiles> files = TokenizerJsonFromMetadata(*m);
  ASSERT_TRUE(files.ok()) << files.status().message();
  const Json tok = Json::parse(files->tokenizer_json);
  const Json config = Json::parse(files->tokenizer_config_json);
  Result<Metadata> back = TokenizerMetadataFromJson(tok, &config, "written");
  ASSERT_TRUE(back.ok()) << back.status().message();
  for (const auto& [key, value] : m->entries()) {
    const MetaValue* v = back->Find(key);
    ASSERT_NE(v, nullptr) << key;
    EXPECT_EQ(*v, value) << key;
  }
}

TEST(TokenizerJson, SentencePieceMetadataWritesMergesFromScores) {
  // pieces: ▁, t, h, e, ▁t (score -1), he (-2), ▁the (-3): merges in score order, and
  // every split of a piece into two pieces counts (▁the = ▁t + he only; ▁th is absent).
  Metadata m;
  const std::vector<std::string> pieces = {"<unk>", "<s>", "</s>", "<0x41>", "\xe2\x96\x81",
                                           "t", "h", "e", "\xe2\x96\x81t", "he",
                                           "\xe2\x96\x81the"};
  const std::vector<float> scores = {0, 0, 0, 0, -10, -11, -12, -13, -1, -2, -3};
  const std::vector<int32_t> types = {2, 3, 3, 6, 1, 1, 1, 1, 1, 1, 1};
  std::vector<MetaValue> t, s, y;
  for (size_t i = 0; i < pieces.size(); ++i) {
    t.push_back(MetaValue::Str(pieces[i]));
    s.push_back(MetaValue::F32(scores[i]));
    y.push_back(MetaValue::I32(types[i]));
  }
  m.Set("tokenizer.ggml.model", MetaValue::Str("llama"));
  m.Set("tokenizer.ggml.tokens", MetaValue::Array(MetaType::kString, t));
  m.Set("tokenizer.ggml.scores", MetaValue::Array(MetaType::kF32, s));
  m.Set("tokenizer.ggml.token_type", MetaValue::Array(MetaType::kI32, y));
  m.Set("tokenizer.ggml.bos_token_id", MetaValue::U32(1));
  m.Set("tokenizer.ggml.eos_token_id", MetaValue::U32(2));
  m.Set("tokenizer.ggml.unknown_token_id", MetaValue::U32(0));
  Result<TokenizerJsonFiles> files = TokenizerJsonFromMetadata(m);
  ASSERT_TRUE(files.ok()) << files.status().message();
  const Json tok = Json::parse(files->tokenizer_json);
  EXPECT_EQ(tok["model"]["merges"],
            Json::parse(R"([["\u2581", "t"], ["h", "e"], ["\u2581t", "he"]])"));
  EXPECT_EQ(tok["model"]["byte_fallback"], true);
  const Json config = Json::parse(files->tokenizer_config_json);
  EXPECT_EQ(config["bos_token"], "<s>");
  Result<Metadata> back = TokenizerMetadataFromJson(tok, &config, "written");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back->Find("tokenizer.ggml.tokens"), *m.Find("tokenizer.ggml.tokens"));
  EXPECT_EQ(*back->Find("tokenizer.ggml.token_type"), *m.Find("tokenizer.ggml.token_type"));
  std::vector<double> back_scores;
  for (const MetaValue& v : back->GetArray("tokenizer.ggml.scores")->items) {
    back_scores.push_back(*v.AsDouble());
  }
  EXPECT_EQ(back_scores, (std::vector<double>{0, 0, 0, 0, -7, -8, -9, -10, 0, -1, -2}));
  EXPECT_EQ(back->GetInt("tokenizer.ggml.bos_token_id"), 1);
  EXPECT_EQ(back->GetBool("tokenizer.ggml.add_bos_token"), true);
}

TEST(TokenizerJson, ErrorsNameTheFileAndJsonPath) {
  Json j = SentencePieceStyleTokenizer();
  j["model"]["merges"][1] = 5;
  Result<Metadata> m = TokenizerMetadataFromJson(j, nullptr, "/x/tokenizer.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(m.status().message().find("/x/tokenizer.json"), std::string::npos);
  EXPECT_NE(m.status().message().find("model.merges[1]"), std::string::npos)
      << m.status().message();

  j = SentencePieceStyleTokenizer();
  j["model"]["vocab"]["t"] = "six";
  m = TokenizerMetadataFromJson(j, nullptr, "t.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("model.vocab.t"), std::string::npos)
      << m.status().message();

  j = SentencePieceStyleTokenizer();
  j["model"]["vocab"]["t"] = 5;
  m = TokenizerMetadataFromJson(j, nullptr, "t.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("reuses id 5"), std::string::npos) << m.status().message();

  j = SentencePieceStyleTokenizer();
  j["model"]["vocab"]["t"] = 16000000;
  m = TokenizerMetadataFromJson(j, nullptr, "t.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("ids reach 16000000 but only 12 tokens"),
            std::string::npos) << m.status().message();

  j = SentencePieceStyleTokenizer();
  j["model"]["type"] = "Unigram";
  m = TokenizerMetadataFromJson(j, nullptr, "t.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("model.type is 'Unigram'"), std::string::npos);

  j = SentencePieceStyleTokenizer();
  j["added_tokens"][0].erase("id");
  m = TokenizerMetadataFromJson(j, nullptr, "t.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("added_tokens[0]"), std::string::npos);
}

// A string merge is two tokens around exactly one space, as the tokenizers library reads
// it; anything else used to be skipped silently (found by the malformed-input corpus).
TEST(TokenizerJson, MergeStringsMustBeTwoTokensAroundOneSpace) {
  for (const char* bad : {"abc", " ab", "ab ", "a  b", "a b c"}) {
    Json j = SentencePieceStyleTokenizer();
    j["model"]["merges"][1] = bad;
    Result<Metadata> m = TokenizerMetadataFromJson(j, nullptr, "t.json");
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_NE(m.status().message().find("model.merges[1] must be two tokens separated by one "
                                        "space"),
              std::string::npos)
        << m.status().message();
  }
}

TEST(TokenizerJson, SafetensorsDirectoryPicksUpTokenizerAndItsConfig) {
  const std::string dir = testing::TempDir();
  testing::WriteBytes(dir + "/config.json", R"({"architectures": ["LlamaForCausalLM"],
    "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
    "num_attention_heads": 2, "vocab_size": 12})");
  testing::WriteBytes(dir + "/model.safetensors", testing::SafetensorsBytes("{}", ""));
  testing::WriteBytes(dir + "/tokenizer.json", SentencePieceStyleTokenizer().dump());
  testing::WriteBytes(dir + "/tokenizer_config.json", R"({"add_bos_token": false})");
  Result<ModelFile> m = ReadSafetensors(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->metadata.GetString("tokenizer.ggml.model"), "llama");
  EXPECT_EQ(m->metadata.GetArray("tokenizer.ggml.tokens")->items.size(), 12u);
  EXPECT_EQ(m->metadata.GetBool("tokenizer.ggml.add_bos_token"), false);

  testing::WriteBytes(dir + "/tokenizer.json", "{\"model\": ");
  m = ReadSafetensors(dir);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find(dir + "/tokenizer.json"), std::string::npos)
      << m.status().message();
}

}  // namespace
}  // namespace cratio
