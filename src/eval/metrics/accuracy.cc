// accuracy over ItemCorrectness.
#include "eval/metrics/accuracy.h"

#include "eval/metrics/mean_metric.h"

namespace cratio {
namespace {

class Accuracy final : public Metric {
 public:
  std::string_view name() const override { return "accuracy"; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    std::vector<double> scores;
    scores.reserve(items.size());
    for (const ItemResult& item : items) {
      const std::optional<bool> ok = ItemCorrectness(item);
      if (!ok) {
        return InvalidInput(
            "accuracy: item '{}' has neither gold + prediction (gold {}, pred {}, {} choice "
            "log-probs) nor a correct flag ({})",
            item.id, item.gold, item.pred, item.choice_logprob.size(), item.correct);
      }
      scores.push_back(*ok ? 1.0 : 0.0);
    }
    return std::unique_ptr<PreparedMetric>(new MeanPrepared(std::move(scores)));
  }
};

}  // namespace

const Metric& AccuracyMetric() {
  static const Accuracy metric;
  return metric;
}

}  // namespace cratio
