// Shared driver of `cratio eval` and `cratio demo`.
#include "cli/eval_common.h"

#include <cstdio>
#include <cstdlib>

#include "pipeline/eval_outputs.h"
#include "report/default_paths.h"
#include "report/render.h"

namespace cratio::cli {

std::string DataRoot() {
  if (const char* d = std::getenv("CRATIO_DATA"); d && *d) return d;
  return "../shared/data";
}

Status RunEvalAndReport(const pipeline::EvalPlan& plan, const EvalOutputArgs& out, bool force,
                        const std::string& requirements, const std::string& command_line) {
  CRATIO_ASSIGN_OR_RETURN(const report::Lang lang, report::ParseLang(out.lang));
  pipeline::EvalRunOptions o;
  o.out_dir = out.out_dir;
  o.force = force;
  o.requirements = requirements;
  o.command_line = command_line;
  if (!out.no_db) {
    o.db_path = out.db.empty() ? report::DefaultResultsDbPath() : out.db;
    CRATIO_RETURN_IF_ERROR(report::CreateParentDirectories(o.db_path));
  }
  if (!out.quiet) {
    o.log = [](const std::string& line) { std::fprintf(stderr, "eval: %s\n", line.c_str()); };
  }
  CRATIO_ASSIGN_OR_RETURN(const pipeline::EvalOutcome outcome, pipeline::RunEval(plan, o));
  CRATIO_ASSIGN_OR_RETURN(const std::vector<std::string> files,
                          pipeline::WriteEvalOutputs(outcome.result, out.out_dir, lang));
  const std::string text = report::Render(outcome.result, report::ReportFormat::kText, lang);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  std::fprintf(stderr, "eval: %lld units measured, %lld read back from an earlier run\n",
               static_cast<long long>(outcome.measured_units),
               static_cast<long long>(outcome.resumed_units));
  for (const std::string& f : files) std::fprintf(stderr, "eval: wrote %s\n", f.c_str());
  if (outcome.run_id > 0) {
    std::fprintf(stderr, "eval: stored as run %lld in %s (see `cratio history`)\n",
                 static_cast<long long>(outcome.run_id), o.db_path.c_str());
  }
  return outcome.verdict;
}

}  // namespace cratio::cli
