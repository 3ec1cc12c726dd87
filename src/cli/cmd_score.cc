// `cratio score MODEL --task NAME|SPEC [--data PATH] [--limit N] [--shots K] [--json]
// [--log-items FILE] [-t N] [--base BASE]`: quality on one task — the task's metrics with
// standard errors; with --base, both models on the identical items and the paired
// comparison (retention with CI, flips, McNemar, agreement, per-slice retention).
// Under mpirun / srun the items are split between the ranks (dist/, docs/SCALING.md) and
// rank 0 prints what one process would.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/progress.h"
#include "cli/command.h"
#include "cli/dist_run.h"
#include "dist/gather.h"
#include "dist/sharded_score.h"
#include "eval/item_log.h"
#include "eval/score.h"
#include "eval/tasks/builtin_tasks.h"
#include "eval/tasks/load_task.h"

namespace cratio::cli {
namespace {

using nlohmann::ordered_json;

struct ScoreArgs {
  std::string model;
  std::string task;
  std::string data;
  std::string base;
  std::string log_items;
  int64_t limit = 0;
  int64_t shots = -1;
  int threads = 0;
  bool json = false;
  bool list_tasks = false;
  bool print_spec = false;
};

ordered_json MetricJson(const MetricValue& m) {
  ordered_json j;
  j["name"] = m.name;
  j["value"] = m.value;
  j["se"] = std::isfinite(m.se) ? ordered_json(m.se) : ordered_json(nullptr);
  j["n"] = m.n;
  j["se_method"] = m.se_method;
  return j;
}

ordered_json IntervalJson(const Interval& i) { return ordered_json::array({i.low, i.high}); }

ordered_json ModelJson(const ModelScore& s) {
  ordered_json j;
  j["model"] = s.model_path;
  j["num_items"] = s.items.size();
  ordered_json metrics = ordered_json::array();
  for (const MetricValue& m : s.metrics) metrics.push_back(MetricJson(m));
  j["metrics"] = metrics;
  j["truncated_items"] = s.num_truncated_items;
  j["threads"] = s.num_threads;
  j["n_seq"] = s.n_seq;
  j["n_ctx"] = s.n_ctx;
  j["tokens_run"] = s.timing.num_tokens;
  j["forward_calls"] = s.timing.num_forward_calls;
  j["tokenize_seconds"] = s.prepare_ns * 1e-9;
  j["scorer_seconds"] = s.timing.total_ns * 1e-9;
  j["model_seconds"] = s.timing.model_ns * 1e-9;
  j["metrics_seconds"] = s.metrics_ns * 1e-9;
  j["items_per_s"] = s.items_per_s();
  j["overhead_pct_of_model_time"] = 100.0 * s.overhead_fraction();
  return j;
}

ordered_json ComparisonJson(const ScoreComparison& c, const std::string& base) {
  const PairedComparison& p = c.paired;
  ordered_json j;
  j["base"] = base;
  j["metric"] = c.metric;
  j["same_tokenizer"] = c.same_tokenizer;
  j["num_items"] = p.num_items;
  j["base_value"] = MetricJson(p.base);
  j["variant_value"] = MetricJson(p.variant);
  j["diff"] = p.diff;
  j["diff_ci"] = IntervalJson(p.diff_ci);
  j["retention_pct"] = p.retention_pct;
  j["retention_ci"] = IntervalJson(p.retention_ci);
  j["confidence"] = p.confidence;
  j["resamples"] = p.num_resamples;
  j["seed"] = p.seed;
  if (p.flips.num_items > 0) {
    j["flips"] = {{"items", p.flips.num_items},
                  {"right_to_wrong", p.flips.right_to_wrong},
                  {"wrong_to_right", p.flips.wrong_to_right},
                  {"right_to_wrong_rate", p.flips.right_to_wrong_rate},
                  {"wrong_to_right_rate", p.flips.wrong_to_right_rate},
                  {"mcnemar_p", p.flips.mcnemar_p}};
  }
  if (p.num_answer_items > 0) j["answer_agreement"] = p.answer_agreement;
  if (p.choice_kl.applicable) {
    j["choice_kl"] = {{"mean", p.choice_kl.mean}, {"se", p.choice_kl.se}, {"max", p.choice_kl.max}};
  } else {
    j["choice_kl"] = {{"applicable", false}, {"reason", p.choice_kl.reason}};
  }
  j["token_kl"] = {{"applicable", false}, {"reason", c.token_kl_reason}};
  ordered_json slices = ordered_json::array();
  for (const SliceComparison& s : p.slices) {
    slices.push_back({{"slice", s.slice},
                      {"items", s.num_items},
                      {"base", s.base},
                      {"variant", s.variant},
                      {"retention_pct", s.retention_pct},
                      {"retention_ci", IntervalJson(s.retention_ci)},
                      {"p", s.p_value},
                      {"p_method", s.p_method},
                      {"p_holm", s.p_holm}});
  }
  if (!slices.empty()) j["slices"] = slices;
  if (p.worst_slice) j["worst_slice"] = p.slices[*p.worst_slice].slice;
  return j;
}

void PrintModel(const ModelScore& s) {
  for (const MetricValue& m : s.metrics) {
    std::printf("  %-14s %10.4f ± %.4f  (n = %lld, %s SE)\n", m.name.c_str(), m.value, m.se,
                static_cast<long long>(m.n), m.se_method.c_str());
  }
  std::printf(
      "  %.2f s, %.3g items/s, %lld tokens in %lld forward calls; own overhead "
      "%.1f %% of model time; %d threads\n",
      (s.prepare_ns + s.timing.total_ns + s.metrics_ns) * 1e-9, s.items_per_s(),
      static_cast<long long>(s.timing.num_tokens),
      static_cast<long long>(s.timing.num_forward_calls), 100.0 * s.overhead_fraction(),
      s.num_threads);
  if (s.num_truncated_items > 0) {
    std::printf("  %lld prompts were cut from the front to fit the model's context\n",
                static_cast<long long>(s.num_truncated_items));
  }
}

void PrintComparison(const ScoreComparison& c) {
  const PairedComparison& p = c.paired;
  const double pct = 100.0 * p.confidence;
  std::printf("\ncomparison on %lld identical items (%s%s):\n", static_cast<long long>(p.num_items),
              c.metric.c_str(), c.same_tokenizer ? "" : "; tokenizers differ");
  std::printf("  variant - base  %+.4f  [%.0f%% CI %+.4f, %+.4f]\n", p.diff, pct, p.diff_ci.low,
              p.diff_ci.high);
  std::printf("  retention       %.2f %%  [%.0f%% CI %.2f, %.2f]\n", p.retention_pct, pct,
              p.retention_ci.low, p.retention_ci.high);
  if (p.flips.num_items > 0) {
    std::printf(
        "  flips           right->wrong %lld (%.2f %%), wrong->right %lld (%.2f %%); "
        "McNemar exact p = %.4g\n",
        static_cast<long long>(p.flips.right_to_wrong), 100 * p.flips.right_to_wrong_rate,
        static_cast<long long>(p.flips.wrong_to_right), 100 * p.flips.wrong_to_right_rate,
        p.flips.mcnemar_p);
  }
  if (p.num_answer_items > 0) {
    std::printf("  agreement       %.2f %% of answers identical\n", 100 * p.answer_agreement);
  }
  if (p.choice_kl.applicable) {
    std::printf("  choice KL       %.5f ± %.5f nats (max %.4f)\n", p.choice_kl.mean, p.choice_kl.se,
                p.choice_kl.max);
  }
  std::printf("  token KL        %s\n", c.token_kl_reason.c_str());
  if (p.worst_slice) {
    const SliceComparison& w = p.slices[*p.worst_slice];
    std::printf("  worst slice     %s: retention %.2f %% (%lld items), p = %.4g, Holm p = %.4g\n",
                w.slice.c_str(), w.retention_pct, static_cast<long long>(w.num_items), w.p_value,
                w.p_holm);
  }
}

Result<ModelScore> ScoreWithProgress(const LoadedModel& model, const std::string& path,
                                     const Task& task, ScoreOptions options) {
  std::unique_ptr<ProgressBar> bar;
  options.progress = [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>("score", total, "items");
    bar->Update(done);
  };
  auto r = ScoreModel(model, path, task, options);
  if (bar) bar->Finish();
  return r;
}

// What this rank computed: the task, and the model's (and base's) scores — whole in one
// process, this rank's shard in a distributed run.
struct LocalScores {
  std::unique_ptr<Task> task;
  ScoreOptions options;
  ModelScore score;
  ModelScore base_score;
  bool same_vocabulary = true;
};

Result<LocalScores> ScoreLocally(const ScoreArgs& args, const dist::Communicator& comm) {
  if (args.task.empty()) return InvalidInput("score: --task NAME|SPEC is required");
  CRATIO_ASSIGN_OR_RETURN(TaskSpec spec, ResolveTaskSpec(args.task, DataRoot()));
  if (args.model.empty()) return InvalidInput("score: MODEL is required");
  if (args.limit < 0) return InvalidInput("score: --limit is {}, expected >= 0", args.limit);
  if (args.shots < -1) return InvalidInput("score: --shots is {}, expected >= 0", args.shots);
  LoadTaskOptions lo;
  lo.data = args.data;
  lo.limit = args.limit;
  lo.shots = args.shots;
  auto task = LoadTaskUnderDataRoot(spec, lo, DataRoot());
  if (!task.ok()) return task.status();
  LocalScores out;
  out.task = std::make_unique<Task>(std::move(task).value());
  out.options.num_threads = RankThreads(args.threads, comm);
  out.options.shard = {comm.rank(), comm.size()};
  auto score = [&](const LoadedModel& m, const std::string& path) {
    return comm.is_root() ? ScoreWithProgress(m, path, *out.task, out.options)
                          : ScoreModel(m, path, *out.task, out.options);
  };
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> model, LoadModel(args.model));
  CRATIO_ASSIGN_OR_RETURN(out.score, score(*model, args.model));
  if (!args.base.empty()) {
    CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> base_model, LoadModel(args.base));
    CRATIO_ASSIGN_OR_RETURN(out.base_score, score(*base_model, args.base));
    out.same_vocabulary = SameVocabulary(*model->tokenizer, *base_model->tokenizer);
  }
  return out;
}

