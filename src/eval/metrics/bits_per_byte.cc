// bits per byte as a ratio-of-sums metric.
#include "eval/metrics/bits_per_byte.h"

#include <cmath>
#include <numbers>

#include "eval/metrics/mean_metric.h"

namespace cratio {
namespace {

double NatsToBits(double nats) { return nats / std::numbers::ln2; }
double NatsToBitsDerivative(double) { return 1.0 / std::numbers::ln2; }

class BitsPerByte final : public Metric {
 public:
  std::string_view name() const override { return "bits_per_byte"; }
  bool higher_is_better() const override { return false; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    std::vector<double> nll, bytes;
    nll.reserve(items.size());
    bytes.reserve(items.size());
    int64_t total_bytes = 0;
    for (const ItemResult& item : items) {
      if (item.num_scored_bytes < 0) {
        return InvalidInput("bits_per_byte: item '{}' has {} scored bytes", item.id,
                            item.num_scored_bytes);
      }
      nll.push_back(item.nll_sum);
      bytes.push_back(static_cast<double>(item.num_scored_bytes));
      total_bytes += item.num_scored_bytes;
    }
    if (total_bytes == 0) {
      return InvalidInput(
          "bits_per_byte: none of the {} items has scored bytes (first id '{}')",
          items.size(), items.front().id);
    }
    return std::unique_ptr<PreparedMetric>(
        new RatioPrepared(std::move(nll), std::move(bytes), NatsToBits, NatsToBitsDerivative));
  }
};

}  // namespace

const Metric& BitsPerByteMetric() {
  static const BitsPerByte metric;
  return metric;
}

}  // namespace cratio
