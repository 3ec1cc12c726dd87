#include "pipeline/eval_plan.h"

#include <gtest/gtest.h>

namespace cratio::pipeline {
namespace {

TEST(SplitNamed, NameOnlyBeforeAColonFreeEquals) {
  EXPECT_EQ(SplitNamed("int4=m-q4.gguf").name, "int4");
  EXPECT_EQ(SplitNamed("int4=m-q4.gguf").value, "m-q4.gguf");
  // A recipe parameter's '=' follows a ':', so it is not a name.
  EXPECT_EQ(SplitNamed("lowrank:ratio=0.5").name, "");
  EXPECT_EQ(SplitNamed("lowrank:ratio=0.5").value, "lowrank:ratio=0.5");
  EXPECT_EQ(SplitNamed("lr=lowrank:ratio=0.5").name, "lr");
  EXPECT_EQ(SplitNamed("lr=lowrank:ratio=0.5").value, "lowrank:ratio=0.5");
  EXPECT_EQ(SplitNamed("plain.gguf").name, "");
}

TEST(Labels, RecipesAndFiles) {
  EXPECT_EQ(RecipeLabel("prune-structured:0.5+q4_0"), "prune-structured-0.5+q4_0");
  EXPECT_EQ(RecipeLabel("lowrank:ratio=0.5"), "lowrank-ratio-0.5");
  EXPECT_EQ(FileStem("/models/tiny-q8.gguf"), "tiny-q8");
  EXPECT_EQ(FileStem("hf-model/"), "hf-model");
}

EvalPlan Valid() {
  EvalPlan p;
  p.base_path = "base.gguf";
  p.variants = {{"a", "a.gguf", ""}, {"b", "out/b.gguf", "q8_0"}};
  p.tasks = {"demo"};
  return p;
}

TEST(ValidatePlan, AcceptsAValidPlanAndNamesEachProblem) {
  EXPECT_TRUE(ValidatePlan(Valid()).ok());
  struct Case {
    void (*edit)(EvalPlan&);
    const char* message;
  };
  const Case cases[] = {
      {[](EvalPlan& p) { p.base_path.clear(); }, "--base"},
      {[](EvalPlan& p) { p.variants.clear(); }, "nothing to compare"},
      {[](EvalPlan& p) { p.variants[1].name = "a"; }, "two variants are named 'a'"},
      {[](EvalPlan& p) { p.variants[0].name = "base"; }, "reserved"},
      {[](EvalPlan& p) { p.variants[0].name = "x/y"; }, "path separator"},
      {[](EvalPlan& p) { p.tasks.clear(); }, "no quality measure"},
      {[](EvalPlan& p) { p.limit = -1; }, "--limit is -1"},
      {[](EvalPlan& p) { p.ppl_ctx = 2; }, "--ctx is 2"},
      {[](EvalPlan& p) { p.bench.gen_tokens = 0; }, "p64 g0"},
      {[](EvalPlan& p) { p.bench.min_iters = 0; }, "--bench-iters is 0"},
      {[](EvalPlan& p) { p.item_block = 0; }, "item block is 0"},
  };
  for (const Case& c : cases) {
    EvalPlan p = Valid();
    c.edit(p);
    const Status s = ValidatePlan(p);
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.message();
  }
  // Text alone is a quality measure; a disabled benchmark is not checked.
  EvalPlan p = Valid();
  p.tasks.clear();
  p.ppl_text = "wiki.txt";
  p.bench.enabled = false;
  p.bench.gen_tokens = 0;
  EXPECT_TRUE(ValidatePlan(p).ok());
}

}  // namespace
}  // namespace cratio::pipeline
