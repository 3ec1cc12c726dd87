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
  std::vector<uint8_t> positive;  // [item]
};

RankedProblem Rank(std::span<const double> scores, std::vector<uint8_t> positive) {
  RankedProblem p;
  p.positive = std::move(positive);
  p.order.resize(scores.size());
  std::iota(p.order.begin(), p.order.end(), 0);
  std::stable_sort(p.order.begin(), p.order.end(),
                   [&](int32_t a, int32_t b) { return scores[a] < scores[b]; });
  p.new_tie.resize(scores.size());
  for (size_t i = 0; i < p.order.size(); ++i) {
    p.new_tie[i] = i == 0 || scores[p.order[i]] != scores[p.order[i - 1]];
  }
  return p;
}

// Σ over positives of (negatives ranked below + ½ negatives tied) / (P · N).
double WeightedAuc(const RankedProblem& p, std::span<const int32_t> weights) {
  double below_neg = 0.0;       // negative weight in earlier tie groups
  double group_pos = 0.0, group_neg = 0.0;
  double pairs = 0.0, total_pos = 0.0;
  const auto close_group = [&] {
    pairs += group_pos * (below_neg + 0.5 * group_neg);
    below_neg += group_neg;
    total_pos += group_pos;
    group_pos = group_neg = 0.0;
  };
  for (size_t i = 0; i < p.order.size(); ++i) {
    if (p.new_tie[i]) close_group();
    const int32_t item = p.order[i];
    const double w = weights[item];
    if (p.positive[item]) {
      group_pos += w;
    } else {
      group_neg += w;
    }
  }
  close_group();
  const double total_neg = below_neg;
  if (total_pos == 0.0 || total_neg == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return pairs / (total_pos * total_neg);
}

class RocAucPrepared final : public PreparedMetric {
 public:
  explicit RocAucPrepared(std::vector<RankedProblem> problems)
      : problems_(std::move(problems)) {}
  int64_t num_items() const override {
    return problems_.empty() ? 0 : static_cast<int64_t>(problems_[0].order.size());
  }
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
      problems.push_back(Rank(scores, std::move(positive)));
    }
    return std::unique_ptr<PreparedMetric>(new RocAucPrepared(std::move(problems)));
  }
};

}  // namespace

double BinaryRocAuc(std::span<const double> scores, std::span<const uint8_t> labels) {
  const RankedProblem p = Rank(scores, std::vector<uint8_t>(labels.begin(), labels.end()));
  const std::vector<int32_t> ones(scores.size(), 1);
  return WeightedAuc(p, ones);
}

const Metric& RocAucMetric() {
  static const RocAuc metric;
  return metric;
}

}  // namespace cratio
