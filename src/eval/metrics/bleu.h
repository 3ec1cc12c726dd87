// bleu: corpus BLEU-4 as sacreBLEU computes it with its defaults (13a tokenisation,
// mixed case, 'exp' smoothing, no effective order, closest reference length), on the
// 0–100 scale. Per-item sufficient statistics are summed over the corpus, so the score is
// not a mean of sentence scores; its SE is a seeded bootstrap over items.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "eval/metrics/metric.h"

namespace cratio {

inline constexpr int kBleuMaxOrder = 4;

// What one segment contributes to corpus BLEU.
struct BleuStats {
  int64_t hyp_len = 0;  // hypothesis tokens
  int64_t ref_len = 0;  // length of the reference closest to hyp_len (shorter on ties)
  std::array<int64_t, kBleuMaxOrder> correct{};  // clipped n-gram matches, n = 1..4
  std::array<int64_t, kBleuMaxOrder> total{};    // hypothesis n-grams, n = 1..4
  BleuStats& operator+=(const BleuStats& o);
};

// Statistics of one hypothesis against its references (each tokenised with 13a; a
// hypothesis n-gram is clipped at its largest count in any one reference).
BleuStats SegmentBleuStats(std::string_view hypothesis, std::span<const std::string> references);

// BLEU from summed statistics: BP = exp(1 − ref/hyp) when hyp < ref (0 when hyp = 0);
// p_n = 100·correct_n / total_n, or with 'exp' smoothing 100 / (2^k · total_n) for the
// k-th order with no match; 0 when nothing matches at all; geometric mean over 4 orders.
double BleuFromStats(const BleuStats& stats);

// Corpus BLEU of hypotheses[i] against references[i] (any number per segment).
double CorpusBleu(std::span<const std::string> hypotheses,
                  std::span<const std::vector<std::string>> references);

const Metric& BleuMetric();

}  // namespace cratio
