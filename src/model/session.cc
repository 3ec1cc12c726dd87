// Session creation and batch validation; the math is in forward_llama.cc.
#include "model/session.h"

#include <algorithm>
#include <new>

namespace cratio {

void Batch::Reserve(int64_t capacity) {
  tokens_.reserve(capacity);
  positions_.reserve(capacity);
  seq_ids_.reserve(capacity);
  logit_rows_.reserve(capacity);
}

void Batch::Clear() {
  tokens_.clear();
  positions_.clear();
  seq_ids_.clear();
  logit_rows_.clear();
}

void Batch::Add(int32_t token, int32_t pos, int32_t seq_id, bool want_logits) {
  if (want_logits) logit_rows_.push_back(static_cast<int32_t>(tokens_.size()));
  tokens_.push_back(token);
  positions_.push_back(pos);
  seq_ids_.push_back(seq_id);
}

Result<std::unique_ptr<Session>> Session::Create(const ModelWeights& weights,
                                                 const SessionOptions& options) {
  const ModelConfig& cfg = weights.config();
  int64_t n_ctx = options.n_ctx > 0 ? options.n_ctx
                                     : std::min(cfg.context_length, kDefaultMaxContext);
  if (n_ctx <= 0) {
    return InvalidInput("session: no context length given and the model's '{}.context_length' "
                        "is {}",
                        cfg.arch_name, cfg.context_length);
  }
  if (n_ctx > INT32_MAX) {
    return InvalidInput("session: context length {} exceeds {}", n_ctx, INT32_MAX);
  }
  if (options.n_seq <= 0 || options.n_seq > INT32_MAX || options.max_batch <= 0 ||
      options.max_logits < 0) {
    return InvalidInput(
        "session: n_seq {} and max_batch {} must be > 0 and max_logits {} must be >= 0",
        options.n_seq, options.max_batch, options.max_logits);
  }
  if (!weights.rope_freqs().empty() &&
      static_cast<int64_t>(weights.rope_freqs().size()) != cfg.rope_dim / 2) {
    return InternalError("session: rope_freqs has {} entries, rope_dim / 2 is {}",
                         weights.rope_freqs().size(), cfg.rope_dim / 2);
  }
  const int64_t max_batch = std::min(options.max_batch, n_ctx * options.n_seq);
  const int64_t max_logits = options.max_logits > 0 ? std::min(options.max_logits, max_batch)
                                                    : max_batch;

  std::unique_ptr<Session> s(new Session());
  s->weights_ = &weights;
  s->observer_ = options.activation_observer;
  if (options.pool != nullptr) {
    s->pool_ = options.pool;
  } else {
    s->owned_pool_ = std::make_unique<ThreadPool>(options.num_threads);
    s->pool_ = s->owned_pool_.get();
  }
  s->ctx_ = std::make_unique<OpContext>(s->pool_, options.kernels);
  RopeScaling scaling;
  scaling.factor = cfg.rope_scaling_factor;
  scaling.low_freq_factor = cfg.rope_low_freq_factor;
  scaling.high_freq_factor = cfg.rope_high_freq_factor;
  scaling.original_context = cfg.rope_original_context;
  s->rope_ = MakeRopeTable(cfg.rope_dim, cfg.rope_layout, cfg.rope_freq_base,
                           weights.rope_freqs().empty() ? nullptr : weights.rope_freqs().data(),
                           scaling);
  CRATIO_ASSIGN_OR_RETURN(s->cache_, KvCache::Create(weights.kv_dims(), n_ctx, options.n_seq));
  try {
    s->scratch_ = ForwardScratch(weights, max_batch, max_logits, n_ctx, s->pool_->num_threads());
    s->logits_ = AlignedBuffer(static_cast<size_t>(max_logits * cfg.vocab_size) * sizeof(float));
  } catch (const std::bad_alloc&) {
    return ResourceExhausted(
        "session: could not allocate scratch for {} tokens and {} logit rows of {} entries",
        max_batch, max_logits, cfg.vocab_size);
  }
  s->seq_lens_scratch_.assign(options.n_seq, 0);
  return s;
}

Status Session::Forward(const Batch& batch) {
  const int64_t n = batch.size();
  if (n == 0) return InvalidInput("session: empty batch");
  if (n > max_batch()) {
    return InvalidInput("session: batch of {} tokens exceeds max_batch {}", n, max_batch());
  }
  const int64_t num_rows = static_cast<int64_t>(batch.logit_rows().size());
  if (num_rows > max_logits()) {
    return InvalidInput("session: batch asks for {} logit rows, max_logits is {}", num_rows,
                        max_logits());
  }
  for (int64_t s = 0; s < n_seq(); ++s) seq_lens_scratch_[s] = cache_.seq_len(s);
  const int64_t vocab = vocab_size();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t tok = batch.tokens()[i];
    const int32_t pos = batch.positions()[i];
    const int32_t seq = batch.seq_ids()[i];
    if (tok < 0 || tok >= vocab) {
      return InvalidInput("session: batch token {} has id {}, vocabulary has {} entries", i, tok,
                          vocab);
    }
    if (seq < 0 || seq >= n_seq()) {
      return InvalidInput("session: batch token {} has sequence id {}, session has {} sequences",
                          i, seq, n_seq());
    }
    if (pos < 0 || pos >= n_ctx()) {
      return InvalidInput("session: batch token {} has position {}, context holds {} positions",
                          i, pos, n_ctx());
    }
    int64_t& len = seq_lens_scratch_[seq];
    if (pos > len) {
      return InvalidInput(
          "session: batch token {} is at position {} of sequence {}, which has only {} "
          "positions so far (positions must not skip)",
          i, pos, seq, len);
    }
    len = std::max<int64_t>(len, pos + 1);
  }
  BatchView view;
  view.num_tokens = n;
  view.tokens = batch.tokens().data();
  view.positions = batch.positions().data();
  view.seq_ids = batch.seq_ids().data();
  view.num_logit_rows = num_rows;
  view.logit_rows = batch.logit_rows().data();
  ForwardLlama(*ctx_, *weights_, rope_, cache_, scratch_, view, logits_.as<float>(),
               observer_ ? &observer_ : nullptr);
  for (int64_t s = 0; s < n_seq(); ++s) cache_.set_seq_len(s, seq_lens_scratch_[s]);
  num_logits_ = num_rows;
  return Status::Ok();
}

}  // namespace cratio
