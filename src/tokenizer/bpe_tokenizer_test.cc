// Tests for byte-level BPE on tiny hand-made vocabularies: ids 0..255 spell the 256
// bytes (token b is ByteToUnicode(b)), merged tokens follow; expected ids by hand.
#include "tokenizer/bpe_tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tokenizer/byte_unicode.h"

namespace cratio {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Bytes, then one token per merge (its concatenation), then `extra` tokens.
TokenizerSpec BpeSpec(const std::vector<std::string>& merges,
                      const std::vector<std::string>& extra = {}) {
  TokenizerSpec spec;
  spec.model = "gpt2";
  spec.pre = "gpt-2";
  spec.add_bos = false;
  spec.add_space_prefix = false;
  for (int b = 0; b < 256; ++b) spec.tokens.push_back(ByteToUnicode(static_cast<uint8_t>(b)));
  for (const std::string& merge : merges) {
    const size_t space = merge.find(' ');
    spec.tokens.push_back(merge.substr(0, space) + merge.substr(space + 1));
  }
  for (const std::string& e : extra) spec.tokens.push_back(e);
  spec.merges = merges;
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

TEST(BpeTokenizer, AppliesMergesByRankWithinEachWord) {
  // 256 "he", 257 "ll", 258 "hell", 259 "Ġw", 260 "hello".
  auto tok = Make(BpeSpec({"h e", "l l", "he ll", "\xC4\xA0 w", "hell o"}));
  // Words "hello" and " world"; space is spelled "Ġ" (U+0120).
  EXPECT_THAT(EncodeOk(*tok, "hello world", false), ElementsAre(260, 259, 'o', 'r', 'l', 'd'));
  EXPECT_THAT(EncodeOk(*tok, "hell", false), ElementsAre(258));
  EXPECT_THAT(EncodeOk(*tok, "", false), IsEmpty());
}

TEST(BpeTokenizer, LowerRankWinsRegardlessOfPosition) {
  // "e l" ranked first: "hell" -> h, el, l and neither h+el nor el+l is a merge.
  EXPECT_THAT(EncodeOk(*Make(BpeSpec({"e l", "h e", "l l"})), "hell", false),
              ElementsAre('h', 256, 'l'));
  // "h e" and "l l" first: he, ll.
  EXPECT_THAT(EncodeOk(*Make(BpeSpec({"h e", "l l", "e l"})), "hell", false),
              ElementsAre(256, 257));
}

TEST(BpeTokenizer, EqualRanksMergeLeftmostFirst) {
  // Only "a a": "aaa" -> aa, a.
  EXPECT_THAT(EncodeOk(*Make(BpeSpec({"a a"})), "aaa", false), ElementsAre(256, 'a'));
}

TEST(BpeTokenizer, MergesNeverCrossPreTokenizerWords) {
  // "a Ġ" would join "a" and the space of " b", but they are different words.
  auto tok = Make(BpeSpec({"a \xC4\xA0"}));
  EXPECT_THAT(EncodeOk(*tok, "a b", false), ElementsAre('a', ' ', 'b'));
}

TEST(BpeTokenizer, SpellsEveryByteThroughTheByteMapping) {
  auto tok = Make(BpeSpec({}));
  // é = C3 A9: two byte tokens; newline is byte 10 (spelled "Ċ").
  EXPECT_THAT(EncodeOk(*tok, "\xC3\xA9\n", false), ElementsAre(0xC3, 0xA9, 0x0A));
  EXPECT_EQ(tok->Decode({0xC3, 0xA9, 0x0A, ' '}), "\xC3\xA9\n ");
}

TEST(BpeTokenizer, IgnoreMergesTakesWholeWordTokensForLlama3) {
  // "hello" is a token but no merge chain builds it.
  TokenizerSpec spec = BpeSpec({"h e"}, {"hello"});
  EXPECT_THAT(EncodeOk(*Make(spec), "hello", false), ElementsAre(256, 'l', 'l', 'o'));
  spec.pre = "llama-bpe";
  EXPECT_THAT(EncodeOk(*Make(spec), "hello", false), ElementsAre(257));
}

TEST(BpeTokenizer, AddsBosEosAndParsesSpecialTokensOnlyWhenAsked) {
  TokenizerSpec spec = BpeSpec({}, {"<|endoftext|>"});
  spec.token_types.assign(spec.tokens.size(), static_cast<int32_t>(TokenType::kNormal));
  spec.token_types[256] = static_cast<int32_t>(TokenType::kControl);
  spec.bos_id = spec.eos_id = 256;
  auto tok = Make(spec);
  EXPECT_THAT(EncodeOk(*tok, "a", true), ElementsAre('a'));  // add_bos false, as for GPT-2
  auto parsed = tok->EncodeParsingSpecial("a<|endoftext|>", false);
  ASSERT_TRUE(parsed.ok());
  EXPECT_THAT(*parsed, ElementsAre('a', 256));
  const std::vector<int32_t> plain = EncodeOk(*tok, "<|endoftext|>", false);
  EXPECT_EQ(plain.size(), 13u);  // no merges: one token per byte
  EXPECT_EQ(tok->Decode(plain), "<|endoftext|>");
  EXPECT_EQ(tok->Decode({'a', 256, 'b'}), "ab");  // the control token decodes to nothing
  spec.add_bos = spec.add_eos = true;
  EXPECT_THAT(EncodeOk(*Make(spec), "a", true), ElementsAre(256, 'a', 256));
}

TEST(BpeTokenizer, DecodeInvertsTheByteMapping) {
  auto tok = Make(BpeSpec({"\xC4\xA0 w"}));
  const std::string text = "x world\ttab \xF0\x9F\xA6\x99";
  EXPECT_EQ(tok->Decode(EncodeOk(*tok, text, false)), text);
  EXPECT_EQ(tok->TokenToPiece(256), " w");
  EXPECT_EQ(tok->TokenToPiece(0xF0), "\xF0");  // a partial UTF-8 sequence
}

TEST(BpeTokenizer, ByteTypeTokensDecodeToTheirByte) {
  TokenizerSpec spec = BpeSpec({}, {"<0x41>"});
  spec.token_types.assign(spec.tokens.size(), static_cast<int32_t>(TokenType::kNormal));
  spec.token_types[256] = static_cast<int32_t>(TokenType::kByte);
  auto tok = Make(spec);
  EXPECT_EQ(tok->TokenToPiece(256), "A");
  EXPECT_EQ(tok->Decode({'x', 256}), "xA");
}

TEST(BpeTokenizer, RejectsMalformedMergesAndUnknownPreTokenizers) {
  TokenizerSpec spec = BpeSpec({"h e"});
  spec.merges.push_back("nospace");
  auto bad = CreateTokenizer(spec);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("merge 1 ('nospace')"), std::string::npos)
      << bad.status().message();
  TokenizerSpec spec2 = BpeSpec({"h e"});
  spec2.pre = "klingon";
  auto bad2 = CreateTokenizer(spec2);
  ASSERT_FALSE(bad2.ok());
  EXPECT_NE(bad2.status().message().find("'klingon'"), std::string::npos);
}

TEST(BpeTokenizer, RejectsInvalidUtf8NamingTheOffset) {
  auto ids = Make(BpeSpec({}))->Encode("hi \xED\xA0\x80", false);
  ASSERT_FALSE(ids.ok());
  EXPECT_NE(ids.status().message().find("byte offset 3"), std::string::npos);
}

}  // namespace
}  // namespace cratio
