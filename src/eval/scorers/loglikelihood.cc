// See loglikelihood.h.
#include "eval/scorers/loglikelihood.h"

#include <algorithm>

#include "base/timer.h"
#include "eval/scorers/forward_runner.h"

namespace cratio {
namespace {

// Where one item's work goes in a wave.
struct ItemPlan {
  int64_t index = 0;       // into items / prepared / results
  int64_t shared_len = 0;  // prefix tokens run once, in sequence base_seq
  int32_t base_seq = 0;
  std::vector<int32_t> tail_choices;  // choices that run tokens after the prefix
};

// A requested logit row: the prefix row at `pos` of an item (choice -1: it serves every
// choice that scores that position), or a row of one choice's own tokens.
struct RowRef {
  int64_t item = 0;
  int32_t choice = -1;
  int64_t pos = 0;
};

// Tokens choice c runs: whole[0 .. n-2] (the last token predicts nothing it is scored on).
int64_t RunLen(const ChoiceTokens& c) { return static_cast<int64_t>(c.whole.size()) - 1; }

bool Scores(const ChoiceTokens& c, int64_t pos) {
  return pos >= c.context_len - 1 && pos <= RunLen(c) - 1;
}

ItemPlan PlanItem(const PreparedChoiceItem& item, bool share_prefix) {
  ItemPlan plan;
  const auto& ch = item.choices;
  if (share_prefix) {
    int64_t shared = RunLen(ch[0]);
    for (size_t c = 1; c < ch.size(); ++c) {
      int64_t n = 0;
      const int64_t limit = std::min(shared, RunLen(ch[c]));
      while (n < limit && ch[c].whole[n] == ch[0].whole[n]) ++n;
      shared = n;
    }
    plan.shared_len = shared;
  }
  for (size_t c = 0; c < ch.size(); ++c) {
    if (RunLen(ch[c]) > plan.shared_len) plan.tail_choices.push_back(static_cast<int32_t>(c));
  }
  return plan;
}

int64_t SequencesNeeded(const ItemPlan& plan) {
  return std::max<int64_t>(1, static_cast<int64_t>(plan.tail_choices.size()));
}

}  // namespace

int64_t PreparedChoiceItem::max_len() const {
  int64_t n = 0;
  for (const ChoiceTokens& c : choices) n = std::max<int64_t>(n, c.whole.size());
  return n;
}

Result<std::vector<PreparedChoiceItem>> PrepareChoiceItems(const Tokenizer& tokenizer,
                                                           const std::vector<TaskItem>& items,
                                                           int64_t max_positions) {
  std::vector<PreparedChoiceItem> out;
  out.reserve(items.size());
  for (const TaskItem& item : items) {
    if (item.choices.empty()) return InvalidInput("item {}: no choices to score", item.id);
    // Trailing whitespace of the prompt belongs to the continuation.
    const size_t keep = item.context.find_last_not_of(" \t\r\n");
    const std::string context = keep == std::string::npos ? "" : item.context.substr(0, keep + 1);
    const std::string moved = item.context.substr(context.size());
    auto ctx = tokenizer.Encode(context, /*add_special=*/true);
    if (!ctx.ok()) return ctx.status().WithPrefix("item " + item.id + " prompt");
    PreparedChoiceItem p;
    for (const std::string& choice : item.choices) {
      auto whole = tokenizer.Encode(context + moved + choice, /*add_special=*/true);
      if (!whole.ok()) return whole.status().WithPrefix("item " + item.id + " choice");
      ChoiceTokens c;
      c.whole = std::move(*whole);
      c.context_len = std::min<int64_t>(ctx->size(), static_cast<int64_t>(c.whole.size()) - 1);
      if (c.context_len < 1) {
        return InvalidInput(
            "item {}: the prompt is empty and the tokenizer adds no BOS, so "
            "the first choice token has no context to be scored in",
            item.id);
      }
      c.num_bytes = static_cast<int64_t>(moved.size() + choice.size());
      const int64_t excess = static_cast<int64_t>(c.whole.size()) - 1 - max_positions;
      if (max_positions > 0 && excess > 0) {
        if (c.context_len - excess < 1) {
          return InvalidInput("item {}: the choice alone is {} tokens, the context holds {}",
                              item.id, static_cast<int64_t>(c.whole.size()) - c.context_len,
                              max_positions);
        }
        c.whole.erase(c.whole.begin(), c.whole.begin() + excess);
        c.context_len -= excess;
        c.num_truncated = excess;
      }
      p.choices.push_back(std::move(c));
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<ItemResult>> ScoreChoiceItems(Session& session,
                                                 const std::vector<TaskItem>& items,
                                                 const std::vector<PreparedChoiceItem>& prepared,
                                                 const LoglikelihoodOptions& options,
                                                 ScorerTiming* timing) {
  const int64_t start_ns = NowNs();
  if (items.size() != prepared.size()) {
    return InternalError("ScoreChoiceItems: {} items, {} prepared", items.size(), prepared.size());
  }
  const int64_t vocab = session.vocab_size();
  std::vector<ItemResult> results(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    ItemResult& r = results[i];
    r.id = items[i].id;
    r.slice = items[i].slice;
    r.gold = items[i].gold;
    const size_t nc = prepared[i].choices.size();
    r.choice_logprob.assign(nc, 0.0);
    for (const ChoiceTokens& c : prepared[i].choices) {
      r.choice_num_tokens.push_back(static_cast<int64_t>(c.whole.size()) - c.context_len);
      r.choice_num_bytes.push_back(c.num_bytes);
      r.num_truncated_tokens = std::max(r.num_truncated_tokens, c.num_truncated);
      if (static_cast<int64_t>(c.whole.size()) > session.n_ctx()) {
        return InvalidInput("item {}: prompt and choice are {} tokens, the context holds {}",
                            items[i].id, c.whole.size(), session.n_ctx());
      }
      for (int32_t t : c.whole) {
        if (t < 0 || t >= vocab) {
          return InvalidInput("item {}: token id {} outside the model's vocabulary of {}",
                              items[i].id, t, vocab);
        }
      }
    }
  }

  std::vector<RowRef> rows;
  ForwardRunner runner(session, [&](int64_t tag, const float* logits) {
    const RowRef& row = rows[tag];
    const PreparedChoiceItem& item = prepared[row.item];
    std::vector<double>& lp = results[row.item].choice_logprob;
    const double lse = LogSumExp(logits, vocab);
    if (row.choice >= 0) {
      lp[row.choice] += logits[item.choices[row.choice].whole[row.pos + 1]] - lse;
      return;
    }
    for (size_t c = 0; c < item.choices.size(); ++c) {
      if (Scores(item.choices[c], row.pos)) {
        lp[c] += logits[item.choices[c].whole[row.pos + 1]] - lse;
      }
    }
  });

  KvCache& cache = session.kv_cache();
  size_t next = 0;
  while (next < items.size()) {
    // A wave: as many items as there are sequences for.
    std::vector<ItemPlan> wave;
    int32_t seqs_used = 0;
    while (next < items.size()) {
      ItemPlan plan = PlanItem(prepared[next], options.share_prefix);
      const int64_t need = SequencesNeeded(plan);
      if (need > session.n_seq()) {
        return InvalidInput("item {}: {} choices need {} sequences, the session has {}",
                            items[next].id, prepared[next].choices.size(), need, session.n_seq());
      }
      if (seqs_used + need > session.n_seq()) break;
      plan.index = static_cast<int64_t>(next);
      plan.base_seq = seqs_used;
      seqs_used += static_cast<int32_t>(need);
      wave.push_back(std::move(plan));
      ++next;
    }
    for (int32_t s = 0; s < seqs_used; ++s) cache.ClearSequence(s);
    rows.clear();

    // The shared prefixes, each in its item's base sequence.
    for (const ItemPlan& plan : wave) {
      const PreparedChoiceItem& item = prepared[plan.index];
      for (int64_t p = 0; p < plan.shared_len; ++p) {
        bool wanted = false;
        for (const ChoiceTokens& c : item.choices) wanted = wanted || Scores(c, p);
        int64_t tag = -1;
        if (wanted) {
          tag = static_cast<int64_t>(rows.size());
          rows.push_back({plan.index, -1, p});
        }
        CRATIO_RETURN_IF_ERROR(
            runner.Add(item.choices[0].whole[p], static_cast<int32_t>(p), plan.base_seq, tag));
      }
    }
    CRATIO_RETURN_IF_ERROR(runner.Flush());

    // Each further choice continues from a copy of the prefix; the first continues in place.
    for (const ItemPlan& plan : wave) {
      if (plan.shared_len == 0) continue;
      for (size_t j = 1; j < plan.tail_choices.size(); ++j) {
        CopySequencePrefix(cache, plan.base_seq, plan.base_seq + static_cast<int32_t>(j),
                           plan.shared_len);
      }
    }
    for (const ItemPlan& plan : wave) {
      const PreparedChoiceItem& item = prepared[plan.index];
      for (size_t j = 0; j < plan.tail_choices.size(); ++j) {
        const int32_t c = plan.tail_choices[j];
        const ChoiceTokens& ch = item.choices[c];
        const int32_t seq = plan.base_seq + static_cast<int32_t>(j);
        for (int64_t p = plan.shared_len; p < RunLen(ch); ++p) {
          int64_t tag = -1;
          if (Scores(ch, p)) {
            tag = static_cast<int64_t>(rows.size());
            rows.push_back({plan.index, c, p});
          }
          CRATIO_RETURN_IF_ERROR(runner.Add(ch.whole[p], static_cast<int32_t>(p), seq, tag));
        }
      }
    }
    CRATIO_RETURN_IF_ERROR(runner.Flush());
  }

  for (ItemResult& r : results) {
    const size_t nc = r.choice_logprob.size();
    int32_t best = 0, best_norm = 0;
    for (size_t c = 1; c < nc; ++c) {
      if (r.choice_logprob[c] > r.choice_logprob[best]) best = static_cast<int32_t>(c);
      const double norm = r.choice_logprob[c] / std::max<int64_t>(1, r.choice_num_bytes[c]);
      const double best_n =
          r.choice_logprob[best_norm] / std::max<int64_t>(1, r.choice_num_bytes[best_norm]);
      if (norm > best_n) best_norm = static_cast<int32_t>(c);
    }
    r.pred = best;
    r.pred_norm = best_norm;
    r.correct = r.gold >= 0 ? (r.pred == r.gold ? 1 : 0) : -1;
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
