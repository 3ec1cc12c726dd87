// What `cratio eval` and `cratio demo` share: running a plan with progress on stderr,
// writing the result and reports, printing the text report and the files written.
#pragma once

#include <string>

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

// The data root for built-in tasks: $CRATIO_DATA, else ../shared/data.
std::string DataRoot();

// Runs `plan`, writes <out_dir>/result.json and the reports, prints the text report to
// stdout. Returns the verdict (kConstraintFailed → exit 3) once everything is written.
Status RunEvalAndReport(const pipeline::EvalPlan& plan, const EvalOutputArgs& out, bool force,
                        const std::string& requirements, const std::string& command_line);

}  // namespace cratio::cli
