// Recipe parsing: known steps, canonical spellings, and the errors for bad recipes.
#include <gtest/gtest.h>

#include "compress/compression_method.h"

namespace cratio {
namespace {

TEST(ParseRecipe, SplitsStepsAndSpellsThemCanonically) {
  auto steps = ParseRecipe("Q4_K_M");
  ASSERT_TRUE(steps.ok()) << steps.status().message();
  ASSERT_EQ(steps->size(), 1u);
  EXPECT_EQ((*steps)[0]->spec(), "q4_k_m");
  auto two = ParseRecipe("q8_0+q4_0");
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1]->spec(), "q4_0");
}

TEST(ParseRecipe, EveryQuantizationTypeAndPresetIsKnown) {
  for (const char* name : {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k",
                           "q3_k", "q4_k", "q5_k", "q6_k", "q3_k_s", "q3_k_m", "q3_k_l",
                           "q4_k_s", "q4_k_m", "q5_k_s", "q5_k_m"}) {
    auto m = CreateMethod(name);
    ASSERT_TRUE(m.ok()) << name << ": " << m.status().message();
    EXPECT_EQ((*m)->spec(), name);
    EXPECT_FALSE((*m)->needs_calibration());
  }
}

TEST(ParseRecipe, BadRecipesAreInvalidInputWithAClearMessage) {
  auto unknown = ParseRecipe("q9_z");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(unknown.status().message().find("q9_z"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("q4_k_m"), std::string::npos);  // lists known ones

  auto trailing = ParseRecipe("q4_k+");
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("empty step"), std::string::npos);

  auto empty = ParseRecipe("");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty recipe"), std::string::npos);

  auto args = ParseRecipe("q4_0:3");
  ASSERT_FALSE(args.ok());
  EXPECT_NE(args.status().message().find("no arguments"), std::string::npos);
}

TEST(KnownMethods, ListsOneUsageLinePerMethod) {
  const std::vector<std::string> known = KnownMethods();
  EXPECT_GE(known.size(), 20u);
  bool has_q4_k_m = false;
  for (const std::string& k : known) has_q4_k_m = has_q4_k_m || k.rfind("q4_k_m", 0) == 0;
  EXPECT_TRUE(has_q4_k_m);
}

}  // namespace
}  // namespace cratio
