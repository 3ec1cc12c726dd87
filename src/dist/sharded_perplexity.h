// `cratio perplexity` across ranks: each rank evaluates its passes of chunks
// (PerplexityOptions::shard) and sends its scored positions; rank 0 reduces all of them
// in token order, as one process does, so PPL, its SE and the KL percentiles are equal.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "eval/perplexity.h"

namespace cratio::dist {

// One rank's message: its positions (token order) and its timing.
std::string EncodePerplexityShard(const PerplexityResult& local,
                                  const std::vector<PositionComparison>& positions);

// Rank 0: the whole run's result from its own local result (plan, token count, threads)
// and every rank's message (rank order). InternalError when the positions do not add up
// to the plan's.
Result<PerplexityResult> MergePerplexityShards(const PerplexityResult& root_local,
                                               const std::vector<std::string>& messages);

}  // namespace cratio::dist
