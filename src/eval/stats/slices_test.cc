// Grouping by slice.
#include "eval/stats/slices.h"

#include <gtest/gtest.h>

#include <vector>

namespace cratio {
namespace {

TEST(GroupBySlice, SortedByNameWithEmptySlicesLeftOut) {
  std::vector<ItemResult> items(5);
  const char* slices[] = {"law", "", "art", "law", "art"};
  for (int i = 0; i < 5; ++i) items[i].slice = slices[i];
  const std::vector<SliceIndices> groups = GroupBySlice(items);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].slice, "art");
  EXPECT_EQ(groups[0].indices, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(groups[1].slice, "law");
  EXPECT_EQ(groups[1].indices, (std::vector<int64_t>{0, 3}));
}

}  // namespace
}  // namespace cratio
