// Every label the human-readable reports print, in English and Chinese: one table of
// strings per language (no translation at run time). Add a field here and in both
// tables of labels.cc (a unit test checks that no field is left empty).
#pragma once

#include <string_view>

#include "base/status.h"
#include "eval/compare/ratios.h"

namespace cratio::report {

enum class Lang { kEn, kZh };

// "en" / "zh" (also "zh-CN", "cn"); InvalidInput otherwise.
Result<Lang> ParseLang(std::string_view text);

struct Labels {
  std::string_view title;
  std::string_view base_model;
  std::string_view environment;
  std::string_view threads;
  std::string_view kernels;
  std::string_view run;
  std::string_view variant;
  std::string_view recipe;
  std::string_view parameters;
  std::string_view compression_ratios;
  std::string_view ratio_legend;
  std::string_view params_total;
  std::string_view params_nonzero;
  std::string_view file_size;
  std::string_view bits_per_weight;
  std::string_view flops_per_token;
  std::string_view peak_memory;
  std::string_view latency;
  std::string_view ratio;
  std::string_view factor;
  std::string_view performance_retention;
  std::string_view retention;
  std::string_view items;
  std::string_view flips_right_to_wrong;
  std::string_view flips_wrong_to_right;
  std::string_view mcnemar_p;
  std::string_view agreement;
  std::string_view worst_slice;
  std::string_view perplexity;
  std::string_view tokens;
  std::string_view kl;
  std::string_view top1_agreement;
  std::string_view overall_retention;
  std::string_view inference_efficiency;
  std::string_view ttft;
  std::string_view tokens_per_s;
  std::string_view speedup;
  std::string_view slower_in;
  std::string_view resources;
  std::string_view peak_rss;
  std::string_view kv_cache;
  std::string_view per_token;
  std::string_view energy;
  std::string_view unavailable;
  std::string_view efficiency_score;
  std::string_view overall_score;
  std::string_view pareto_front;
  std::string_view yes;
  std::string_view no;
  std::string_view overall_verdict;
  std::string_view value;
  std::string_view ci_bound;
  std::string_view margin;
  std::string_view not_measured;
  std::string_view fake_compression;
  std::string_view on_disk;
  std::string_view claimed;
  std::string_view tolerance;
  std::string_view calibration_overlap;
  std::string_view items_share_ngram;  // "{} of {} items share an {}-gram"-style suffix
  std::string_view passes_all;
  std::string_view fails_some;
  std::string_view summary;
  std::string_view best_variant;
  std::string_view no_variant_passes;
  std::string_view highest_score;
  std::string_view requirements;
  std::string_view none;
  std::string_view layer_error;
  std::string_view size_vs_retention;
  std::string_view latency_distribution;
  std::string_view task_retention;
  std::string_view base_label;
  std::string_view overview;
  std::string_view task;
  std::string_view metric;
  std::string_view dimension;
  std::string_view original;
  std::string_view compressed;
  std::string_view scenario;
  std::string_view checks;
};

const Labels& LabelsFor(Lang lang);

// The label of a size dimension ("File size") or "latency".
std::string_view DimensionLabel(const Labels& l, compare::SizeDimension d);
std::string_view DimensionLabel(const Labels& l, std::string_view key);

}  // namespace cratio::report
