// Task scoring and perplexity for eval.
#include "pipeline/measure_quality.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "eval/item_codec.h"
#include "base/atomic_file.h"
#include "eval/perplexity.h"
#include "eval/tasks/builtin_data.h"
#include "eval/tasks/text_file.h"
#include "eval/tasks/builtin_tasks.h"
#include "eval/tasks/load_task.h"
#include "model/loaded_model.h"

namespace cratio::pipeline {
namespace {

report::ValueWithSe FromMetric(const MetricValue& m) { return {m.value, m.se}; }

compare::Estimate FromInterval(double value, const Interval& ci, double scale) {
  return compare::Estimate{value * scale, ci.low * scale, ci.high * scale};
}

// The items of blocks [b·B, (b+1)·B) of `task` as a task of their own.
Task BlockTask(const Task& task, int64_t begin, int64_t end) {
  Task sub;
  sub.spec = task.spec;
  sub.sources = task.sources;
  sub.items.assign(task.items.begin() + begin, task.items.begin() + end);
  return sub;
}

Result<ModelScore> ScoreInBlocks(EvalContext& ctx, const LoadedModel& model,
                                 const std::string& path, const std::string& name,
                                 const Task& task) {
  const EvalPlan& plan = ctx.plan();
  const int64_t n = static_cast<int64_t>(task.items.size());
  const int64_t block = plan.item_block;
  ScoreOptions so;
  so.num_threads = plan.threads;
  ModelScore score;
  score.model_path = path;
  score.items.reserve(task.items.size());
  for (int64_t begin = 0; begin < n; begin += block) {
    const int64_t end = std::min(n, begin + block);
    const std::string unit =
        fmt::format("items/{}/{}/{}", task.spec.name, name, begin / block);
    if (!ctx.Owns(unit)) continue;
    CRATIO_ASSIGN_OR_RETURN(const std::string text, ctx.Unit(unit, [&]() -> Result<std::string> {
      auto s = ScoreModel(model, path, BlockTask(task, begin, end), so);
      if (!s.ok()) return s.status().WithPrefix(fmt::format("{} on {}", name, task.spec.name));
      return EncodeItems(s->items);
    }));
    CRATIO_ASSIGN_OR_RETURN(std::vector<ItemResult> items, DecodeItems(text, unit));
    if (static_cast<int64_t>(items.size()) != end - begin) {
      return InvalidInput("checkpoint {}: {} items stored, expected {}", unit, items.size(),
                          end - begin);
    }
    for (ItemResult& it : items) score.items.push_back(std::move(it));
    ctx.Log(fmt::format("scoring {}: {} {}/{} items", task.spec.name, name, end, n));
  }
  if (ctx.collecting()) return score;  // a share: the metrics are rank 0's, over all items
  for (const ItemResult& it : score.items) score.num_truncated_items += it.num_truncated_tokens > 0;
  const std::vector<std::string> names = TaskMetricNames(task);
  CRATIO_ASSIGN_OR_RETURN(score.metrics, ComputeMetrics(names, score.items));
  return score;
}

// RunPerplexity reads a file: built-in text ("builtin:demo") is written once into the
// output directory, under its own name.
Result<std::string> PerplexityTextPath(EvalContext& ctx) {
  const std::string& text = ctx.plan().ppl_text;
  if (!IsBuiltinDataPath(text)) return text;
  const std::string path =
      (std::filesystem::path(ctx.options().out_dir) / (RecipeLabel(text) + ".txt")).string();
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return path;
  std::filesystem::create_directories(ctx.options().out_dir, ec);
  CRATIO_ASSIGN_OR_RETURN(const std::string bytes, ReadTextFile(text));
  CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::Create(path));
  CRATIO_RETURN_IF_ERROR(w.Write(bytes.data(), bytes.size()));
  CRATIO_RETURN_IF_ERROR(w.Commit());
  return path;
}

}  // namespace

Result<std::vector<Task>> LoadPlanTasks(const EvalPlan& plan) {
  std::vector<Task> tasks;
  for (const std::string& name : plan.tasks) {
    CRATIO_ASSIGN_OR_RETURN(TaskSpec spec, ResolveTaskSpec(name, plan.data_root));
    LoadTaskOptions lo;
    lo.limit = plan.limit;
    lo.shots = plan.shots;
    auto task = LoadTaskUnderDataRoot(spec, lo, plan.data_root);
    if (!task.ok()) return task.status();
    if (task->items.empty()) return InvalidInput("task {}: no items to score", spec.name);
    for (const Task& t : tasks) {
      if (t.spec.name == task->spec.name) {
        return InvalidInput("eval: task '{}' is listed twice", t.spec.name);
      }
    }
    tasks.push_back(std::move(*task));
  }
  return tasks;
}

