// Token-level statistics: log-softmax per row, KL(base‖model), and the accumulators
// that turn per-position values into means with standard errors.
#include "eval/kl_stats.h"

#include <algorithm>
#include <cmath>

namespace cratio {

namespace {

// Max logit, its index (first on ties) and log Σ exp(logit − max), in double.
struct RowSummary {
  float max_logit = 0.0f;
  int32_t argmax = 0;
  double log_sum_exp = 0.0;  // log Σ_v exp(logits[v] − max_logit)
};

RowSummary SummarizeRow(const float* logits, int64_t vocab_size) {
  RowSummary r;
  r.max_logit = logits[0];
  for (int64_t v = 1; v < vocab_size; ++v) {
    if (logits[v] > r.max_logit) {
      r.max_logit = logits[v];
      r.argmax = static_cast<int32_t>(v);
    }
  }
  double sum = 0.0;
  for (int64_t v = 0; v < vocab_size; ++v) {
    sum += std::exp(static_cast<double>(logits[v]) - r.max_logit);
  }
  r.log_sum_exp = std::log(sum);
  return r;
}

// log softmax(logits)[v] given the row's summary.
inline double LogProb(const float* logits, const RowSummary& r, int64_t v) {
  return (static_cast<double>(logits[v]) - r.max_logit) - r.log_sum_exp;
}

}  // namespace

MeanWithError MeanAndStdError(double sum, double sum_sq, int64_t count) {
  MeanWithError m;
  if (count <= 0) return m;
  m.mean = sum / count;
  if (count < 2) return m;
  const double variance = sum_sq / count - m.mean * m.mean;
  m.se = variance > 0 ? std::sqrt(variance / (count - 1)) : 0.0;
  return m;
}

double PercentileOfSorted(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0.0;
  if (fraction <= 0) return sorted.front();
  if (fraction >= 1) return sorted.back();
  const double pos = fraction * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double w = pos - static_cast<double>(lo);
  return (1 - w) * sorted[lo] + w * sorted[hi];
}

TokenLogProb ScoreToken(const float* logits, int64_t vocab_size, int32_t target) {
  const RowSummary r = SummarizeRow(logits, vocab_size);
  return {LogProb(logits, r, target), r.argmax};
}

PositionComparison ComparePosition(const float* base_logits, const float* model_logits,
                                   int64_t vocab_size, int32_t target) {
  const RowSummary b = SummarizeRow(base_logits, vocab_size);
  const RowSummary m = SummarizeRow(model_logits, vocab_size);
  double kl = 0.0;
  for (int64_t v = 0; v < vocab_size; ++v) {
    const double log_p_base = LogProb(base_logits, b, v);
    const double log_p_model = LogProb(model_logits, m, v);
    kl += std::exp(log_p_base) * (log_p_base - log_p_model);
  }
  PositionComparison c;
  c.kl = kl;
  c.same_top = b.argmax == m.argmax;
  c.log_p_base = LogProb(base_logits, b, target);
  c.log_p_model = LogProb(model_logits, m, target);
  return c;
}

PerplexityStats NllAccumulator::Finish() const {
  PerplexityStats s;
  s.num_tokens = nll_.count();
  const MeanWithError nll = nll_.Finish();
  s.mean_nll = nll.mean;
  s.nll_se = nll.se;
  s.ppl = s.num_tokens > 0 ? std::exp(nll.mean) : 0.0;
  s.ppl_se = s.ppl * nll.se;
  return s;
}

void KlAccumulator::Add(const PositionComparison& c) {
  const double nll_model = -c.log_p_model;
  const double nll_base = -c.log_p_base;
  nll_model_.Add(nll_model);
  nll_base_.Add(nll_base);
  kl_.Add(c.kl);
  dnll_.Add(nll_model - nll_base);
  const double dp = std::exp(c.log_p_model) - std::exp(c.log_p_base);
  dp_.Add(dp);
  dp_sq_.Add(dp * dp);
  num_same_top_ += c.same_top ? 1 : 0;
  kl_values_.push_back(c.kl);
}

KlStats KlAccumulator::Finish() const {
  KlStats s;
  const int64_t n = count();
  s.num_positions = n;
  s.model = nll_model_.Finish();
  s.base = nll_base_.Finish();
  if (n == 0) return s;

  s.kl = kl_.Finish();
  std::vector<double> sorted = kl_values_;
  std::sort(sorted.begin(), sorted.end());
  s.kl_median = PercentileOfSorted(sorted, 0.5);
  s.kl_p90 = PercentileOfSorted(sorted, 0.90);
  s.kl_p95 = PercentileOfSorted(sorted, 0.95);
  s.kl_p99 = PercentileOfSorted(sorted, 0.99);
  s.kl_p999 = PercentileOfSorted(sorted, 0.999);
  s.kl_max = sorted.back();

  const double p = static_cast<double>(num_same_top_) / n;
  s.same_top.mean = p;
  s.same_top.se = n > 1 ? std::sqrt(p * (1 - p) / (n - 1)) : 0.0;

  s.delta_p = dp_.Finish();
  // RMS = sqrt(MSE); d sqrt(x) = dx / (2 sqrt(x)).
  const MeanWithError mse = dp_sq_.Finish();
  s.delta_p_rms.mean = std::sqrt(mse.mean);
  s.delta_p_rms.se = s.delta_p_rms.mean > 0 ? 0.5 * mse.se / s.delta_p_rms.mean : 0.0;

  s.ln_ppl_ratio = dnll_.Finish();
  s.ppl_ratio.mean = std::exp(s.ln_ppl_ratio.mean);
  s.ppl_ratio.se = s.ppl_ratio.mean * s.ln_ppl_ratio.se;
  return s;
}

}  // namespace cratio
