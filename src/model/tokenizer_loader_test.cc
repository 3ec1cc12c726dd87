// Tests for building tokenizers from tokenizer.ggml.* metadata: defaults, overrides and
// the checks on malformed keys (each message names the key and the numbers).
#include "model/tokenizer_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cratio {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

MetaValue Strings(const std::vector<std::string>& v) {
  std::vector<MetaValue> items;
  for (const std::string& s : v) items.push_back(MetaValue::Str(s));
  return MetaValue::Array(MetaType::kString, std::move(items));
}

// <unk> <s> </s> a b ab, as llama.cpp's converter writes a SentencePiece vocabulary.
Metadata SpmMetadata() {
  Metadata md;
  md.Set("tokenizer.ggml.model", MetaValue::Str("llama"));
  md.Set("tokenizer.ggml.tokens",
         Strings({"<unk>", "<s>", "</s>", "a", "b", "ab", "\xE2\x96\x81"}));
  std::vector<MetaValue> scores, types;
  for (float s : {0.f, 0.f, 0.f, -1.f, -1.f, -2.f, -1.f}) scores.push_back(MetaValue::F32(s));
  for (int32_t t : {2, 3, 3, 1, 1, 1, 1}) types.push_back(MetaValue::I32(t));
  md.Set("tokenizer.ggml.scores", MetaValue::Array(MetaType::kF32, std::move(scores)));
  md.Set("tokenizer.ggml.token_type", MetaValue::Array(MetaType::kI32, std::move(types)));
  return md;
}

Metadata Gpt2Metadata(const std::string& pre) {
  Metadata md;
  md.Set("tokenizer.ggml.model", MetaValue::Str("gpt2"));
  md.Set("tokenizer.ggml.pre", MetaValue::Str(pre));
  md.Set("tokenizer.ggml.tokens", Strings({"a", "b", "ab", "<|end|>"}));
  md.Set("tokenizer.ggml.merges", Strings({"a b"}));
  md.Set("tokenizer.ggml.bos_token_id", MetaValue::U32(3));
  return md;
}

std::string ErrorOf(const Metadata& md) {
  auto spec = TokenizerSpecFromMetadata(md);
  EXPECT_FALSE(spec.ok());
  if (spec.ok()) return "";
  EXPECT_EQ(spec.status().code(), StatusCode::kInvalidInput);
  return spec.status().message();
}

TEST(TokenizerSpecFromMetadata, AppliesLlamaCppDefaultsForSentencePiece) {
  auto spec = TokenizerSpecFromMetadata(SpmMetadata());
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->model, "llama");
  EXPECT_EQ(spec->bos_id, 1);
  EXPECT_EQ(spec->eos_id, 2);
  EXPECT_EQ(spec->unk_id, 0);
  EXPECT_EQ(spec->pad_id, -1);
  EXPECT_TRUE(spec->add_bos);
  EXPECT_FALSE(spec->add_eos);
  EXPECT_TRUE(spec->add_space_prefix);
  EXPECT_THAT(spec->scores, ElementsAre(0, 0, 0, -1, -1, -2, -1));
  auto tok = CreateTokenizer(*spec);
  ASSERT_TRUE(tok.ok());
  auto ids = (*tok)->Encode("ab", true);
  ASSERT_TRUE(ids.ok());
  EXPECT_THAT(*ids, ElementsAre(1, 6, 5));  // <s> ▁ ab
}

TEST(TokenizerSpecFromMetadata, FileValuesOverrideDefaults) {
  Metadata md = SpmMetadata();
  md.Set("tokenizer.ggml.add_bos_token", MetaValue::Bool(false));
  md.Set("tokenizer.ggml.add_eos_token", MetaValue::Bool(true));
  md.Set("tokenizer.ggml.add_space_prefix", MetaValue::Bool(false));
  md.Set("tokenizer.ggml.eos_token_id", MetaValue::U32(5));
  md.Set("tokenizer.ggml.padding_token_id", MetaValue::U32(0xFFFFFFFFu));  // "none"
  auto spec = TokenizerSpecFromMetadata(md);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_FALSE(spec->add_bos);
  EXPECT_TRUE(spec->add_eos);
  EXPECT_FALSE(spec->add_space_prefix);
  EXPECT_EQ(spec->eos_id, 5);
  EXPECT_EQ(spec->pad_id, -1);
}

