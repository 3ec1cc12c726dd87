// SQuAD token F1.
#include "eval/metrics/token_f1.h"

#include <algorithm>
#include <map>

#include "eval/metrics/mean_metric.h"
#include "eval/metrics/text_normalize.h"

namespace cratio {
namespace {

class TokenF1Impl final : public Metric {
 public:
  std::string_view name() const override { return "token_f1"; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    return PrepareReferenceMean(name(), items, [](const ItemResult& item) {
      return TokenF1Score(PredictionText(item), item.references);
    });
  }
};

}  // namespace

double TokenF1(std::string_view prediction, std::string_view reference) {
  const std::string pred_norm = SquadNormalize(prediction);
  const std::string ref_norm = SquadNormalize(reference);
  const std::vector<std::string_view> pred = SplitOnWhitespace(pred_norm);
  const std::vector<std::string_view> ref = SplitOnWhitespace(ref_norm);
  if (pred.empty() || ref.empty()) return pred.empty() && ref.empty() ? 1.0 : 0.0;
  std::map<std::string_view, int64_t> ref_counts;
  for (std::string_view t : ref) ++ref_counts[t];
  int64_t common = 0;
  for (std::string_view t : pred) {
    auto it = ref_counts.find(t);
    if (it != ref_counts.end() && it->second > 0) {
      --it->second;
      ++common;
    }
  }
  if (common == 0) return 0.0;
  const double precision = static_cast<double>(common) / static_cast<double>(pred.size());
  const double recall = static_cast<double>(common) / static_cast<double>(ref.size());
  return 2.0 * precision * recall / (precision + recall);
}

double TokenF1Score(std::string_view prediction, std::span<const std::string> references) {
  double best = 0.0;
  for (const std::string& ref : references) best = std::max(best, TokenF1(prediction, ref));
  return best;
}

const Metric& TokenF1Metric() {
  static const TokenF1Impl metric;
  return metric;
}

}  // namespace cratio
