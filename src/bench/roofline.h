// The machine's own limits for the roofline in `cratio bench`: multi-threaded streaming
// read bandwidth over a buffer much larger than the last-level cache, and the peak f32
// FMA rate of register-resident FMA chains on every thread. Decode is compared with the
// first (bytes of weights per token × tok/s), prefill with the second (2 · params ·
// tok/s). Both report the best of several runs: the limit is what the machine can do.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "base/thread_pool.h"
#include "kernels/kernel_table.h"

namespace cratio {

struct BandwidthResult {
  double read_bytes_per_s = 0.0;  // best run
  int64_t buffer_bytes = 0;
  int num_threads = 0;
  int num_runs = 0;
};

// Sums a `buffer_bytes` buffer (≥ 1 MiB) split into one contiguous slice per pool
// thread, `num_runs` times after one untimed pass; returns the best rate.
// ResourceExhausted when the buffer cannot be allocated.
Result<BandwidthResult> MeasureReadBandwidth(ThreadPool& pool, int64_t buffer_bytes,
                                             int num_runs);

struct FlopsResult {
  double flops_per_s = 0.0;  // best run, all threads together
  Isa isa = Isa::kRef;
  int num_threads = 0;
  int num_runs = 0;
};

// Runs `isa`'s FMA probe on every pool thread at once for about `seconds_per_run`
// (calibrated on one short run), `num_runs` times; returns the best rate. InvalidInput
// when this CPU lacks `isa`.
Result<FlopsResult> MeasurePeakFlops(ThreadPool& pool, Isa isa, double seconds_per_run,
                                     int num_runs);

}  // namespace cratio
