// Tests for the SentencePiece-style BPE on tiny hand-made vocabularies, with expected ids
// worked out by hand from the merge rule (highest score first, ties leftmost).
#include "tokenizer/spm_tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cratio {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int32_t kUnk = 0, kBos = 1, kEos = 2;
// Byte token <0xNN> has id kFirstByte + NN.
constexpr int32_t kFirstByte = 3;
constexpr int32_t kFirstNormal = kFirstByte + 256;

// <unk>, <s>, </s>, <0x00>..<0xFF>, then `normal` (text, score) in order.
TokenizerSpec SpmSpec(const std::vector<std::pair<std::string, float>>& normal) {
  TokenizerSpec spec;
  spec.model = "llama";
  auto add = [&](std::string text, float score, TokenType type) {
    spec.tokens.push_back(std::move(text));
    spec.scores.push_back(score);
    spec.token_types.push_back(static_cast<int32_t>(type));
  };
  add("<unk>", 0, TokenType::kUnknown);
  add("<s>", 0, TokenType::kControl);
  add("</s>", 0, TokenType::kControl);
  for (int b = 0; b < 256; ++b) add(fmt::format("<0x{:02X}>", b), 0, TokenType::kByte);
  for (const auto& [text, score] : normal) add(text, score, TokenType::kNormal);
  spec.bos_id = kBos;
  spec.eos_id = kEos;
  spec.unk_id = kUnk;
  return spec;
}

std::unique_ptr<Tokenizer> Make(TokenizerSpec spec) {
  auto tok = CreateTokenizer(std::move(spec));
  EXPECT_TRUE(tok.ok()) << tok.status().message();
  return std::move(tok).value();
}

std::vector<int32_t> EncodeOk(const Tokenizer& tok, std::string_view text, bool add_special) {
  auto ids = tok.Encode(text, add_special);
  EXPECT_TRUE(ids.ok()) << ids.status().message();
  return ids.ok() ? *ids : std::vector<int32_t>{};
}

// Normal token ids: a=259, b=260, c=261, ab=262, bc=263, "▁"=264, "▁a"=265.
const std::vector<std::pair<std::string, float>> kAbc = {{"a", -1},
                                                         {"b", -1},
                                                         {"c", -1},
                                                         {"ab", -2},
                                                         {"bc", -0.5},
                                                         {"\xE2\x96\x81", -1},
                                                         {"\xE2\x96\x81"
                                                          "a",
                                                          -3}};
constexpr int32_t kA = kFirstNormal, kB = kA + 1, kC = kA + 2, kAB = kA + 3, kBC = kA + 4,
                  kSpace = kA + 5, kSpaceA = kA + 6;

TEST(SpmTokenizer, MergesTheHighestScoringPairFirst) {
  TokenizerSpec spec = SpmSpec(kAbc);
  spec.add_space_prefix = false;
  auto tok = Make(spec);
  // "abc": candidates ab (-2) and bc (-0.5); bc wins, and "abc" is no token.
  EXPECT_THAT(EncodeOk(*tok, "abc", false), ElementsAre(kA, kBC));
  // With ab scored above bc the other split results.
  TokenizerSpec spec2 = SpmSpec({{"a", -1}, {"b", -1}, {"c", -1}, {"ab", -0.1f}, {"bc", -0.5}});
  spec2.add_space_prefix = false;
  EXPECT_THAT(EncodeOk(*Make(spec2), "abc", false), ElementsAre(kAB, kC));
}

TEST(SpmTokenizer, BreaksScoreTiesTowardsTheLeftmostPair) {
  // a=259, aa=260. "aaa": pairs (0,1) and (1,2) tie; the left one merges.
  TokenizerSpec spec = SpmSpec({{"a", -1}, {"aa", -1}});
  spec.add_space_prefix = false;
  EXPECT_THAT(EncodeOk(*Make(spec), "aaa", false), ElementsAre(kA + 1, kA));
  EXPECT_THAT(EncodeOk(*Make(spec), "aaaa", false), ElementsAre(kA + 1, kA + 1));
}

TEST(SpmTokenizer, MergesRepeatedlyIntoLongerTokens) {
  // "abc" is reachable only via ab, then ab+c.
  TokenizerSpec spec = SpmSpec({{"a", -1}, {"b", -1}, {"c", -1}, {"ab", -1}, {"abc", -2}});
  spec.add_space_prefix = false;
  EXPECT_THAT(EncodeOk(*Make(spec), "abcab", false), ElementsAre(kA + 4, kA + 3));
}

TEST(SpmTokenizer, EscapesSpacesAndAddsTheSpacePrefix) {
  auto tok = Make(SpmSpec(kAbc));
  // " a" is prefixed: "▁▁a" -> ▁ and ▁a (▁▁ is no token).
  EXPECT_THAT(EncodeOk(*tok, "a", false), ElementsAre(kSpaceA));
  EXPECT_THAT(EncodeOk(*tok, "a b", false), ElementsAre(kSpaceA, kSpace, kB));
  EXPECT_THAT(EncodeOk(*tok, " a", false), ElementsAre(kSpace, kSpaceA));
  EXPECT_THAT(EncodeOk(*tok, "", false), IsEmpty());
  TokenizerSpec spec = SpmSpec(kAbc);
  spec.add_space_prefix = false;
  EXPECT_THAT(EncodeOk(*Make(spec), "a b", false), ElementsAre(kA, kSpace, kB));
}

TEST(SpmTokenizer, FallsBackToByteTokensForUnknownCharacters) {
  TokenizerSpec spec = SpmSpec(kAbc);
  spec.add_space_prefix = false;
  auto tok = Make(spec);
  // é = C3 A9 is not in the vocabulary; newline neither.
  EXPECT_THAT(EncodeOk(*tok, "a\xC3\xA9\n", false),
              ElementsAre(kA, kFirstByte + 0xC3, kFirstByte + 0xA9, kFirstByte + 0x0A));
}

