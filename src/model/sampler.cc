// Greedy / temperature / top-k / top-p sampling.
#include "model/sampler.h"

#include <algorithm>
#include <cmath>

namespace cratio {

Sampler::Sampler(const SamplerOptions& options, int64_t vocab_size)
    : options_(options), vocab_size_(vocab_size), rng_(options.seed) {
  candidates_.resize(vocab_size);
}

int32_t Sampler::Argmax(const float* logits, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i) {
    if (logits[i] > logits[best]) best = i;
  }
  return static_cast<int32_t>(best);
}

double Sampler::NextUniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

int32_t Sampler::Sample(const float* logits) {
  if (is_greedy()) return Argmax(logits, vocab_size_);
  for (int64_t i = 0; i < vocab_size_; ++i) {
    candidates_[i] = {logits[i], static_cast<int32_t>(i)};
  }
  // Highest logit first; ties by lower id so the order (and the draw) is deterministic.
  auto by_logit = [](const std::pair<float, int32_t>& a, const std::pair<float, int32_t>& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  int64_t n = vocab_size_;
  if (options_.top_k > 0 && options_.top_k < n) n = options_.top_k;
  std::partial_sort(candidates_.begin(), candidates_.begin() + n, candidates_.end(), by_logit);

  // Softmax over the kept candidates at the temperature, in double.
  const double inv_temp = 1.0 / options_.temperature;
  const double max_logit = candidates_[0].first;
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double p = std::exp((candidates_[i].first - max_logit) * inv_temp);
    candidates_[i].first = static_cast<float>(p);
    sum += p;
  }
  // Nucleus: the shortest prefix whose mass reaches top_p (at least one token).
  if (options_.top_p < 1.0f) {
    const double target = static_cast<double>(options_.top_p) * sum;
    double cum = 0.0;
    int64_t keep = 0;
    while (keep < n) {
      cum += candidates_[keep].first;
      ++keep;
      if (cum >= target) break;
    }
    n = keep;
    sum = cum;
  }
  const double u = NextUniform() * sum;
  double cum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    cum += candidates_[i].first;
    if (u < cum) return candidates_[i].second;
  }
  return candidates_[n - 1].second;
}

}  // namespace cratio
