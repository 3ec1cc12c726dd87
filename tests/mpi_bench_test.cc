// `mpirun -np 2 cratio bench` on one host: the benchmark runs once (the first rank on the
// host), never twice side by side, and the result is reported under its host.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "testing/mpi_run.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using testing::Describe;

constexpr char kModel[] = "models/stories260K.gguf";

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(MpiBench, OneBenchmarkPerHostReportedUnderItsName) {
  CRATIO_REQUIRE_MPIRUN();
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string model = testing::DataPath(kModel);
  const auto text = testing::RunMpi(2, {"bench", model, "-p", "16", "-n", "4", "-r", "1"});
  ASSERT_EQ(text.exit_code, 0) << Describe(text);
  EXPECT_EQ(Count(text.out, "== host " + testing::HostName() + " (rank 0) =="), 1u) << text.out;
  EXPECT_EQ(Count(text.out, "pp16 "), 1u) << text.out;  // measured once, not once per rank
  EXPECT_EQ(Count(text.out, "rank 1"), 0u) << text.out;

  const auto json = testing::RunMpi(2, {"bench", model, "-p", "16", "-n", "4", "-r", "1", "--json"});
  ASSERT_EQ(json.exit_code, 0) << Describe(json);
  const nlohmann::json j = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << json.out;
  EXPECT_EQ(j["schema"], "cratio.bench.hosts/1");
  ASSERT_EQ(j["hosts"].size(), 1u);
  EXPECT_EQ(j["hosts"][0]["host"], testing::HostName());
  EXPECT_EQ(j["hosts"][0]["rank"], 0);
  EXPECT_EQ(j["hosts"][0]["result"]["schema"], "cratio.bench/1");
}

}  // namespace
}  // namespace cratio
