// What `cratio eval` and `cratio demo` share: running a plan with progress on stderr,
// writing the result and reports, printing the text report and the files written.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "pipeline/eval_plan.h"
#include "pipeline/run_eval.h"

namespace cratio::cli {

struct EvalOutputArgs {
  std::string out_dir;
  std::string lang = "en";
  std::string db;  // "" : the default store
  bool no_db = false;
  bool quiet = false;
};

// -o, --lang, --db, --no-db and -q, shared by eval and demo.
void AddEvalOutputFlags(CLI::App* cmd, EvalOutputArgs* out, const std::string& out_help);

// Runs `plan`, writes <out_dir>/result.json and the reports, prints the text report to
// stdout. Returns the verdict (kConstraintFailed → exit 3) once everything is written.
// `preloaded` are units other ranks computed (a distributed run's rank 0).
Status RunEvalAndReport(const pipeline::EvalPlan& plan, const EvalOutputArgs& out, bool force,
                        const std::string& requirements, const std::string& command_line,
                        std::vector<std::pair<std::string, std::string>> preloaded = {});

// `mpirun -np N cratio eval ...`: rank 0 makes the recipe variants, every rank computes
// its share of the quality units, rank 0 gathers them and finishes the eval (memory and
// speed measured on its host only) and writes everything. In a single process this is
// RunEvalAndReport.
Status RunEvalOnRanks(pipeline::EvalPlan plan, const EvalOutputArgs& out, bool force,
                      const std::string& requirements, const std::string& command_line);

}  // namespace cratio::cli
