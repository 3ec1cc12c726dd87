// OpContext: what every tensor-level op needs — the thread pool to split work over, the
// kernel table chosen at start, and scratch memory that is sized once and reused (the hot
// path allocates nothing after warm-up). Not thread-safe: one per inference session.
#pragma once

#include <cstdint>

#include "base/aligned_buffer.h"
#include "base/thread_pool.h"

namespace cratio {

struct KernelTable;

class OpContext {
 public:
  // `pool` must outlive the context. `kernels` null means the process-wide table
  // (CPU features + CRATIO_ISA).
  explicit OpContext(ThreadPool* pool, const KernelTable* kernels = nullptr);

  ThreadPool& pool() { return *pool_; }
  const KernelTable& kernels() const { return *kernels_; }

  // Scratch for converted activations; grows (never shrinks) to `size_bytes`.
  void* ActivationScratch(int64_t size_bytes);
  // Second scratch, for the intermediate of a low-rank matmul (alive while the activation
  // scratch is reused by the second product); grows like ActivationScratch.
  void* MatmulScratch(int64_t size_bytes);

 private:
  ThreadPool* pool_;
  const KernelTable* kernels_;
  AlignedBuffer act_scratch_;
  AlignedBuffer matmul_scratch_;
};

}  // namespace cratio
