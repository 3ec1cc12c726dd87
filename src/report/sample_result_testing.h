// A hand-built EvalResult for the renderer tests: a 1M-parameter f32 base and three
// variants (int8, int4, prune70) with round numbers, so the tests can check rendered
// values against arithmetic done by hand. Derived fields come from FinalizeComparisons.
#pragma once

#include "report/finalize.h"
#include "report/result.h"

namespace cratio::report::testing {

inline constexpr char kSampleRequirements[] =
    "retention.mmlu>=0.98,latency.ttft_p99_ms<=500,memory.peak_mb<=6";

inline TaskQuality SampleTask(const char* task, double base, double variant, Estimate retention,
                              int64_t r2w, int64_t w2r) {
  TaskQuality t;
  t.task = task;
  t.metric = "acc";
  t.num_items = 200;
  t.base = {base, 0.02};
  t.variant = {variant, 0.02};
  t.retention = retention;
  t.flips_right_to_wrong = r2w;
  t.flips_wrong_to_right = w2r;
  t.mcnemar_p = 0.75;
  t.agreement = 0.96;
  return t;
}

inline ScenarioPerformance SampleScenario(double speedup, Estimate speedup_est, double ttft_p99) {
  ScenarioPerformance s;
  s.scenario = "decode-128";
  s.base = {20, 10.0, 11.0, 12.0, 15.0, 20.0, 100.0};
  s.variant = {20, 10.0 / speedup, 11.0 / speedup, 12.0 / speedup, 15.0 / speedup, ttft_p99,
               100.0 * speedup};
  s.speedup = speedup_est;
  return s;
}

inline EvalResult SampleResult() {
  EvalResult r;
  r.run = {"0.1.0", "cratio eval --base base.gguf ...", "2026-11-29T11:00:00Z",
           "2026-11-29T11:01:00Z", 60.0};
  r.environment = {"0123456789abcdef0123", "Test CPU @ 2.0GHz", "avx2", 2, 2, 8.0e9,
                   "Linux 6.1", "g++ 12.2"};
  r.base.name = "tiny-f32";
  r.base.path = "base.gguf";
  r.base.sha256 = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
  r.base.accounting = {1e6, 1e6, 4e6, 32.0, 2e6, 8e6};
  r.base_resources = {8e6, 1024, compare::kNaN, "no RAPL counters"};

  VariantResult int8;
  int8.model = {"int8", "q8_0", "int8.gguf", "11aa", {1e6, 1e6, 1062500, 8.5, 2e6, 5e6}};
  int8.tasks.push_back(SampleTask("mmlu", 0.50, 0.495, {0.99, 0.975, 1.005}, 6, 4));
  int8.tasks[0].slices = {{"astronomy", 40, 0.5, 0.475, {0.95, 0.85, 1.05}},
                          {"law", 160, 0.5, 0.505, {1.01, 0.97, 1.05}}};
  int8.tasks[0].worst_slice = "astronomy";
  int8.tasks.push_back(SampleTask("arc", 0.40, 0.40, {1.0, 0.98, 1.02}, 3, 3));
  PerplexityComparison ppl;
  ppl.text = "wikitext-2";
  ppl.num_tokens = 4096;
  ppl.base_ppl = {10.0, 0.1};
  ppl.variant_ppl = {10.1, 0.1};
  ppl.ppl_ratio = {1.01, 1.005, 1.015};
  ppl.kl_nats = {0.002, 0.0001};
  ppl.kl_p99_nats = 0.02;
  ppl.kl_max_nats = 0.1;
  ppl.top1_agreement = {0.98, 0.002};
  int8.perplexity = ppl;
  int8.scenarios.push_back(SampleScenario(2.0, {2.0, 1.9, 2.1}, 400.0));
  int8.resources = {5.0 * 1024 * 1024, 1024, compare::kNaN, "no RAPL counters"};
  int8.fake_compression = compare::CheckFakeCompression(1062500, 8.5, 1e6);
  int8.layer_errors = {{"blk.0.attn_q.weight", 0.004}, {"blk.0.ffn_down.weight", 0.006}};

  VariantResult int4;
  int4.model = {"int4", "q4_0", "int4.gguf", "22bb", {1e6, 1e6, 562500, 4.5, 2e6, 4e6}};
  int4.tasks.push_back(SampleTask("mmlu", 0.50, 0.48, {0.96, 0.94, 0.98}, 12, 4));
  int4.tasks.push_back(SampleTask("arc", 0.40, 0.388, {0.97, 0.95, 0.99}, 8, 2));
  int4.scenarios.push_back(SampleScenario(3.0, {3.0, 2.8, 3.2}, 300.0));
  int4.resources = {4.0 * 1024 * 1024, 1024, compare::kNaN, "no RAPL counters"};
  int4.layer_errors = {{"blk.0.attn_q.weight", 0.12}, {"blk.0.ffn_down.weight", 0.08}};
  compare::OverlapReport overlap;
  overlap.ngram = 8;
  overlap.num_items = 150;
  overlap.num_items_overlapping = 0;
  overlap.fraction_items_overlapping = 0.0;
  int4.calibration_overlap = overlap;

  VariantResult prune;
  prune.model = {"prune70", "prune:70%", "p70.gguf", "33cc", {1e6, 3e5, 4e6, 32.0, 2e6, 8e6}};
  prune.tasks.push_back(SampleTask("mmlu", 0.50, 0.40, {0.80, 0.76, 0.84}, 30, 10));
  prune.tasks.push_back(SampleTask("arc", 0.40, 0.34, {0.85, 0.81, 0.89}, 20, 6));
  prune.scenarios.push_back(SampleScenario(1.0, {1.0, 0.95, 1.05}, 600.0));
  prune.scenarios[0].slower_regions = {"batch 8"};
  prune.resources = {8.0 * 1024 * 1024, 1024, compare::kNaN, "no RAPL counters"};

  r.variants = {int8, int4, prune};
  auto constraints = compare::ParseConstraints(kSampleRequirements);
  (void)FinalizeComparisons(&r, constraints.value(), kSampleRequirements);
  return r;
}

}  // namespace cratio::report::testing
