// acc_norm: argmax of log-likelihood per byte.
#include "eval/metrics/acc_norm.h"

#include <algorithm>

#include "eval/metrics/mean_metric.h"

namespace cratio {
namespace {

class AccNorm final : public Metric {
 public:
  std::string_view name() const override { return "acc_norm"; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    std::vector<double> scores;
    scores.reserve(items.size());
    for (const ItemResult& item : items) {
      const int32_t pred = LengthNormalizedChoice(item);
      if (item.gold < 0 || pred < 0) {
        return InvalidInput(
            "acc_norm: item '{}' needs a gold choice and per-choice log-probs with byte "
            "counts (gold {}, {} log-probs, {} byte counts, pred_norm {})",
            item.id, item.gold, item.choice_logprob.size(), item.choice_num_bytes.size(),
            item.pred_norm);
      }
      scores.push_back(pred == item.gold ? 1.0 : 0.0);
    }
    return std::unique_ptr<PreparedMetric>(new MeanPrepared(std::move(scores)));
  }
};

}  // namespace

int32_t LengthNormalizedChoice(const ItemResult& item) {
  const size_t k = item.choice_logprob.size();
  if (k == 0 || item.choice_num_bytes.size() != k) return item.pred_norm;
  int32_t best = -1;
  double best_score = 0.0;
  for (size_t i = 0; i < k; ++i) {
    const double bytes = static_cast<double>(std::max<int64_t>(1, item.choice_num_bytes[i]));
    const double score = item.choice_logprob[i] / bytes;
    if (best < 0 || score > best_score) {
      best = static_cast<int32_t>(i);
      best_score = score;
    }
  }
  return best;
}

const Metric& AccNormMetric() {
  static const AccNorm metric;
  return metric;
}

}  // namespace cratio
