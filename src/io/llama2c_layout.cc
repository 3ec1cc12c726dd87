// llama2.c weight order for v0 (legacy) and v1 checkpoints.
#include "io/llama2c_layout.h"

namespace cratio::llama2c {

std::vector<Segment> Layout(const Llama2cConfig& c, bool shared_classifier, int version) {
  const int64_t dim = c.dim, hidden = c.hidden_dim;
  const int64_t vocab = c.vocab_size < 0 ? -int64_t{c.vocab_size} : c.vocab_size;
  const int64_t head_size = dim / c.n_heads;
  const int64_t kv_dim = head_size * c.n_kv_heads;
  // w1 (gate), w2 (down), w3 (up): run.c computes w2(silu(w1 x) * w3 x).
  const Segment embd{"token_embd", false, vocab, dim};
  const Segment attn_norm{"attn_norm", true, dim, 0};
  const Segment wq{"attn_q", true, dim, dim}, wk{"attn_k", true, kv_dim, dim},
      wv{"attn_v", true, kv_dim, dim}, wo{"attn_output", true, dim, dim};
  const Segment ffn_norm{"ffn_norm", true, dim, 0};
  const Segment w1{"ffn_gate", true, hidden, dim}, w2{"ffn_down", true, dim, hidden},
      w3{"ffn_up", true, hidden, dim};
  const Segment final_norm{"output_norm", false, dim, 0};
  const Segment rope_table{"", false, c.seq_len, head_size / 2};
  std::vector<Segment> s;
  if (version == 0) {
    s = {embd, attn_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3, final_norm, rope_table,
         rope_table};
  } else {
    s = {attn_norm, ffn_norm, final_norm, embd, wq, wk, wv, wo, w1, w2, w3};
  }
  if (!shared_classifier) s.push_back(Segment{"output", false, vocab, dim});
  return s;
}

int64_t TotalFloats(const std::vector<Segment>& layout, int64_t num_layers) {
  constexpr unsigned __int128 kLimit = static_cast<unsigned __int128>(1) << 62;
  unsigned __int128 total = 0;
  for (const Segment& s : layout) {
    unsigned __int128 n = static_cast<unsigned __int128>(s.rows) *
                          static_cast<unsigned __int128>(s.cols == 0 ? 1 : s.cols);
    if (s.per_layer) n *= static_cast<unsigned __int128>(num_layers);
    total += n;
    if (total > kLimit) return -1;
  }
  return static_cast<int64_t>(total);
}

}  // namespace cratio::llama2c
