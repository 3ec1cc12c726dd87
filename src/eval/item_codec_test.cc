#include "eval/item_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace cratio {
namespace {

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

ItemResult SampleItem() {
  ItemResult r;
  r.id = "arc/Mercury_7175875";
  r.slice = "物理";  // non-ASCII survives
  // Values whose shortest decimal forms need all 17 digits, and the non-finite ones.
  r.choice_logprob = {-1.0 / 3.0, -0.1 - 0.2, -std::numeric_limits<double>::infinity(),
                      std::nextafter(-2.5, 0.0)};
  r.choice_num_tokens = {3, 4, 1, 7};
  r.choice_num_bytes = {12, 15, 2, 30};
  r.gold = 1;
  r.pred = 0;
  r.pred_norm = 1;
  r.generated = std::string("The answer is 42 \xE4\xBD", 20);  // cut inside a UTF-8 sequence
  r.extracted = "42";
  r.references = {"42", "forty-two"};
  r.nll_sum = 1234.5678901234567;
  r.num_scored_tokens = 255;
  r.num_scored_bytes = 1001;
  r.correct = 0;
  r.num_truncated_tokens = 17;
  return r;
}

TEST(ItemCodec, RoundTripIsExact) {
  const ItemResult a = SampleItem();
  auto back = DecodeItems(EncodeItems({a, ItemResult{}}), "test");
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->size(), 2u);
  const ItemResult& b = (*back)[0];
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.slice, a.slice);
  ASSERT_EQ(b.choice_logprob.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_TRUE(SameBits(b.choice_logprob[i], a.choice_logprob[i])) << i;
  EXPECT_EQ(b.choice_num_tokens, a.choice_num_tokens);
  EXPECT_EQ(b.choice_num_bytes, a.choice_num_bytes);
  EXPECT_EQ(b.gold, 1);
  EXPECT_EQ(b.pred, 0);
  EXPECT_EQ(b.pred_norm, 1);
  EXPECT_EQ(b.generated, a.generated);
  EXPECT_EQ(b.generated.size(), 20u);
  EXPECT_EQ(b.extracted, "42");
  EXPECT_EQ(b.references, a.references);
  EXPECT_TRUE(SameBits(b.nll_sum, a.nll_sum));
  EXPECT_EQ(b.num_scored_tokens, 255);
  EXPECT_EQ(b.num_scored_bytes, 1001);
  EXPECT_EQ(b.correct, 0);
  EXPECT_EQ(b.num_truncated_tokens, 17);
  // The default item: gold/pred -1, nothing else set.
  EXPECT_EQ((*back)[1].gold, -1);
  EXPECT_TRUE((*back)[1].choice_logprob.empty());
}

TEST(ItemCodec, NanSurvives) {
  ItemResult a;
  a.nll_sum = std::numeric_limits<double>::quiet_NaN();
  auto b = DecodeItem(EncodeItem(a), "x");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(std::isnan(b->nll_sum));
}

TEST(ItemCodec, MalformedNamesTheField) {
  nlohmann::json j = EncodeItem(SampleItem());
  j["gold"] = "one";
  auto r = DecodeItem(j, "checkpoint block 3 item 7");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("checkpoint block 3 item 7"), std::string::npos);
  EXPECT_NE(r.status().message().find("'gold'"), std::string::npos);
  j = EncodeItem(SampleItem());
  j.erase("nll_sum");
  EXPECT_FALSE(DecodeItem(j, "x").ok());
  EXPECT_FALSE(DecodeItems("[1, 2", "x").ok());
  EXPECT_FALSE(DecodeItems("{}", "x").ok());
}

}  // namespace
}  // namespace cratio
