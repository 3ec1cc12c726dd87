// ComparePaired: paired bootstrap of the difference and the retention ratio, flips and
// McNemar, answer agreement, KL over answer options, and per-slice retention with Holm.
#include "eval/stats/paired.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

#include "eval/kl_stats.h"
#include "eval/stats/holm.h"
#include "eval/stats/mcnemar.h"
#include "eval/stats/rng.h"
#include "eval/stats/slices.h"

namespace cratio {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kMaxIdsListed = 10;

// 100 · variant / base (higher is better) or 100 · base / variant; NaN on a zero divisor.
double RetentionPct(double base, double variant, bool higher_is_better) {
  const double num = higher_is_better ? variant : base;
  const double den = higher_is_better ? base : variant;
  if (den == 0.0 || !std::isfinite(num) || !std::isfinite(den)) return kNaN;
  return 100.0 * num / den;
}

// Puts `variant` in `base`'s id order. Errors name duplicated or unmatched ids.
Result<std::vector<ItemResult>> AlignById(std::span<const ItemResult> base,
                                          std::span<const ItemResult> variant) {
  std::unordered_map<std::string_view, size_t> variant_index;
  for (size_t i = 0; i < variant.size(); ++i) {
    if (!variant_index.emplace(variant[i].id, i).second) {
      return InvalidInput("paired comparison: variant item id '{}' appears more than once",
                          variant[i].id);
    }
  }
  std::unordered_map<std::string_view, size_t> base_index;
  std::vector<std::string_view> missing_in_variant, missing_in_base;
  for (size_t i = 0; i < base.size(); ++i) {
    if (!base_index.emplace(base[i].id, i).second) {
      return InvalidInput("paired comparison: base item id '{}' appears more than once",
                          base[i].id);
    }
    if (!variant_index.contains(base[i].id)) missing_in_variant.push_back(base[i].id);
  }
  for (const ItemResult& v : variant) {
    if (!base_index.contains(v.id)) missing_in_base.push_back(v.id);
  }
  if (!missing_in_variant.empty() || !missing_in_base.empty()) {
    const auto listed = [](std::vector<std::string_view>& ids) {
      const size_t shown = std::min(ids.size(), kMaxIdsListed);
      std::string s = fmt::format("{}", fmt::join(ids.begin(), ids.begin() + shown, ", "));
      if (ids.size() > shown) s += fmt::format(", … ({} more)", ids.size() - shown);
      return ids.empty() ? std::string("none") : s;
    };
    return InvalidInput(
        "paired comparison needs identical items: base has {} items, variant {}; {} ids only "
        "in base ({}); {} ids only in variant ({})",
        base.size(), variant.size(), missing_in_variant.size(), listed(missing_in_variant),
        missing_in_base.size(), listed(missing_in_base));
  }
  std::vector<ItemResult> aligned;
  aligned.reserve(base.size());
  for (const ItemResult& b : base) aligned.push_back(variant[variant_index.at(b.id)]);
  return aligned;
}

// Per-item 0/1 correctness of both sides, from the metric's binary per-item scores when
// it has them, else ItemCorrectness. known[i] = 0 where either side is unknown.
struct Correctness {
  std::vector<uint8_t> base, variant, known;
  int64_t num_known = 0;
};

bool AllBinary(std::span<const double> scores) {
  return std::all_of(scores.begin(), scores.end(),
                     [](double s) { return s == 0.0 || s == 1.0; });
}

Correctness PerItemCorrectness(std::span<const ItemResult> base,
                               std::span<const ItemResult> variant,
                               const PreparedMetric& base_prepared,
                               const PreparedMetric& variant_prepared) {
  const size_t n = base.size();
  Correctness c;
  c.base.assign(n, 0);
  c.variant.assign(n, 0);
  c.known.assign(n, 0);
  const auto base_scores = base_prepared.PerItemScores();
  const auto variant_scores = variant_prepared.PerItemScores();
  const bool from_metric =
      base_scores && variant_scores && AllBinary(*base_scores) && AllBinary(*variant_scores);
  for (size_t i = 0; i < n; ++i) {
    std::optional<bool> b, v;
    if (from_metric) {
      b = (*base_scores)[i] == 1.0;
      v = (*variant_scores)[i] == 1.0;
    } else {
      b = ItemCorrectness(base[i]);
      v = ItemCorrectness(variant[i]);
    }
    if (b && v) {
      c.base[i] = *b;
      c.variant[i] = *v;
      c.known[i] = 1;
      ++c.num_known;
    }
  }
  return c;
}

ChoiceKl ChoiceKlOver(std::span<const ItemResult> base, std::span<const ItemResult> variant) {
  ChoiceKl out;
  MomentAccumulator acc;
  for (size_t i = 0; i < base.size(); ++i) {
    const auto& b = base[i].choice_logprob;
    const auto& v = variant[i].choice_logprob;
    if (b.empty() || v.empty()) {
      out.reason = fmt::format("item '{}' has no answer options (base {}, variant {})",
                               base[i].id, b.size(), v.size());
      return out;
    }
    if (b.size() != v.size()) {
      out.reason = fmt::format("item '{}' has {} answer options in base but {} in variant",
                               base[i].id, b.size(), v.size());
      return out;
    }
    const double kl = ChoiceKlDivergence(b, v);
    acc.Add(kl);
    out.max = std::max(out.max, kl);
  }
  const MeanWithError m = acc.Finish();
  out.applicable = true;
  out.num_items = acc.count();
  out.mean = m.mean;
  out.se = m.se;
  return out;
}

// Paired bootstrap replicates of (variant − base) and of the retention ratio.
struct PairedReplicates {
  std::vector<double> diff, retention;
};

PairedReplicates PairedBootstrap(PreparedMetric& base, PreparedMetric& variant,
                                 bool higher_is_better, uint64_t seed, int32_t num_resamples) {
  PairedReplicates r;
  r.diff.resize(num_resamples);
  r.retention.resize(num_resamples);
  std::vector<int32_t> counts(static_cast<size_t>(base.num_items()));
  SplitMix64 rng(seed);
  for (int32_t k = 0; k < num_resamples; ++k) {
    DrawResampleCounts(rng, counts);
    const double b = base.Evaluate(counts);
    const double v = variant.Evaluate(counts);
    r.diff[k] = v - b;
    r.retention[k] = RetentionPct(b, v, higher_is_better);
  }
  return r;
}

// The per-slice seed: distinct, deterministic streams derived from the main seed.
uint64_t SliceSeed(uint64_t seed, size_t slice_index) {
  SplitMix64 mix(seed ^ (0xA5A5A5A5A5A5A5A5ull + slice_index));
  return mix.Next();
}

}  // namespace

