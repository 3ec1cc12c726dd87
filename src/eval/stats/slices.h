// Grouping items by their slice (subject / category) for per-slice statistics.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "eval/item_result.h"

namespace cratio {

struct SliceIndices {
  std::string slice;             // ItemResult::slice
  std::vector<int64_t> indices;  // positions in the item vector, ascending
};

// One group per distinct non-empty slice name, sorted by name; items with an empty slice
// belong to no group. Empty when no item has a slice.
std::vector<SliceIndices> GroupBySlice(std::span<const ItemResult> items);

}  // namespace cratio
