// See sharded_score.h.
#include "dist/sharded_score.h"

#include <fmt/format.h>

#include <algorithm>

#include "dist/wire.h"

namespace cratio::dist {

std::string EncodeScoreShards(const std::vector<const ModelScore*>& shards) {
  WireWriter w;
  WriteTag(w, "cratio.score_shards/1");
  w.I64(static_cast<int64_t>(shards.size()));
  for (const ModelScore* s : shards) WriteScoreShard(w, *s);
  return w.Take();
}

Result<std::vector<ModelScore>> MergeScoreShards(const Task& task, const MetricOptions& options,
                                                 const std::vector<std::string>& messages,
                                                 size_t num_models) {
  std::vector<ModelScore> out(num_models);
  for (size_t rank = 0; rank < messages.size(); ++rank) {
    WireReader r(messages[rank], fmt::format("score results of rank {}", rank));
    ExpectTag(r, "cratio.score_shards/1");
    const int64_t n = r.I64();
    if (r.ok() && n != static_cast<int64_t>(num_models)) {
      r.Fail(fmt::format("{} models, expected {}", n, num_models));
    }
    std::vector<ModelScore> shards;
    for (int64_t m = 0; m < n && r.ok(); ++m) shards.push_back(ReadScoreShard(r));
    CRATIO_RETURN_IF_ERROR(r.Finish());
    for (size_t m = 0; m < num_models; ++m) {
      ModelScore& whole = out[m];
      ModelScore& part = shards[m];
      const auto have = static_cast<int64_t>(whole.items.size());
      if (part.first_item != have && !part.items.empty()) {
        return InternalError("rank {} sent items from {} of model '{}', expected from {}", rank,
                             part.first_item, part.model_path, have);
      }
      if (rank == 0) {
        whole.model_path = part.model_path;
        whole.vocab_size = part.vocab_size;
        whole.num_threads = part.num_threads;
        whole.n_seq = part.n_seq;
        whole.n_ctx = part.n_ctx;
      }
      whole.prepare_ns = std::max(whole.prepare_ns, part.prepare_ns);
      whole.timing.model_ns = std::max(whole.timing.model_ns, part.timing.model_ns);
      whole.timing.total_ns = std::max(whole.timing.total_ns, part.timing.total_ns);
      whole.timing.num_forward_calls += part.timing.num_forward_calls;
      whole.timing.num_tokens += part.timing.num_tokens;
      for (ItemResult& it : part.items) whole.items.push_back(std::move(it));
    }
  }
  for (ModelScore& s : out) {
    if (s.items.size() != task.items.size()) {
      return InternalError("model '{}': the ranks sent {} items, the task has {}", s.model_path,
                           s.items.size(), task.items.size());
    }
    CRATIO_RETURN_IF_ERROR(FinishModelScore(task, options, &s));
  }
  return out;
}

}  // namespace cratio::dist
