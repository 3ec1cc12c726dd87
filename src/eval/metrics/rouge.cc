// ROUGE-N and ROUGE-L F-measures over rouge-score's tokenisation.
#include "eval/metrics/rouge.h"

#include <algorithm>
#include <map>

#include "eval/metrics/mean_metric.h"

namespace cratio {
namespace {

double FMeasure(double precision, double recall) {
  return precision + recall > 0.0 ? 2.0 * precision * recall / (precision + recall) : 0.0;
}

std::map<std::vector<std::string>, int64_t> CountNgrams(const std::vector<std::string>& tokens,
                                                        int n) {
  std::map<std::vector<std::string>, int64_t> counts;
  for (size_t i = 0; i + n <= tokens.size(); ++i) {
    ++counts[std::vector<std::string>(tokens.begin() + i, tokens.begin() + i + n)];
  }
  return counts;
}

double NgramF(const std::vector<std::string>& pred, const std::vector<std::string>& ref,
              int n) {
  const auto pred_counts = CountNgrams(pred, n);
  const auto ref_counts = CountNgrams(ref, n);
  int64_t overlap = 0, pred_total = 0, ref_total = 0;
  for (const auto& [gram, count] : ref_counts) {
    ref_total += count;
    auto it = pred_counts.find(gram);
    if (it != pred_counts.end()) overlap += std::min(count, it->second);
  }
  for (const auto& [gram, count] : pred_counts) pred_total += count;
  const double precision =
      static_cast<double>(overlap) / static_cast<double>(std::max<int64_t>(1, pred_total));
  const double recall =
      static_cast<double>(overlap) / static_cast<double>(std::max<int64_t>(1, ref_total));
  return FMeasure(precision, recall);
}

double LcsF(const std::vector<std::string>& pred, const std::vector<std::string>& ref) {
  if (pred.empty() || ref.empty()) return 0.0;
  // Two rows of the LCS table: row[j] = LCS(ref[0..i), pred[0..j)).
  std::vector<int64_t> prev(pred.size() + 1, 0), cur(pred.size() + 1, 0);
  for (size_t i = 1; i <= ref.size(); ++i) {
    for (size_t j = 1; j <= pred.size(); ++j) {
      cur[j] = ref[i - 1] == pred[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    }
    std::swap(prev, cur);
  }
  const double lcs = static_cast<double>(prev[pred.size()]);
  return FMeasure(lcs / static_cast<double>(pred.size()), lcs / static_cast<double>(ref.size()));
}

// One class for the three variants: order 1 or 2 n-grams, or 0 for LCS.
class Rouge final : public Metric {
 public:
  Rouge(std::string_view name, int order) : name_(name), order_(order) {}
  std::string_view name() const override { return name_; }
  Result<std::unique_ptr<PreparedMetric>> Prepare(
      std::span<const ItemResult> items) const override {
    return PrepareReferenceMean(name_, items, [this](const ItemResult& item) {
      const std::vector<std::string> pred = RougeTokenize(PredictionText(item));
      double best = 0.0;
      for (const std::string& ref_text : item.references) {
        const std::vector<std::string> ref = RougeTokenize(ref_text);
        best = std::max(best, order_ == 0 ? LcsF(pred, ref) : NgramF(pred, ref, order_));
      }
      return best;
    });
  }

 private:
  std::string_view name_;
  int order_;
};

}  // namespace

std::vector<std::string> RougeTokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char ch : text) {
    char c = ch;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      tokens.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));
  return tokens;
}

double RougeNF(std::string_view prediction, std::string_view reference, int n) {
  return NgramF(RougeTokenize(prediction), RougeTokenize(reference), n);
}

double RougeLF(std::string_view prediction, std::string_view reference) {
  return LcsF(RougeTokenize(prediction), RougeTokenize(reference));
}

const Metric& Rouge1Metric() {
  static const Rouge metric("rouge1", 1);
  return metric;
}
const Metric& Rouge2Metric() {
  static const Rouge metric("rouge2", 2);
  return metric;
}
const Metric& RougeLMetric() {
  static const Rouge metric("rougeL", 0);
  return metric;
}

}  // namespace cratio
