// exact_match over SQuAD-normalised strings.
#include "eval/metrics/exact_match.h"

#include "eval/metrics/mean_metric.h"
#include "eval/metrics/text_normalize.h"

namespace cratio {
namespace {

class ExactMatch final : public Metric {
 public:
  std::string_view name() const override { return "exact_match"; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    return PrepareReferenceMean(name(), items, [](const ItemResult& item) {
      return ExactMatchScore(PredictionText(item), item.references);
    });
  }
};

}  // namespace

double ExactMatchScore(std::string_view prediction, std::span<const std::string> references) {
  const std::string pred = SquadNormalize(prediction);
  for (const std::string& ref : references) {
    if (SquadNormalize(ref) == pred) return 1.0;
  }
  return 0.0;
}

const Metric& ExactMatchMetric() {
  static const ExactMatch metric;
  return metric;
}

}  // namespace cratio
