// RAPL energy on a fake powercap tree: package domains summed, sub-domains skipped, a
// wrap-around corrected; a missing tree or counter gives a reason, never a number.
#include "bench/energy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace cratio {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text << "\n";
}

fs::path FreshDir(const char* name) {
  const fs::path d =
      fs::temp_directory_path() / ("cratio_energy_" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(EnergyMeter, SumsPackagesAndCorrectsAWrap) {
  const fs::path root = FreshDir("ok");
  Write(root / "intel-rapl:0/name", "package-0");
  Write(root / "intel-rapl:0/energy_uj", "1000000");
  Write(root / "intel-rapl:0/max_energy_range_uj", "262143328850");
  Write(root / "intel-rapl:1/name", "package-1");
  Write(root / "intel-rapl:1/energy_uj", "262143000000");
  Write(root / "intel-rapl:1/max_energy_range_uj", "262143328850");
  Write(root / "intel-rapl:0:0/name", "core");  // part of package 0: not added again
  Write(root / "intel-rapl:0:0/energy_uj", "5");
  EnergyMeter m = EnergyMeter::Open(root.string());
  ASSERT_TRUE(m.available()) << m.unavailable_reason();
  EXPECT_EQ(m.domain_names(), (std::vector<std::string>{"package-0", "package-1"}));
  ASSERT_TRUE(m.Start().ok());
  Write(root / "intel-rapl:0/energy_uj", "3500000");   // +2.5 J
  Write(root / "intel-rapl:0:0/energy_uj", "999999");  // ignored
  Write(root / "intel-rapl:1/energy_uj", "671150");    // wrapped: 328850 + 671150 µJ = 1 J
  const auto j = m.StopJoules();
  ASSERT_TRUE(j.ok()) << j.status().message();
  EXPECT_NEAR(*j, 3.5, 1e-9);
}

TEST(EnergyMeter, MissingTreeIsUnavailableWithAReason) {
  EnergyMeter m = EnergyMeter::Open("/nonexistent/powercap");
  EXPECT_FALSE(m.available());
  EXPECT_EQ(m.unavailable_reason().rfind("unavailable: /nonexistent/powercap", 0), 0u)
      << m.unavailable_reason();
  EXPECT_FALSE(m.Start().ok());
  EXPECT_FALSE(m.StopJoules().ok());
}

TEST(EnergyMeter, TreeWithoutPackagesIsUnavailable) {
  const fs::path root = FreshDir("empty");
  Write(root / "dtpm/name", "dtpm");
  EnergyMeter m = EnergyMeter::Open(root.string());
  EXPECT_FALSE(m.available());
  EXPECT_NE(m.unavailable_reason().find("no intel-rapl:N package domain"), std::string::npos);
}

TEST(EnergyMeter, UnreadableCounterIsUnavailable) {
  const fs::path root = FreshDir("bad");
  Write(root / "intel-rapl:0/name", "package-0");
  Write(root / "intel-rapl:0/energy_uj", "not a number");
  EnergyMeter m = EnergyMeter::Open(root.string());
  EXPECT_FALSE(m.available());
  EXPECT_NE(m.unavailable_reason().find("energy_uj"), std::string::npos);
}

}  // namespace
}  // namespace cratio
