// The list of metrics, in the order `cratio score` reports them. Adding a metric is one
// file under eval/metrics/ and one line here.
#include "eval/metrics/acc_norm.h"
#include "eval/metrics/accuracy.h"
#include "eval/metrics/metric.h"

namespace cratio {

const std::vector<const Metric*>& AllMetrics() {
  static const std::vector<const Metric*> metrics = {
      &AccuracyMetric(),
      &AccNormMetric(),
  };
  return metrics;
}

}  // namespace cratio