FlipStats CountFlips(std::span<const uint8_t> base_correct,
                     std::span<const uint8_t> variant_correct) {
  FlipStats f;
  f.num_items = static_cast<int64_t>(base_correct.size());
  for (size_t i = 0; i < base_correct.size(); ++i) {
    const bool b = base_correct[i] != 0, v = variant_correct[i] != 0;
    if (b && v) ++f.both_right;
    if (!b && !v) ++f.both_wrong;
    if (b && !v) ++f.right_to_wrong;
    if (!b && v) ++f.wrong_to_right;
  }
  if (f.num_items > 0) {
    const double n = static_cast<double>(f.num_items);
    f.right_to_wrong_rate = static_cast<double>(f.right_to_wrong) / n;
    f.wrong_to_right_rate = static_cast<double>(f.wrong_to_right) / n;
    f.flip_rate = static_cast<double>(f.right_to_wrong + f.wrong_to_right) / n;
  }
  f.mcnemar_p = McNemarExactP(f.right_to_wrong, f.wrong_to_right);
  return f;
}

double ChoiceKlDivergence(std::span<const double> base_logprob,
                          std::span<const double> variant_logprob) {
  // log softmax of each side, then Σ p (log p − log q).
  const auto log_normalizer = [](std::span<const double> lp) {
    const double max_lp = *std::max_element(lp.begin(), lp.end());
    double sum = 0.0;
    for (double x : lp) sum += std::exp(x - max_lp);
    return max_lp + std::log(sum);
  };
  const double zp = log_normalizer(base_logprob);
  const double zq = log_normalizer(variant_logprob);
  double kl = 0.0;
  for (size_t i = 0; i < base_logprob.size(); ++i) {
    const double log_p = base_logprob[i] - zp;
    const double log_q = variant_logprob[i] - zq;
    const double p = std::exp(log_p);
    if (p > 0.0) kl += p * (log_p - log_q);
  }
  return std::max(0.0, kl);  // rounding can leave a tiny negative for identical rows
}

