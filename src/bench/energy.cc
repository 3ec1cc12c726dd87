// RAPL energy counters (see energy.h).
#include "bench/energy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace cratio {

namespace fs = std::filesystem;

namespace {

// Reads one unsigned decimal from a sysfs file; the errno text on failure.
Result<uint64_t> ReadCounter(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return IoError("{}: {}", path, errno != 0 ? std::strerror(errno) : "cannot open");
  }
  uint64_t v = 0;
  if (!(in >> v)) return IoError("{}: not an unsigned number", path);
  return v;
}

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

}  // namespace

EnergyMeter EnergyMeter::Open(const std::string& root) {
  EnergyMeter m;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    m.reason_ = fmt::format(
        "unavailable: {} does not exist (no powercap driver, or a VM / container without RAPL)",
        root);
    return m;
  }
  // Package domains are "intel-rapl:<digits>"; sub-domains ("intel-rapl:0:1") are skipped.
  auto is_package = [](std::string_view name) {
    constexpr std::string_view kPrefix = "intel-rapl:";
    if (name.size() <= kPrefix.size() || name.substr(0, kPrefix.size()) != kPrefix) return false;
    const std::string_view digits = name.substr(kPrefix.size());
    return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::vector<std::string> dirs;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (is_package(e.path().filename().string())) dirs.push_back(e.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  if (dirs.empty()) {
    m.reason_ = fmt::format("unavailable: no intel-rapl:N package domain under {}", root);
    return m;
  }
  for (const std::string& d : dirs) {
    Domain dom;
    dom.energy_path = fmt::format("{}/energy_uj", d);
    errno = 0;
    auto v = ReadCounter(dom.energy_path);
    if (!v.ok()) {
      m.reason_ = fmt::format(
          "unavailable: {} (energy_uj is readable by root only since "
          "Linux 5.10)",
          v.status().message());
      m.domains_.clear();
      m.names_.clear();
      return m;
    }
    dom.start_uj = *v;
    if (auto r = ReadCounter(fmt::format("{}/max_energy_range_uj", d)); r.ok())
      dom.max_range_uj = *r;
    std::string name = ReadLine(fmt::format("{}/name", d));
    m.names_.push_back(name.empty() ? fs::path(d).filename().string() : name);
    m.domains_.push_back(dom);
  }
  m.available_ = true;
  return m;
}

Status EnergyMeter::Start() {
  if (!available_) return InvalidInput("energy: {}", reason_);
  for (Domain& d : domains_) {
    CRATIO_ASSIGN_OR_RETURN(d.start_uj, ReadCounter(d.energy_path));
  }
  return Status::Ok();
}

Result<double> EnergyMeter::StopJoules() {
  if (!available_) return InvalidInput("energy: {}", reason_);
  double total_uj = 0.0;
  for (const Domain& d : domains_) {
    CRATIO_ASSIGN_OR_RETURN(const uint64_t now, ReadCounter(d.energy_path));
    if (now >= d.start_uj) {
      total_uj += static_cast<double>(now - d.start_uj);
    } else if (d.max_range_uj > 0) {  // wrapped once
      total_uj += static_cast<double>(d.max_range_uj - d.start_uj + now);
    } else {
      return IoError("{}: counter went back from {} to {} and its range is unknown", d.energy_path,
                     d.start_uj, now);
    }
  }
  return total_uj * 1e-6;
}

}  // namespace cratio
