// Estimate: a point value with an optional 95 % confidence interval — the one shape every
// compared figure (retention, speedup, efficiency score) takes in compare/ and the report.
// NaN marks "not measured"; a NaN interval marks "exact / no uncertainty known".
#pragma once

#include <cmath>
#include <limits>

namespace cratio::compare {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Two-sided 95 % normal quantile.
inline constexpr double kZ95 = 1.959963984540054;

struct Estimate {
  double value = kNaN;
  double ci_low = kNaN;   // lower end of the 95 % CI (NaN: none known)
  double ci_high = kNaN;  // upper end of the 95 % CI (NaN: none known)

  bool known() const { return !std::isnan(value); }
  bool has_ci() const { return !std::isnan(ci_low) && !std::isnan(ci_high); }
};

// A point value with no interval.
inline Estimate ExactEstimate(double value) { return Estimate{value, kNaN, kNaN}; }

// value ± z·se as an Estimate (no interval when se is NaN or negative).
inline Estimate NormalEstimate(double value, double se) {
  if (std::isnan(se) || se < 0) return ExactEstimate(value);
  return Estimate{value, value - kZ95 * se, value + kZ95 * se};
}

// The standard error a (roughly symmetric) 95 % interval implies: (high − low) / (2z);
// 0 when there is no interval.
inline double ImpliedStdError(const Estimate& e) {
  return e.has_ci() ? (e.ci_high - e.ci_low) / (2.0 * kZ95) : 0.0;
}

}  // namespace cratio::compare
