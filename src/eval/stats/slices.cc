// Grouping item positions by slice name.
#include "eval/stats/slices.h"

#include <map>

namespace cratio {

std::vector<SliceIndices> GroupBySlice(std::span<const ItemResult> items) {
  std::map<std::string, std::vector<int64_t>> groups;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].slice.empty()) groups[items[i].slice].push_back(static_cast<int64_t>(i));
  }
  std::vector<SliceIndices> out;
  out.reserve(groups.size());
  for (auto& [name, indices] : groups) out.push_back({name, std::move(indices)});
  return out;
}

}  // namespace cratio
