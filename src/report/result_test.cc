// EvalResult JSON: round trip, schema check, type errors with their JSON path; and the
// comparisons FinalizeComparisons assembles for the sample, checked by hand.
#include "report/result.h"

#include <gtest/gtest.h>

#include "report/metrics.h"
#include "report/sample_result_testing.h"

namespace cratio::report {
namespace {

using testing::SampleResult;

TEST(EvalResultJson, RoundTripsEveryField) {
  const EvalResult r = SampleResult();
  const std::string text = RenderJson(r);
  auto back = ParseEvalResult(text, "sample.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  // Re-serializing the parsed result gives the same text: every field survived.
  EXPECT_EQ(RenderJson(*back), text);
  EXPECT_EQ(back->schema, "cratio.eval/1");
  ASSERT_EQ(back->variants.size(), 3u);
  EXPECT_EQ(back->variants[0].tasks[0].slices[0].slice, "astronomy");
  EXPECT_TRUE(std::isnan(back->variants[0].resources.energy_j));  // null in JSON
  EXPECT_EQ(back->variants[0].resources.energy_unavailable_reason, "no RAPL counters");
  EXPECT_EQ(back->variants[0].constraints[0].constraint.op, compare::CompareOp::kGreaterEqual);
  EXPECT_TRUE(back->variants[1].calibration_overlap.has_value());
  EXPECT_FALSE(back->variants[1].perplexity.has_value());
  EXPECT_NE(text.find("\"schema\": \"cratio.eval/1\""), std::string::npos);
  EXPECT_NE(text.find("\"energy_j\": null"), std::string::npos);
}

TEST(EvalResultJson, RejectsWrongSchemaAndTypesWithPath) {
  auto a = ParseEvalResult(R"({"schema": "cratio.eval/2", "base": {}, "variants": []})", "r.json");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(a.status().message().find("r.json: schema \"cratio.eval/2\" is not supported"),
            std::string::npos)
      << a.status().message();
  auto b = ParseEvalResult(
      R"({"schema": "cratio.eval/1", "base": {}, "variants": [{"tasks": [{"retention": {"ci_low": "x"}}]}]})",
      "r.json");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find(
                "variants[0].tasks[0].retention.ci_low: expected a number, found string"),
            std::string::npos)
      << b.status().message();
  auto c = ParseEvalResult("{\"schema\": ", "r.json");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("r.json: not valid JSON at byte"), std::string::npos);
  auto d = ParseEvalResult(R"({"schema": "cratio.eval/1", "base": {}})", "r.json");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("missing \"variants\""), std::string::npos);
}

TEST(FinalizeComparisons, SampleRatiosScoresParetoAndVerdict) {
  const EvalResult r = SampleResult();
  const VariantResult& int8 = r.variants[0];
  // File: 1062500 / 4e6 = 0.265625, factor 3.7647; peak memory 5e6 / 8e6 = 0.625.
  EXPECT_DOUBLE_EQ(int8.ratios[2].ratio, 0.265625);
  EXPECT_NEAR(int8.ratios[2].factor, 3.764706, 1e-6);
  EXPECT_DOUBLE_EQ(int8.ratios[5].ratio, 0.625);
  // Overall retention = (0.99 + 1.00) / 2 = 0.995; half-width sqrt(0.015² + 0.02²) / 2
  // = 0.0125.
  EXPECT_NEAR(int8.overall_retention.value, 0.995, 1e-12);
  EXPECT_NEAR(int8.overall_retention.ci_low, 0.9825, 1e-12);
  // Efficiency (file) = 0.995 / 0.265625 = 3.745882; CI 0.9825 / 0.265625 = 3.698824.
  ASSERT_EQ(int8.efficiency[2].dimension, "file_bytes");
  EXPECT_NEAR(int8.efficiency[2].score.value, 3.745882, 1e-6);
  EXPECT_NEAR(int8.efficiency[2].score.ci_low, 3.698824, 1e-6);
  // Latency: ratio 1 / 2.0 = 0.5 → score 1.99.
  EXPECT_EQ(int8.efficiency.back().dimension, "latency");
  EXPECT_NEAR(int8.efficiency.back().score.value, 1.99, 1e-12);
  // Overall: G = (0.265625 · 0.625 · 0.5)^(1/3) = 0.0830078125^(1/3) = 0.436209;
  // 0.995 / 0.436209 = 2.28102.
  EXPECT_NEAR(int8.overall_score.value, 0.995 / std::cbrt(0.0830078125), 1e-12);
  EXPECT_NEAR(int8.overall_score.value, 2.28102, 1e-4);
  // Constraints: int8 passes all three; int4 (mmlu 0.96) and prune70 fail.
  EXPECT_TRUE(int8.passes_all_constraints);
  EXPECT_FALSE(r.variants[1].passes_all_constraints);
  EXPECT_FALSE(r.variants[2].passes_all_constraints);
  EXPECT_EQ(r.verdict.best_variant, "int8");
  EXPECT_FALSE(r.verdict.constraint_failed);
  // Pareto: prune70 (0.825, size 1.0, 10 ms) is dominated by the base (1, 1, 10 ms).
  EXPECT_TRUE(r.verdict.base_on_pareto_front);
  EXPECT_TRUE(int8.on_pareto_front);
  EXPECT_TRUE(r.variants[1].on_pareto_front);
  EXPECT_FALSE(r.variants[2].on_pareto_front);
}

TEST(FinalizeComparisons, NoVariantPassingGivesConstraintFailed) {
  EvalResult r = SampleResult();
  auto cs = compare::ParseConstraints("retention.mmlu>=0.999");
  ASSERT_TRUE(cs.ok());
  const Status s = FinalizeComparisons(&r, *cs, "retention.mmlu>=0.999");
  EXPECT_EQ(s.code(), StatusCode::kConstraintFailed);
  EXPECT_TRUE(r.verdict.constraint_failed);
  EXPECT_EQ(r.verdict.best_variant, "");
}

TEST(VariantMetrics, NamesUnitsAndFirstScenario) {
  const EvalResult r = SampleResult();
  const compare::MetricMap m = VariantMetrics(r.variants[0]);
  EXPECT_DOUBLE_EQ(m.at("retention.mmlu").value, 0.99);
  EXPECT_DOUBLE_EQ(m.at("latency.ttft_p99_ms").value, 400);
  EXPECT_DOUBLE_EQ(m.at("latency.decode-128.ttft_p99_ms").value, 400);
  EXPECT_DOUBLE_EQ(m.at("memory.peak_mb").value, 5.0);  // 5 MiB of peak RSS
  EXPECT_DOUBLE_EQ(m.at("speedup").value, 2.0);
  // PPL retention = 1 / 1.01; interval [1 / 1.015, 1 / 1.005].
  EXPECT_DOUBLE_EQ(m.at("retention.ppl").value, 1.0 / 1.01);
  EXPECT_DOUBLE_EQ(m.at("retention.ppl").ci_low, 1.0 / 1.015);
  EXPECT_DOUBLE_EQ(m.at("ratio.file_bytes").value, 0.265625);
}

}  // namespace
}  // namespace cratio::report
