// End to end: `cratio bench` runs on a tiny random model and its JSON carries every
// field with a sane value (positive, finite). No figure is compared with a speed.
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::Describe;
using testing::RunCli;

bool PositiveFinite(const json& v) {
  return v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() > 0;
}

std::string MakeTinyModel() {
  const std::string path = testing::TempDir() + "/tiny-q8_0.gguf";
  // --ffn 128: the preset's 172 is not a whole number of q8_0 blocks.
  const auto r = RunCli(
      {"make-model", "--preset", "tiny", "--ffn", "128", "--dtype", "q8_0", "-o", path});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return path;
}

TEST(BenchCli, JsonHasThroughputRooflineAndFingerprint) {
  const std::string model = MakeTinyModel();
  const auto r = RunCli({"bench", model, "-p", "32", "-n", "8", "-r", "2", "-t", "1",
                         "--bandwidth-mib", "16", "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = json::parse(r.out);

  for (const char* test : {"pp", "tg"}) {
    ASSERT_TRUE(j.contains(test)) << test;
    const json& t = j[test];
    EXPECT_TRUE(PositiveFinite(t["mean_tok_per_s"])) << test;
    EXPECT_GE(t["sd_tok_per_s"].get<double>(), 0.0) << test;
    ASSERT_EQ(t["runs_tok_per_s"].size(), 2u) << test;
    for (const json& v : t["runs_tok_per_s"]) EXPECT_TRUE(PositiveFinite(v)) << test;
  }
  EXPECT_EQ(j["pp"]["tokens"].get<int64_t>(), 32);
  EXPECT_EQ(j["tg"]["tokens"].get<int64_t>(), 8);
  EXPECT_TRUE(PositiveFinite(j["pp"]["pct_of_peak_flops"]));
  EXPECT_TRUE(PositiveFinite(j["tg"]["pct_of_read_bandwidth"]));

  const json& roof = j["roofline"];
  EXPECT_TRUE(PositiveFinite(roof["read_bandwidth_bytes_per_s"]));
  EXPECT_EQ(roof["bandwidth_buffer_bytes"].get<int64_t>(), 16 << 20);
  EXPECT_TRUE(PositiveFinite(roof["peak_flops_per_s"]));
  // Decode's own bound: the probe on a buffer the size of the weights (at least 1 MiB),
  // and the tg percentage is of that figure.
  const double weight_bytes = j["model"]["weight_bytes_per_token"].get<double>();
  EXPECT_TRUE(PositiveFinite(roof["read_bandwidth_at_weights_bytes_per_s"]));
  EXPECT_NEAR(roof["weights_buffer_bytes"].get<double>(), std::max(weight_bytes, 1048576.0), 8);
  EXPECT_NEAR(j["tg"]["pct_of_read_bandwidth"].get<double>(),
              100.0 * j["tg"]["weight_bytes_per_s"].get<double>() /
                  roof["read_bandwidth_at_weights_bytes_per_s"].get<double>(),
              1e-6);

  const json& m = j["model"];
  EXPECT_EQ(m["main_dtype"].get<std::string>(), "q8_0");
  EXPECT_EQ(m["sha256"].get<std::string>().size(), 64u);
  EXPECT_TRUE(PositiveFinite(m["size_bytes"]));
  EXPECT_TRUE(PositiveFinite(m["weight_bytes_per_token"]));
  EXPECT_TRUE(PositiveFinite(m["linear_flops_per_token"]));
  // Weights streamed per token cannot exceed the file.
  EXPECT_LE(m["weight_bytes_per_token"].get<double>(), m["size_bytes"].get<double>());

  const json& env = j["environment"];
  EXPECT_FALSE(env["cpu_model"].get<std::string>().empty());
  EXPECT_FALSE(env["kernel_isa"].get<std::string>().empty());
  EXPECT_EQ(env["threads"].get<int>(), 1);
  EXPECT_FALSE(env["build_type"].get<std::string>().empty());
}

TEST(BenchCli, TextTableNamesBothTests) {
  const std::string model = MakeTinyModel();
  const auto r = RunCli({"bench", model, "-p", "16", "-n", "4", "-r", "1", "-t", "1",
                         "--bandwidth-mib", "16", "--no-hash"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("pp16"), std::string::npos);
  EXPECT_NE(r.out.find("tg4"), std::string::npos);
  EXPECT_NE(r.out.find("roofline"), std::string::npos);
  EXPECT_EQ(r.out.find("sha256"), std::string::npos);
}

TEST(BenchCli, ZeroRepetitionsIsBadInput) {
  const std::string model = MakeTinyModel();
  const auto r = RunCli({"bench", model, "-p", "8", "-n", "4", "-r", "0", "--no-hash"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("-r 0"), std::string::npos) << Describe(r);
}

TEST(BenchCli, MissingModelIsBadInput) {
  const auto r = RunCli({"bench", "/nonexistent/model.gguf", "-r", "1"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("/nonexistent/model.gguf"), std::string::npos) << Describe(r);
}

}  // namespace
}  // namespace cratio
