// KvCache allocation.
#include "model/kv_cache.h"

#include <algorithm>
#include <new>

namespace cratio {

Result<KvCache> KvCache::Create(const std::vector<int64_t>& kv_dims, int64_t n_ctx,
                                int64_t n_seq, uint64_t max_bytes) {
  if (n_ctx <= 0 || n_seq <= 0) {
    return InvalidInput("kv cache: context length {} and sequence count {} must be > 0", n_ctx,
                        n_seq);
  }
  KvCache c;
  c.n_ctx_ = n_ctx;
  c.n_seq_ = n_seq;
  // Each layer's K and V start on a 64-byte boundary (16 floats).
  constexpr int64_t kAlignFloats = 16;
  int64_t offset = 0;
  for (int64_t d : kv_dims) {
    if (d <= 0) return InvalidInput("kv cache: layer width {} must be > 0", d);
    Layer l;
    l.kv_dim = d;
    const int64_t layer_floats = (n_seq * n_ctx * d + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
    l.k_offset = offset;
    l.v_offset = offset + layer_floats;
    offset += 2 * layer_floats;
    c.layers_.push_back(l);
  }
  const uint64_t size_bytes = static_cast<uint64_t>(offset) * sizeof(float);
  if (max_bytes != 0 && size_bytes > max_bytes) {
    return ResourceExhausted(
        "kv cache: {} layers x {} sequences x {} positions need {} bytes, limit is {}",
        kv_dims.size(), n_seq, n_ctx, size_bytes, max_bytes);
  }
  try {
    c.buf_ = AlignedBuffer(std::max<uint64_t>(size_bytes, sizeof(float)));
  } catch (const std::bad_alloc&) {
    return ResourceExhausted("kv cache: could not allocate {} bytes ({} sequences x {} positions)",
                             size_bytes, n_seq, n_ctx);
  }
  c.seq_lens_.assign(n_seq, 0);
  return c;
}

void KvCache::Clear() { std::fill(seq_lens_.begin(), seq_lens_.end(), 0); }

}  // namespace cratio
