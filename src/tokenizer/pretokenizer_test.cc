// Tests for the pre-tokenizer regexes and the splitting loop (expected pieces worked out
// from the regex alternatives by hand).
#include "tokenizer/pretokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cratio {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> SplitWith(std::string_view pre, std::string_view text) {
  auto recipe = PreTokenizerRecipeFor(pre);
  EXPECT_TRUE(recipe.ok()) << recipe.status().message();
  auto pt = PreTokenizer::Create(recipe->regexes);
  EXPECT_TRUE(pt.ok()) << pt.status().message();
  std::vector<std::string_view> pieces;
  EXPECT_TRUE(pt->Split(text, &pieces).ok());
  return std::vector<std::string>(pieces.begin(), pieces.end());
}

TEST(PreTokenizer, Gpt2SplitsWordsNumbersPunctuationAndSpaceRuns) {
  EXPECT_THAT(SplitWith("gpt-2", "Hello world  foo\n\nbar's 123!?"),
              ElementsAre("Hello", " world", " ", " foo", "\n", "\n", "bar", "'s", " 123", "!?"));
  // A run of spaces keeps its last space for the following word.
  EXPECT_THAT(SplitWith("gpt-2", "   Hello"), ElementsAre("  ", " Hello"));
  // Letters in any script are \p{L}.
  EXPECT_THAT(SplitWith("gpt-2", "\xC3\x84pfel \xD0\xBD\xD0\xB0"),
              ElementsAre("\xC3\x84pfel", " \xD0\xBD\xD0\xB0"));
}

TEST(PreTokenizer, Llama3GroupsDigitsByThreeAndKeepsNewlineRuns) {
  EXPECT_THAT(SplitWith("llama-bpe", "12345 abc\n\n  x"),
              ElementsAre("123", "45", " abc", "\n\n", " ", " x"));
  // Contractions match in either case.
  EXPECT_THAT(SplitWith("llama3", "I'LL we've"), ElementsAre("I", "'LL", " we", "'ve"));
}

TEST(PreTokenizer, Qwen2SplitsEveryDigit) {
  EXPECT_THAT(SplitWith("qwen2", "x12345"), ElementsAre("x", "1", "2", "3", "4", "5"));
}

TEST(PreTokenizer, DefaultAppliesItsRegexesInTurn) {
  // Punctuation first, then the GPT-2 pattern, then digit runs, then groups of three
  // digits; text between matches stays a piece of its own.
  EXPECT_THAT(SplitWith("default", "a,b 1234"), ElementsAre("a", ",", "b", " ", "123", "4"));
  EXPECT_THAT(SplitWith("", "a,b 1234"), ElementsAre("a", ",", "b", " ", "123", "4"));
}

TEST(PreTokenizer, PiecesCoverTheTextExactly) {
  const std::string text =
      "  Mixed: \xE6\x88\x91\xE6\x83\xB3 apple\xE5\xB7\xA5 1314151\xE5\xA4\xA9\xEF\xBD\x9E \t\n"
      "\xF0\x9F\x98\x81 ?!! y'all  \n";
  for (const char* pre : {"default", "gpt-2", "llama-bpe", "qwen2", "starcoder", "falcon"}) {
    std::string joined;
    for (const std::string& piece : SplitWith(pre, text)) {
      EXPECT_FALSE(piece.empty()) << pre;
      joined += piece;
    }
    EXPECT_EQ(joined, text) << pre;
  }
  EXPECT_TRUE(SplitWith("gpt-2", "").empty());
}

TEST(PreTokenizer, UnknownNamesAndBadRegexesAreErrors) {
  auto recipe = PreTokenizerRecipeFor("no-such-pre");
  ASSERT_FALSE(recipe.ok());
  EXPECT_EQ(recipe.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(recipe.status().message().find("'no-such-pre'"), std::string::npos);
  EXPECT_NE(recipe.status().message().find("'qwen2'"), std::string::npos);
  auto bad = PreTokenizer::Create({"(unclosed"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("(unclosed"), std::string::npos);
}

}  // namespace
}  // namespace cratio
