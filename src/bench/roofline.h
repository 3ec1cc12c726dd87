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
  // Best run, all threads together, of the probe that limits prefill: the AMX-BF16 tile
  // probe when the AVX-512 table's AMX prefill route is on, the FMA probe otherwise.
  double flops_per_s = 0.0;
  Isa isa = Isa::kRef;
  const char* probe = "fma";   // "fma" or "amx-bf16" (what flops_per_s measured)
  double fma_flops_per_s = 0.0;  // the FMA probe's best run (= flops_per_s when "fma")
  int num_threads = 0;
  int num_runs = 0;
};

// Runs `isa`'s FMA probe on every pool thread at once for about `seconds_per_run`
// (calibrated on one short run), `num_runs` times; returns the best rate. With isa
// kAvx512 and AmxEnabled() the AMX-BF16 tile probe runs too and is the reported peak
// (prefill of f16 / bf16 models runs on those tiles; the int8 tiles of the quantized routes
// do twice the operations per instruction, so their % of this peak can exceed 100 at best).
// InvalidInput when this CPU lacks `isa`.
Result<FlopsResult> MeasurePeakFlops(ThreadPool& pool, Isa isa, double seconds_per_run,
                                     int num_runs);

}  // namespace cratio
