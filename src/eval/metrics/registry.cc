// The list of metrics, in the order `cratio score` reports them. Adding a metric is one
// file under eval/metrics/ and one line here.
#include "eval/metrics/acc_norm.h"
#include "eval/metrics/accuracy.h"
#include "eval/metrics/bits_per_byte.h"
#include "eval/metrics/bleu.h"
#include "eval/metrics/exact_match.h"
#include "eval/metrics/macro_f1.h"
#include "eval/metrics/metric.h"
#include "eval/metrics/perplexity.h"
#include "eval/metrics/roc_auc.h"
#include "eval/metrics/rouge.h"
#include "eval/metrics/token_f1.h"

namespace cratio {

const std::vector<const Metric*>& AllMetrics() {
  static const std::vector<const Metric*> metrics = {
      &AccuracyMetric(),   &AccNormMetric(), &MacroF1Metric(),    &RocAucMetric(),
      &ExactMatchMetric(), &TokenF1Metric(), &BleuMetric(),       &Rouge1Metric(),
      &Rouge2Metric(),     &RougeLMetric(),  &PerplexityMetric(), &BitsPerByteMetric(),
  };
  return metrics;
}

}  // namespace cratio
