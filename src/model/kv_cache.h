// KvCache: the keys and values of every layer for n_seq independent sequences of up to
// n_ctx positions each, f32, allocated once. Per-layer widths may differ (pruned heads).
#pragma once

#include <cstdint>
#include <vector>

#include "base/aligned_buffer.h"
#include "base/status.h"

namespace cratio {

class KvCache {
 public:
  KvCache() = default;
  // kv_dims[l] = num_kv_heads(l) * head_dim(l) floats per position of layer l.
  // ResourceExhausted when the cache would not fit in `max_bytes` (0: no limit).
  static Result<KvCache> Create(const std::vector<int64_t>& kv_dims, int64_t n_ctx,
                                int64_t n_seq, uint64_t max_bytes = 0);

  int64_t n_ctx() const { return n_ctx_; }
  int64_t n_seq() const { return n_seq_; }
  int64_t num_layers() const { return static_cast<int64_t>(layers_.size()); }
  int64_t kv_dim(int64_t layer) const { return layers_[layer].kv_dim; }
  uint64_t size_bytes() const { return buf_.size(); }

  // k(layer)[s, p, :] at k(layer) + (s * n_ctx + p) * kv_dim(layer); same for v.
  float* k(int64_t layer) { return base() + layers_[layer].k_offset; }
  float* v(int64_t layer) { return base() + layers_[layer].v_offset; }
  const float* k(int64_t layer) const { return base() + layers_[layer].k_offset; }
  const float* v(int64_t layer) const { return base() + layers_[layer].v_offset; }

  // Positions written so far in sequence s: tokens may use positions [0, seq_len(s)]
  // (extend by one) or overwrite earlier ones.
  int64_t seq_len(int64_t s) const { return seq_lens_[s]; }
  void set_seq_len(int64_t s, int64_t len) { seq_lens_[s] = len; }
  // Forgets sequence s (its slots are overwritten by the next tokens).
  void ClearSequence(int64_t s) { seq_lens_[s] = 0; }
  void Clear();

 private:
  struct Layer {
    int64_t kv_dim = 0;
    int64_t k_offset = 0;  // floats from the start of buf_
    int64_t v_offset = 0;
  };
  float* base() { return buf_.as<float>(); }
  const float* base() const { return buf_.as<float>(); }

  int64_t n_ctx_ = 0;
  int64_t n_seq_ = 0;
  std::vector<Layer> layers_;
  std::vector<int64_t> seq_lens_;
  AlignedBuffer buf_;
};

}  // namespace cratio
