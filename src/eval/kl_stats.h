// Token-level statistics for perplexity and for comparing a model with a base model on
// the same tokens: negative log-likelihood, KL(base‖model), top-1 agreement, Δp of the
// correct token. Standard errors follow llama.cpp's perplexity tool so figures compare.
// All accumulation is in double precision.
#pragma once

#include <cstdint>
#include <vector>

namespace cratio {

// A mean and the standard error of that mean.
struct MeanWithError {
  double mean = 0.0;
  double se = 0.0;
};

// From Σx, Σx² over `count` samples: mean and SE = sqrt((E[x²] − E[x]²) / (count − 1)),
// the estimator llama.cpp prints as "±". SE is 0 for fewer than 2 samples or when
// rounding makes the variance negative.
MeanWithError MeanAndStdError(double sum, double sum_sq, int64_t count);

// The value at `fraction` (0..1) of ascending `sorted`, interpolating linearly between
// the neighbours of index fraction·(n−1) (numpy's default, llama.cpp's too); the median
// is fraction 0.5. 0 for an empty vector.
double PercentileOfSorted(const std::vector<double>& sorted, double fraction);

// What one row of logits says about one target token.
struct TokenLogProb {
  double log_prob = 0.0;    // log softmax(logits)[target]
  int32_t argmax = 0;       // the most likely token (lowest id on ties)
};
// logits[vocab_size]; target in [0, vocab_size).
TokenLogProb ScoreToken(const float* logits, int64_t vocab_size, int32_t target);

// The comparison of one scored position between a base model and a model.
struct PositionComparison {
  double kl = 0.0;          // KL(base‖model) = Σ p_base (log p_base − log p_model), nats
  bool same_top = false;    // argmax of both rows agree
  double log_p_base = 0.0;  // log p_base(target)
  double log_p_model = 0.0; // log p_model(target)
};
// base_logits[vocab_size], model_logits[vocab_size], target in [0, vocab_size).
// Identical rows give kl == 0 exactly.
PositionComparison ComparePosition(const float* base_logits, const float* model_logits,
                                   int64_t vocab_size, int32_t target);

// Perplexity of a set of scored tokens.
struct PerplexityStats {
  int64_t num_tokens = 0;
  double mean_nll = 0.0;  // nats per token
  double nll_se = 0.0;
  double ppl = 0.0;       // exp(mean_nll)
  double ppl_se = 0.0;    // ppl · nll_se (first-order propagation through exp)
};

// Running mean and SE of a stream of samples, with MeanAndStdError's estimator. Sums
// are kept relative to the first sample, so constant or tightly clustered inputs do not
// lose their variance to cancellation (E[x²] − E[x]² of raw values would).
class MomentAccumulator {
 public:
  void Add(double x) {
    if (count_ == 0) shift_ = x;
    const double d = x - shift_;
    sum_ += d;
    sum_sq_ += d * d;
    ++count_;
  }
  int64_t count() const { return count_; }
  MeanWithError Finish() const {
    MeanWithError m = MeanAndStdError(sum_, sum_sq_, count_);
    if (count_ > 0) m.mean += shift_;
    return m;
  }

 private:
  double shift_ = 0.0;
  double sum_ = 0.0;
  double sum_sq_ = 0.0;
  int64_t count_ = 0;
};

// Collects negative log-likelihoods one token at a time.
class NllAccumulator {
 public:
  void Add(double nll) { nll_.Add(nll); }
  int64_t count() const { return nll_.count(); }
  PerplexityStats Finish() const;

 private:
  MomentAccumulator nll_;
};

// Everything `perplexity --base` reports.
struct KlStats {
  int64_t num_positions = 0;
  PerplexityStats model;
  PerplexityStats base;

  MeanWithError kl;  // nats
  double kl_median = 0.0, kl_p90 = 0.0, kl_p95 = 0.0, kl_p99 = 0.0, kl_p999 = 0.0;
  double kl_max = 0.0;

  MeanWithError same_top;        // fraction in [0, 1]; SE binomial sqrt(p(1−p)/(n−1))
  MeanWithError delta_p;         // p_model(target) − p_base(target)
  MeanWithError delta_p_rms;     // sqrt(mean Δp²); SE propagated from mean Δp²

  // ln(PPL(model)/PPL(base)) = mean(nll_model − nll_base); SE from the paired differences,
  // so the correlation between the two models' per-token losses is accounted for.
  MeanWithError ln_ppl_ratio;
  MeanWithError ppl_ratio;       // exp of the above; SE = ratio · SE(ln ratio)
};

// Collects per-position comparisons; keeps the KL values (O(positions)) for percentiles.
class KlAccumulator {
 public:
  void Add(const PositionComparison& c);
  int64_t count() const { return static_cast<int64_t>(kl_values_.size()); }
  KlStats Finish() const;

 private:
  NllAccumulator nll_model_, nll_base_;
  MomentAccumulator kl_;
  MomentAccumulator dnll_;     // nll_model − nll_base
  MomentAccumulator dp_;       // p_model(target) − p_base(target)
  MomentAccumulator dp_sq_;    // Δp²
  int64_t num_same_top_ = 0;
  std::vector<double> kl_values_;
};

}  // namespace cratio
