// See item_log.h.
#include "eval/item_log.h"

#include "base/atomic_file.h"

namespace cratio {

nlohmann::ordered_json ItemResultJson(const ItemResult& item, ScorerKind scorer,
                                      const std::string& model) {
  nlohmann::ordered_json j;
  j["id"] = item.id;
  j["slice"] = item.slice;
  j["model"] = model;
  switch (scorer) {
    case ScorerKind::kMultipleChoice:
    case ScorerKind::kClassification:
      j["choice_logprobs"] = item.choice_logprob;
      j["choice_tokens"] = item.choice_num_tokens;
      j["choice_bytes"] = item.choice_num_bytes;
      j["pred"] = item.pred;
      j["pred_norm"] = item.pred_norm;
      j["gold"] = item.gold;
      j["correct"] = item.correct;
      if (item.num_truncated_tokens > 0) j["truncated_tokens"] = item.num_truncated_tokens;
      break;
    case ScorerKind::kGeneration:
      j["generated"] = item.generated;
      j["extracted"] = item.extracted;
      j["references"] = item.references;
      j["correct"] = item.correct;
      break;
    case ScorerKind::kPerplexity:
      j["nll_sum"] = item.nll_sum;
      j["tokens"] = item.num_scored_tokens;
      j["bytes"] = item.num_scored_bytes;
      break;
  }
  return j;
}

Status WriteItemLog(const std::string& path, ScorerKind scorer,
                    const std::vector<std::string>& models,
                    const std::vector<const std::vector<ItemResult>*>& items) {
  CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::Create(path));
  for (size_t m = 0; m < models.size(); ++m) {
    for (const ItemResult& it : *items[m]) {
      // Invalid UTF-8 in generated text is replaced rather than aborting the dump.
      const std::string line = ItemResultJson(it, scorer, models[m])
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                               "\n";
      CRATIO_RETURN_IF_ERROR(w.Write(line.data(), line.size()));
    }
  }
  return w.Commit();
}

}  // namespace cratio
