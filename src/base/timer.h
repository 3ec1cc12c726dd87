// Monotonic wall-clock timing with units in the names.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace cratio {

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The current time as ISO 8601 UTC, e.g. "2026-11-29T11:00:00Z" (results and stores).
inline std::string UtcNowIso8601() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
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
