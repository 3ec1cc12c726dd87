// `cratio eval` as a library call: makes the recipe variants, measures every model on the
// plan's tasks, perplexity text and benchmark, pairs each variant with the base, fills
// the cratio.eval/1 result and finalizes its comparisons. With a results store, every
// finished unit of work is checkpointed, so a killed run resumes where it stopped, and
// the finished result is appended to the store's history.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "pipeline/eval_plan.h"
#include "report/result.h"

namespace cratio::pipeline {

struct EvalRunOptions {
  std::string out_dir;       // recipe variants are written to <out_dir>/variants/
  std::string db_path;       // results store; "" for none (then nothing resumes)
  bool force = false;        // remake a recipe variant whose file was made differently
  std::string command_line;  // recorded in the result
  std::string requirements;  // --require text ("" for none)
  // Progress lines ("scoring arc_easy: q8_0 64/100 items"); may be empty.
  std::function<void(const std::string&)> log;
  // Units already computed elsewhere (the other ranks of a distributed run), used as if
  // read back from checkpoints.
  std::vector<std::pair<std::string, std::string>> preloaded_units;
};

struct EvalOutcome {
  report::EvalResult result;
  // OK, or kConstraintFailed when requirements were given and no variant passes them
  // all; the result is complete either way.
  Status verdict;
  int64_t resumed_units = 0;  // units read back from checkpoints instead of measured
  int64_t measured_units = 0;
  int64_t shared_units = 0;   // computed by the other ranks of a distributed run
  int64_t run_id = 0;         // id in the results store (0 without one)
};

// InvalidInput / IoError for a bad plan, a missing file, a recipe that does not parse or
// a task that does not load — all checked before any model is run.
Result<EvalOutcome> RunEval(const EvalPlan& plan, const EvalRunOptions& options);

// A distributed run (docs/SCALING.md): rank 0 makes the recipe variants
// (PrepareVariants); every rank then computes its share of the quality units — item
// blocks and perplexities, dealt round-robin in the order RunEval meets them
// (ComputeUnitShare); rank 0 gathers them into `preloaded_units` and runs RunEval, which
// reads them back and measures the rest (memory and speed, on rank 0's host only).
struct UnitShare {
  int index = 0;  // this rank
  int count = 1;  // ranks
};
Status PrepareVariants(const EvalPlan& plan, const EvalRunOptions& options);
Result<std::vector<std::pair<std::string, std::string>>> ComputeUnitShare(
    const EvalPlan& plan, const EvalRunOptions& options, UnitShare share);

}  // namespace cratio::pipeline
