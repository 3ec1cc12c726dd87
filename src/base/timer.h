// Monotonic wall-clock timing with units in the names.
#pragma once

#include <chrono>
#include <cstdint>

namespace cratio {

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Stopwatch {
 public:
  Stopwatch() : start_ns_(NowNs()) {}
  void Reset() { start_ns_ = NowNs(); }
  int64_t ElapsedNs() const { return NowNs() - start_ns_; }
  double ElapsedMs() const { return ElapsedNs() * 1e-6; }
  double ElapsedS() const { return ElapsedNs() * 1e-9; }

 private:
  int64_t start_ns_;
};

}  // namespace cratio
