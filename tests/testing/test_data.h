// Test helpers for locating the shared real data (CRATIO_DATA, default ../shared/data
// beside the checkout) and the cratio binary (CRATIO_BIN). A test that needs data and
// does not find it is skipped visibly — or fails when CRATIO_REQUIRE_DATA=1 (CI).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace cratio::testing {

inline std::string DataDir() {
  if (const char* d = std::getenv("CRATIO_DATA"); d && *d) return d;
#ifdef CRATIO_SOURCE_DIR
  return std::string(CRATIO_SOURCE_DIR) + "/../shared/data";
#else
  return "../shared/data";
#endif
}

inline std::string DataPath(const std::string& rel) { return DataDir() + "/" + rel; }

inline bool DataRequired() {
  const char* r = std::getenv("CRATIO_REQUIRE_DATA");
  return r && std::string(r) == "1";
}

inline std::string CratioBin() {
  if (const char* b = std::getenv("CRATIO_BIN"); b && *b) return b;
  return "cratio";
}

// A fresh empty directory under the test temp dir, unique per test.
inline std::string TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path p = std::filesystem::temp_directory_path() /
                            ("cratio_test_" + std::to_string(::getpid()) + "_" +
                             info->test_suite_name() + "_" + info->name());
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

}  // namespace cratio::testing

// Skips (or, under CRATIO_REQUIRE_DATA=1, fails) the test when `rel` is missing.
#define CRATIO_REQUIRE_DATA_FILE(rel)                                                  \
  do {                                                                                 \
    if (!std::filesystem::exists(::cratio::testing::DataPath(rel))) {                 \
      if (::cratio::testing::DataRequired())                                           \
        FAIL() << "required test data missing: " << ::cratio::testing::DataPath(rel); \
      GTEST_SKIP() << "test data missing: " << ::cratio::testing::DataPath(rel);       \
    }                                                                                  \
  } while (0)
