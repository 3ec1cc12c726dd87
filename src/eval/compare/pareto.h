// The Pareto front over (retention ↑, size ↓, latency ↓): the models no other model beats
// in one objective without losing in another.
#pragma once

#include <vector>

#include "eval/compare/estimate.h"

namespace cratio::compare {

struct ParetoPoint {
  double retention = kNaN;   // higher is better
  double size_ratio = kNaN;  // lower is better
  double latency = kNaN;     // lower is better (ms or ratio; any one unit for all points)
};

// front[i] is true when no other point dominates point i: at least as good in every
// objective and strictly better in one. A point whose retention or size is unknown while
// another point knows it takes no part (never on the front, dominates nothing). Latency
// is used only when every remaining point has it, so a missing latency neither helps nor
// hurts. Equal points do not dominate each other.
std::vector<bool> ParetoFront(const std::vector<ParetoPoint>& points);

}  // namespace cratio::compare
