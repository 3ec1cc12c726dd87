// Text generation: tokenize the prompt, prefill it in as few batches as the session
// allows, then sample and decode one token at a time, streaming each token's text through
// a callback, until EOS, the token limit or the context limit.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/sampler.h"
#include "model/session.h"
#include "tokenizer/tokenizer.h"

namespace cratio {

struct GenerateOptions {
  int64_t max_new_tokens = 128;
  SamplerOptions sampler;
  bool add_special = true;   // BOS (and EOS) as the tokenizer's spec says
  bool stop_at_eos = true;
};

struct GenerateResult {
  std::vector<int32_t> prompt_tokens;
  std::vector<int32_t> tokens;  // generated, without the stopping EOS
  std::string text;             // the generated text, as streamed
  bool hit_eos = false;
  bool hit_context_limit = false;
  int64_t prompt_ns = 0;         // prefill, up to the logits of the last prompt token
  int64_t decode_ns = 0;         // the one-token forward passes (and their sampling)
  int64_t num_decode_steps = 0;  // one-token forward passes run

  double prompt_tokens_per_s() const {
    return prompt_ns > 0 ? static_cast<double>(prompt_tokens.size()) * 1e9 / prompt_ns : 0.0;
  }
  double decode_tokens_per_s() const {
    return decode_ns > 0 ? static_cast<double>(num_decode_steps) * 1e9 / decode_ns : 0.0;
  }
};

// Receives each generated token's text as soon as it is sampled (possibly a partial UTF-8
// sequence that the next piece completes).
using PieceCallback = std::function<void(std::string_view piece)>;

// Generates from `prompt` in sequence 0 of `session` (cleared first).
Result<GenerateResult> Generate(Session& session, const Tokenizer& tokenizer,
                                std::string_view prompt, const GenerateOptions& options,
                                const PieceCallback& on_piece = {});

// Same from prompt tokens; `tokenizer` may be null (then no text and no EOS stop).
// `strip_leading_space`: drop one leading space of the first piece (a SentencePiece
// word-start marker when generation starts right after BOS).
Result<GenerateResult> GenerateFromTokens(Session& session, const Tokenizer* tokenizer,
                                          std::vector<int32_t> prompt_tokens,
                                          const GenerateOptions& options,
                                          const PieceCallback& on_piece = {},
                                          bool strip_leading_space = false);

}  // namespace cratio
