// Corpus BLEU from per-segment n-gram statistics.
#include "eval/metrics/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "eval/metrics/text_normalize.h"
#include "eval/metrics/tokenize_13a.h"

namespace cratio {
namespace {

using NgramCounts = std::map<std::string, int64_t>;

// All n-grams of orders 1..4 of `tokens`, each keyed by its tokens joined with ' '.
NgramCounts CountNgrams(const std::vector<std::string_view>& tokens) {
  NgramCounts counts;
  for (int n = 1; n <= kBleuMaxOrder; ++n) {
    for (size_t i = 0; i + n <= tokens.size(); ++i) {
      std::string key(tokens[i]);
      for (int j = 1; j < n; ++j) {
        key.push_back(' ');
        key.append(tokens[i + j]);
      }
      ++counts[key];
    }
  }
  return counts;
}

int NgramOrder(const std::string& key) {
  return 1 + static_cast<int>(std::count(key.begin(), key.end(), ' '));
}

class BleuPrepared final : public PreparedMetric {
 public:
  explicit BleuPrepared(std::vector<BleuStats> stats) : stats_(std::move(stats)) {}
  int64_t num_items() const override { return static_cast<int64_t>(stats_.size()); }
  double Evaluate(std::span<const int32_t> weights) override {
    BleuStats sum;
    for (size_t i = 0; i < stats_.size(); ++i) {
      const int64_t w = weights[i];
      if (w == 0) continue;
      const BleuStats& s = stats_[i];
      sum.hyp_len += w * s.hyp_len;
      sum.ref_len += w * s.ref_len;
      for (int n = 0; n < kBleuMaxOrder; ++n) {
        sum.correct[n] += w * s.correct[n];
        sum.total[n] += w * s.total[n];
      }
    }
    return BleuFromStats(sum);
  }
  std::optional<double> AnalyticStdError() const override { return std::nullopt; }
  std::optional<std::span<const double>> PerItemScores() const override {
    return std::nullopt;
  }

 private:
  std::vector<BleuStats> stats_;
};

class Bleu final : public Metric {
 public:
  std::string_view name() const override { return "bleu"; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    std::vector<BleuStats> stats;
    stats.reserve(items.size());
    for (const ItemResult& item : items) {
      if (item.references.empty()) {
        return InvalidInput("bleu: item '{}' has no reference", item.id);
      }
      stats.push_back(SegmentBleuStats(PredictionText(item), item.references));
    }
    return std::unique_ptr<PreparedMetric>(new BleuPrepared(std::move(stats)));
  }
};

}  // namespace

BleuStats& BleuStats::operator+=(const BleuStats& o) {
  hyp_len += o.hyp_len;
  ref_len += o.ref_len;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    correct[n] += o.correct[n];
    total[n] += o.total[n];
  }
  return *this;
}

BleuStats SegmentBleuStats(std::string_view hypothesis,
                           std::span<const std::string> references) {
  BleuStats stats;
  const std::string hyp_text = Tokenize13a(hypothesis);
  const std::vector<std::string_view> hyp_tokens = SplitOnWhitespace(hyp_text);
  stats.hyp_len = static_cast<int64_t>(hyp_tokens.size());

  NgramCounts max_ref_counts;  // per n-gram, the largest count in any one reference
  int64_t closest_diff = -1;
  for (const std::string& ref : references) {
    const std::string ref_text = Tokenize13a(ref);
    const std::vector<std::string_view> ref_tokens = SplitOnWhitespace(ref_text);
    const int64_t len = static_cast<int64_t>(ref_tokens.size());
    const int64_t diff = std::llabs(stats.hyp_len - len);
    if (closest_diff < 0 || diff < closest_diff || (diff == closest_diff && len < stats.ref_len)) {
      closest_diff = diff;
      stats.ref_len = len;
    }
    for (const auto& [key, count] : CountNgrams(ref_tokens)) {
      int64_t& slot = max_ref_counts[key];
      slot = std::max(slot, count);
    }
  }
  for (const auto& [key, count] : CountNgrams(hyp_tokens)) {
    const int order = NgramOrder(key);
    stats.total[order - 1] += count;
    auto it = max_ref_counts.find(key);
    if (it != max_ref_counts.end()) stats.correct[order - 1] += std::min(count, it->second);
  }
  return stats;
}

double BleuFromStats(const BleuStats& s) {
  double bp = 1.0;
  if (s.hyp_len < s.ref_len) {
    bp = s.hyp_len > 0 ? std::exp(1.0 - static_cast<double>(s.ref_len) /
                                            static_cast<double>(s.hyp_len))
                       : 0.0;
  }
  bool any_match = false;
  for (int64_t c : s.correct) any_match = any_match || c > 0;
  if (!any_match) return 0.0;
  double log_sum = 0.0;
  double smooth = 1.0;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    // An order with no hypothesis n-grams keeps precision 0, whose log sacreBLEU takes
    // as −9999999999: the score is 0.
    if (s.total[n] == 0) return 0.0;
    double precision;
    if (s.correct[n] == 0) {
      smooth *= 2.0;
      precision = 100.0 / (smooth * static_cast<double>(s.total[n]));
    } else {
      precision = 100.0 * static_cast<double>(s.correct[n]) / static_cast<double>(s.total[n]);
    }
    log_sum += std::log(precision);
  }
  return bp * std::exp(log_sum / kBleuMaxOrder);
}

double CorpusBleu(std::span<const std::string> hypotheses,
                  std::span<const std::vector<std::string>> references) {
  BleuStats sum;
  for (size_t i = 0; i < hypotheses.size() && i < references.size(); ++i) {
    sum += SegmentBleuStats(hypotheses[i], references[i]);
  }
  return BleuFromStats(sum);
}

const Metric& BleuMetric() {
  static const Bleu metric;
  return metric;
}

}  // namespace cratio
