// Shared driver of `cratio eval` and `cratio demo`.
#include "cli/eval_common.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include <memory>
#include <nlohmann/json.hpp>

#include "cli/dist_run.h"
#include "pipeline/eval_outputs.h"
#include "report/default_paths.h"
#include "report/render.h"

namespace cratio::cli {

void AddEvalOutputFlags(CLI::App* cmd, EvalOutputArgs* out, const std::string& out_help) {
  cmd->add_option("-o,--out", out->out_dir, out_help)->capture_default_str();
  cmd->add_option("--lang", out->lang, "Text report language: en or zh")->capture_default_str();
  cmd->add_option("--db", out->db,
                  "Results store (default $CRATIO_DB, else ~/.cache/cratio/results.db)");
  cmd->add_flag("--no-db", out->no_db, "Do not store the run (and do not resume)");
  cmd->add_flag("-q,--quiet", out->quiet, "No progress lines on stderr");
}

namespace {

// The results store's path ("" with --no-db), its directory created.
Result<std::string> DbPath(const EvalOutputArgs& out) {
  if (out.no_db) return std::string();
  const std::string path = out.db.empty() ? report::DefaultResultsDbPath() : out.db;
  CRATIO_RETURN_IF_ERROR(report::CreateParentDirectories(path));
  return path;
}

}  // namespace

Status RunEvalAndReport(const pipeline::EvalPlan& plan, const EvalOutputArgs& out, bool force,
                        const std::string& requirements, const std::string& command_line,
                        std::vector<std::pair<std::string, std::string>> preloaded) {
  CRATIO_ASSIGN_OR_RETURN(const report::Lang lang, report::ParseLang(out.lang));
  pipeline::EvalRunOptions o;
  o.out_dir = out.out_dir;
  o.force = force;
  o.requirements = requirements;
  o.command_line = command_line;
  o.preloaded_units = std::move(preloaded);
  CRATIO_ASSIGN_OR_RETURN(o.db_path, DbPath(out));
  if (!out.quiet) {
    o.log = [](const std::string& line) { std::fprintf(stderr, "eval: %s\n", line.c_str()); };
  }
  CRATIO_ASSIGN_OR_RETURN(const pipeline::EvalOutcome outcome, pipeline::RunEval(plan, o));
  CRATIO_ASSIGN_OR_RETURN(const std::vector<std::string> files,
                          pipeline::WriteEvalOutputs(outcome.result, out.out_dir, lang));
  const std::string text = report::Render(outcome.result, report::ReportFormat::kText, lang);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  std::fprintf(stderr, "eval: %lld units measured, %lld read back from an earlier run%s\n",
               static_cast<long long>(outcome.measured_units),
               static_cast<long long>(outcome.resumed_units),
               outcome.shared_units > 0
                   ? fmt::format(", {} from the ranks' shares", outcome.shared_units).c_str()
                   : "");
  for (const std::string& f : files) std::fprintf(stderr, "eval: wrote %s\n", f.c_str());
  if (outcome.run_id > 0) {
    std::fprintf(stderr, "eval: stored as run %lld in %s (see `cratio history`)\n",
                 static_cast<long long>(outcome.run_id), o.db_path.c_str());
  }
  return outcome.verdict;
}

namespace {

using UnitList = std::vector<std::pair<std::string, std::string>>;

std::string EncodeUnits(const UnitList& units) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& [unit, value] : units) a.push_back({unit, value});
  return a.dump();
}

Status DecodeUnits(const std::string& bytes, const std::string& from, UnitList* out) {
  const nlohmann::json a = nlohmann::json::parse(bytes, nullptr, false);
  if (!a.is_array()) return InternalError("eval: units from {} are not a JSON array", from);
  for (const nlohmann::json& u : a) {
    if (!u.is_array() || u.size() != 2 || !u[0].is_string() || !u[1].is_string()) {
      return InternalError("eval: a unit from {} is malformed", from);
    }
    out->emplace_back(u[0].get<std::string>(), u[1].get<std::string>());
  }
  return Status::Ok();
}

}  // namespace

Status RunEvalOnRanks(pipeline::EvalPlan plan, const EvalOutputArgs& out, bool force,
                      const std::string& requirements, const std::string& command_line) {
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<dist::Communicator> comm, ConnectRanks());
  if (comm->size() == 1) return RunEvalAndReport(plan, out, force, requirements, command_line);
  plan.threads = RankThreads(plan.threads, *comm);
  if (comm->is_root()) PrintRanks(*comm);
  pipeline::EvalRunOptions o;
  o.out_dir = out.out_dir;
  o.force = force;
  o.requirements = requirements;
  CRATIO_ASSIGN_OR_RETURN(o.db_path, DbPath(out));
  if (!out.quiet) {
    const std::string who = comm->Describe(comm->rank());
    o.log = [who](const std::string& line) {
      std::fprintf(stderr, "eval: %s: %s\n", who.c_str(), line.c_str());
    };
  }
  // Rank 0 makes the recipe variants (every rank then reads the same files), checking
  // the whole plan first; a failure there ends every rank with its message.
  if (comm->is_root()) {
    const Status made = pipeline::PrepareVariants(plan, o);
    if (!made.ok()) comm->Abort("eval: " + made.message(), made.code() == StatusCode::kInternal ? 1 : 2);
  }
  CRATIO_RETURN_IF_ERROR(comm->Barrier());
  Result<UnitList> share = pipeline::ComputeUnitShare(plan, o, {comm->rank(), comm->size()});
  Result<std::string> bytes = share.ok() ? Result<std::string>(EncodeUnits(*share))
                                         : Result<std::string>(share.status());
  CRATIO_ASSIGN_OR_RETURN(const std::vector<std::string> gathered, comm->GatherToRoot(std::move(bytes)));
  if (!comm->is_root()) return Status::Ok();
  UnitList units;
  for (size_t r = 0; r < gathered.size(); ++r) {
    CRATIO_RETURN_IF_ERROR(DecodeUnits(gathered[r], comm->Describe(static_cast<int>(r)), &units));
  }
  return RunEvalAndReport(plan, out, force, requirements, command_line, std::move(units));
}

}  // namespace cratio::cli
