// `cratio score` across ranks: each rank scores its blocks of items (ScoreOptions::shard)
// and sends its ModelScore shards; rank 0 joins them in item order and computes the
// metrics over all items, so the result equals a single process's bit for bit.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "eval/score.h"

namespace cratio::dist {

// One rank's message: the shards of every model it scored (the model, then the base).
std::string EncodeScoreShards(const std::vector<const ModelScore*>& shards);

// Rank 0: from every rank's message (rank order), the `num_models` full ModelScores.
// Items are concatenated in rank order and must cover task.items exactly, without gap or
// overlap; times are the slowest rank's (wall time), token and call counts the sum.
// InternalError naming the rank when a message is malformed or does not fit.
Result<std::vector<ModelScore>> MergeScoreShards(const Task& task, const MetricOptions& options,
                                                 const std::vector<std::string>& messages,
                                                 size_t num_models);

}  // namespace cratio::dist
