// `cratio history [--db FILE] [--model FILE|SHA256] [--run ID] [--compare ID1 ID2] [--json]
// [--lang en|zh]`: reads the SQLite results store (never creates it) — the list of runs,
// one base model's variants over time with their stability, one stored run's report, or
// two runs side by side.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "base/sha256.h"
#include "cli/command.h"
#include "report/default_paths.h"
#include "report/history_report.h"
#include "report/render.h"
#include "report/results_store.h"

namespace cratio::cli {
namespace {

struct HistoryArgs {
  std::string db;
  std::string model;
  std::vector<int64_t> run;      // 0 or 1 value
  std::vector<int64_t> compare;  // 0 or 2 values
  bool json = false;
  std::string lang = "en";
};

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

void PrintJson(const nlohmann::ordered_json& j) { Print(j.dump(2) + "\n"); }

// The base model's SHA-256 named by --model: the hash of an existing file or directory,
// else a hex prefix matched against the stored runs.
Result<std::string> ResolveModel(report::ResultsStore& store, const std::string& model) {
  std::error_code ec;
  if (std::filesystem::exists(model, ec)) {
    CRATIO_ASSIGN_OR_RETURN(std::string sha, Sha256OfPath(model));
    CRATIO_ASSIGN_OR_RETURN(auto runs, store.ListRuns(sha));
    if (runs.empty()) {
      return InvalidInput("--model '{}' (sha256 {}): no stored run has this base model", model,
                          sha);
    }
    return sha;
  }
  return store.FindBaseSha256(model);
}

Status RunHistory(const HistoryArgs& args) {
  const int num_selectors =
      (args.model.empty() ? 0 : 1) + (args.run.empty() ? 0 : 1) + (args.compare.empty() ? 0 : 1);
  if (num_selectors > 1) {
    return InvalidInput("history: give at most one of --model, --run and --compare");
  }
  CRATIO_ASSIGN_OR_RETURN(const report::Lang lang, report::ParseLang(args.lang));
  const std::string db = args.db.empty() ? report::DefaultResultsDbPath() : args.db;
  CRATIO_ASSIGN_OR_RETURN(report::ResultsStore store, report::ResultsStore::OpenExisting(db));

  if (!args.run.empty()) {
    CRATIO_ASSIGN_OR_RETURN(const report::EvalResult r, store.LoadRun(args.run[0]));
    Print(args.json ? report::RenderJson(r) : report::Render(r, report::ReportFormat::kText, lang));
    return Status::Ok();
  }
  if (!args.compare.empty()) {
    CRATIO_ASSIGN_OR_RETURN(const report::EvalResult a, store.LoadRun(args.compare[0]));
    CRATIO_ASSIGN_OR_RETURN(const report::EvalResult b, store.LoadRun(args.compare[1]));
    const report::IdentifiedRun ia{args.compare[0], &a};
    const report::IdentifiedRun ib{args.compare[1], &b};
    const auto deltas = report::CompareStoredRuns(a, b);
    if (args.json) {
      PrintJson(report::RunComparisonJson(ia, ib, deltas));
    } else {
      Print(report::RenderRunComparisonText(ia, ib, deltas));
    }
    return Status::Ok();
  }
  if (!args.model.empty()) {
    CRATIO_ASSIGN_OR_RETURN(const std::string sha, ResolveModel(store, args.model));
    CRATIO_ASSIGN_OR_RETURN(const auto runs, store.ListRuns(sha));
    CRATIO_ASSIGN_OR_RETURN(const auto history, store.VariantHistory(sha));
    const auto tracks = report::BuildVariantTracks(history, runs);
    if (args.json) {
      PrintJson(report::VariantHistoryJson(runs, tracks));
    } else {
      Print(report::RenderVariantHistoryText(runs, tracks));
    }
    return Status::Ok();
  }
  CRATIO_ASSIGN_OR_RETURN(const auto runs, store.ListRuns());
  if (args.json) {
    PrintJson(report::RunListJson(runs, db));
  } else {
    Print(report::RenderRunListText(runs, db));
  }
  return Status::Ok();
}

}  // namespace

void AddHistoryCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<HistoryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "history", "List, follow and compare evaluation runs kept in the SQLite results store");
  cmd->add_option("--db", args->db,
                  "Results store (default $CRATIO_DB, else $XDG_CACHE_HOME/cratio/results.db, "
                  "else ~/.cache/cratio/results.db)");
  cmd->add_option("--model", args->model,
                  "Base model file or directory (hashed), or a SHA-256 prefix: its variants "
                  "over time");
  cmd->add_option("--run", args->run, "Show the report of this stored run")->expected(1);
  cmd->add_option("--compare", args->compare, "Two run ids: their variants side by side")
      ->expected(2);
  cmd->add_flag("--json", args->json, "Machine-readable JSON instead of text");
  cmd->add_option("--lang", args->lang, "Label language of --run: en or zh (default en)");
  cmd->callback([run, args] { *run = [args] { return RunHistory(*args); }; });
}

}  // namespace cratio::cli
