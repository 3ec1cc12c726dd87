// Tests for UTF-8 validation and conversion.
#include "tokenizer/utf8.h"

#include <gtest/gtest.h>

namespace cratio {
namespace {

TEST(ValidateUtf8, AcceptsAsciiAndMultiByteCharacters) {
  EXPECT_TRUE(ValidateUtf8("").ok());
  EXPECT_TRUE(ValidateUtf8("Hello, world!\n").ok());
  EXPECT_TRUE(ValidateUtf8("\xC3\xA4pfel").ok());               // Äpfel, 2-byte
  EXPECT_TRUE(ValidateUtf8("\xE2\x96\x81").ok());               // U+2581, 3-byte
  EXPECT_TRUE(ValidateUtf8("\xF0\x9F\xA6\x99").ok());           // U+1F999, 4-byte
  EXPECT_TRUE(ValidateUtf8("\xF4\x8F\xBF\xBF").ok());           // U+10FFFF, the last
  EXPECT_TRUE(ValidateUtf8(std::string_view("a\0b", 3)).ok());  // NUL is valid UTF-8
}

TEST(ValidateUtf8, RejectsMalformedSequencesNamingTheByteOffset) {
  struct Case {
    std::string text;
    size_t offset;
  } cases[] = {
      {"abc\x80", 3},              // stray continuation byte
      {"ab\xC0\x80", 2},           // overlong NUL
      {"a\xC1\xBF", 1},            // overlong 2-byte
      {"\xE0\x80\xAF", 0},         // overlong 3-byte
      {"xy\xED\xA0\x80", 2},       // UTF-16 surrogate U+D800
      {"\xF0\x80\x80\x80", 0},     // overlong 4-byte
      {"\xF4\x90\x80\x80", 0},     // above U+10FFFF
      {"ok \xF5\x80\x80\x80", 3},  // F5 never starts a sequence
      {"\xFF", 0},
      {"end\xE2\x82", 3},  // truncated at the end
      {"\xC3(", 0},        // second byte not a continuation
  };
  for (const Case& c : cases) {
    const Status s = ValidateUtf8(c.text);
    ASSERT_FALSE(s.ok()) << "offset " << c.offset;
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
    EXPECT_NE(s.message().find("byte offset " + std::to_string(c.offset) + ":"), std::string::npos)
        << s.message();
  }
}

TEST(Utf8, AppendAndDecodeRoundTripEveryLengthClass) {
  for (const uint32_t cp :
       {0x41u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0x2581u, 0xFFFFu, 0x10000u, 0x1F999u, 0x10FFFFu}) {
    std::string s;
    AppendUtf8(cp, &s);
    EXPECT_TRUE(ValidateUtf8(s).ok()) << cp;
    EXPECT_EQ(s.size(), Utf8SequenceLength(static_cast<uint8_t>(s[0]))) << cp;
    size_t length = 0;
    EXPECT_EQ(DecodeUtf8(s, 0, &length), cp);
    EXPECT_EQ(length, s.size());
  }
  std::string s;
  AppendUtf8(0x2581, &s);
  EXPECT_EQ(s, "\xE2\x96\x81");
}

}  // namespace
}  // namespace cratio
