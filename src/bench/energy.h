// Energy from the Linux powercap interface (Intel RAPL): the package domains
// <root>/intel-rapl:N/energy_uj (µJ counters that wrap at max_energy_range_uj). Sub-domains
// (intel-rapl:N:M: cores, dram) are part of their package and are not added again. When
// no domain exists or a counter is unreadable (root-only since Linux 5.10), the meter is
// unavailable and says why; no figure is ever estimated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace cratio {

inline constexpr const char* kPowercapRoot = "/sys/class/powercap";

class EnergyMeter {
 public:
  // Finds the package domains under `root` and reads each once.
  static EnergyMeter Open(const std::string& root = kPowercapRoot);

  bool available() const { return available_; }
  // "unavailable: <reason>" when not available; empty otherwise.
  const std::string& unavailable_reason() const { return reason_; }
  // Domain names ("package-0") as the files name them.
  const std::vector<std::string>& domain_names() const { return names_; }

  // Starts an interval (re-reads the counters).
  Status Start();
  // Joules over all packages since Start, wrap-arounds corrected (at most one per domain).
  Result<double> StopJoules();

 private:
  struct Domain {
    std::string energy_path;
    uint64_t max_range_uj = 0;  // 0: unknown
    uint64_t start_uj = 0;
  };
  bool available_ = false;
  std::string reason_;
  std::vector<Domain> domains_;
  std::vector<std::string> names_;
};

}  // namespace cratio
