// Bandwidth and FLOP probes for the roofline (see roofline.h).
#include "bench/roofline.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <new>
#include <vector>

#include "base/aligned_buffer.h"
#include "base/timer.h"
#include "kernels/amx_support.h"
#include "kernels/probe_fma.h"

namespace cratio {

namespace {

// Σ of the 64-bit words in [p, p + n). Four independent sums so the loop is limited by
// loads, not by the add latency; plain integer adds vectorize without ISA flags. Each
// cache line is prefetched 4 KiB ahead, as the decode kernels prefetch their weight
// streams (without it one thread reads ~30 % less than the memory system delivers).
uint64_t SumWords(const uint64_t* p, int64_t n) {
  constexpr int64_t kPrefetchWords = 4096 / 8;
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __builtin_prefetch(p + i + kPrefetchWords);
    s0 += p[i];
    s1 += p[i + 1];
    s2 += p[i + 2];
    s3 += p[i + 3];
    s0 += p[i + 4];
    s1 += p[i + 5];
    s2 += p[i + 6];
    s3 += p[i + 7];
  }
  for (; i + 4 <= n; i += 4) {
    s0 += p[i];
    s1 += p[i + 1];
    s2 += p[i + 2];
    s3 += p[i + 3];
  }
  for (; i < n; ++i) s0 += p[i];
  return s0 + s1 + s2 + s3;
}

// Keeps the sums observable so the compiler cannot drop the reads.
std::atomic<uint64_t> g_sink{0};

}  // namespace

Result<BandwidthResult> MeasureReadBandwidth(ThreadPool& pool, int64_t buffer_bytes,
                                             int num_runs) {
  constexpr int64_t kMinBytes = int64_t{1} << 20;
  if (buffer_bytes < kMinBytes || num_runs < 1) {
    return InvalidInput("bench: bandwidth buffer of {} bytes and {} runs (need >= {} bytes, "
                        ">= 1 run)",
                        buffer_bytes, num_runs, kMinBytes);
  }
  const int64_t num_words = buffer_bytes / 8;
  AlignedBuffer buf;
  try {
    buf = AlignedBuffer(static_cast<size_t>(num_words) * 8);
  } catch (const std::bad_alloc&) {
    return ResourceExhausted("bench: cannot allocate the {} byte bandwidth buffer",
                             buffer_bytes);
  }
  const int nt = pool.num_threads();
  uint64_t* words = buf.as<uint64_t>();
  // Each thread writes (first touch) and later reads its own slice.
  auto for_slices = [&](auto&& fn) {
    pool.Run([&](int t) {
      const int64_t b = num_words * t / nt, e = num_words * (t + 1) / nt;
      fn(words + b, e - b);
    });
  };
  for_slices([](uint64_t* p, int64_t n) {
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<uint64_t>(i);
  });
  auto one_pass = [&] {
    std::vector<uint64_t> sums(nt, 0);
    pool.Run([&](int t) {
      const int64_t b = num_words * t / nt, e = num_words * (t + 1) / nt;
      sums[t] = SumWords(words + b, e - b);
    });
    uint64_t total = 0;
    for (uint64_t s : sums) total += s;
    g_sink.fetch_add(total, std::memory_order_relaxed);
  };
  one_pass();  // warm-up: page tables, thread wake-up
  BandwidthResult r;
  r.buffer_bytes = num_words * 8;
  r.num_threads = nt;
  r.num_runs = num_runs;
  for (int run = 0; run < num_runs; ++run) {
    const Stopwatch sw;
    one_pass();
    const double s = sw.ElapsedS();
    if (s > 0) r.read_bytes_per_s = std::max(r.read_bytes_per_s, r.buffer_bytes / s);
  }
  return r;
}

Result<FlopsResult> MeasurePeakFlops(ThreadPool& pool, Isa isa, double seconds_per_run,
                                     int num_runs) {
  CRATIO_RETURN_IF_ERROR(KernelTableFor(isa).status());
  if (num_runs < 1 || !(seconds_per_run > 0)) {
    return InvalidInput("bench: FLOP probe needs >= 1 run of > 0 s (got {} runs of {} s)",
                        num_runs, seconds_per_run);
  }
  const int nt = pool.num_threads();

  // Best rate of `probe` on every thread at once.
  auto best_rate = [&](const FmaProbe& probe) {
    // Times `iterations` on every thread at once; returns the wall time.
    auto timed = [&](int64_t iterations) {
      std::vector<float> out(nt, 0.0f);
      const Stopwatch sw;
      pool.Run([&](int t) { out[t] = probe.run(iterations); });
      const double s = sw.ElapsedS();
      float total = 0.0f;
      for (float v : out) total += v;
      g_sink.fetch_add(static_cast<uint64_t>(std::isfinite(total) ? 1 : 2),
                       std::memory_order_relaxed);
      return s;
    };
    // Calibrate: grow a short run until it takes ≥ 10 ms, then scale to the target.
    int64_t iterations = 1 << 16;
    double s = timed(iterations);
    while (s < 0.01 && iterations < (int64_t{1} << 40)) {
      iterations *= 4;
      s = timed(iterations);
    }
    iterations = std::max<int64_t>(1, static_cast<int64_t>(iterations * seconds_per_run / s));
    const double flops = static_cast<double>(iterations) * probe.flops_per_iteration * nt;
    double best = 0.0;
    for (int run = 0; run < num_runs; ++run) {
      const double t = timed(iterations);
      if (t > 0) best = std::max(best, flops / t);
    }
    return best;
  };

  FlopsResult r;
  r.isa = isa;
  r.num_threads = nt;
  r.num_runs = num_runs;
  r.fma_flops_per_s = best_rate(FmaProbeFor(isa));
  r.flops_per_s = r.fma_flops_per_s;
  if (isa == Isa::kAvx512 && AmxEnabled()) {
    r.probe = "amx-bf16";
    r.flops_per_s = best_rate(AmxBf16TileProbe());
  }
  return r;
}

}  // namespace cratio