Result<PairedComparison> ComparePaired(std::span<const ItemResult> base,
                                       std::span<const ItemResult> variant,
                                       const PairedOptions& options) {
  const Metric* metric = FindMetric(options.metric);
  if (metric == nullptr) {
    return InvalidInput("paired comparison: unknown metric '{}' (known: {})", options.metric,
                        fmt::join(MetricNames(), ", "));
  }
  if (options.num_resamples < 2) {
    return InvalidInput("paired comparison: num_resamples must be >= 2, got {}",
                        options.num_resamples);
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    return InvalidInput("paired comparison: confidence must be in (0, 1), got {}",
                        options.confidence);
  }
  if (base.empty()) return InvalidInput("paired comparison: no items");
  CRATIO_ASSIGN_OR_RETURN(const std::vector<ItemResult> aligned, AlignById(base, variant));
  const std::span<const ItemResult> var(aligned);

  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<PreparedMetric> base_prep, metric->Prepare(base));
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<PreparedMetric> var_prep, metric->Prepare(var));

  PairedComparison out;
  out.metric = options.metric;
  out.higher_is_better = metric->higher_is_better();
  out.num_items = static_cast<int64_t>(base.size());
  out.num_resamples = options.num_resamples;
  out.seed = options.seed;
  out.confidence = options.confidence;
  const MetricOptions se_options{options.seed, kDefaultSeResamples};
  out.base = SummarizePrepared(options.metric, *base_prep, se_options);
  out.variant = SummarizePrepared(options.metric, *var_prep, se_options);
  out.diff = out.variant.value - out.base.value;
  out.retention_pct = RetentionPct(out.base.value, out.variant.value, out.higher_is_better);

  PairedReplicates reps = PairedBootstrap(*base_prep, *var_prep, out.higher_is_better,
                                          options.seed, options.num_resamples);
  out.diff_ci = PercentileInterval(reps.diff, options.confidence);
  out.retention_ci = PercentileInterval(reps.retention, options.confidence);

  // Flips over items whose correctness is known on both sides.
  const Correctness c = PerItemCorrectness(base, var, *base_prep, *var_prep);
  out.binary = c.num_known == out.num_items;
  {
    std::vector<uint8_t> b, v;
    for (size_t i = 0; i < base.size(); ++i) {
      if (!c.known[i]) continue;
      b.push_back(c.base[i]);
      v.push_back(c.variant[i]);
    }
    out.flips = CountFlips(b, v);
  }

  // Answer agreement: same predicted choice, else the same answer text.
  int64_t same = 0;
  for (size_t i = 0; i < base.size(); ++i) {
    const int32_t pb = PredictedChoice(base[i]), pv = PredictedChoice(var[i]);
    if (pb >= 0 && pv >= 0) {
      ++out.num_answer_items;
      same += pb == pv;
      continue;
    }
    const std::string_view tb = PredictionText(base[i]), tv = PredictionText(var[i]);
    if (!tb.empty() && !tv.empty()) {
      ++out.num_answer_items;
      same += tb == tv;
    }
  }
  out.answer_agreement = out.num_answer_items > 0
                             ? static_cast<double>(same) / static_cast<double>(out.num_answer_items)
                             : kNaN;

  out.choice_kl = ChoiceKlOver(base, var);

  if (!options.per_slice) return out;
  const std::vector<SliceIndices> groups = GroupBySlice(base);
  std::vector<double> p_values;
  std::vector<ItemResult> slice_base, slice_var;
  for (size_t g = 0; g < groups.size(); ++g) {
    const SliceIndices& group = groups[g];
    slice_base.clear();
    slice_var.clear();
    bool slice_binary = true;
    std::vector<uint8_t> sb, sv;
    for (int64_t i : group.indices) {
      slice_base.push_back(base[i]);
      slice_var.push_back(var[i]);
      slice_binary = slice_binary && c.known[i];
      sb.push_back(c.base[i]);
      sv.push_back(c.variant[i]);
    }
    CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<PreparedMetric> sbp, metric->Prepare(slice_base));
    CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<PreparedMetric> svp, metric->Prepare(slice_var));
    SliceComparison s;
    s.slice = group.slice;
    s.num_items = static_cast<int64_t>(group.indices.size());
    const std::vector<int32_t> ones(group.indices.size(), 1);
    s.base = sbp->Evaluate(ones);
    s.variant = svp->Evaluate(ones);
    s.diff = s.variant - s.base;
    s.retention_pct = RetentionPct(s.base, s.variant, out.higher_is_better);
    PairedReplicates sr = PairedBootstrap(*sbp, *svp, out.higher_is_better,
                                          SliceSeed(options.seed, g), options.num_resamples);
    if (slice_binary) {
      const FlipStats f = CountFlips(sb, sv);
      s.right_to_wrong = f.right_to_wrong;
      s.wrong_to_right = f.wrong_to_right;
      s.p_value = f.mcnemar_p;
      s.p_method = "mcnemar_exact";
    } else {
      s.p_value = BootstrapTwoSidedP(sr.diff);
      s.p_method = "bootstrap";
    }
    s.diff_ci = PercentileInterval(sr.diff, options.confidence);
    s.retention_ci = PercentileInterval(sr.retention, options.confidence);
    p_values.push_back(s.p_value);
    out.slices.push_back(std::move(s));
  }
  const std::vector<double> holm = HolmAdjust(p_values);
  for (size_t g = 0; g < out.slices.size(); ++g) {
    out.slices[g].p_holm = holm[g];
    const double r = out.slices[g].retention_pct;
    if (!std::isfinite(r)) continue;
    if (!out.worst_slice || r < out.slices[*out.worst_slice].retention_pct) out.worst_slice = g;
  }
  return out;
}

}  // namespace cratio
