// See forward_runner.h.
#include "eval/scorers/forward_runner.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/timer.h"

namespace cratio {

ForwardRunner::ForwardRunner(Session& session, RowFn on_row)
    : session_(session), on_row_(std::move(on_row)) {
  batch_.Reserve(session.max_batch());
  tags_.reserve(session.max_logits());
}

Status ForwardRunner::Add(int32_t token, int32_t pos, int32_t seq, int64_t tag) {
  const bool want = tag >= 0;
  if (batch_.size() >= session_.max_batch() ||
      (want && static_cast<int64_t>(tags_.size()) >= session_.max_logits())) {
    CRATIO_RETURN_IF_ERROR(Flush());
  }
  batch_.Add(token, pos, seq, want);
  if (want) tags_.push_back(tag);
  return Status::Ok();
}

Status ForwardRunner::Flush() {
  if (batch_.empty()) return Status::Ok();
  const int64_t t0 = NowNs();
  CRATIO_RETURN_IF_ERROR(session_.Forward(batch_));
  const int64_t t1 = NowNs();
  forward_ns_ += t1 - t0;
  ++num_forward_calls_;
  num_tokens_ += batch_.size();
  for (size_t r = 0; r < tags_.size(); ++r) on_row_(tags_[r], session_.logits(r));
  callback_ns_ += NowNs() - t1;
  batch_.Clear();
  tags_.clear();
  return Status::Ok();
}

double LogSumExp(const float* logits, int64_t vocab_size) {
  float max_logit = logits[0];
  for (int64_t i = 1; i < vocab_size; ++i) max_logit = std::max(max_logit, logits[i]);
  double sum = 0.0;
  for (int64_t i = 0; i < vocab_size; ++i) {
    sum += std::exp(static_cast<double>(logits[i]) - max_logit);
  }
  return max_logit + std::log(sum);
}

double LogProbOf(const float* logits, int64_t vocab_size, int32_t target) {
  return static_cast<double>(logits[target]) - LogSumExp(logits, vocab_size);
}

void CopySequencePrefix(KvCache& cache, int32_t src, int32_t dst, int64_t num_positions) {
  for (int64_t l = 0; l < cache.num_layers(); ++l) {
    const int64_t dim = cache.kv_dim(l);
    const size_t bytes = static_cast<size_t>(num_positions * dim) * sizeof(float);
    std::memcpy(cache.k(l) + dst * cache.n_ctx() * dim, cache.k(l) + src * cache.n_ctx() * dim,
                bytes);
    std::memcpy(cache.v(l) + dst * cache.n_ctx() * dim, cache.v(l) + src * cache.n_ctx() * dim,
                bytes);
  }
  cache.set_seq_len(dst, num_positions);
}

}  // namespace cratio