TEST(TokenizerSpecFromMetadata, ByteLevelAddsBosOnlyForLlama3PreTokenizers) {
  auto gpt2 = TokenizerSpecFromMetadata(Gpt2Metadata("gpt-2"));
  ASSERT_TRUE(gpt2.ok()) << gpt2.status().message();
  EXPECT_FALSE(gpt2->add_bos);
  EXPECT_FALSE(gpt2->add_space_prefix);
  EXPECT_THAT(gpt2->merges, ElementsAre("a b"));
  auto llama3 = TokenizerSpecFromMetadata(Gpt2Metadata("llama-bpe"));
  ASSERT_TRUE(llama3.ok());
  EXPECT_TRUE(llama3->add_bos);
  EXPECT_EQ(llama3->bos_id, 3);
  Metadata no_pre = Gpt2Metadata("x");
  no_pre.Erase("tokenizer.ggml.pre");
  auto dflt = TokenizerSpecFromMetadata(no_pre);
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(dflt->pre, "default");
}

TEST(TokenizerSpecFromMetadata, RejectsMissingOrMistypedKeys) {
  Metadata md = SpmMetadata();
  md.Erase("tokenizer.ggml.model");
  EXPECT_THAT(ErrorOf(md), HasSubstr("no key 'tokenizer.ggml.model'"));

  md = SpmMetadata();
  md.Set("tokenizer.ggml.model", MetaValue::Str("bert"));
  EXPECT_THAT(ErrorOf(md), HasSubstr("'bert'"));

  md = SpmMetadata();
  md.Set("tokenizer.ggml.tokens", MetaValue::Array(MetaType::kU32, {MetaValue::U32(1)}));
  EXPECT_THAT(ErrorOf(md), HasSubstr("key 'tokenizer.ggml.tokens' element 0 is u32"));

  md = SpmMetadata();
  md.Set("tokenizer.ggml.scores", MetaValue::Array(MetaType::kF32, {MetaValue::F32(0)}));
  EXPECT_THAT(ErrorOf(md), HasSubstr("'tokenizer.ggml.scores' has 1 entries, "
                                     "'tokenizer.ggml.tokens' 7"));

  md = SpmMetadata();
  md.Set("tokenizer.ggml.token_type", MetaValue::Array(MetaType::kI32, {MetaValue::I32(1)}));
  EXPECT_THAT(ErrorOf(md), HasSubstr("'tokenizer.ggml.token_type' has 1 entries"));

  md = SpmMetadata();
  md.Set("tokenizer.ggml.bos_token_id", MetaValue::U32(7));
  EXPECT_THAT(ErrorOf(md),
              HasSubstr("'tokenizer.ggml.bos_token_id' = 7 is outside the vocabulary of 7"));

  md = SpmMetadata();
  md.Set("tokenizer.ggml.add_bos_token", MetaValue::U8(1));
  EXPECT_THAT(ErrorOf(md), HasSubstr("'tokenizer.ggml.add_bos_token' is u8, expected bool"));

  md = SpmMetadata();
  md.Set("tokenizer.ggml.bos_token_id", MetaValue::I32(-1));
  EXPECT_THAT(ErrorOf(md), HasSubstr("names no token"));

  Metadata gpt2 = Gpt2Metadata("gpt-2");
  gpt2.Erase("tokenizer.ggml.merges");
  EXPECT_THAT(ErrorOf(gpt2), HasSubstr("no key 'tokenizer.ggml.merges'"));
}

TEST(LoadTokenizer, PrefixesErrorsWithThePath) {
  ModelFile file;
  file.path = "/models/x.gguf";
  file.metadata = Gpt2Metadata("klingon");
  auto tok = LoadTokenizer(file);
  ASSERT_FALSE(tok.ok());
  EXPECT_THAT(tok.status().message(), HasSubstr("/models/x.gguf: "));
  EXPECT_THAT(tok.status().message(), HasSubstr("'klingon'"));
  file.metadata = Gpt2Metadata("gpt-2");
  auto ok = LoadTokenizer(file);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  auto ids = (*ok)->Encode("ab", false);
  ASSERT_TRUE(ids.ok());
  EXPECT_THAT(*ids, ElementsAre(2));
}

}  // namespace
}  // namespace cratio
