// rouge1, rouge2, rougeL: ROUGE F-measures as Google's rouge-score package computes them
// with its defaults (no stemming): tokens are the runs of [a-z0-9] after ASCII
// lowercasing; ROUGE-N from clipped n-gram overlap, ROUGE-L from the longest common
// subsequence of the whole texts (sentence-level, not rougeLsum). Each item scores the
// prediction against every reference and keeps the best F (rouge-score's score_multi);
// the metric is the mean over items with its analytic SE (sample sd / sqrt(n)).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eval/metrics/metric.h"

namespace cratio {

// rouge-score's tokenize(text, stemmer=None).
std::vector<std::string> RougeTokenize(std::string_view text);

// F-measure = 2PR / (P + R) (0 when P + R = 0). ROUGE-N: overlap = Σ min(count_pred,
// count_ref) over n-grams, P = overlap / max(1, pred n-grams), R = overlap / max(1, ref
// n-grams). ROUGE-L: P = LCS / |pred|, R = LCS / |ref|, 0 when either is empty.
double RougeNF(std::string_view prediction, std::string_view reference, int n);
double RougeLF(std::string_view prediction, std::string_view reference);

const Metric& Rouge1Metric();
const Metric& Rouge2Metric();
const Metric& RougeLMetric();

}  // namespace cratio
