// Holm's step-down correction of p-values for multiple comparisons (Holm 1979), used
// across slices so "some subject got worse" is not found by chance among 57 subjects.
#pragma once

#include <span>
#include <vector>

namespace cratio {

// Adjusted p-values in the input order: sort ascending p_(1) ≤ … ≤ p_(m);
// adj_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j)). NaN inputs stay NaN and do not count
// in m. Matches statsmodels' multipletests(method="holm").
std::vector<double> HolmAdjust(std::span<const double> p_values);

}  // namespace cratio
