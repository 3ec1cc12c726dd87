// exact_match and the SQuAD normalisation it relies on.
#include "eval/metrics/exact_match.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <vector>

#include "eval/metrics/text_normalize.h"

namespace cratio {
namespace {

TEST(SquadNormalize, LowercasesStripsPunctuationArticlesAndSpaces) {
  EXPECT_EQ(SquadNormalize("The  Cat, sat!"), "cat sat");
  EXPECT_EQ(SquadNormalize("An apple a day"), "apple day");
  EXPECT_EQ(SquadNormalize("theater and another"), "theater and another");  // not words
  EXPECT_EQ(SquadNormalize("A.B"), "ab");  // punctuation goes first: "a.b" → "ab"
  EXPECT_EQ(SquadNormalize("  the\tEnd \n"), "end");
  EXPECT_EQ(SquadNormalize("$1,000"), "1000");
  EXPECT_EQ(SquadNormalize("the"), "");
}

TEST(SplitOnWhitespace, MatchesPythonSplitIncludingUnicodeSpaces) {
  // U+00A0 (no-break space, C2 A0) and U+3000 (ideographic space) split, as in Python.
  const auto parts = SplitOnWhitespace("a\xC2\xA0" "b\xE3\x80\x80" "c  d\x1F" "e");
  const std::vector<std::string_view> expected = {"a", "b", "c", "d", "e"};
  EXPECT_EQ(parts, expected);
  EXPECT_EQ(RightStrip("x y \t\xC2\xA0"), "x y");
}

TEST(ExactMatch, BestOverReferencesAfterNormalisation) {
  const std::vector<std::string> refs = {"Paris, France", "the answer"};
  EXPECT_DOUBLE_EQ(ExactMatchScore("Answer.", refs), 1.0);
  EXPECT_DOUBLE_EQ(ExactMatchScore("paris france", refs), 1.0);
  EXPECT_DOUBLE_EQ(ExactMatchScore("Paris", refs), 0.0);
}

TEST(ExactMatch, MetricAveragesItemsWithBinomialError) {
  std::vector<ItemResult> items(4);
  const char* extracted[] = {"42", "17", "3.5", ""};
  for (int i = 0; i < 4; ++i) {
    items[i].id = fmt::format("q{}", i);
    items[i].extracted = extracted[i];
    items[i].references = {i == 1 ? "18" : extracted[i]};
  }
  items[3].generated = "The answer is 7";
  items[3].references = {"the answer is 7."};  // empty extraction: generated is scored
  const Result<MetricValue> v = ComputeMetric("exact_match", items);
  ASSERT_TRUE(v.ok()) << v.status().message();
  // right: q0, q2 ("3.5" vs "3.5" → both "35"), q3; wrong: q1 → 3/4, SE 0.25.
  EXPECT_DOUBLE_EQ(v->value, 0.75);
  EXPECT_NEAR(v->se, 0.25, 1e-12);
}

TEST(ExactMatch, ItemWithoutReferenceIsRejected) {
  ItemResult r;
  r.id = "noref";
  r.extracted = "some answer";
  const std::vector<ItemResult> items = {r};
  const auto v = ComputeMetric("exact_match", items);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("noref"), std::string::npos);
}

}  // namespace
}  // namespace cratio
