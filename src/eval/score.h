// Scoring models on a task: the library API behind `cratio score` and `cratio eval`.
// Every model sees the identical items (the Task is built once); each is tokenized with
// its own tokenizer, scored with the task's scorer, and reduced to the task's metrics.
// Two models' per-item results are then compared by stats/paired.h.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"
#include "eval/metrics/metric.h"
#include "eval/scorers/loglikelihood.h"
#include "eval/shard.h"
#include "eval/stats/paired.h"
#include "eval/tasks/task.h"
#include "kernels/kernel_table.h"
#include "model/loaded_model.h"

namespace cratio {

struct ScoreOptions {
  int num_threads = 0;       // 0: one per core
  int64_t n_seq = 0;         // sequences per Forward wave; 0: chosen from the task
  int64_t max_batch = 512;   // tokens per Forward call
  int64_t window = 0;        // perplexity window (tokens); 0: min(context length, 2048)
  bool share_prefix = true;  // log-likelihood: evaluate a shared prompt prefix once
  MetricOptions metric_options;
  const KernelTable* kernels = nullptr;  // null: the process-wide table (CRATIO_ISA)
  // Called after each block of items with (items done, items total).
  std::function<void(int64_t, int64_t)> progress;
  // A distributed run (dist/): score only this shard's blocks of items — the blocks a
  // single process forms, so every batch is the same — and leave the metrics empty for
  // FinishModelScore over all shards' items.
  WorkShard shard;
};

struct ModelScore {
  std::string model_path;
  std::vector<ItemResult> items;     // items[i] is task.items[first_item + i]
  int64_t first_item = 0;            // 0 unless scored as a shard (ScoreOptions::shard)
  std::vector<MetricValue> metrics;  // the task's metrics, in the spec's order
  int64_t vocab_size = 0;
  int64_t num_truncated_items = 0;   // prompts cut from the front to fit the context
  int num_threads = 0;
  int64_t n_seq = 0;
  int64_t n_ctx = 0;
  // Time split: tokenizing, the scorer (model_ns of it inside Session::Forward), metrics.
  int64_t prepare_ns = 0;
  ScorerTiming timing;
  int64_t metrics_ns = 0;

  // Scorer's own share: (tokenizing + scorer outside Forward + metrics) / model time.
  double overhead_fraction() const;
  double items_per_s() const;  // items / (prepare + scorer + metrics) time
};

// The task's metric names (the spec's list, or the scorer's default).
std::vector<std::string> TaskMetricNames(const Task& task);

// Scores one loaded model. InvalidInput when an item does not fit the model's context
// (naming it) or the model has no tokenizer.
Result<ModelScore> ScoreModel(const LoadedModel& model, const std::string& model_path,
                              const Task& task, const ScoreOptions& options = {});

// Fills `score`'s truncation count and metrics from its items (all the task's items, in
// order): the last step of ScoreModel, run by rank 0 of a distributed run after gathering.
Status FinishModelScore(const Task& task, const MetricOptions& options, ModelScore* score);

// Loads and scores each model in turn on the same task.
Result<std::vector<ModelScore>> ScoreModels(const std::vector<std::string>& model_paths,
                                            const Task& task, const ScoreOptions& options = {});

// Whether two tokenizers split text identically: same algorithm, same token strings in
// the same order, same BOS/EOS.
bool SameVocabulary(const Tokenizer& a, const Tokenizer& b);

// A base / variant comparison on one task.
struct ScoreComparison {
  bool same_tokenizer = true;
  // The metric compared: the task's first metric, except that a perplexity task whose
  // models tokenize differently is compared by bits per byte (per-token figures are not
  // comparable across tokenizers).
  std::string metric;
  PairedComparison paired;
  // Token-level KL divergence (per-token distributions of the two models): only defined
  // over one vocabulary; `score` reports it as not applicable, with this reason.
  std::string token_kl_reason;
};

Result<ScoreComparison> CompareScores(const Task& task, const ModelScore& base,
                                      const ModelScore& variant, bool same_tokenizer,
                                      const PairedOptions& options = {});

}  // namespace cratio
