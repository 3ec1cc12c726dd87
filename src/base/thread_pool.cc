// ThreadPool: workers spin briefly on a generation counter (decode issues many short
// loops per token, so a sleep/wake per loop would dominate), then block on a condvar.
#include "base/thread_pool.h"

#include <algorithm>

#if defined(__x86_64__)
#include <immintrin.h>
#define CRATIO_PAUSE() _mm_pause()
#else
#define CRATIO_PAUSE() ((void)0)
#endif

namespace cratio {

namespace {
// Busy-wait budget before a worker sleeps on the condvar (a few hundred microseconds:
// covers the gap between the parallel loops of one decode step). After kPauseSpins the
// waiters also yield, so an oversubscribed machine (more runnable threads than cores)
// runs the thread that holds the work instead of a spinning one.
constexpr int kPauseSpins = 2000;
constexpr int kYieldSpins = 200;

// Waits until pred() holds: pause-spin, then yield-spin; returns false if it still does
// not hold after the whole budget.
template <typename Pred>
bool SpinUntil(Pred pred) {
  for (int i = 0; i < kPauseSpins; ++i) {
    if (pred()) return true;
    CRATIO_PAUSE();
  }
  for (int i = 0; i < kYieldSpins; ++i) {
    if (pred()) return true;
    std::this_thread::yield();
  }
  return pred();
}
}  // namespace

int ThreadPool::DefaultThreadCount() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

ThreadPool::ThreadPool(int num_threads)
    : num_threads_(num_threads <= 0 ? DefaultThreadCount() : num_threads) {
  workers_.reserve(num_threads_ - 1);
  for (int i = 1; i < num_threads_; ++i) workers_.emplace_back([this, i] { WorkerLoop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
    generation_.fetch_add(1);
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::WorkerLoop(int idx) {
  uint64_t seen = 0;
  for (;;) {
    const bool woke =
        SpinUntil([&] { return generation_.load(std::memory_order_acquire) != seen; });
    if (!woke) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
    }
    seen = generation_.load(std::memory_order_acquire);
    if (stop_.load()) return;
    (*job_)(idx);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::Run(const std::function<void(int)>& fn) {
  if (num_threads_ == 1) {
    fn(0);
    return;
  }
  job_ = &fn;
  pending_.store(num_threads_ - 1, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  cv_.notify_all();
  fn(0);
  while (!SpinUntil([&] { return pending_.load(std::memory_order_acquire) == 0; })) {
  }
  job_ = nullptr;
}

void ThreadPool::ParallelFor(int64_t n, int64_t grain,
                             const std::function<void(int64_t, int64_t, int)>& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  const int64_t num_grains = (n + grain - 1) / grain;
  const int64_t nt = std::min<int64_t>(num_threads_, num_grains);
  if (nt <= 1) {
    fn(0, n, 0);
    return;
  }
  Run([&](int t) {
    if (t >= nt) return;
    int64_t g0 = num_grains * t / nt, g1 = num_grains * (t + 1) / nt;
    int64_t b = g0 * grain, e = std::min(n, g1 * grain);
    if (b < e) fn(b, e, t);
  });
}

}  // namespace cratio