// A distributed run: every rank sends its shards; rank 0 replaces its own with the whole
// scores. `*done` is set on the other ranks, which have nothing left to do.
Status GatherScores(dist::Communicator& comm, const ScoreArgs& args, Result<LocalScores>& local,
                    bool* done) {
  auto encode = [&]() -> Result<std::string> {
    if (!local.ok()) return local.status();
    std::vector<const ModelScore*> shards = {&local->score};
    if (!args.base.empty()) shards.push_back(&local->base_score);
    return dist::EncodeScoreShards(shards);
  };
  Result<std::string> message = encode();
  CRATIO_ASSIGN_OR_RETURN(std::vector<std::string> messages,
                          dist::GatherShards(comm, std::move(message)));
  *done = !comm.is_root();
  if (*done) return Status::Ok();
  CRATIO_ASSIGN_OR_RETURN(std::vector<ModelScore> whole,
                          dist::MergeScoreShards(*local->task, local->options.metric_options,
                                                 messages, args.base.empty() ? 1 : 2));
  local->score = std::move(whole[0]);
  if (!args.base.empty()) local->base_score = std::move(whole[1]);
  return Status::Ok();
}

Status RunScoreCommand(const ScoreArgs& args) {
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<dist::Communicator> comm, ConnectRanks());
  if (args.list_tasks) {
    for (const std::string& n : BuiltinTaskNames()) std::printf("%s\n", n.c_str());
    return Status::Ok();
  }
  if (args.print_spec) {
    if (args.task.empty()) return InvalidInput("score: --task NAME|SPEC is required");
    CRATIO_ASSIGN_OR_RETURN(TaskSpec spec, ResolveTaskSpec(args.task, DataRoot()));
    std::printf("%s\n", TaskSpecToJson(spec).c_str());
    return Status::Ok();
  }
  // Every failure of a rank's own work goes through the gather, so no rank waits for a
  // peer that gave up.
  Result<LocalScores> local = ScoreLocally(args, *comm);
  if (comm->size() > 1) {
    bool done = false;
    CRATIO_RETURN_IF_ERROR(GatherScores(*comm, args, local, &done));
    if (done) return Status::Ok();
  }
  if (!local.ok()) return local.status();
  PrintRanks(*comm);
  const Task* task = local->task.get();
  const ModelScore& score = local->score;
  const ModelScore& base_score = local->base_score;
  std::unique_ptr<ScoreComparison> comparison;
  if (!args.base.empty()) {
    CRATIO_ASSIGN_OR_RETURN(ScoreComparison c,
                            CompareScores(*task, base_score, score, local->same_vocabulary));
    comparison = std::make_unique<ScoreComparison>(std::move(c));
  }
  if (!args.log_items.empty()) {
    std::vector<std::string> names = {args.model};
    std::vector<const std::vector<ItemResult>*> items = {&score.items};
    if (comparison) {
      names.push_back(args.base);
      items.push_back(&base_score.items);
    }
    CRATIO_RETURN_IF_ERROR(WriteItemLog(args.log_items, task->spec.scorer, names, items));
  }
  const int64_t shots = task->spec.fewshot.k;
  if (args.json) {
    ordered_json j;
    j["task"] = task->spec.name;
    j["scorer"] = ScorerKindName(task->spec.scorer);
    j["num_items"] = task->items.size();
    j["shots"] = shots;
    j["data"] = task->sources;
    if (comm->size() > 1) j["ranks"] = comm->size();
    j["model"] = ModelJson(score);
    if (comparison) {
      j["base"] = ModelJson(base_score);
      j["comparison"] = ComparisonJson(*comparison, args.base);
    }
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return Status::Ok();
  }
  std::printf("score: %s on %s (%zu items, %lld-shot, %s)\n", args.model.c_str(),
              task->spec.name.c_str(), task->items.size(), static_cast<long long>(shots),
              ScorerKindName(task->spec.scorer));
  PrintModel(score);
  if (comparison) {
    std::printf("\nbase: %s\n", args.base.c_str());
    PrintModel(base_score);
    PrintComparison(*comparison);
  }
  return Status::Ok();
}

}  // namespace

void AddScoreCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand(
      "score",
      "Quality on one task (metrics with standard errors); with --base, the paired "
      "comparison against a base model on identical items");
  cmd->add_option("model", args->model, "Model file (GGUF, safetensors, llama2.c)");
  cmd->add_option("--task", args->task,
                  "Built-in task name (see --list-tasks) or a JSON task spec file");
  cmd->add_option("--data", args->data,
                  "Data file or directory instead of the task's (default: under $CRATIO_DATA)");
  cmd->add_option("--limit", args->limit, "Score at most N items per data file (0: all)");
  cmd->add_option("--shots", args->shots, "Few-shot examples per prompt (default: the task's)");
  cmd->add_option("-t,--threads", args->threads, "Threads (0: one per core)");
  cmd->add_option("--base", args->base, "Base model: score both and compare item by item");
  cmd->add_option("--log-items", args->log_items, "Write per-item results as JSON Lines");
  cmd->add_flag("--json", args->json, "Print JSON");
  cmd->add_flag("--list-tasks", args->list_tasks, "List the built-in tasks and exit");
  cmd->add_flag("--print-spec", args->print_spec, "Print the task's spec as JSON and exit");
  cmd->callback([run, args] { *run = [args] { return RunScoreCommand(*args); }; });
}

}  // namespace cratio::cli
