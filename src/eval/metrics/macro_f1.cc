// Macro-F1 from a weighted confusion count.
#include "eval/metrics/macro_f1.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace cratio {
namespace {

class MacroF1Prepared final : public PreparedMetric {
 public:
  MacroF1Prepared(std::vector<int32_t> gold, std::vector<int32_t> pred)
      : gold_(std::move(gold)), pred_(std::move(pred)) {
    int32_t max_label = 0;
    for (size_t i = 0; i < gold_.size(); ++i) max_label = std::max({max_label, gold_[i], pred_[i]});
    const size_t num_classes = static_cast<size_t>(max_label) + 1;
    tp_.resize(num_classes);
    fp_.resize(num_classes);
    fn_.resize(num_classes);
  }
  int64_t num_items() const override { return static_cast<int64_t>(gold_.size()); }
  double Evaluate(std::span<const int32_t> weights) override {
    std::fill(tp_.begin(), tp_.end(), 0);
    std::fill(fp_.begin(), fp_.end(), 0);
    std::fill(fn_.begin(), fn_.end(), 0);
    for (size_t i = 0; i < gold_.size(); ++i) {
      const int64_t w = weights[i];
      if (pred_[i] == gold_[i]) {
        tp_[gold_[i]] += w;
      } else {
        fn_[gold_[i]] += w;
        if (pred_[i] >= 0) fp_[pred_[i]] += w;
      }
    }
    double sum = 0.0;
    int64_t num_present = 0;
    for (size_t k = 0; k < tp_.size(); ++k) {
      const int64_t denom = 2 * tp_[k] + fp_[k] + fn_[k];
      if (denom == 0) continue;  // class absent from this (re)sample
      sum += 2.0 * static_cast<double>(tp_[k]) / static_cast<double>(denom);
      ++num_present;
    }
    if (num_present == 0) return std::numeric_limits<double>::quiet_NaN();
    return sum / static_cast<double>(num_present);
  }
  std::optional<double> AnalyticStdError() const override { return std::nullopt; }
  std::optional<std::span<const double>> PerItemScores() const override {
    return std::nullopt;
  }

 private:
  std::vector<int32_t> gold_, pred_;
  std::vector<int64_t> tp_, fp_, fn_;  // scratch, [num_classes]
};

class MacroF1Impl final : public Metric {
 public:
  std::string_view name() const override { return "macro_f1"; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    std::vector<int32_t> gold, pred;
    gold.reserve(items.size());
    pred.reserve(items.size());
    for (const ItemResult& item : items) {
      const int32_t p = PredictedChoice(item);
      if (item.gold < 0 || p < 0) {
        return InvalidInput(
            "macro_f1: item '{}' needs a gold label and a prediction (gold {}, pred {}, {} "
            "choice log-probs)",
            item.id, item.gold, item.pred, item.choice_logprob.size());
      }
      gold.push_back(item.gold);
      pred.push_back(p);
    }
    return std::unique_ptr<PreparedMetric>(new MacroF1Prepared(std::move(gold), std::move(pred)));
  }
};

}  // namespace

double MacroF1(std::span<const int32_t> gold, std::span<const int32_t> pred) {
  MacroF1Prepared prepared(std::vector<int32_t>(gold.begin(), gold.end()),
                           std::vector<int32_t>(pred.begin(), pred.end()));
  const std::vector<int32_t> ones(gold.size(), 1);
  return prepared.Evaluate(ones);
}

const Metric& MacroF1Metric() {
  static const MacroF1Impl metric;
  return metric;
}

}  // namespace cratio
