// Tests for the GPT-2 byte mapping, vocabulary lookup, special-token splitting and
// TokenizerSpec validation.
#include "tokenizer/vocab.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "tokenizer/byte_unicode.h"

namespace cratio {
namespace {

TEST(ByteUnicode, MatchesGpt2sTableAndInvertsExactly) {
  EXPECT_EQ(ByteToUnicode('A'), "A");
  EXPECT_EQ(ByteToUnicode(' '), "\xC4\xA0");   // U+0120 'Ġ'
  EXPECT_EQ(ByteToUnicode('\n'), "\xC4\x8A");  // U+010A 'Ċ'
  EXPECT_EQ(ByteToUnicode(0x00), "\xC4\x80");  // U+0100, the first unprintable
  EXPECT_EQ(ByteToUnicode(0xAD), "\xC5\x83");  // U+0143, the last unprintable
  EXPECT_EQ(ByteToUnicode(0xE9), "\xC3\xA9");  // printable Latin-1 maps to itself
  std::set<std::string> spellings;
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) {
    spellings.insert(ByteToUnicode(static_cast<uint8_t>(b)));
    all_bytes.push_back(static_cast<char>(b));
  }
  EXPECT_EQ(spellings.size(), 256u);
  std::string encoded, decoded;
  AppendByteEncoded(all_bytes, &encoded);
  AppendByteDecoded(encoded, &decoded);
  EXPECT_EQ(decoded, all_bytes);
}

TokenizerSpec Spec(std::vector<std::string> tokens, std::vector<int32_t> types = {}) {
  TokenizerSpec spec;
  spec.model = "llama";
  spec.tokens = std::move(tokens);
  spec.token_types = std::move(types);
  spec.add_bos = false;
  return spec;
}

TEST(Vocab, FindsEveryTokenAndNothingElse) {
  TokenizerSpec spec;
  spec.add_bos = false;
  for (int i = 0; i < 5000; ++i) spec.tokens.push_back(fmt::format("t{}", i));
  ASSERT_TRUE(ValidateTokenizerSpec(&spec).ok());
  Vocab vocab(spec);
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(vocab.Find(fmt::format("t{}", i)), i);
  EXPECT_EQ(vocab.Find("t5000"), -1);
  EXPECT_EQ(vocab.Find(""), -1);
  EXPECT_EQ(vocab.Find("a much longer text than any token"), -1);
}

TEST(Vocab, SplitsLongestSpecialTokensFirstAndControlOnlyWhenAsked) {
  const int32_t kCtl = static_cast<int32_t>(TokenType::kControl);
  const int32_t kUser = static_cast<int32_t>(TokenType::kUserDefined);
  TokenizerSpec spec = Spec({"a", "<s>", "<ss>", "<u>"}, {1, kCtl, kCtl, kUser});
  ASSERT_TRUE(ValidateTokenizerSpec(&spec).ok());
  Vocab vocab(spec);
  auto describe = [](const std::vector<TextFragment>& fragments) {
    std::vector<std::string> out;
    for (const TextFragment& f : fragments) {
      out.push_back(f.token_id >= 0 ? fmt::format("#{}", f.token_id) : std::string(f.text));
    }
    return out;
  };
  using ::testing::ElementsAre;
  EXPECT_THAT(describe(vocab.SplitOnSpecialTokens("x<ss>y<s><u>z<u>", true)),
              ElementsAre("x", "#2", "y", "#1", "#3", "z", "#3"));
  EXPECT_THAT(describe(vocab.SplitOnSpecialTokens("x<ss>y<s><u>z<u>", false)),
              ElementsAre("x<ss>y<s>", "#3", "z", "#3"));
  EXPECT_TRUE(vocab.SplitOnSpecialTokens("", true).empty());
}

TEST(ValidateTokenizerSpec, ReportsInconsistentSpecsWithTheNumbers) {
  struct Case {
    TokenizerSpec spec;
    std::string expected;
  };
  std::vector<Case> cases;
  cases.push_back({Spec({}), "vocabulary is empty"});
  {
    TokenizerSpec s = Spec({"a", "b"});
    s.scores = {0.5f};
    cases.push_back({s, "1 scores for 2 tokens"});
  }
  cases.push_back({Spec({"a", "b"}, {1}), "1 token types for 2 tokens"});
  cases.push_back({Spec({"a", "b"}, {1, 9}), "token 1 ('b') has type 9"});
  cases.push_back({Spec({"a", "b", "a"}), "token 2 ('a') appears twice"});
  {
    TokenizerSpec s = Spec({"a", "b"});
    s.eos_id = 2;
    cases.push_back({s, "eos token id 2 is outside the vocabulary of 2 tokens"});
  }
  {
    TokenizerSpec s = Spec({"a", "b"});
    s.add_bos = true;
    cases.push_back({s, "no BOS token id"});
  }
  for (Case& c : cases) {
    const Status s = ValidateTokenizerSpec(&c.spec);
    ASSERT_FALSE(s.ok()) << c.expected;
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
    EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.message();
  }
}

TEST(ValidateTokenizerSpec, RenamesEmptyTokensAsLlamaCppDoes) {
  TokenizerSpec spec = Spec({"a", "", "b"});
  ASSERT_TRUE(ValidateTokenizerSpec(&spec).ok());
  EXPECT_EQ(spec.tokens[1], "[EMPTY_1]");
}

TEST(ByteTokenValue, ParsesOnlyTheSixCharacterSpelling) {
  EXPECT_EQ(ByteTokenValue("<0x00>"), 0);
  EXPECT_EQ(ByteTokenValue("<0x0A>"), 10);
  EXPECT_EQ(ByteTokenValue("<0xff>"), 255);
  EXPECT_EQ(ByteTokenValue("<0xFF>"), 255);
  EXPECT_EQ(ByteTokenValue("<0x1G>"), -1);
  EXPECT_EQ(ByteTokenValue("<0x100>"), -1);
  EXPECT_EQ(ByteTokenValue("0x41"), -1);
}

TEST(CreateTokenizer, RejectsUnknownModels) {
  TokenizerSpec spec = Spec({"a"});
  spec.model = "bert";
  auto tok = CreateTokenizer(spec);
  ASSERT_FALSE(tok.ok());
  EXPECT_NE(tok.status().message().find("'bert'"), std::string::npos);
}

}  // namespace
}  // namespace cratio
