// EvalResult: the one versioned result of `cratio eval` ("schema": "cratio.eval/1"), as
// plain structs with JSON conversion. Every report (text, Markdown, CSV, HTML) is a pure
// function of it; docs/REPORT.md documents every field and unit. NaN = not measured
// (written as JSON null).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "eval/compare/constraints.h"
#include "eval/compare/estimate.h"
#include "eval/compare/integrity_checks.h"
#include "eval/compare/ratios.h"

namespace cratio::report {

using compare::Estimate;
using compare::kNaN;

inline constexpr std::string_view kResultSchema = "cratio.eval/1";

struct RunInfo {
  std::string cratio_version;
  std::string command_line;
  std::string started_at_utc;   // ISO 8601, e.g. "2026-11-29T11:00:00Z"
  std::string finished_at_utc;
  double wall_s = kNaN;
};

struct EnvironmentInfo {
  std::string fingerprint;  // sha256 hex of the fields below, as the producer defines it
  std::string cpu_model;
  std::string kernel_isa;   // "avx512", "avx2", "ref"
  int num_threads = 0;
  int num_cores = 0;
  double memory_bytes = kNaN;
  std::string os;
  std::string compiler;
};

struct ModelInfo {
  std::string name;    // short label: "base", "int8", "q4_k_m"
  std::string recipe;  // compression recipe that made it ("" for the base / given file)
  std::string path;
  std::string sha256;
  compare::SizeFigures accounting;  // params, bytes, bits per weight, FLOPs/token, peak memory
};

struct ValueWithSe {
  double value = kNaN;
  double se = kNaN;
};

struct SliceQuality {
  std::string slice;
  int64_t num_items = 0;
  double base_value = kNaN;
  double variant_value = kNaN;
  Estimate retention;  // variant / base
};

struct TaskQuality {
  std::string task;    // "mmlu"
  std::string metric;  // "acc", "acc_norm", "exact_match", ...
  int64_t num_items = 0;
  ValueWithSe base;
  ValueWithSe variant;
  Estimate retention;  // variant / base, fraction, paired 95 % CI
  int64_t flips_right_to_wrong = 0;
  int64_t flips_wrong_to_right = 0;
  double mcnemar_p = kNaN;
  double agreement = kNaN;     // fraction of items with the same prediction
  double kl_mean_nats = kNaN;  // mean KL(base‖variant) over the answer tokens, if scored
  std::vector<SliceQuality> slices;
  std::string worst_slice;     // slice with the lowest retention ("" if no slices)
};

struct PerplexityComparison {
  std::string text;  // which text ("wikitext-2")
  int64_t num_tokens = 0;
  ValueWithSe base_ppl;
  ValueWithSe variant_ppl;
  Estimate ppl_ratio;          // variant / base (> 1 is worse)
  ValueWithSe kl_nats;         // mean KL(base‖variant) per token
  double kl_p99_nats = kNaN;
  double kl_max_nats = kNaN;
  ValueWithSe top1_agreement;  // fraction of positions with the same argmax
};

struct LatencySummary {
  int64_t num_samples = 0;
  double latency_p50_ms = kNaN;
  double latency_p90_ms = kNaN;
  double latency_p99_ms = kNaN;
  double ttft_p50_ms = kNaN;
  double ttft_p99_ms = kNaN;
  double tokens_per_s = kNaN;
};

struct ScenarioPerformance {
  std::string scenario;     // "decode-128", "prefill-512", "chat-b4"
  LatencySummary base;
  LatencySummary variant;
  Estimate speedup;         // base time / variant time
  std::vector<std::string> slower_regions;  // e.g. "batch 8", "prompt 2048": variant slower
};

struct ResourceUsage {
  double peak_rss_bytes = kNaN;
  double kv_bytes_per_token = kNaN;
  double energy_j = kNaN;
  std::string energy_unavailable_reason;  // why energy_j is NaN ("" when measured)
};

struct EfficiencyEntry {
  std::string dimension;  // a SizeDimensionKey or "latency"
  double ratio = kNaN;    // the resource ratio the score divides by
  Estimate score;         // retention / ratio
};

struct LayerError {
  std::string tensor;            // "blk.3.ffn_down.weight"
  double relative_error = kNaN;  // ‖W' − W‖ / ‖W‖
};

struct VariantResult {
  ModelInfo model;
  std::vector<compare::DimensionRatio> ratios;
  std::vector<TaskQuality> tasks;
  Estimate overall_retention;
  std::optional<PerplexityComparison> perplexity;
  std::vector<ScenarioPerformance> scenarios;
  ResourceUsage resources;
  std::vector<EfficiencyEntry> efficiency;
  Estimate overall_score;
  bool on_pareto_front = false;
  std::vector<LayerError> layer_errors;
  std::optional<compare::FakeCompressionCheck> fake_compression;
  std::optional<compare::OverlapReport> calibration_overlap;
  std::vector<compare::ConstraintCheck> constraints;
  bool passes_all_constraints = false;
};

struct Verdict {
  std::string requirements;  // the --require text as given ("" when none)
  std::string best_variant;  // best passing by overall score; "" when none
  bool constraint_failed = false;  // requirements given and no variant passes them all
  bool base_on_pareto_front = true;
  std::string summary;       // one line, produced with the result
};

struct EvalResult {
  std::string schema = std::string(kResultSchema);
  RunInfo run;
  EnvironmentInfo environment;
  ModelInfo base;
  ResourceUsage base_resources;
  std::vector<VariantResult> variants;
  Verdict verdict;
};

nlohmann::ordered_json ToJson(const EvalResult& r);
// Checks the schema tag and every field's type; InvalidInput names the JSON path
// ("variants[1].tasks[0].retention.ci_low: expected a number, found string").
Result<EvalResult> EvalResultFromJson(const nlohmann::json& j);
// Parses text; `source` (a file name) prefixes parse errors.
Result<EvalResult> ParseEvalResult(std::string_view json_text, std::string_view source);
// One variant's part, as it appears in "variants" (checkpoints store variants one by one).
nlohmann::ordered_json VariantResultToJson(const VariantResult& v);
// InvalidInput naming `where` and the JSON path on a malformed object.
Result<VariantResult> VariantResultFromJson(const nlohmann::json& j, std::string_view where);

// Pretty JSON (2-space indent) with a final newline.
std::string RenderJson(const EvalResult& r);

}  // namespace cratio::report
