// Pareto front by pairwise dominance (a handful of variants: O(n²) is nothing).
#include "eval/compare/pareto.h"

#include <cmath>

namespace cratio::compare {

std::vector<bool> ParetoFront(const std::vector<ParetoPoint>& points) {
  const size_t n = points.size();
  bool any_retention = false, any_size = false;
  for (const ParetoPoint& p : points) {
    any_retention = any_retention || !std::isnan(p.retention);
    any_size = any_size || !std::isnan(p.size_ratio);
  }
  // Points missing retention or size that others have take no part.
  std::vector<bool> eligible(n);
  bool all_latency = true;
  for (size_t i = 0; i < n; ++i) {
    eligible[i] = !(any_retention && std::isnan(points[i].retention)) &&
                  !(any_size && std::isnan(points[i].size_ratio));
    if (eligible[i]) all_latency = all_latency && !std::isnan(points[i].latency);
  }
  // Objectives as "lower is better" values.
  auto objectives = [&](const ParetoPoint& p) {
    std::vector<double> v;
    if (any_retention) v.push_back(-p.retention);
    if (any_size) v.push_back(p.size_ratio);
    if (all_latency) v.push_back(p.latency);
    return v;
  };
  std::vector<bool> front(eligible);
  for (size_t i = 0; i < n; ++i) {
    if (!eligible[i]) continue;
    const std::vector<double> a = objectives(points[i]);
    for (size_t j = 0; j < n && front[i]; ++j) {
      if (i == j || !eligible[j]) continue;
      const std::vector<double> b = objectives(points[j]);
      bool no_worse = true, better = false;
      for (size_t d = 0; d < a.size(); ++d) {
        if (b[d] > a[d]) no_worse = false;
        if (b[d] < a[d]) better = true;
      }
      if (no_worse && better) front[i] = false;
    }
  }
  return front;
}

}  // namespace cratio::compare
