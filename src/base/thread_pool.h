// ThreadPool: a fixed set of worker threads that run one parallel loop at a time.
// Passed down explicitly (no global pool). Run() is not reentrant and must be called
// from one thread at a time; the calling thread takes part as worker 0.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cratio {

class ThreadPool {
 public:
  // `num_threads` >= 1 counts the calling thread; 0 means "one per core".
  explicit ThreadPool(int num_threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }

  // Calls fn(thread_idx) once on each of the num_threads() threads and waits.
  void Run(const std::function<void(int thread_idx)>& fn);

  // Splits [0, n) into num_threads() contiguous ranges (multiples of `grain` except
  // the last) and calls fn(begin, end, thread_idx) for each non-empty range.
  void ParallelFor(int64_t n, int64_t grain,
                   const std::function<void(int64_t begin, int64_t end, int thread_idx)>& fn);

  static int DefaultThreadCount();

 private:
  void WorkerLoop(int idx);

  int num_threads_;
  std::vector<std::thread> workers_;
  const std::function<void(int)>* job_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace cratio
