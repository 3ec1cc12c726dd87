// See sharded_perplexity.h.
#include "dist/sharded_perplexity.h"

#include <fmt/format.h>

#include <algorithm>

#include "dist/wire.h"

namespace cratio::dist {

std::string EncodePerplexityShard(const PerplexityResult& local,
                                  const std::vector<PositionComparison>& positions) {
  WireWriter w;
  WriteTag(w, "cratio.perplexity_shard/1");
  w.F64(local.eval_seconds);
  WritePositions(w, positions);
  return w.Take();
}

Result<PerplexityResult> MergePerplexityShards(const PerplexityResult& root_local,
                                               const std::vector<std::string>& messages) {
  PerplexityResult out;
  out.num_text_tokens = root_local.num_text_tokens;
  out.num_threads = root_local.num_threads;
  out.plan = root_local.plan;
  out.has_base = root_local.has_base;
  PerplexityReducer reducer(out.plan, out.plan.num_chunks, out.has_base);
  for (size_t rank = 0; rank < messages.size(); ++rank) {
    WireReader r(messages[rank], fmt::format("perplexity results of rank {}", rank));
    ExpectTag(r, "cratio.perplexity_shard/1");
    const double seconds = r.F64();
    const std::vector<PositionComparison> positions = ReadPositions(r);
    CRATIO_RETURN_IF_ERROR(r.Finish());
    out.eval_seconds = std::max(out.eval_seconds, seconds);
    for (const PositionComparison& p : positions) reducer.Add(p);
  }
  const int64_t expected = out.plan.num_chunks * out.plan.scored_per_chunk;
  if (reducer.count() != expected) {
    return InternalError("perplexity: the ranks sent {} scored positions, the plan has {} ({} "
                         "chunks of {})",
                         reducer.count(), expected, out.plan.num_chunks,
                         out.plan.scored_per_chunk);
  }
  reducer.Finish(&out);
  return out;
}

}  // namespace cratio::dist
