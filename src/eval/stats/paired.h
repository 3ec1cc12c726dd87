// The paired comparison of a base model and a variant on identical items: how much of
// the base's quality the variant retains (with a paired-bootstrap CI), how individual
// answers changed (flips, McNemar's exact test, answer agreement, KL divergence over
// the answer options), and the same per slice with the worst slice and Holm-adjusted
// p-values. A pure function of two ItemResult vectors; nothing model-specific.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"
#include "eval/metrics/metric.h"
#include "eval/stats/bootstrap.h"

namespace cratio {

struct PairedOptions {
  std::string metric = "accuracy";  // a registry name (eval/metrics/metric.h)
  uint64_t seed = kDefaultBootstrapSeed;
  int32_t num_resamples = kDefaultCiResamples;  // paired bootstrap resamples
  double confidence = 0.95;
  bool per_slice = true;  // slice statistics when items carry slices
};

// Right/wrong transitions from base to variant, over items whose correctness is known
// on both sides (see ItemCorrectness / the metric's 0/1 per-item scores).
struct FlipStats {
  int64_t num_items = 0;       // items with known correctness on both sides
  int64_t both_right = 0;
  int64_t both_wrong = 0;
  int64_t right_to_wrong = 0;  // base right, variant wrong
  int64_t wrong_to_right = 0;  // base wrong, variant right
  double right_to_wrong_rate = 0.0;  // right_to_wrong / num_items (0 when num_items 0)
  double wrong_to_right_rate = 0.0;  // wrong_to_right / num_items
  double flip_rate = 0.0;            // (right_to_wrong + wrong_to_right) / num_items
  double mcnemar_p = 1.0;  // exact two-sided (stats/mcnemar.h)
};

// Mean KL(base‖variant) over the answer options (softmax of choice_logprob per item).
struct ChoiceKl {
  bool applicable = false;  // false when items have no choices (generation, perplexity)
  std::string reason;       // why not applicable ("" when applicable)
  int64_t num_items = 0;
  double mean = 0.0;        // nats
  double se = 0.0;          // SE of the mean (sample sd / sqrt(n))
  double max = 0.0;
};

struct SliceComparison {
  std::string slice;
  int64_t num_items = 0;
  double base = 0.0;             // metric on the slice's items
  double variant = 0.0;
  double diff = 0.0;             // variant − base
  Interval diff_ci;              // paired bootstrap within the slice
  double retention_pct = 0.0;    // see PairedComparison::retention_pct
  Interval retention_ci;
  double p_value = 1.0;          // McNemar exact when binary, else bootstrap (bootstrap.h)
  std::string p_method;          // "mcnemar_exact" or "bootstrap"
  double p_holm = 1.0;           // Holm-adjusted across all slices
  int64_t right_to_wrong = 0;    // 0 when not binary
  int64_t wrong_to_right = 0;
};

struct PairedComparison {
  std::string metric;
  bool higher_is_better = true;
  int64_t num_items = 0;
  int32_t num_resamples = 0;
  uint64_t seed = 0;
  double confidence = 0.95;

  MetricValue base;     // with its own SE
  MetricValue variant;

  double diff = 0.0;    // variant − base, in the metric's units
  Interval diff_ci;     // paired bootstrap percentile interval
  // Quality retained, in %: 100 · variant / base when higher is better, 100 · base /
  // variant otherwise (perplexity), so < 100 is always a loss. NaN when the divisor is 0.
  double retention_pct = 0.0;
  Interval retention_ci;  // paired bootstrap of the same ratio

  bool binary = false;  // every item's correctness is known on both sides
  FlipStats flips;      // over items with known correctness (all items when binary)

  // Fraction of items whose answer is the same (same predicted choice, else the same
  // PredictionText); num_answer_items counts items where an answer exists on both sides.
  double answer_agreement = 0.0;
  int64_t num_answer_items = 0;

  ChoiceKl choice_kl;

  std::vector<SliceComparison> slices;  // sorted by slice name; empty without slices
  std::optional<size_t> worst_slice;    // index into slices: lowest retention_pct
};

// Compares `variant` with `base` item by item. Items are matched by id (order may
// differ; results follow base's order). InvalidInput when ids repeat, when the id sets
// differ (naming up to 10 ids missing on each side), when the metric is unknown or an
// item lacks its fields, or when options are out of range. Deterministic for a seed.
Result<PairedComparison> ComparePaired(std::span<const ItemResult> base,
                                       std::span<const ItemResult> variant,
                                       const PairedOptions& options = {});

// The building blocks, exposed for tests and for other paired figures (e.g. speedup):

// Flip counts and McNemar p from per-item correctness, base_correct[i] vs
// variant_correct[i] (equal lengths).
FlipStats CountFlips(std::span<const uint8_t> base_correct,
                     std::span<const uint8_t> variant_correct);

// KL(p‖q) for p = softmax(base_logprob), q = softmax(variant_logprob), nats. Sizes must
// match and be ≥ 1.
double ChoiceKlDivergence(std::span<const double> base_logprob,
                          std::span<const double> variant_logprob);

}  // namespace cratio
