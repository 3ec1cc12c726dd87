// The generation loop.
#include "model/generate.h"

#include <algorithm>

#include "base/timer.h"

namespace cratio {

Result<GenerateResult> Generate(Session& session, const Tokenizer& tokenizer,
                                std::string_view prompt, const GenerateOptions& options,
                                const PieceCallback& on_piece) {
  CRATIO_ASSIGN_OR_RETURN(std::vector<int32_t> ids, tokenizer.Encode(prompt, options.add_special));
  // From an empty prompt the first word's "▁" marker would print as a leading space.
  const bool strip = prompt.empty() && tokenizer.spec().model == "llama" &&
                     tokenizer.spec().add_space_prefix;
  return GenerateFromTokens(session, &tokenizer, std::move(ids), options, on_piece, strip);
}

Result<GenerateResult> GenerateFromTokens(Session& session, const Tokenizer* tokenizer,
                                          std::vector<int32_t> prompt_tokens,
                                          const GenerateOptions& options,
                                          const PieceCallback& on_piece,
                                          bool strip_leading_space) {
  GenerateResult r;
  r.prompt_tokens = std::move(prompt_tokens);
  const int64_t n_prompt = static_cast<int64_t>(r.prompt_tokens.size());
  if (n_prompt == 0) {
    return InvalidInput("generate: the prompt is empty and the tokenizer adds no BOS token");
  }
  if (n_prompt > session.n_ctx()) {
    return InvalidInput("generate: the prompt has {} tokens, the context holds {}", n_prompt,
                        session.n_ctx());
  }
  if (options.max_new_tokens < 0) {
    return InvalidInput("generate: max_new_tokens is {}, must be >= 0", options.max_new_tokens);
  }
  session.kv_cache().ClearSequence(0);
  const int32_t eos_id = tokenizer != nullptr ? tokenizer->eos_id() : -1;

  // Prefill in chunks of max_batch; only the last prompt token's logits are needed.
  Stopwatch watch;
  Batch batch(std::max<int64_t>(1, std::min(session.max_batch(), n_prompt)));
  for (int64_t begin = 0; begin < n_prompt; begin += session.max_batch()) {
    const int64_t end = std::min(n_prompt, begin + session.max_batch());
    batch.Clear();
    for (int64_t i = begin; i < end; ++i) {
      batch.Add(r.prompt_tokens[i], static_cast<int32_t>(i), 0, i == n_prompt - 1);
    }
    CRATIO_RETURN_IF_ERROR(session.Forward(batch));
  }
  r.prompt_ns = watch.ElapsedNs();

  Sampler sampler(options.sampler, session.vocab_size());
  r.tokens.reserve(options.max_new_tokens);
  watch.Reset();
  int64_t pos = n_prompt;
  for (int64_t i = 0; i < options.max_new_tokens; ++i) {
    const int32_t tok = sampler.Sample(session.logits(0));
    if (options.stop_at_eos && tok == eos_id) {
      r.hit_eos = true;
      break;
    }
    r.tokens.push_back(tok);
    if (tokenizer != nullptr) {
      std::string piece = tokenizer->TokenToPiece(tok);
      if (i == 0 && strip_leading_space && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
      r.text += piece;
      if (on_piece) on_piece(piece);
    }
    if (i + 1 == options.max_new_tokens) break;
    if (pos >= session.n_ctx()) {
      r.hit_context_limit = true;
      break;
    }
    batch.Clear();
    batch.Add(tok, static_cast<int32_t>(pos), 0, true);
    CRATIO_RETURN_IF_ERROR(session.Forward(batch));
    ++pos;
    ++r.num_decode_steps;
  }
  r.decode_ns = watch.ElapsedNs();
  return r;
}

}  // namespace cratio
