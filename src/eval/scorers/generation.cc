// See generation.h.
#include "eval/scorers/generation.h"

#include <algorithm>

#include "base/timer.h"
#include "eval/scorers/answer_extract.h"
#include "eval/scorers/forward_runner.h"
#include "model/sampler.h"

namespace cratio {
namespace {

// One item decoding in one sequence.
struct Active {
  int64_t item = 0;
  int32_t seq = 0;
  int64_t pos = 0;          // position of the next token to feed
  int32_t next_token = -1;  // picked from the last logits, not yet fed
  std::vector<int32_t> generated;
  bool done = false;
};

}  // namespace

Result<std::vector<std::vector<int32_t>>> PreparePrompts(const Tokenizer& tokenizer,
                                                         const std::vector<TaskItem>& items) {
  std::vector<std::vector<int32_t>> out;
  out.reserve(items.size());
  for (const TaskItem& item : items) {
    auto tokens = tokenizer.Encode(item.context, /*add_special=*/true);
    if (!tokens.ok()) return tokens.status().WithPrefix("item " + item.id + " prompt");
    if (tokens->empty()) return InvalidInput("item {}: empty prompt", item.id);
    out.push_back(std::move(*tokens));
  }
  return out;
}

Result<std::vector<ItemResult>> ScoreGeneration(Session& session, const Tokenizer& tokenizer,
                                                const std::vector<TaskItem>& items,
                                                const std::vector<std::vector<int32_t>>& prompts,
                                                const GenerationSpec& spec, ScorerTiming* timing) {
  const int64_t start_ns = NowNs();
  const int64_t vocab = session.vocab_size();
  std::vector<ItemResult> results(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (static_cast<int64_t>(prompts[i].size()) >= session.n_ctx()) {
      return InvalidInput("item {}: the prompt is {} tokens, the context holds {}", items[i].id,
                          prompts[i].size(), session.n_ctx());
    }
  }
  std::vector<Active> active;
  ForwardRunner runner(session, [&](int64_t tag, const float* logits) {
    active[tag].next_token = Sampler::Argmax(logits, vocab);
  });
  KvCache& cache = session.kv_cache();
  const int32_t eos = tokenizer.eos_id();

  // Text generated so far, and whether a stop string has appeared in it.
  auto finish_step = [&](Active& a) {
    const int32_t tok = a.next_token;
    if (tok == eos) {
      a.done = true;
      return;
    }
    a.generated.push_back(tok);
    const std::string text = tokenizer.Decode(a.generated);
    if (CutAtStop(text, spec.stop).size() < text.size() ||
        static_cast<int64_t>(a.generated.size()) >= spec.max_new_tokens ||
        a.pos >= session.n_ctx()) {
      a.done = true;
    }
  };

  size_t next = 0;
  while (next < items.size()) {
    active.clear();
    for (int32_t s = 0; s < session.n_seq() && next < items.size(); ++s, ++next) {
      active.push_back({static_cast<int64_t>(next), s, 0, -1, {}, false});
      cache.ClearSequence(s);
    }
    // Prefill every prompt; the last prompt token's logits pick the first new token.
    for (size_t a = 0; a < active.size(); ++a) {
      const std::vector<int32_t>& p = prompts[active[a].item];
      for (size_t j = 0; j < p.size(); ++j) {
        const int64_t tag = j + 1 == p.size() ? static_cast<int64_t>(a) : -1;
        CRATIO_RETURN_IF_ERROR(runner.Add(p[j], static_cast<int32_t>(j), active[a].seq, tag));
      }
      active[a].pos = static_cast<int64_t>(p.size());
    }
    CRATIO_RETURN_IF_ERROR(runner.Flush());
    for (Active& a : active) finish_step(a);
    // Decode: one token per unfinished sequence per Forward.
    for (;;) {
      bool any = false;
      for (size_t a = 0; a < active.size(); ++a) {
        if (active[a].done) continue;
        any = true;
        CRATIO_RETURN_IF_ERROR(runner.Add(active[a].generated.back(),
                                          static_cast<int32_t>(active[a].pos), active[a].seq,
                                          static_cast<int64_t>(a)));
        ++active[a].pos;
      }
      if (!any) break;
      CRATIO_RETURN_IF_ERROR(runner.Flush());
      for (Active& a : active) {
        if (!a.done) finish_step(a);
      }
    }
    for (const Active& a : active) {
      ItemResult& r = results[a.item];
      const TaskItem& item = items[a.item];
      r.id = item.id;
      r.slice = item.slice;
      r.generated = CutAtStop(tokenizer.Decode(a.generated), spec.stop);
      r.extracted = ExtractAnswer(r.generated, spec.extract);
      r.references = item.references;
      r.correct =
          std::find(r.references.begin(), r.references.end(), r.extracted) != r.references.end()
              ? 1
              : 0;
    }
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
