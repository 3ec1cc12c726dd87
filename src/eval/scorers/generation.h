// Generation scorer: greedy decoding until a stop string, EOS, the token limit or the
// context limit, then answer extraction and exact match against the references. Many
// items decode side by side, one sequence each, so every decode step is one Forward call
// for all of them (decode is bandwidth-bound: a batch of n costs little more than one).
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"
#include "eval/scorers/loglikelihood.h"
#include "eval/task_spec.h"
#include "eval/tasks/task.h"
#include "model/session.h"
#include "tokenizer/tokenizer.h"

namespace cratio {

// Prompt tokens per item (BOS added as the tokenizer's spec says).
Result<std::vector<std::vector<int32_t>>> PreparePrompts(const Tokenizer& tokenizer,
                                                         const std::vector<TaskItem>& items);

// Scores items[i] into out[i]: generated (cut at the first stop string), extracted,
// references, correct (extracted equals one of the references). Greedy: the first
// largest logit, exactly as model/generate.h's greedy sampler picks. The session needs
// n_ctx > the longest prompt; generation also stops when the context is full.
Result<std::vector<ItemResult>> ScoreGeneration(Session& session, const Tokenizer& tokenizer,
                                                const std::vector<TaskItem>& items,
                                                const std::vector<std::vector<int32_t>>& prompts,
                                                const GenerationSpec& spec,
                                                ScorerTiming* timing = nullptr);

}  // namespace cratio
