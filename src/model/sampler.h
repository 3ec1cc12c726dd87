// Sampler: picks the next token from logits — greedy (argmax), or temperature with
// top-k / top-p (nucleus) truncation from a seeded std::mt19937_64, so a seed reproduces
// a generation exactly on any machine.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace cratio {

struct SamplerOptions {
  float temperature = 0.0f;  // <= 0: greedy
  int64_t top_k = 0;         // keep the k most likely tokens; <= 0: all
  float top_p = 1.0f;        // keep the smallest set whose probability reaches top_p
  uint64_t seed = 42;
};

class Sampler {
 public:
  // Candidate storage for `vocab_size` tokens is allocated here, once.
  Sampler(const SamplerOptions& options, int64_t vocab_size);

  // Picks a token from logits[vocab_size]. Ties in greedy mode go to the lowest id.
  int32_t Sample(const float* logits);

  bool is_greedy() const { return options_.temperature <= 0.0f || options_.top_k == 1; }
  const SamplerOptions& options() const { return options_; }

  // Index of the largest of logits[n] (lowest index on ties).
  static int32_t Argmax(const float* logits, int64_t n);

 private:
  // Uniform double in [0, 1) from 53 bits of the generator: the same on every standard
  // library, unlike std::uniform_real_distribution.
  double NextUniform();

  SamplerOptions options_;
  int64_t vocab_size_;
  std::mt19937_64 rng_;
  std::vector<std::pair<float, int32_t>> candidates_;  // [vocab_size] (logit or prob, id)
};

}  // namespace cratio
