// The measurement loop every scenario shares: warm-up rounds, then rounds in which each
// subject (one model, or a variant and its base) takes one sample in turn — A B A B … —
// so drift of the machine hits both alike, until the stop rule holds for every subject's
// primary series.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "base/status.h"
#include "bench/energy.h"
#include "bench/stop_rule.h"
#include "model/session.h"

namespace cratio {

struct InterleaveResult {
  std::vector<std::vector<double>> primary;  // [subject][round]: the sample's return value
  StopReason reason = StopReason::kContinue;
  double elapsed_s = 0.0;  // timed rounds only
  int64_t num_rounds = 0;
  // Joules of the timed samples per subject; empty when no meter was given.
  std::vector<double> energy_j;
};

// Calls sample(subject, is_warmup) for subject 0, 1, …, num_subjects - 1 in each round;
// warm-up rounds (rule.warmup_iters) are discarded. The sample returns its primary value
// (e.g. a time in ms) and may record further metrics itself when !is_warmup. Stops at the
// first error. With an available `meter` each timed sample's energy is added to its
// subject (the counters are read around every sample).
using SampleFn = std::function<Result<double>(int subject, bool is_warmup)>;
Result<InterleaveResult> RunInterleaved(int num_subjects, const StopRule& rule,
                                        const SampleFn& sample, EnergyMeter* meter = nullptr);

// What a grid point measured for the variant and, when comparing, its base. `Series`
// holds the raw samples of one model and an `std::optional<double> energy_j`.
template <typename Series>
struct Measured {
  Series variant;
  std::optional<Series> base;
  StopReason stop = StopReason::kContinue;
  int64_t num_rounds = 0;
  double elapsed_s = 0.0;
};

// Per-model state of a scenario loop: a reusable Batch and a token stream. Every model
// gets the same seed, so the same token ids reach each one.
struct Subject {
  int index = 0;  // 0: the variant, 1: the base
  Session* session = nullptr;
  Batch batch;
  std::mt19937_64 rng;
};
std::vector<Subject> MakeSubjects(const std::vector<Session*>& sessions, uint64_t seed);

// RunInterleaved over 1 or 2 sessions, with each timed sample recording into its model's
// Series: sample(subject, is_warmup, series) returns the primary value.
template <typename Series>
Result<Measured<Series>> MeasureInterleaved(
    const std::vector<Session*>& sessions, const StopRule& rule, EnergyMeter* meter, uint64_t seed,
    const std::function<Result<double>(Subject& subject, bool is_warmup, Series& out)>& sample) {
  const int n = static_cast<int>(sessions.size());
  if (n < 1 || n > 2) return InvalidInput("bench: 1 or 2 models to measure, got {}", n);
  std::vector<Subject> subjects = MakeSubjects(sessions, seed);
  std::vector<Series> series(n);
  CRATIO_ASSIGN_OR_RETURN(
      const InterleaveResult r,
      RunInterleaved(
          n, rule, [&](int s, bool warmup) { return sample(subjects[s], warmup, series[s]); },
          meter));
  for (size_t s = 0; s < r.energy_j.size(); ++s) series[s].energy_j = r.energy_j[s];
  Measured<Series> m;
  m.variant = std::move(series[0]);
  if (n == 2) m.base = std::move(series[1]);
  m.stop = r.reason;
  m.num_rounds = r.num_rounds;
  m.elapsed_s = r.elapsed_s;
  return m;
}

}  // namespace cratio
