// Rolling perplexity of documents (lm-evaluation-harness's loglikelihood_rolling): each
// document is tokenized without special tokens, BOS goes in front, and it is cut into
// disjoint windows of at most `window` predicted tokens; the first window predicts from
// BOS, each later one sees the `window` tokens before its end as context (so every token
// is predicted once, with up to `window` tokens of context). The per-document NLL sums
// give perplexity (per token) and bits per byte (per UTF-8 byte of the document), which
// compare models with different tokenizers.
//
// (eval/perplexity.h is llama-perplexity's method — fixed chunks scoring their second
// half — kept for `cratio perplexity`; this scorer scores every token of every document.)
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"
#include "eval/scorers/loglikelihood.h"
#include "eval/tasks/task.h"
#include "model/session.h"
#include "tokenizer/tokenizer.h"

namespace cratio {

struct PreparedDocument {
  std::vector<int32_t> tokens;  // the document, no BOS
  int64_t num_bytes = 0;
};

// InvalidInput when the tokenizer has no BOS (the first token would have no context) or
// rejects the text.
Result<std::vector<PreparedDocument>> PrepareDocuments(const Tokenizer& tokenizer,
                                                       const std::vector<TaskItem>& items);

// Scores items[i] into out[i]: nll_sum (nats), num_scored_tokens, num_scored_bytes.
// `window` <= session.n_ctx(); the session's sequences are cleared and reused.
Result<std::vector<ItemResult>> ScoreDocuments(Session& session, int32_t bos_id,
                                               const std::vector<TaskItem>& items,
                                               const std::vector<PreparedDocument>& prepared,
                                               int64_t window, ScorerTiming* timing = nullptr);

}  // namespace cratio
