// The llama / qwen2 forward pass over a batch of tokens.
#include "model/forward_llama.h"

#include <cstring>
#include <iterator>

#include "base/check.h"
#include "ops/attention.h"
#include "ops/elementwise.h"
#include "ops/matmul.h"

namespace cratio {

ForwardScratch::ForwardScratch(const ModelWeights& w, int64_t max_tokens, int64_t max_logit_rows,
                               int64_t n_ctx, int num_threads)
    : max_tokens_(max_tokens), max_logit_rows_(max_logit_rows) {
  const int64_t d = w.config().model_dim;
  // Each buffer starts on a 64-byte boundary: sizes rounded up to 16 floats.
  auto round = [](int64_t n) { return (n + 15) / 16 * 16; };
  const int64_t sizes[] = {
      round(max_tokens * d),                 round(max_tokens * d),
      round(max_tokens * w.max_q_dim()),     round(max_tokens * w.max_kv_dim()),
      round(max_tokens * w.max_kv_dim()),    round(max_tokens * w.max_q_dim()),
      round(max_tokens * w.max_ffn_dim()),   round(max_tokens * w.max_ffn_dim()),
      round(max_logit_rows * d),             round(int64_t{num_threads} * AttentionScoreRows(w.max_group()) * n_ctx),
      round(max_tokens * w.config().rope_dim),
  };
  int64_t total = 0;
  for (int64_t s : sizes) total += s;
  buf_ = AlignedBuffer(static_cast<size_t>(total) * sizeof(float));
  float* p = buf_.as<float>();
  float** slots[] = {&x, &xb, &q, &k, &v, &att, &gate, &up, &hidden, &scores, &rope_cos_sin};
  static_assert(std::size(slots) == std::size(sizes));
  for (size_t i = 0; i < std::size(slots); ++i) {
    *slots[i] = p;
    p += sizes[i];
  }
}

void ForwardLlama(OpContext& ctx, const ModelWeights& w, const RopeTable& rope, KvCache& cache,
                  ForwardScratch& s, const BatchView& batch, float* logits,
                  const ActivationObserver* observer) {
  auto observe = [&](int64_t layer, TensorRole role, const float* x, int64_t rows, int64_t cols) {
    if (observer != nullptr) (*observer)(layer, role, x, rows, cols);
  };
  const ModelConfig& cfg = w.config();
  const int64_t num_tokens = batch.num_tokens;
  const int64_t d = cfg.model_dim;
  const int64_t head_dim = cfg.head_dim;
  const float eps = cfg.rms_norm_eps;
  CRATIO_CHECK(num_tokens > 0 && num_tokens <= s.max_tokens());
  CRATIO_CHECK(batch.num_logit_rows <= s.max_logit_rows());

  // x[t, :] = token_embd[tokens[t], :]
  for (int64_t t = 0; t < num_tokens; ++t) w.EmbedToken(batch.tokens[t], s.x + t * d);
  // The rotation angles depend only on positions: computed once for all layers.
  RopeCosSin(rope, batch.positions, num_tokens, s.rope_cos_sin);

  for (int64_t l = 0; l < static_cast<int64_t>(w.layers().size()); ++l) {
    const LayerWeights& lw = w.layer(l);
    const int64_t q_dim = lw.num_heads * head_dim;
    const int64_t kv_dim = lw.num_kv_heads * head_dim;

    // Attention block: xb = norm(x); q, k, v = xb · Wqᵀ, xb · Wkᵀ, xb · Wvᵀ (+ biases)
    RmsNorm(ctx, s.x, lw.attn_norm.data(), s.xb, num_tokens, d, eps);
    observe(l, TensorRole::kAttnQ, s.xb, num_tokens, d);
    observe(l, TensorRole::kAttnK, s.xb, num_tokens, d);
    observe(l, TensorRole::kAttnV, s.xb, num_tokens, d);
    // q[T, q_dim], k[T, kv_dim], v[T, kv_dim]
    const SharedMatmul qkv[] = {{&lw.attn_q, s.q}, {&lw.attn_k, s.k}, {&lw.attn_v, s.v}};
    MatmulShared(ctx, qkv, s.xb, num_tokens);
    ApplyRope(ctx, rope, s.rope_cos_sin, s.q, q_dim, lw.num_heads, s.k, kv_dim, lw.num_kv_heads,
              head_dim, num_tokens);

    // cache[l][seq, pos, :] = k[t, :], v[t, :] — all of the batch first, so tokens of one
    // sequence see each other below.
    float* k_cache = cache.k(l);
    float* v_cache = cache.v(l);
    for (int64_t t = 0; t < num_tokens; ++t) {
      const int64_t slot = static_cast<int64_t>(batch.seq_ids[t]) * cache.n_ctx() +
                           batch.positions[t];
      std::memcpy(k_cache + slot * kv_dim, s.k + t * kv_dim, sizeof(float) * kv_dim);
      std::memcpy(v_cache + slot * kv_dim, s.v + t * kv_dim, sizeof(float) * kv_dim);
    }

    AttentionArgs a;
    a.num_tokens = num_tokens;
    a.num_heads = lw.num_heads;
    a.num_kv_heads = lw.num_kv_heads;
    a.head_dim = head_dim;
    a.q = s.q;
    a.q_stride = q_dim;
    a.k_cache = k_cache;
    a.v_cache = v_cache;
    a.kv_stride = kv_dim;
    a.seq_capacity = cache.n_ctx();
    a.seq_ids = batch.seq_ids;
    a.positions = batch.positions;
    a.out = s.att;
    a.out_stride = q_dim;
    a.scores_scratch = s.scores;
    Attention(ctx, a);  // att[T, q_dim]

    observe(l, TensorRole::kAttnOutput, s.att, num_tokens, q_dim);
    Matmul(ctx, lw.attn_output, s.att, num_tokens, s.xb);  // xb[T, d] = att · Woᵀ
    AddInPlace(ctx, s.x, s.xb, num_tokens * d);

    // FFN block: x += (silu(xb · Wgᵀ) ⊙ (xb · Wuᵀ)) · Wdᵀ, xb = norm(x)
    RmsNorm(ctx, s.x, lw.ffn_norm.data(), s.xb, num_tokens, d, eps);
    observe(l, TensorRole::kFfnGate, s.xb, num_tokens, d);
    observe(l, TensorRole::kFfnUp, s.xb, num_tokens, d);
    // gate[T, ffn_dim], up[T, ffn_dim]
    const SharedMatmul gate_up[] = {{&lw.ffn_gate, s.gate}, {&lw.ffn_up, s.up}};
    MatmulShared(ctx, gate_up, s.xb, num_tokens);
    SiluMul(ctx, s.gate, s.up, num_tokens * lw.ffn_dim);
    observe(l, TensorRole::kFfnDown, s.gate, num_tokens, lw.ffn_dim);
    Matmul(ctx, lw.ffn_down, s.gate, num_tokens, s.xb);  // xb[T, d]
    AddInPlace(ctx, s.x, s.xb, num_tokens * d);
  }

  if (batch.num_logit_rows == 0) return;
  // hidden[r, :] = norm(x[logit_rows[r], :]); logits[r, vocab] = hidden · Woutᵀ
  for (int64_t r = 0; r < batch.num_logit_rows; ++r) {
    std::memcpy(s.hidden + r * d, s.x + static_cast<int64_t>(batch.logit_rows[r]) * d,
                sizeof(float) * d);
  }
  RmsNorm(ctx, s.hidden, w.output_norm().data(), s.hidden, batch.num_logit_rows, d, eps);
  observe(-1, TensorRole::kOutput, s.hidden, batch.num_logit_rows, d);
  Matmul(ctx, w.output(), s.hidden, batch.num_logit_rows, logits);
}

}  // namespace cratio
