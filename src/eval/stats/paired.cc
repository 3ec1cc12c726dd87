// ComparePaired: paired bootstrap, flips, McNemar, agreement, choice KL, slices.
#include "eval/stats/paired.h"

namespace cratio {

Result<PairedComparison> ComparePaired(std::span<const ItemResult>,
                                       std::span<const ItemResult>, const PairedOptions&) {
  return InternalError("ComparePaired: not implemented yet");
}

}  // namespace cratio
