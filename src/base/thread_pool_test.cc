#include "base/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace cratio {
namespace {

TEST(ThreadPool, ParallelForCoversEveryIndexExactlyOnce) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    for (int64_t n : {0, 1, 7, 64, 1000}) {
      std::vector<std::atomic<int>> hits(n);
      pool.ParallelFor(n, 4, [&](int64_t b, int64_t e, int) {
        for (int64_t i = b; i < e; ++i) hits[i].fetch_add(1);
      });
      for (int64_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
    }
  }
}

TEST(ThreadPool, RunCallsEveryThreadIndexOnceManyTimes) {
  ThreadPool pool(3);
  std::atomic<int> sum{0};
  for (int rep = 0; rep < 2000; ++rep) pool.Run([&](int t) { sum.fetch_add(t + 1); });
  EXPECT_EQ(sum.load(), 2000 * (1 + 2 + 3));
}

TEST(ThreadPool, RangesAreMultiplesOfGrainExceptLast) {
  ThreadPool pool(2);
  std::vector<std::pair<int64_t, int64_t>> ranges(2, {-1, -1});
  pool.ParallelFor(100, 32, [&](int64_t b, int64_t e, int t) { ranges[t] = {b, e}; });
  EXPECT_EQ(ranges[0].first, 0);
  EXPECT_EQ(ranges[0].second % 32, 0);
  EXPECT_EQ(ranges[1].second, 100);
  EXPECT_EQ(ranges[0].second, ranges[1].first);
}

}  // namespace
}  // namespace cratio
