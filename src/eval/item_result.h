// ItemResult: what scoring one item of a task produced — the raw material every metric
// and every paired statistic is computed from, and what `--log-items` writes as JSONL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cratio {

enum class ScorerKind { kMultipleChoice, kGeneration, kClassification, kPerplexity };

struct ItemResult {
  std::string id;     // stable item id (dataset id, or "<file>:<line>")
  std::string slice;  // subject / category for per-slice retention ("" if none)

  // Multiple choice and classification: one entry per choice.
  std::vector<double> choice_logprob;      // Σ log p(choice tokens | prompt)
  std::vector<int64_t> choice_num_tokens;  // tokens in each continuation
  std::vector<int64_t> choice_num_bytes;   // UTF-8 bytes of each continuation (acc_norm)
  int32_t gold = -1;  // index of the correct choice (-1: none)
  int32_t pred = -1;  // argmax of choice_logprob
  int32_t pred_norm = -1;  // argmax of choice_logprob / choice_num_bytes

  // Generation: the model's text, the extracted answer and the reference(s).
  std::string generated;
  std::string extracted;
  std::vector<std::string> references;

  // Perplexity-style items: Σ NLL (nats) over scored tokens, and their counts.
  double nll_sum = 0.0;
  int64_t num_scored_tokens = 0;
  int64_t num_scored_bytes = 0;

  // Correctness under the task's primary metric (1/0), for flips and McNemar; -1 when
  // the metric is not per-item binary.
  int32_t correct = -1;

  // Prompt tokens dropped from the front so the item fits the model's context (the most
  // over its choices; 0 when nothing was cut), as lm-evaluation-harness truncates.
  int64_t num_truncated_tokens = 0;
};

}  // namespace cratio
