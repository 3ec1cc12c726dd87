// Quality of every model on the plan's tasks and perplexity text, paired with the base.
// Items are scored in fixed blocks of plan.item_block, each block a checkpoint unit, so
// a resumed run scores exactly the blocks an uninterrupted run would.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "eval/score.h"
#include "eval/tasks/task.h"
#include "pipeline/eval_context.h"
#include "report/result.h"

namespace cratio::pipeline {

// Loads every task of the plan (data problems surface before any model runs).
Result<std::vector<Task>> LoadPlanTasks(const EvalPlan& plan);

struct QualityScores {
  // scores[t][m]: task t, model m (0 = base, then the plan's variants in order).
  std::vector<std::vector<ModelScore>> scores;
  // same_tokenizer[m]: model m splits text as the base does (true for the base).
  std::vector<bool> same_tokenizer;
};

// `names[m]` labels model m in checkpoints and progress lines.
Result<QualityScores> ScoreAllModels(EvalContext& ctx, const std::vector<Task>& tasks,
                                     const std::vector<std::string>& paths,
                                     const std::vector<std::string>& names);

// One task's paired comparison in the result's terms.
Result<report::TaskQuality> CompareTask(const Task& task, const ModelScore& base,
                                        const ModelScore& variant, bool same_tokenizer);

// The plan's perplexity text on the variant against the base, lock-step (nullopt when the
// plan has no text or the tokenizers differ, which the log says).
Result<std::optional<report::PerplexityComparison>> MeasurePerplexity(
    EvalContext& ctx, const std::string& variant_name, const std::string& variant_path,
    bool same_tokenizer);

}  // namespace cratio::pipeline
