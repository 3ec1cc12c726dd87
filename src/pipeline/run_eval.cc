// The eval driver: checks, variants, accounting, quality, speed, comparisons, store.
#include "pipeline/run_eval.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "base/sha256.h"
#include "base/timer.h"
#include "bench/environment.h"
#include "eval/compare/integrity_checks.h"
#include "eval/tasks/text_file.h"
#include "io/model_file.h"
#include "model/accounting.h"
#include "model/config.h"
#include "pipeline/eval_context.h"
#include "pipeline/make_variants.h"
#include "pipeline/measure_performance.h"
#include "pipeline/measure_quality.h"
#include "report/finalize.h"
#include "report/results_store.h"

namespace cratio::pipeline {
namespace {

using nlohmann::ordered_json;

constexpr const char* kCratioVersion = "0.1.0";

// Bytes on disk: a file's size, or the sum over a directory's files (safetensors shards).
double BytesOnDisk(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    double total = 0;
    for (const auto& e : fs::recursive_directory_iterator(path, ec)) {
      if (e.is_regular_file(ec)) total += static_cast<double>(e.file_size(ec));
    }
    return total;
  }
  const auto size = fs::file_size(path, ec);
  return ec ? compare::kNaN : static_cast<double>(size);
}

struct Accounted {
  compare::SizeFigures size;
  double header_bytes = 0;  // bytes before the first tensor's data: metadata, tokenizer
};

Result<Accounted> Account(const std::string& path, int64_t context_length) {
  CRATIO_ASSIGN_OR_RETURN(const ModelFile file, ReadModelFile(path));
  CRATIO_ASSIGN_OR_RETURN(const ModelConfig config, ModelConfig::FromModelFile(file));
  AccountingOptions ao;
  ao.context_length = context_length;
  ao.count_nonzero = true;
  CRATIO_ASSIGN_OR_RETURN(const ModelAccounting a, ComputeAccounting(file, &config, ao));
  Accounted out;
  out.size.params_total = static_cast<double>(a.params_total);
  out.size.params_nonzero = static_cast<double>(a.params_nonzero);
  out.size.file_bytes = BytesOnDisk(path);
  out.size.bits_per_weight = a.bits_per_weight;
  out.size.flops_per_token = static_cast<double>(a.flops_per_token);
  out.size.peak_memory_bytes = static_cast<double>(a.memory_bytes);
  uint64_t first = UINT64_MAX;
  for (const TensorEntry& t : file.tensors) {
    if (t.file_offset > 0) first = std::min(first, t.file_offset);
  }
  out.header_bytes = first == UINT64_MAX ? 0.0 : static_cast<double>(first);
  return out;
}

report::EnvironmentInfo Environment(int threads) {
  const BenchEnvironment e = CollectEnvironment(threads);
  report::EnvironmentInfo env;
  env.cpu_model = e.cpu_model;
  env.kernel_isa = e.kernel_isa;
  env.num_threads = e.threads;
  env.num_cores = e.logical_cores;
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  env.memory_bytes = pages > 0 && page > 0 ? static_cast<double>(pages) * page : compare::kNaN;
  env.os = e.kernel_release;
  env.compiler = e.compiler + " (" + e.build_type + ")";
  env.fingerprint = Sha256OfBytes(fmt::format("{}|{}|{}|{}|{}|{}|{}", env.cpu_model, env.kernel_isa,
                                             env.num_threads, env.num_cores, env.memory_bytes,
                                             env.os, env.compiler));
  return env;
}

// What every checkpoint of this run is keyed by: the models and every setting that
// changes a measured number (not the output directory, language or requirements).
std::string PlanKey(const EvalPlan& plan, const std::string& base_sha,
                    const std::vector<std::string>& variant_ids, const std::vector<Task>& tasks,
                    const std::string& ppl_sha, const std::string& calib_sha) {
  ordered_json j;
  j["base"] = base_sha;
  ordered_json vs = ordered_json::array();
  for (size_t i = 0; i < plan.variants.size(); ++i) {
    vs.push_back({{"name", plan.variants[i].name}, {"id", variant_ids[i]}});
  }
  j["variants"] = vs;
  ordered_json ts = ordered_json::array();
  for (const Task& t : tasks) {
    Sha256 h;
    for (const TaskItem& it : t.items) {
      for (const std::string* s : {&it.id, &it.context, &it.text}) h.Update(s->data(), s->size() + 1);
      for (const std::string& c : it.choices) h.Update(c.data(), c.size() + 1);
    }
    ts.push_back({{"name", t.spec.name}, {"items", t.items.size()}, {"sha256", h.FinishHex()}});
  }
  j["tasks"] = ts;
  j["ppl"] = {{"text_sha256", ppl_sha}, {"ctx", plan.ppl_ctx}, {"chunks", plan.ppl_chunks}};
  const BenchSettings& b = plan.bench;
  j["bench"] = {{"enabled", b.enabled}, {"p", b.prompt_tokens}, {"g", b.gen_tokens},
                {"iters", b.min_iters},  {"min_s", b.min_time_s}, {"max_s", b.max_time_s},
                {"memory", b.memory},    {"seed", b.seed}};
  j["calib"] = calib_sha;
  j["threads"] = plan.threads;
  j["item_block"] = plan.item_block;
  return Sha256OfBytes(j.dump());
}

std::vector<compare::OverlapItem> OverlapItems(const std::vector<Task>& tasks) {
  std::vector<compare::OverlapItem> items;
  for (const Task& t : tasks) {
    for (const TaskItem& it : t.items) {
      std::string text = it.context + it.text;
      if (it.gold >= 0 && static_cast<size_t>(it.gold) < it.choices.size()) {
        text += it.choices[it.gold];
      }
      items.push_back({t.spec.name + "/" + it.id, std::move(text)});
    }
  }
  return items;
}

// What every entry point checks and derives before any model runs.
struct Prepared {
  std::vector<compare::Constraint> constraints;
  std::vector<Task> tasks;
  std::string base_sha;
  std::string ppl_text;
  std::string calib_text;
  std::string plan_key;
};

Result<Prepared> Prepare(const EvalPlan& plan, const EvalRunOptions& options) {
  Prepared p;
  CRATIO_RETURN_IF_ERROR(ValidatePlan(plan));
  if (!options.requirements.empty()) {
    CRATIO_ASSIGN_OR_RETURN(p.constraints, compare::ParseConstraints(options.requirements));
  }
  for (const VariantSpec& v : plan.variants) {
    if (!v.recipe.empty()) {
      auto c = CanonicalRecipe(v.recipe);
      if (!c.ok()) return c.status().WithPrefix(fmt::format("variant '{}'", v.name));
    }
  }
  std::error_code ec;
  for (const std::string* f : {&plan.base_path, &plan.calib_path}) {
    if (!f->empty() && !std::filesystem::exists(*f, ec)) return IoError("'{}': no such file", *f);
  }
  CRATIO_ASSIGN_OR_RETURN(p.tasks, LoadPlanTasks(plan));

  CRATIO_ASSIGN_OR_RETURN(p.base_sha, Sha256OfPath(plan.base_path));
  std::vector<std::string> variant_ids;
  for (const VariantSpec& v : plan.variants) {
    if (v.recipe.empty()) {
      if (!std::filesystem::exists(v.path, ec)) {
        return IoError("variant '{}': '{}': no such file", v.name, v.path);
      }
      auto sha = Sha256OfPath(v.path);
      if (!sha.ok()) return sha.status().WithPrefix(fmt::format("variant '{}'", v.name));
      variant_ids.push_back("file:" + *sha);
    } else {
      variant_ids.push_back("recipe:" + *CanonicalRecipe(v.recipe));
    }
  }
  std::string ppl_sha, calib_sha;
  if (!plan.ppl_text.empty()) {
    auto text = ReadTextFile(plan.ppl_text);  // also "builtin:NAME" and .bz2
    if (!text.ok()) return text.status().WithPrefix("perplexity text");
    p.ppl_text = std::move(*text);
    ppl_sha = Sha256OfBytes(p.ppl_text);
  }
  if (!plan.calib_path.empty()) {
    auto text = ReadTextFile(plan.calib_path);
    if (!text.ok()) return text.status().WithPrefix("calibration text");
    p.calib_text = std::move(*text);
    calib_sha = Sha256OfBytes(p.calib_text);
  }
  p.plan_key = PlanKey(plan, p.base_sha, variant_ids, p.tasks, ppl_sha, calib_sha);
  return p;
}

// Paths and labels of every model: the base first, then the variants.
void ModelList(const EvalPlan& plan, std::vector<std::string>* paths,
               std::vector<std::string>* names) {
  *paths = {plan.base_path};
  *names = {"base"};
  for (const VariantSpec& v : plan.variants) {
    paths->push_back(v.path);
    names->push_back(v.name);
  }
}

}  // namespace

