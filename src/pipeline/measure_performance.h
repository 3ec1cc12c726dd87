// Speed and memory of each variant against the base, on identical settings: one
// single-stream request shape (prompt, then greedy decode) measured with the base and the
// variant interleaved A B A B, so drift hits both alike; and each model's peak resident
// memory measured in a child process of its own.
#pragma once

#include <string>

#include "base/status.h"
#include "pipeline/eval_context.h"
#include "report/result.h"

namespace cratio::pipeline {

struct ModelMemory {
  double peak_rss_bytes = compare::kNaN;
  double kv_bytes_per_token = compare::kNaN;
};

// Peak RSS of one model serving the plan's request (checkpoint unit "memory/<name>").
Result<ModelMemory> MeasureModelMemory(EvalContext& ctx, const std::string& name,
                                       const std::string& path);

struct SpeedComparison {
  report::ScenarioPerformance scenario;
  double variant_energy_j = compare::kNaN;
  std::string energy_unavailable_reason;
};

// The variant against the base (checkpoint unit "bench/<name>").
Result<SpeedComparison> MeasureSpeed(EvalContext& ctx, const std::string& name,
                                     const std::string& path);

}  // namespace cratio::pipeline
