// See rolling_perplexity.h.
#include "eval/scorers/rolling_perplexity.h"

#include <algorithm>

#include "base/timer.h"
#include "eval/scorers/forward_runner.h"

namespace cratio {
namespace {

// One window: input tokens (context then the predicted span) run in one sequence; the
// last `num_predicted` inputs' logits predict the window's targets.
struct Window {
  int64_t item = 0;
  int64_t input_begin = 0;  // into the BOS-prefixed token list
  int64_t input_len = 0;
  int64_t num_predicted = 0;
};

// lm-evaluation-harness get_rolling_token_windows with context_len = 1, over
// full = [BOS] + tokens: window inputs are slices of full, targets the next tokens.
void PlanWindows(int64_t item, int64_t num_tokens, int64_t window, std::vector<Window>* out) {
  int64_t predicted = 0;
  while (predicted < num_tokens) {
    const int64_t n = std::min(window, num_tokens - predicted);
    const int64_t end = predicted + n;  // predicts tokens [predicted, end) = full[p+1 .. end]
    // Inputs full[begin .. end) where full index i predicts tokens[i].
    const int64_t begin = std::max<int64_t>(0, end - window);
    out->push_back({item, begin, end - begin, n});
    predicted = end;
  }
}

}  // namespace

Result<std::vector<PreparedDocument>> PrepareDocuments(const Tokenizer& tokenizer,
                                                       const std::vector<TaskItem>& items) {
  if (tokenizer.bos_id() < 0) {
    return InvalidInput(
        "rolling perplexity needs a tokenizer with a BOS token to predict the "
        "first token from");
  }
  std::vector<PreparedDocument> out;
  out.reserve(items.size());
  for (const TaskItem& item : items) {
    auto tokens = tokenizer.Encode(item.text, /*add_special=*/false);
    if (!tokens.ok()) return tokens.status().WithPrefix("item " + item.id);
    out.push_back({std::move(*tokens), static_cast<int64_t>(item.text.size())});
  }
  return out;
}

Result<std::vector<ItemResult>> ScoreDocuments(Session& session, int32_t bos_id,
                                               const std::vector<TaskItem>& items,
                                               const std::vector<PreparedDocument>& prepared,
                                               int64_t window, ScorerTiming* timing) {
  const int64_t start_ns = NowNs();
  if (window < 1 || window > session.n_ctx()) {
    return InvalidInput("rolling perplexity: window {} must be 1..{} (the context)", window,
                        session.n_ctx());
  }
  const int64_t vocab = session.vocab_size();
  std::vector<ItemResult> results(items.size());
  std::vector<Window> windows;
  for (size_t i = 0; i < items.size(); ++i) {
    results[i].id = items[i].id;
    results[i].slice = items[i].slice;
    results[i].num_scored_tokens = static_cast<int64_t>(prepared[i].tokens.size());
    results[i].num_scored_bytes = prepared[i].num_bytes;
    for (int32_t t : prepared[i].tokens) {
      if (t < 0 || t >= vocab) {
        return InvalidInput("item {}: token id {} outside the model's vocabulary of {}",
                            items[i].id, t, vocab);
      }
    }
    PlanWindows(static_cast<int64_t>(i), static_cast<int64_t>(prepared[i].tokens.size()), window,
                &windows);
  }
  // full[i] = i == 0 ? BOS : tokens[i-1]; input full[k] predicts tokens[k].
  auto full = [&](int64_t item, int64_t k) {
    return k == 0 ? bos_id : prepared[item].tokens[k - 1];
  };
  // Row tag → (item, target token index); NLL accumulated per item.
  std::vector<std::pair<int64_t, int64_t>> rows;
  ForwardRunner runner(session, [&](int64_t tag, const float* logits) {
    const auto [item, k] = rows[tag];
    results[item].nll_sum -= LogProbOf(logits, vocab, prepared[item].tokens[k]);
  });
  KvCache& cache = session.kv_cache();
  size_t next = 0;
  while (next < windows.size()) {
    const size_t end = std::min(windows.size(), next + static_cast<size_t>(session.n_seq()));
    rows.clear();
    for (size_t w = next; w < end; ++w) {
      const Window& win = windows[w];
      const int32_t seq = static_cast<int32_t>(w - next);
      cache.ClearSequence(seq);
      for (int64_t j = 0; j < win.input_len; ++j) {
        const int64_t k = win.input_begin + j;
        int64_t tag = -1;
        if (j >= win.input_len - win.num_predicted) {
          tag = static_cast<int64_t>(rows.size());
          rows.push_back({win.item, k});
        }
        CRATIO_RETURN_IF_ERROR(runner.Add(full(win.item, k), static_cast<int32_t>(j), seq, tag));
      }
    }
    CRATIO_RETURN_IF_ERROR(runner.Flush());
    next = end;
  }
  if (timing) {
    timing->model_ns += runner.forward_ns();
    timing->total_ns += NowNs() - start_ns;
    timing->num_forward_calls += runner.num_forward_calls();
    timing->num_tokens += runner.num_tokens();
  }
  return results;
}

}  // namespace cratio
