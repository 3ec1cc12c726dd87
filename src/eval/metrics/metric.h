// Metrics over scored items: the `Metric` interface, the value-with-uncertainty every
// metric reports, and the registry by name (the list itself is in registry.cc).
//
// A metric is computed in two steps. `Prepare` reduces the items once to per-item
// statistics (a 0/1 per item for accuracy, n-gram counts for BLEU, ...), checking that
// the items carry what it needs. The prepared form then evaluates the metric for any
// per-item *weights* — all ones for the point estimate, bootstrap multiplicities for a
// resample — in one pass, with no allocation. The same prepared form serves standard
// errors (`ComputeMetric`) and the paired comparison (`stats/paired.h`).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"
#include "eval/stats/bootstrap.h"

namespace cratio {

// One metric on one set of items.
struct MetricValue {
  std::string name;       // registry name, e.g. "accuracy", "bleu"
  double value = 0.0;     // point estimate; scale as the metric defines (BLEU 0–100)
  double se = 0.0;        // standard error of `value`; NaN when undefined (n < 2)
  int64_t n = 0;          // items the metric was computed over
  std::string se_method;  // "analytic" or "bootstrap"
};

struct MetricOptions {
  uint64_t seed = kDefaultBootstrapSeed;         // for bootstrap SEs
  int32_t num_resamples = kDefaultSeResamples;   // for bootstrap SEs
};

// A metric reduced to per-item statistics. Not thread-safe: Evaluate reuses scratch.
class PreparedMetric {
 public:
  virtual ~PreparedMetric() = default;

  // Number of items (the length `weights` must have).
  virtual int64_t num_items() const = 0;

  // The metric with item i counted weights[i] times (weights[num_items()], each ≥ 0).
  // All ones gives the point estimate. NaN where the metric is undefined on that
  // weighting (e.g. AUC of a resample with no positives).
  virtual double Evaluate(std::span<const int32_t> weights) = 0;

  // Analytic SE of the point estimate, or nullopt when the metric has none and is
  // bootstrapped.
  virtual std::optional<double> AnalyticStdError() const = 0;

  // Per-item scores when the metric is a plain mean of them (accuracy, exact match,
  // token F1, ROUGE): used for flips when they are all 0/1. nullopt for corpus-level
  // metrics (BLEU, F1, AUC, perplexity).
  virtual std::optional<std::span<const double>> PerItemScores() const = 0;
};

// One metric kind (one file each under eval/metrics/). Stateless; thread-safe.
class Metric {
 public:
  virtual ~Metric() = default;
  virtual std::string_view name() const = 0;
  // True for accuracy-like metrics; false for perplexity and bits per byte. Retention is
  // variant/base for the former and base/variant for the latter, so < 100 % is a loss.
  virtual bool higher_is_better() const { return true; }
  // Reduces `items` (≥ 1) to per-item statistics. InvalidInput naming the item id and
  // the missing field when an item lacks what the metric needs.
  virtual Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const = 0;
};

// Every metric, in registry order: accuracy, acc_norm, macro_f1, roc_auc, exact_match,
// token_f1, bleu, rouge1, rouge2, rougeL, perplexity, bits_per_byte. Pointers are to
// static objects and live for the program.
const std::vector<const Metric*>& AllMetrics();
std::vector<std::string> MetricNames();
// nullptr when no metric has that name.
const Metric* FindMetric(std::string_view name);

// Computes metric `name` over `items` with its standard error: analytic where the metric
// has one, otherwise a seeded bootstrap over items (same seed → same SE).
// InvalidInput for an unknown name (listing the known ones), empty items, or items that
// lack the metric's fields.
Result<MetricValue> ComputeMetric(std::string_view name, std::span<const ItemResult> items,
                                  const MetricOptions& options = {});

// The value and SE of an already prepared metric (what ComputeMetric does after
// Prepare): analytic SE when `prepared` has one, else a bootstrap with options' seed.
MetricValue SummarizePrepared(std::string_view name, PreparedMetric& prepared,
                              const MetricOptions& options = {});

// Same, for several names at once (e.g. a task spec's metric list), in the given order.
Result<std::vector<MetricValue>> ComputeMetrics(std::span<const std::string> names,
                                                std::span<const ItemResult> items,
                                                const MetricOptions& options = {});

// --- Helpers shared by the metric implementations -------------------------------------

// The item's predicted choice: `pred` when set, else the argmax of choice_logprob (lowest
// index on ties); -1 when neither exists.
int32_t PredictedChoice(const ItemResult& item);

// Whether the item was answered correctly: pred == gold for choice items (gold ≥ 0 and a
// predicted choice), else the `correct` field (0/1); nullopt when neither is known.
std::optional<bool> ItemCorrectness(const ItemResult& item);

// The text a generation metric scores: `extracted` when non-empty, else `generated`.
std::string_view PredictionText(const ItemResult& item);

// softmax of choice_logprob (double), written to probs[choice_logprob.size()].
void ChoiceProbabilities(const ItemResult& item, std::vector<double>& probs);

}  // namespace cratio