Result<QualityScores> ScoreAllModels(EvalContext& ctx, const std::vector<Task>& tasks,
                                     const std::vector<std::string>& paths,
                                     const std::vector<std::string>& names) {
  QualityScores q;
  q.scores.resize(tasks.size());
  q.same_tokenizer.assign(paths.size(), true);
  if (tasks.empty()) return q;
  std::unique_ptr<LoadedModel> base;
  for (size_t m = 0; m < paths.size(); ++m) {
    CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> model, LoadModel(paths[m]));
    if (m == 0) {
      for (size_t t = 0; t < tasks.size(); ++t) {
        CRATIO_ASSIGN_OR_RETURN(ModelScore s, ScoreInBlocks(ctx, *model, paths[m], names[m], tasks[t]));
        q.scores[t].push_back(std::move(s));
      }
      base = std::move(model);
      continue;
    }
    q.same_tokenizer[m] = SameVocabulary(*base->tokenizer, *model->tokenizer);
    for (size_t t = 0; t < tasks.size(); ++t) {
      CRATIO_ASSIGN_OR_RETURN(ModelScore s, ScoreInBlocks(ctx, *model, paths[m], names[m], tasks[t]));
      q.scores[t].push_back(std::move(s));
    }
  }
  return q;
}

Result<report::TaskQuality> CompareTask(const Task& task, const ModelScore& base,
                                        const ModelScore& variant, bool same_tokenizer) {
  CRATIO_ASSIGN_OR_RETURN(const ScoreComparison c, CompareScores(task, base, variant, same_tokenizer));
  const PairedComparison& p = c.paired;
  report::TaskQuality t;
  t.task = task.spec.name;
  t.metric = c.metric;
  t.num_items = p.num_items;
  t.base = FromMetric(p.base);
  t.variant = FromMetric(p.variant);
  t.retention = FromInterval(p.retention_pct, p.retention_ci, 0.01);
  t.flips_right_to_wrong = p.flips.right_to_wrong;
  t.flips_wrong_to_right = p.flips.wrong_to_right;
  t.mcnemar_p = p.flips.num_items > 0 ? p.flips.mcnemar_p : compare::kNaN;
  t.agreement = p.num_answer_items > 0 ? p.answer_agreement : compare::kNaN;
  t.kl_mean_nats = p.choice_kl.applicable ? p.choice_kl.mean : compare::kNaN;
  for (const SliceComparison& s : p.slices) {
    report::SliceQuality sq;
    sq.slice = s.slice;
    sq.num_items = s.num_items;
    sq.base_value = s.base;
    sq.variant_value = s.variant;
    sq.retention = FromInterval(s.retention_pct, s.retention_ci, 0.01);
    t.slices.push_back(std::move(sq));
  }
  if (p.worst_slice) t.worst_slice = p.slices[*p.worst_slice].slice;
  return t;
}

Result<std::optional<report::PerplexityComparison>> MeasurePerplexity(
    EvalContext& ctx, const std::string& variant_name, const std::string& variant_path,
    bool same_tokenizer) {
  const EvalPlan& plan = ctx.plan();
  using Out = std::optional<report::PerplexityComparison>;
  if (plan.ppl_text.empty()) return Out();
  if (!same_tokenizer) {
    ctx.Log(fmt::format("perplexity: skipped for {}: its tokenizer differs from the base's, so "
                        "per-token PPL and KL are not comparable",
                        variant_name));
    return Out();
  }
  const std::string unit = "ppl/" + variant_name;
  if (!ctx.Owns(unit)) return Out();
  CRATIO_ASSIGN_OR_RETURN(const std::string text, ctx.Unit(unit, [&]() -> Result<std::string> {
    ctx.Log(fmt::format("perplexity: {} against the base on {}", variant_name, plan.ppl_text));
    CRATIO_ASSIGN_OR_RETURN(const std::string text_path, PerplexityTextPath(ctx));
    PerplexityOptions po;
    po.ctx = plan.ppl_ctx;
    po.max_chunks = plan.ppl_chunks;
    po.num_threads = plan.threads;
    CRATIO_ASSIGN_OR_RETURN(const PerplexityResult r,
                            RunPerplexity(variant_path, text_path, plan.base_path, po));
    const KlStats& k = r.kl;
    report::PerplexityComparison p;
    p.text = std::filesystem::path(plan.ppl_text).filename().string();
    p.num_tokens = r.model.num_tokens;
    p.base_ppl = {k.base.ppl, k.base.ppl_se};
    p.variant_ppl = {k.model.ppl, k.model.ppl_se};
    // The ratio's interval from the paired SE of ln(ratio), so it stays positive.
    const double ln = k.ln_ppl_ratio.mean, se = k.ln_ppl_ratio.se;
    p.ppl_ratio = compare::Estimate{std::exp(ln), std::exp(ln - compare::kZ95 * se),
                                    std::exp(ln + compare::kZ95 * se)};
    p.kl_nats = {k.kl.mean, k.kl.se};
    p.kl_p99_nats = k.kl_p99;
    p.kl_max_nats = k.kl_max;
    p.top1_agreement = {k.same_top.mean, k.same_top.se};
    report::VariantResult holder;
    holder.perplexity = p;
    return report::VariantResultToJson(holder).dump();
  }));
  if (ctx.collecting()) return Out();
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  CRATIO_ASSIGN_OR_RETURN(const report::VariantResult v, report::VariantResultFromJson(j, unit));
  if (!v.perplexity) return InvalidInput("checkpoint {}: no perplexity stored", unit);
  return Out(v.perplexity);
}

}  // namespace cratio::pipeline