Status PrepareVariants(const EvalPlan& plan, const EvalRunOptions& options) {
  CRATIO_ASSIGN_OR_RETURN(const Prepared p, Prepare(plan, options));
  EvalContext ctx(plan, options, nullptr);
  ctx.SetPlanKey(p.plan_key);
  return MakeRecipeVariants(ctx, p.base_sha).status();
}

Result<std::vector<std::pair<std::string, std::string>>> ComputeUnitShare(
    const EvalPlan& plan, const EvalRunOptions& options, UnitShare share) {
  if (share.count < 1 || share.index < 0 || share.index >= share.count) {
    return InvalidInput("eval: share {} of {} does not exist", share.index, share.count);
  }
  CRATIO_ASSIGN_OR_RETURN(const Prepared p, Prepare(plan, options));
  for (const VariantSpec& v : plan.variants) {
    std::error_code ec;
    if (!std::filesystem::exists(v.path, ec)) {
      return IoError("variant '{}': '{}' is not there: recipe variants are made before the "
                     "work is shared (on a cluster, -o must be on a shared file system)",
                     v.name, v.path);
    }
  }
  // With a store, a share commits its units as it goes (ranks on one host, or on a shared
  // file system, share the file; SQLite serializes the writers), so a rerun resumes them.
  std::unique_ptr<report::CheckpointStore> checkpoints;
  if (!options.db_path.empty()) {
    CRATIO_RETURN_IF_ERROR(report::ResultsStore::Open(options.db_path).status());
    CRATIO_ASSIGN_OR_RETURN(report::CheckpointStore c,
                            report::CheckpointStore::Open(options.db_path));
    checkpoints = std::make_unique<report::CheckpointStore>(std::move(c));
  }
  EvalContext ctx(plan, options, std::move(checkpoints));
  ctx.SetPlanKey(p.plan_key);
  ctx.SetShare(share);
  std::vector<std::string> paths, names;
  ModelList(plan, &paths, &names);
  CRATIO_ASSIGN_OR_RETURN(const QualityScores q, ScoreAllModels(ctx, p.tasks, paths, names));
  for (size_t i = 0; i < plan.variants.size(); ++i) {
    CRATIO_RETURN_IF_ERROR(MeasurePerplexity(ctx, names[i + 1], paths[i + 1],
                                             q.same_tokenizer[i + 1])
                               .status());
  }
  ctx.Log(fmt::format("share {} of {}: {} units measured, {} read back from an earlier run",
                      share.index, share.count, ctx.measured_units(), ctx.resumed_units()));
  return ctx.TakeCollected();
}

