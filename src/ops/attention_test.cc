// Attention over a multi-sequence KV cache against a double-precision loop, per ISA.
#include "ops/attention.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "base/thread_pool.h"
#include "kernels/kernel_table.h"

namespace cratio {
namespace {

constexpr double kAttentionTolerance = 1e-5;

// Small jobs run on the calling thread, large ones over the pool: both are checked.
void CheckAttention(int64_t hd, int64_t cap, const std::vector<int32_t>& pos,
                    const std::vector<int32_t>& seq, int num_threads) {
  const int64_t heads = 6, kv_heads = 2, num_seq = 3;
  const int64_t kv_dim = kv_heads * hd, q_dim = heads * hd;
  std::mt19937 rng(3);
  std::normal_distribution<float> n;
  std::vector<float> k_cache(num_seq * cap * kv_dim), v_cache(num_seq * cap * kv_dim);
  for (float& x : k_cache) x = n(rng);
  for (float& x : v_cache) x = n(rng);
  const int64_t tokens = static_cast<int64_t>(seq.size());
  std::vector<float> q(tokens * q_dim);
  for (float& x : q) x = n(rng);

  for (Isa isa : {Isa::kRef, Isa::kAvx2, Isa::kAvx512}) {
    auto table = KernelTableFor(isa);
    if (!table.ok()) continue;
    SCOPED_TRACE(IsaName(isa));
    ThreadPool pool(num_threads);
    OpContext ctx(&pool, *table);
    std::vector<float> out(tokens * q_dim, -1.0f), scores(num_threads * AttentionScoreRows(3) * cap);
    AttentionArgs a;
    a.num_tokens = tokens;
    a.num_heads = heads;
    a.num_kv_heads = kv_heads;
    a.head_dim = hd;
    a.q = q.data();
    a.q_stride = q_dim;
    a.k_cache = k_cache.data();
    a.v_cache = v_cache.data();
    a.kv_stride = kv_dim;
    a.seq_capacity = cap;
    a.seq_ids = seq.data();
    a.positions = pos.data();
    a.out = out.data();
    a.out_stride = q_dim;
    a.scores_scratch = scores.data();
    Attention(ctx, a);
    for (int64_t t = 0; t < tokens; ++t) {
      for (int64_t h = 0; h < heads; ++h) {
        const int64_t kvh = h / (heads / kv_heads);
        const float* base_k = k_cache.data() + seq[t] * cap * kv_dim + kvh * hd;
        const float* base_v = v_cache.data() + seq[t] * cap * kv_dim + kvh * hd;
        std::vector<double> s(pos[t] + 1);
        double mx = -1e300, sum = 0;
        for (int64_t j = 0; j <= pos[t]; ++j) {
          double d = 0;
          for (int64_t i = 0; i < hd; ++i) d += q[t * q_dim + h * hd + i] * base_k[j * kv_dim + i];
          s[j] = d / std::sqrt(double(hd));
          mx = std::max(mx, s[j]);
        }
        for (double& e : s) sum += (e = std::exp(e - mx));
        for (int64_t i = 0; i < hd; ++i) {
          double want = 0;
          for (int64_t j = 0; j <= pos[t]; ++j) want += s[j] / sum * base_v[j * kv_dim + i];
          EXPECT_NEAR(out[t * q_dim + h * hd + i], want, kAttentionTolerance)
              << "token " << t << " head " << h;
        }
      }
    }
    // Position 0 sees only itself: the output is v at position 0 of its sequence.
    for (int64_t i = 0; pos[0] == 0 && i < hd; ++i) {
      EXPECT_NEAR(out[0 * q_dim + i], v_cache[seq[0] * cap * kv_dim + i], 1e-6);
    }
  }
}

TEST(Attention, MatchesReferenceForGqaAcrossSequencesSingleThreaded) {
  CheckAttention(8, 20, {0, 5, 19, 3, 11, 0}, {0, 2, 2, 1, 0, 2}, 3);
}

TEST(Attention, MatchesReferenceForGqaAcrossSequencesOnThePool) {
  // 6 tokens x 2 KV heads over 3 threads: items are whole head groups.
  CheckAttention(64, 300, {0, 150, 299, 31, 200, 7}, {0, 2, 2, 1, 0, 2}, 3);
}

// Prefill: runs of consecutive positions go as query blocks. Sequence 0 from position 0
// (70 tokens: blocks of 32, 32 and 6), sequence 2 resuming at position 10 (40 tokens), and
// one stray token of sequence 1 in between (a run of its own).
std::vector<int32_t> PrefillPositions() {
  std::vector<int32_t> pos;
  for (int32_t p = 0; p < 70; ++p) pos.push_back(p);
  pos.push_back(5);
  for (int32_t p = 10; p < 50; ++p) pos.push_back(p);
  return pos;
}
std::vector<int32_t> PrefillSeqIds() {
  std::vector<int32_t> seq(70, 0);
  seq.push_back(1);
  seq.insert(seq.end(), 40, 2);
  return seq;
}

TEST(Attention, MatchesReferenceForPrefillBlocksOnThePool) {
  CheckAttention(64, 100, PrefillPositions(), PrefillSeqIds(), 2);
}

TEST(Attention, MatchesReferenceForPrefillBlocksWithOddHeadDim) {
  // head_dim 20: column tails in the score and value products; one thread.
  CheckAttention(20, 80, PrefillPositions(), PrefillSeqIds(), 1);
}

TEST(Attention, MatchesReferenceForOneTokenSplitBySingleHeads) {
  // 1 token x 2 KV heads < 4 threads: items are single query heads.
  CheckAttention(64, 300, {250}, {1}, 4);
}

}  // namespace
}  // namespace cratio
