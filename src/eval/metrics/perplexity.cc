// perplexity as a ratio-of-sums metric.
#include "eval/metrics/perplexity.h"

#include <cmath>

#include "eval/metrics/mean_metric.h"

namespace cratio {
namespace {

double Exp(double x) { return std::exp(x); }

class Perplexity final : public Metric {
 public:
  std::string_view name() const override { return "perplexity"; }
  bool higher_is_better() const override { return false; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    std::vector<double> nll, tokens;
    nll.reserve(items.size());
    tokens.reserve(items.size());
    int64_t total_tokens = 0;
    for (const ItemResult& item : items) {
      if (item.num_scored_tokens < 0) {
        return InvalidInput("perplexity: item '{}' has {} scored tokens", item.id,
                            item.num_scored_tokens);
      }
      nll.push_back(item.nll_sum);
      tokens.push_back(static_cast<double>(item.num_scored_tokens));
      total_tokens += item.num_scored_tokens;
    }
    if (total_tokens == 0) {
      return InvalidInput("perplexity: none of the {} items has scored tokens (first id '{}')",
                          items.size(), items.front().id);
    }
    return std::unique_ptr<PreparedMetric>(
        new RatioPrepared(std::move(nll), std::move(tokens), Exp, Exp));
  }
};

}  // namespace

const Metric& PerplexityMetric() {
  static const Perplexity metric;
  return metric;
}

}  // namespace cratio
