// Interleaved measurement rounds (see interleave.h).
#include "bench/interleave.h"

#include "base/timer.h"

namespace cratio {

Result<InterleaveResult> RunInterleaved(int num_subjects, const StopRule& rule,
                                        const SampleFn& sample, EnergyMeter* meter) {
  const bool metered = meter != nullptr && meter->available();
  if (num_subjects < 1) return InvalidInput("bench: {} subjects to measure", num_subjects);
  for (int w = 0; w < rule.warmup_iters; ++w) {
    for (int s = 0; s < num_subjects; ++s) CRATIO_RETURN_IF_ERROR(sample(s, true).status());
  }
  InterleaveResult r;
  r.primary.resize(num_subjects);
  if (metered) r.energy_j.assign(num_subjects, 0.0);
  const Stopwatch sw;
  while (true) {
    for (int s = 0; s < num_subjects; ++s) {
      if (metered) CRATIO_RETURN_IF_ERROR(meter->Start());
      CRATIO_ASSIGN_OR_RETURN(const double v, sample(s, false));
      if (metered) {
        CRATIO_ASSIGN_OR_RETURN(const double joules, meter->StopJoules());
        r.energy_j[s] += joules;
      }
      r.primary[s].push_back(v);
    }
    ++r.num_rounds;
    r.elapsed_s = sw.ElapsedS();
    // Stop once no subject wants more; a cap on any subject stops all of them.
    StopReason combined = StopReason::kMinimumMet;
    bool all_done = true;
    for (const auto& series : r.primary) {
      const StopReason why = CheckStop(rule, series, r.elapsed_s);
      if (why == StopReason::kMaxIters || why == StopReason::kMaxTime) {
        r.reason = why;
        return r;
      }
      if (why == StopReason::kContinue)
        all_done = false;
      else
        combined = why;
    }
    if (all_done) {
      r.reason = combined;
      return r;
    }
  }
}

std::vector<Subject> MakeSubjects(const std::vector<Session*>& sessions, uint64_t seed) {
  std::vector<Subject> subjects(sessions.size());
  for (size_t s = 0; s < sessions.size(); ++s) {
    subjects[s].index = static_cast<int>(s);
    subjects[s].session = sessions[s];
    subjects[s].batch.Reserve(sessions[s]->max_batch());
    subjects[s].rng.seed(seed);
  }
  return subjects;
}

}  // namespace cratio