TEST(SpmTokenizer, AddsBosAndEosOnlyWhenAskedAndConfigured) {
  TokenizerSpec spec = SpmSpec(kAbc);
  spec.add_space_prefix = false;
  EXPECT_THAT(EncodeOk(*Make(spec), "ab", true), ElementsAre(kBos, kAB));
  EXPECT_THAT(EncodeOk(*Make(spec), "", true), ElementsAre(kBos));
  spec.add_eos = true;
  EXPECT_THAT(EncodeOk(*Make(spec), "ab", true), ElementsAre(kBos, kAB, kEos));
  EXPECT_THAT(EncodeOk(*Make(spec), "ab", false), ElementsAre(kAB));
  spec.add_bos = false;
  EXPECT_THAT(EncodeOk(*Make(spec), "ab", true), ElementsAre(kAB, kEos));
}

TEST(SpmTokenizer, ParsesControlTokensOnlyWhenAskedButUserDefinedAlways) {
  std::vector<std::pair<std::string, float>> normal = kAbc;
  normal.push_back({"<x>", 0});
  TokenizerSpec spec = SpmSpec(normal);
  const int32_t user = kSpaceA + 1;
  spec.token_types[user] = static_cast<int32_t>(TokenType::kUserDefined);
  spec.add_space_prefix = false;
  auto tok = Make(spec);
  // "</s>" stays text: < / s > are bytes here.
  EXPECT_THAT(EncodeOk(*tok, "a</s>", false), ElementsAre(kA, kFirstByte + '<', kFirstByte + '/',
                                                          kFirstByte + 's', kFirstByte + '>'));
  auto parsed = tok->EncodeParsingSpecial("a</s>b", false);
  ASSERT_TRUE(parsed.ok());
  EXPECT_THAT(*parsed, ElementsAre(kA, kEos, kB));
  EXPECT_THAT(EncodeOk(*tok, "a<x>b", false), ElementsAre(kA, user, kB));
}

TEST(SpmTokenizer, SpacePrefixFollowsEverySpecialToken) {
  std::vector<std::pair<std::string, float>> normal = kAbc;
  normal.push_back({"<x>", 0});
  TokenizerSpec spec = SpmSpec(normal);
  const int32_t user = kSpaceA + 1;
  spec.token_types[user] = static_cast<int32_t>(TokenType::kUserDefined);
  auto tok = Make(spec);
  // "a<x>a" -> "▁a", <x>, "▁a": the text after a special token is a fresh sentence.
  EXPECT_THAT(EncodeOk(*tok, "a<x>a", false), ElementsAre(kSpaceA, user, kSpaceA));
  EXPECT_THAT(EncodeOk(*tok, "<x>", false), ElementsAre(user));
}

TEST(SpmTokenizer, DecodeReassemblesBytesAndStripsTheSpacePrefix) {
  auto tok = Make(SpmSpec(kAbc));
  const std::vector<int32_t> ids = {kSpaceA, kSpace, kB, kFirstByte + 0xC3, kFirstByte + 0xA9};
  EXPECT_EQ(tok->Decode(ids), "a b\xC3\xA9");
  // BOS / EOS / unknown decode to nothing; the space after BOS is still stripped.
  EXPECT_EQ(tok->Decode({kBos, kSpaceA, kSpace, kB, kEos}), "a b");
  EXPECT_EQ(tok->Decode({kUnk, kSpaceA}), "a");
  // Only the first piece loses its space; out-of-range ids are skipped.
  EXPECT_EQ(tok->Decode({kSpaceA, kSpaceA, 99999, -1}), "a a");
  EXPECT_EQ(tok->TokenToPiece(kSpaceA), " a");
  EXPECT_EQ(tok->TokenToPiece(kFirstByte + 0x41), "A");
  EXPECT_EQ(tok->TokenToPiece(kBos), "");
  TokenizerSpec spec = SpmSpec(kAbc);
  spec.add_space_prefix = false;
  EXPECT_EQ(Make(spec)->Decode({kSpaceA}), " a");
}

TEST(SpmTokenizer, EncodeDecodeRoundTripsText) {
  auto tok = Make(SpmSpec(kAbc));
  for (const std::string text : {"abc cba", "  a\tb\n\nc ", "\xC3\xA9t\xC3\xA9 \xF0\x9F\xA6\x99"}) {
    EXPECT_EQ(tok->Decode(EncodeOk(*tok, text, true)), text);
  }
}

TEST(SpmTokenizer, RejectsInvalidUtf8NamingTheOffset) {
  auto tok = Make(SpmSpec(kAbc));
  auto ids = tok->Encode("abc\xC3", false);
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(ids.status().message().find("byte offset 3"), std::string::npos)
      << ids.status().message();
}

TEST(SpmTokenizer, NewlineSplitDoesNotChangeTheResult) {
  // "\n" is in no longer token here, so the encoder works line by line; a vocabulary with
  // a token spanning the newline must still merge across it.
  TokenizerSpec spec = SpmSpec({{"a", -1}, {"a\n", -1}, {"a\na", -1}});
  spec.add_space_prefix = false;
  EXPECT_THAT(EncodeOk(*Make(spec), "a\naa", false), ElementsAre(kA + 2, kA));
  TokenizerSpec spec2 = SpmSpec({{"a", -1}, {"aa", -1}});
  spec2.add_space_prefix = false;
  EXPECT_THAT(EncodeOk(*Make(spec2), "aa\naa", false),
              ElementsAre(kA + 1, kFirstByte + '\n', kA + 1));
}

}  // namespace
}  // namespace cratio