Result<EvalOutcome> RunEval(const EvalPlan& plan, const EvalRunOptions& options) {
  const Stopwatch watch;
  const std::string started = UtcNowIso8601();
  // Everything that can be checked is checked before any model runs.
  CRATIO_ASSIGN_OR_RETURN(const Prepared prepared, Prepare(plan, options));
  const std::vector<compare::Constraint>& constraints = prepared.constraints;
  const std::vector<Task>& tasks = prepared.tasks;
  const std::string& base_sha = prepared.base_sha;
  const std::string& ppl_text = prepared.ppl_text;
  const std::string& calib_text = prepared.calib_text;
  const std::string& plan_key = prepared.plan_key;
  std::error_code ec;

  std::unique_ptr<report::ResultsStore> store;
  std::unique_ptr<report::CheckpointStore> checkpoints;
  if (!options.db_path.empty()) {
    const auto dir = std::filesystem::path(options.db_path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    CRATIO_ASSIGN_OR_RETURN(report::ResultsStore s, report::ResultsStore::Open(options.db_path));
    store = std::make_unique<report::ResultsStore>(std::move(s));
    CRATIO_ASSIGN_OR_RETURN(report::CheckpointStore c,
                            report::CheckpointStore::Open(options.db_path));
    checkpoints = std::make_unique<report::CheckpointStore>(std::move(c));
  }
  if (checkpoints) {
    CRATIO_ASSIGN_OR_RETURN(const int64_t stored, checkpoints->Count(plan_key));
    if (stored > 0) {
      if (options.log) {
        options.log(fmt::format("resuming: {} finished units of this plan are in {}", stored,
                                options.db_path));
      }
    }
  }
  EvalContext ctx(plan, options, std::move(checkpoints));
  ctx.SetPlanKey(plan_key);
  ctx.Preload(options.preloaded_units);
  if (!options.preloaded_units.empty()) {
    ctx.Log(fmt::format("{} units were computed in the ranks' shares", options.preloaded_units.size()));
  }

  CRATIO_ASSIGN_OR_RETURN(const std::vector<MadeVariant> made, MakeRecipeVariants(ctx, base_sha));

  report::EvalResult r;
  r.run.cratio_version = kCratioVersion;
  r.run.command_line = options.command_line;
  r.run.started_at_utc = started;
  r.environment = Environment(plan.threads);

  const int64_t context_length =
      plan.bench.enabled ? plan.bench.prompt_tokens + plan.bench.gen_tokens - 1 : plan.ppl_ctx;
  std::vector<std::string> paths, names;
  ModelList(plan, &paths, &names);
  std::vector<Accounted> accounted;
  for (size_t m = 0; m < paths.size(); ++m) {
    auto a = Account(paths[m], context_length);
    if (!a.ok()) return a.status().WithPrefix(fmt::format("accounting of {}", names[m]));
    accounted.push_back(*a);
  }
  r.base.name = FileStem(plan.base_path);
  r.base.path = plan.base_path;
  r.base.sha256 = base_sha;
  r.base.accounting = accounted[0].size;
  for (size_t i = 0; i < plan.variants.size(); ++i) {
    const VariantSpec& v = plan.variants[i];
    report::VariantResult vr;
    vr.model.name = v.name;
    vr.model.recipe = v.recipe.empty() ? "" : *CanonicalRecipe(v.recipe);
    vr.model.path = v.path;
    CRATIO_ASSIGN_OR_RETURN(vr.model.sha256, Sha256OfPath(v.path));
    vr.model.accounting = accounted[i + 1].size;
    vr.layer_errors = made[i].layer_errors;
    const Accounted& a = accounted[i + 1];
    vr.fake_compression = compare::CheckFakeCompression(
        a.size.file_bytes, a.size.bits_per_weight, a.size.params_total, 0.10, a.header_bytes);
    r.variants.push_back(std::move(vr));
  }

  // Quality.
  CRATIO_ASSIGN_OR_RETURN(const QualityScores q, ScoreAllModels(ctx, tasks, paths, names));
  for (size_t i = 0; i < r.variants.size(); ++i) {
    for (size_t t = 0; t < tasks.size(); ++t) {
      CRATIO_ASSIGN_OR_RETURN(report::TaskQuality tq,
                              CompareTask(tasks[t], q.scores[t][0], q.scores[t][i + 1],
                                          q.same_tokenizer[i + 1]));
      r.variants[i].tasks.push_back(std::move(tq));
    }
    CRATIO_ASSIGN_OR_RETURN(r.variants[i].perplexity,
                            MeasurePerplexity(ctx, names[i + 1], paths[i + 1],
                                              q.same_tokenizer.empty() || q.same_tokenizer[i + 1]));
  }

  // Performance and resources.
  if (plan.bench.enabled) {
    if (plan.bench.memory) {
      for (size_t m = 0; m < paths.size(); ++m) {
        CRATIO_ASSIGN_OR_RETURN(const ModelMemory mem, MeasureModelMemory(ctx, names[m], paths[m]));
        report::ResourceUsage& res = m == 0 ? r.base_resources : r.variants[m - 1].resources;
        res.peak_rss_bytes = mem.peak_rss_bytes;
        res.kv_bytes_per_token = mem.kv_bytes_per_token;
        // Measured peak memory replaces the estimate, for every model alike.
        compare::SizeFigures& size = m == 0 ? r.base.accounting : r.variants[m - 1].model.accounting;
        size.peak_memory_bytes = mem.peak_rss_bytes;
      }
    }
    for (size_t i = 0; i < r.variants.size(); ++i) {
      CRATIO_ASSIGN_OR_RETURN(const SpeedComparison s, MeasureSpeed(ctx, names[i + 1], paths[i + 1]));
      r.variants[i].scenarios.push_back(s.scenario);
      r.variants[i].resources.energy_j = s.variant_energy_j;
      r.variants[i].resources.energy_unavailable_reason = s.energy_unavailable_reason;
    }
  }

  // Calibration text against the evaluation items, for every variant made with it.
  if (!calib_text.empty()) {
    std::vector<compare::OverlapItem> items = OverlapItems(tasks);
    if (!ppl_text.empty()) items.push_back({"ppl-text", ppl_text});
    const compare::OverlapReport overlap = compare::CheckCalibrationOverlap(calib_text, items);
    for (size_t i = 0; i < r.variants.size(); ++i) {
      if (!plan.variants[i].recipe.empty()) r.variants[i].calibration_overlap = overlap;
    }
  }

  EvalOutcome out;
  out.verdict = report::FinalizeComparisons(&r, constraints, options.requirements);
  if (!out.verdict.ok() && out.verdict.code() != StatusCode::kConstraintFailed) {
    return out.verdict;
  }
  r.run.finished_at_utc = UtcNowIso8601();
  r.run.wall_s = watch.ElapsedS();
  out.resumed_units = ctx.resumed_units();
  out.measured_units = ctx.measured_units();
  out.shared_units = ctx.shared_units();
  if (store) {
    CRATIO_ASSIGN_OR_RETURN(out.run_id, store->Append(r));
    CRATIO_RETURN_IF_ERROR(ctx.DropCheckpoints());
  }
  out.result = std::move(r);
  return out;
}

}  // namespace cratio::pipeline
