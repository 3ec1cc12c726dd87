// Splitting a run's work between the ranks of a distributed run (src/dist/,
// docs/SCALING.md). The unit is whatever one process already evaluates as one piece —
// a block of items for `score`, a pass of chunks for `perplexity` — so every Forward
// batch a rank runs is the batch a single process runs, and the numbers come out equal
// bit for bit. Ranks get contiguous, ordered runs of units, so concatenating their
// results in rank order gives the single-process order.
#pragma once

#include <cstdint>

namespace cratio {

struct WorkShard {
  int index = 0;  // this rank
  int count = 1;  // ranks; 1: the whole run in one process
  bool split() const { return count > 1; }
};

// Units [begin, end) of `num_units` that shard `s` evaluates: rank i of n gets
// [⌊num_units·i/n⌋, ⌊num_units·(i+1)/n⌋), so sizes differ by at most one unit.
struct UnitRange {
  int64_t begin = 0;
  int64_t end = 0;
};
inline UnitRange ShardUnits(int64_t num_units, const WorkShard& s) {
  if (s.count <= 1) return {0, num_units};
  return {num_units * s.index / s.count, num_units * (s.index + 1) / s.count};
}

}  // namespace cratio
