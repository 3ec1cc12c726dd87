// User constraints (`--require 'retention.mmlu>=0.98,latency.ttft_p99_ms<=500'`): parsing,
// checking one model's named metrics against them with the statistical margin, and
// picking the best model that passes all of them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "eval/compare/estimate.h"

namespace cratio::compare {

enum class CompareOp { kGreaterEqual, kLessEqual, kGreater, kLess };

// ">=", "<=", ">", "<".
std::string_view CompareOpText(CompareOp op);
// "≥", "≤", ">", "<" for reports.
std::string_view CompareOpSymbol(CompareOp op);
bool CompareOpFromText(std::string_view text, CompareOp* op);

struct Constraint {
  std::string metric;  // e.g. "retention.mmlu"
  CompareOp op = CompareOp::kGreaterEqual;
  double threshold = 0.0;  // a trailing '%' in the text divides by 100
};

// Grammar: constraint (',' constraint)*, constraint = metric op number ['%'], metric =
// [A-Za-z0-9_.-]+, op one of >= <= > <; spaces allowed around tokens. InvalidInput names
// the whole text and the 1-based character position of the problem.
Result<std::vector<Constraint>> ParseConstraints(std::string_view text);

// A model's measured metrics by constraint name.
using MetricMap = std::map<std::string, Estimate>;

struct ConstraintCheck {
  Constraint constraint;
  bool measured = false;  // the metric exists and is known
  double value = kNaN;    // point estimate
  // The end of the 95 % CI on the threshold's side (ci_low for ≥ / >, ci_high for ≤ / <);
  // the value itself when the metric has no interval.
  double bound = kNaN;
  // Signed headroom of the point estimate: value − threshold for ≥ / >, threshold − value
  // for ≤ / <. Negative means the constraint fails.
  double margin = kNaN;
  bool pass = false;            // the point estimate satisfies the constraint
  bool pass_at_bound = false;   // the whole CI does (statistically significant pass)
};

ConstraintCheck CheckConstraint(const Constraint& c, const MetricMap& metrics);
std::vector<ConstraintCheck> CheckConstraints(const std::vector<Constraint>& constraints,
                                              const MetricMap& metrics);
bool AllPass(const std::vector<ConstraintCheck>& checks);

struct Candidate {
  std::string name;
  double overall_score = kNaN;  // larger is better; NaN ranks last
  std::vector<ConstraintCheck> checks;
};

// Index of the candidate that passes every check with the highest overall score (first
// one on ties). When none passes: Status kConstraintFailed (exit 3) whose message names,
// for each candidate, the first constraint it failed with value and threshold.
Result<size_t> BestPassing(const std::vector<Candidate>& candidates);

}  // namespace cratio::compare
