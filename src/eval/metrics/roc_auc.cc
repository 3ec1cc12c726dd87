// ROC-AUC by the rank (Mann–Whitney) method, weighted so a bootstrap resample costs one
// pass over items pre-sorted by score.
#include "eval/metrics/roc_auc.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

namespace cratio {
namespace {

// One binary problem: items sorted by score, with positive labels.
struct RankedProblem {
  std::vector<int32_t> order;     // item indices by ascending score
  std::vector<uint8_t> new_tie;   // [i]: order[i] starts a new group of equal scores
  std::vector<uint8_t> positive;  // [i]: order[i] is a positive (sorted order, so a
                                  // resample reads it sequentially)
  bool defined = false;           // both classes present at full weight
};

// positive[item] in item order.
RankedProblem Rank(std::span<const double> scores, std::span<const uint8_t> positive) {
  RankedProblem p;
  p.order.resize(scores.size());
  std::iota(p.order.begin(), p.order.end(), 0);
  std::stable_sort(p.order.begin(), p.order.end(),
                   [&](int32_t a, int32_t b) { return scores[a] < scores[b]; });
  p.new_tie.resize(scores.size());
  p.positive.resize(scores.size());
  size_t num_positive = 0;
  for (size_t i = 0; i < p.order.size(); ++i) {
    p.new_tie[i] = i == 0 || scores[p.order[i]] != scores[p.order[i - 1]];
    p.positive[i] = positive[p.order[i]] != 0;
    num_positive += p.positive[i];
  }
  p.defined = num_positive > 0 && num_positive < scores.size();
  return p;
}

// Σ over positives of (negatives ranked below + ½ negatives tied) / (P · N), in integer
// arithmetic on doubled pair counts (no ½) and without data-dependent branches but the
// tie-group boundary, which is rarely taken for continuous scores.
double WeightedAuc(const RankedProblem& p, std::span<const int32_t> weights) {
  int64_t below_neg = 0;  // negative weight in earlier tie groups
  int64_t group_pos = 0, group_neg = 0;
  int64_t pairs_x2 = 0, total_pos = 0;
  const size_t n = p.order.size();
  for (size_t i = 0; i < n; ++i) {
    if (p.new_tie[i]) {
      pairs_x2 += group_pos * (2 * below_neg + group_neg);
      below_neg += group_neg;
      total_pos += group_pos;
      group_pos = group_neg = 0;
    }
    const int64_t w = weights[p.order[i]];
    const int64_t w_pos = w * p.positive[i];
    group_pos += w_pos;
    group_neg += w - w_pos;
  }
  pairs_x2 += group_pos * (2 * below_neg + group_neg);
  below_neg += group_neg;
  total_pos += group_pos;
  const int64_t total_neg = below_neg;
  if (total_pos == 0 || total_neg == 0) return std::numeric_limits<double>::quiet_NaN();
  return 0.5 * static_cast<double>(pairs_x2) /
         (static_cast<double>(total_pos) * static_cast<double>(total_neg));
}

class RocAucPrepared final : public PreparedMetric {
 public:
  RocAucPrepared(std::vector<RankedProblem> problems, int64_t num_items)
      : problems_(std::move(problems)), num_items_(num_items) {}
  int64_t num_items() const override { return num_items_; }
  double Evaluate(std::span<const int32_t> weights) override {
    double sum = 0.0;
    int64_t defined = 0;
    for (const RankedProblem& p : problems_) {
      const double auc = WeightedAuc(p, weights);
      if (auc == auc) {
        sum += auc;
        ++defined;
      }
    }
    return defined > 0 ? sum / static_cast<double>(defined)
                       : std::numeric_limits<double>::quiet_NaN();
  }
  std::optional<double> AnalyticStdError() const override { return std::nullopt; }
  std::optional<std::span<const double>> PerItemScores() const override {
    return std::nullopt;
  }

 private:
  std::vector<RankedProblem> problems_;  // one (binary) or one per class (one-vs-rest)
  int64_t num_items_;
};

class RocAuc final : public Metric {
 public:
  std::string_view name() const override { return "roc_auc"; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    const size_t k = items.front().choice_logprob.size();
    for (const ItemResult& item : items) {
      if (item.choice_logprob.size() != k || k < 2) {
        return InvalidInput(
            "roc_auc: item '{}' has {} choice log-probs; every item needs the same number "
            "(≥ 2; the first item has {})",
            item.id, item.choice_logprob.size(), k);
      }
      if (item.gold < 0 || static_cast<size_t>(item.gold) >= k) {
        return InvalidInput("roc_auc: item '{}' has gold {}, expected 0..{}", item.id,
                            item.gold, k - 1);
      }
    }
    const size_t n = items.size();
    std::vector<double> probs;
    std::vector<double> class_scores(n * k);  // [item, class]
    for (size_t i = 0; i < n; ++i) {
      ChoiceProbabilities(items[i], probs);
      std::copy(probs.begin(), probs.end(), class_scores.begin() + i * k);
    }
    std::vector<RankedProblem> problems;
    const size_t first_class = k == 2 ? 1 : 0;
    std::vector<double> scores(n);
    for (size_t c = first_class; c < k; ++c) {
      std::vector<uint8_t> positive(n);
      for (size_t i = 0; i < n; ++i) {
        scores[i] = class_scores[i * k + c];
        positive[i] = items[i].gold == static_cast<int32_t>(c);
      }
      // A class with no positive (or no negative) item is undefined on every resample
      // too (a resample only draws from these items): leave it out once, here.
      RankedProblem problem = Rank(scores, positive);
      if (problem.defined) problems.push_back(std::move(problem));
    }
    return std::unique_ptr<PreparedMetric>(
        new RocAucPrepared(std::move(problems), static_cast<int64_t>(n)));
  }
};

}  // namespace

double BinaryRocAuc(std::span<const double> scores, std::span<const uint8_t> labels) {
  const RankedProblem p = Rank(scores, labels);
  const std::vector<int32_t> ones(scores.size(), 1);
  return WeightedAuc(p, ones);
}

const Metric& RocAucMetric() {
  static const RocAuc metric;
  return metric;
}

}  // namespace cratio
