// Log-likelihood of continuations (multiple choice, classification): for each item,
// Σ log p(choice tokens | prompt) for every choice, computed in as few Forward calls as
// the session allows.
//
// Tokenization follows lm-evaluation-harness: trailing spaces of the prompt move to the
// front of the continuation; whole = Encode(prompt + choice), the continuation is whole
// after the first |Encode(prompt)| tokens (BOS added as the tokenizer's spec says).
//
// Shared prefix: the tokens that all choices of an item run through (up to the last one
// before their continuations differ) are evaluated once, in one sequence; their K/V rows
// are then copied to one sequence per further choice, and only each choice's remaining
// tokens run. Copying K/V costs O(prefix · kv_dim · layers) memory traffic, far below
// re-running the prefix for every choice (O(prefix · parameters) arithmetic), and the
// Session has no cross-sequence attention to share a prefix without a copy. For choices
// of one token (" A", " B", ...) nothing runs after the prefix: all choices are scored
// from the prefix's last logit row. Many items are packed side by side in each Forward.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"
#include "eval/tasks/task.h"
#include "model/session.h"
#include "tokenizer/tokenizer.h"

namespace cratio {

// One item, tokenized.
struct ChoiceTokens {
  std::vector<int32_t> whole;  // prompt + choice, BOS included (unless truncated)
  int64_t context_len = 0;     // tokens of `whole` before the continuation (>= 1)
  int64_t num_bytes = 0;       // UTF-8 bytes of the choice text as scored
  int64_t num_truncated = 0;   // prompt tokens dropped from the front (see max_positions)
};
struct PreparedChoiceItem {
  std::vector<ChoiceTokens> choices;
  int64_t max_len() const;  // longest `whole`
};

// InvalidInput names the item when the tokenizer rejects its text or the prompt is empty
// and the tokenizer adds no BOS (the first continuation token would have no context).
// `max_positions` > 0: a choice whose run (whole minus its last token) is longer keeps
// only its last max_positions + 1 tokens, dropping prompt tokens from the front as
// lm-evaluation-harness does; InvalidInput when the continuation alone does not fit.
Result<std::vector<PreparedChoiceItem>> PrepareChoiceItems(const Tokenizer& tokenizer,
                                                           const std::vector<TaskItem>& items,
                                                           int64_t max_positions = 0);

struct LoglikelihoodOptions {
  bool share_prefix = true;  // false: every choice runs its whole sequence (for tests)
};

struct ScorerTiming {
  int64_t model_ns = 0;  // inside Session::Forward
  int64_t total_ns = 0;  // the scorer call, all of it
  int64_t num_forward_calls = 0;
  int64_t num_tokens = 0;  // tokens run through the model
};

// Scores items[i] into out[i] (id, slice, choice_logprob / num_tokens / num_bytes, gold,
// pred, pred_norm, correct). The session needs n_ctx >= the longest `whole` and n_seq >=
// the most choices of any item; its sequences are cleared and reused.
Result<std::vector<ItemResult>> ScoreChoiceItems(Session& session,
                                                 const std::vector<TaskItem>& items,
                                                 const std::vector<PreparedChoiceItem>& prepared,
                                                 const LoglikelihoodOptions& options = {},
                                                 ScorerTiming* timing = nullptr);

}  // namespace cratio
