// `cratio report RESULT.json [--format txt|md|csv|html|json] [--lang en|zh] [-o FILE]
// [--db [FILE]]`: re-renders a cratio.eval/1 result without re-running anything; with
// --db also appends it to the SQLite results store (bare --db: the default store).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "report/default_paths.h"
#include "report/render.h"
#include "report/results_store.h"

namespace cratio::cli {
namespace {

struct ReportArgs {
  std::string result;
  std::string format = "txt";
  std::string lang = "en";
  std::string output;
  std::string db;
};

Status RunReport(const ReportArgs& args) {
  CRATIO_ASSIGN_OR_RETURN(const report::ReportFormat format,
                          report::ParseReportFormat(args.format));
  CRATIO_ASSIGN_OR_RETURN(const report::Lang lang, report::ParseLang(args.lang));
  CRATIO_ASSIGN_OR_RETURN(const report::EvalResult result,
                          report::ReadEvalResultFile(args.result));
  const std::string text = report::Render(result, format, lang);
  if (args.output.empty() || args.output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    CRATIO_RETURN_IF_ERROR(report::WriteFileAtomically(args.output, text));
    std::fprintf(stderr, "report: wrote %s (%zu bytes)\n", args.output.c_str(), text.size());
  }
  if (!args.db.empty()) {
    CRATIO_RETURN_IF_ERROR(report::CreateParentDirectories(args.db));
    CRATIO_ASSIGN_OR_RETURN(report::ResultsStore store, report::ResultsStore::Open(args.db));
    CRATIO_ASSIGN_OR_RETURN(const int64_t run_id, store.Append(result));
    std::fprintf(stderr, "report: stored as run %lld in %s\n", static_cast<long long>(run_id),
                 args.db.c_str());
  }
  return Status::Ok();
}

}  // namespace

void AddReportCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Re-render a cratio.eval/1 result (text, Markdown, CSV, HTML, JSON)");
  cmd->add_option("result", args->result, "Result JSON written by `cratio eval`")->required();
  cmd->add_option("--format", args->format, "txt, md, csv, html or json (default txt)");
  cmd->add_option("--lang", args->lang, "Label language: en or zh (default en)");
  cmd->add_option("-o,--output", args->output, "Write here (atomically) instead of stdout");
  cmd->add_option("--db", args->db,
                  "Also append the result to this SQLite results store; bare --db: the default "
                  "store ($CRATIO_DB, else $XDG_CACHE_HOME/cratio/results.db, else "
                  "~/.cache/cratio/results.db)")
      ->expected(0, 1)
      ->default_str(report::DefaultResultsDbPath());
  cmd->callback([run, args] { *run = [args] { return RunReport(*args); }; });
}

}  // namespace cratio::cli
