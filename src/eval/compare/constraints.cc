// Constraint parsing and checking.
#include "eval/compare/constraints.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

namespace cratio::compare {
namespace {

bool IsMetricChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

class ConstraintParser {
 public:
  explicit ConstraintParser(std::string_view text) : text_(text) {}

  Result<std::vector<Constraint>> Parse() {
    std::vector<Constraint> out;
    SkipSpaces();
    if (pos_ == text_.size()) return Error("expected at least one constraint, found nothing");
    while (true) {
      Constraint c;
      CRATIO_RETURN_IF_ERROR(ParseOne(&c));
      out.push_back(std::move(c));
      SkipSpaces();
      if (pos_ == text_.size()) break;
      if (text_[pos_] != ',') return Error("expected ',' or the end of the text");
      ++pos_;
      SkipSpaces();
    }
    return out;
  }

 private:
  Status ParseOne(Constraint* c) {
    const size_t start = pos_;
    while (pos_ < text_.size() && IsMetricChar(text_[pos_])) ++pos_;
    if (pos_ == start) return Error("expected a metric name such as 'retention.mmlu'");
    c->metric = std::string(text_.substr(start, pos_ - start));
    SkipSpaces();
    size_t op_len = 0;
    if (pos_ < text_.size() && (text_[pos_] == '>' || text_[pos_] == '<')) {
      op_len = (pos_ + 1 < text_.size() && text_[pos_ + 1] == '=') ? 2 : 1;
    }
    if (op_len == 0 || !CompareOpFromText(text_.substr(pos_, op_len), &c->op)) {
      return Error(fmt::format("expected an operator (>=, <=, >, <) after '{}'", c->metric));
    }
    pos_ += op_len;
    SkipSpaces();
    const size_t num_start = pos_;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
            text_[pos_] == '-' || text_[pos_] == '+' || text_[pos_] == 'e' ||
            text_[pos_] == 'E')) {
      ++pos_;
    }
    const std::string_view num = text_.substr(num_start, pos_ - num_start);
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
    if (num.empty() || ec != std::errc() || ptr != num.data() + num.size() ||
        !std::isfinite(value)) {
      pos_ = num_start;
      return Error(fmt::format("expected a number after '{}{}'", c->metric,
                               CompareOpText(c->op)));
    }
    if (pos_ < text_.size() && text_[pos_] == '%') {
      value /= 100.0;
      ++pos_;
    }
    c->threshold = value;
    return Status::Ok();
  }

  void SkipSpaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  Status Error(std::string_view what) const {
    const std::string found =
        pos_ < text_.size() ? fmt::format("'{}'", text_.substr(pos_, 12)) : "the end";
    return InvalidInput("--require '{}': at position {}: {}, found {}", text_, pos_ + 1, what,
                        found);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool Holds(CompareOp op, double value, double threshold) {
  switch (op) {
    case CompareOp::kGreaterEqual: return value >= threshold;
    case CompareOp::kLessEqual: return value <= threshold;
    case CompareOp::kGreater: return value > threshold;
    case CompareOp::kLess: return value < threshold;
  }
  return false;
}

bool WantsLarge(CompareOp op) {
  return op == CompareOp::kGreaterEqual || op == CompareOp::kGreater;
}

}  // namespace

std::string_view CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kGreaterEqual: return ">=";
    case CompareOp::kLessEqual: return "<=";
    case CompareOp::kGreater: return ">";
    case CompareOp::kLess: return "<";
  }
  return "?";
}

std::string_view CompareOpSymbol(CompareOp op) {
  switch (op) {
    case CompareOp::kGreaterEqual: return "≥";
    case CompareOp::kLessEqual: return "≤";
    case CompareOp::kGreater: return ">";
    case CompareOp::kLess: return "<";
  }
  return "?";
}

bool CompareOpFromText(std::string_view text, CompareOp* op) {
  for (CompareOp o : {CompareOp::kGreaterEqual, CompareOp::kLessEqual, CompareOp::kGreater,
                      CompareOp::kLess}) {
    if (CompareOpText(o) == text) {
      *op = o;
      return true;
    }
  }
  return false;
}

Result<std::vector<Constraint>> ParseConstraints(std::string_view text) {
  return ConstraintParser(text).Parse();
}

ConstraintCheck CheckConstraint(const Constraint& c, const MetricMap& metrics) {
  ConstraintCheck check;
  check.constraint = c;
  const auto it = metrics.find(c.metric);
  if (it == metrics.end() || !it->second.known()) return check;
  const Estimate& e = it->second;
  check.measured = true;
  check.value = e.value;
  const bool large = WantsLarge(c.op);
  check.bound = e.has_ci() ? (large ? e.ci_low : e.ci_high) : e.value;
  check.margin = large ? e.value - c.threshold : c.threshold - e.value;
  check.pass = Holds(c.op, e.value, c.threshold);
  check.pass_at_bound = Holds(c.op, check.bound, c.threshold);
  return check;
}

std::vector<ConstraintCheck> CheckConstraints(const std::vector<Constraint>& constraints,
                                              const MetricMap& metrics) {
  std::vector<ConstraintCheck> out;
  out.reserve(constraints.size());
  for (const Constraint& c : constraints) out.push_back(CheckConstraint(c, metrics));
  return out;
}

bool AllPass(const std::vector<ConstraintCheck>& checks) {
  for (const ConstraintCheck& c : checks) {
    if (!c.pass) return false;
  }
  return true;
}

Result<size_t> BestPassing(const std::vector<Candidate>& candidates) {
  size_t best = candidates.size();
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!AllPass(candidates[i].checks)) continue;
    if (best == candidates.size()) {
      best = i;
      continue;
    }
    const double s = candidates[i].overall_score, b = candidates[best].overall_score;
    if (!std::isnan(s) && (std::isnan(b) || s > b)) best = i;
  }
  if (best < candidates.size()) return best;
  std::string why;
  for (const Candidate& cand : candidates) {
    for (const ConstraintCheck& c : cand.checks) {
      if (c.pass) continue;
      const Constraint& k = c.constraint;
      why += c.measured ? fmt::format("; {}: {} = {:.6g}, required {} {:.6g}", cand.name,
                                      k.metric, c.value, CompareOpText(k.op), k.threshold)
                        : fmt::format("; {}: {} was not measured", cand.name, k.metric);
      break;
    }
  }
  if (candidates.empty()) why = "; there are no variants";
  return Status(StatusCode::kConstraintFailed,
                "no variant passes every --require constraint" + why);
}

}  // namespace cratio::compare
