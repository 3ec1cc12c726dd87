// ForwardRunner: feeds tokens of many sequences to a Session in Forward calls as large
// as the session allows, and hands each requested logit row to a callback with the tag
// it was requested under. The scorers describe what to run token by token; this class
// decides where one Forward call ends, and times the model separately from the rest.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "base/status.h"
#include "model/session.h"

namespace cratio {

class ForwardRunner {
 public:
  // Called after each Forward for every row requested in it, in request order.
  // `logits` has session.vocab_size() floats and is valid only during the call.
  using RowFn = std::function<void(int64_t tag, const float* logits)>;

  ForwardRunner(Session& session, RowFn on_row);

  // Queues token `token` at `pos` of sequence `seq`; `tag` >= 0 requests its logits.
  // Runs the queued batch first when it is full. Tokens of one sequence must be added
  // in position order (a Forward call may end between any two of them).
  Status Add(int32_t token, int32_t pos, int32_t seq, int64_t tag);
  // Runs whatever is queued (the callback sees its rows before Flush returns).
  Status Flush();

  Session& session() { return session_; }
  int64_t forward_ns() const { return forward_ns_; }    // inside Session::Forward
  int64_t callback_ns() const { return callback_ns_; }  // inside the row callback
  int64_t num_forward_calls() const { return num_forward_calls_; }
  int64_t num_tokens() const { return num_tokens_; }

 private:
  Session& session_;
  RowFn on_row_;
  Batch batch_;
  std::vector<int64_t> tags_;  // one per requested row of batch_
  int64_t forward_ns_ = 0;
  int64_t callback_ns_ = 0;
  int64_t num_forward_calls_ = 0;
  int64_t num_tokens_ = 0;
};

// log Σ exp(logits), in double precision (max subtracted first).
double LogSumExp(const float* logits, int64_t vocab_size);
// log p(target | logits) = logits[target] − LogSumExp(logits).
double LogProbOf(const float* logits, int64_t vocab_size, int32_t target);

// Copies positions [0, num_positions) of sequence `src` to sequence `dst` in every layer
// and makes that dst's length, so dst continues from the same prefix.
void CopySequencePrefix(KvCache& cache, int32_t src, int32_t dst, int64_t num_positions);

}  // namespace cratio
