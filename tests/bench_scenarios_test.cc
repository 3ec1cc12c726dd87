// End to end: every `cratio bench --scenario` on the `tiny` preset, through the real
// binary, with small grids. Checks the versioned JSON's structure and the counts and
// relations the settings imply (never a duration), the comparison with --base, and the
// usage errors.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::Describe;
using testing::RunCli;

// tiny preset; --ffn 128 so q8_0 rows are whole blocks and both models share a shape.
std::string MakeTiny(const std::string& dir, const std::string& dtype) {
  const std::string path = dir + "/tiny-" + dtype + ".gguf";
  const auto r =
      RunCli({"make-model", "--preset", "tiny", "--ffn", "128", "--dtype", dtype, "-o", path});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return path;
}

// Common flags: one thread, a small bandwidth buffer, a fixed number of timed rounds per
// point.
std::vector<std::string> Args(const std::string& model, std::vector<std::string> more,
                              int rounds = 4) {
  const std::string n = std::to_string(rounds);
  std::vector<std::string> a = {"bench",       model, "-t",          "1", "--bandwidth-mib", "16",
                                "--min-iters", n,     "--max-iters", n,   "--no-hash"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

json RunJson(const std::vector<std::string>& args) {
  std::vector<std::string> a = args;
  a.push_back("--json");
  const auto r = RunCli(a);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  if (r.exit_code != 0) return json::object();
  return json::parse(r.out);
}

bool PositiveFinite(const json& v) {
  return v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() > 0;
}

// A summary with n samples: p50/p90/p99 objects with value and interval keys, ordered.
void ExpectSummary(const json& s, int64_t n, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["n"].get<int64_t>(), n);
  if (n == 0) return;
  for (const char* q : {"p50", "p90", "p99"}) {
    ASSERT_TRUE(s.contains(q)) << q;
    EXPECT_TRUE(s[q].contains("value") && s[q].contains("ci_low") && s[q].contains("ci_high"));
    EXPECT_GE(s[q]["coverage"].get<double>(), 0.0);
  }
  EXPECT_LE(s["min"].get<double>(), s["p50"]["value"].get<double>());
  EXPECT_LE(s["p50"]["value"].get<double>(), s["p90"]["value"].get<double>());
  EXPECT_LE(s["p90"]["value"].get<double>(), s["p99"]["value"].get<double>());
  EXPECT_LE(s["p99"]["value"].get<double>(), s["max"].get<double>());
}

TEST(BenchScenarios, SingleStreamGridWithPercentiles) {
  const std::string dir = testing::TempDir();
  const std::string model = MakeTiny(dir, "f32");
  const json j =
      RunJson(Args(model, {"--scenario", "single", "--prompt-lens", "8,16", "--gen-lens", "4"}));
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(j["schema"].get<std::string>(), "cratio.bench/1");
  EXPECT_TRUE(j.contains("environment") && j.contains("roofline") && j.contains("models"));
  EXPECT_EQ(j["models"][0]["role"].get<std::string>(), "variant");
  const std::string energy = j["energy"].get<std::string>();
  EXPECT_TRUE(energy.rfind("available:", 0) == 0 || energy.rfind("unavailable:", 0) == 0) << energy;
  const json& points = j["scenarios"]["single"]["points"];
  ASSERT_EQ(points.size(), 2u);  // 2 prompt lengths x 1 output length
  EXPECT_EQ(points[0]["label"].get<std::string>(), "p8-g4");
  EXPECT_EQ(points[1]["label"].get<std::string>(), "p16-g4");
  for (const json& p : points) {
    EXPECT_EQ(p["rounds"].get<int64_t>(), 4);
    EXPECT_EQ(p["stop_reason"].get<std::string>(), "max_iters");
    const json& v = p["variant"];
    EXPECT_EQ(v["num_requests"].get<int64_t>(), 4);
    ExpectSummary(v["ttft_ms"], 4, "ttft");
    ExpectSummary(v["tpot_ms"], 4, "tpot");
    ExpectSummary(v["itl_ms"], 12, "itl");  // 4 requests x 3 gaps
    ExpectSummary(v["e2e_ms"], 4, "e2e");
    // 4 samples cannot bound a 95 % median interval (2 * 0.5^4 > 0.05): null ends.
    EXPECT_TRUE(v["e2e_ms"]["p50"]["ci_low"].is_null());
    EXPECT_TRUE(PositiveFinite(v["pct_of_roofline"]));
    EXPECT_TRUE(PositiveFinite(v["decode_pct_of_roofline"]));
    EXPECT_FALSE(p.contains("speedup"));
  }
}

TEST(BenchScenarios, BatchLadderAndServer) {
  const std::string dir = testing::TempDir();
  const std::string model = MakeTiny(dir, "f32");
  const json j = RunJson(Args(model, {"--scenario",      "batch,ladder,server",
                                      "--prompt-lens",   "8",
                                      "--gen-lens",      "4",
                                      "--batch-sizes",   "1,3",
                                      "--max-context",   "64",
                                      "--ladder-start",  "16",
                                      "--ladder-decode", "4",
                                      "--rate",          "20",
                                      "--duration",      "0.5",
                                      "--concurrency",   "2"}));
  ASSERT_FALSE(j.empty());
  const json& sc = j["scenarios"];
  EXPECT_FALSE(sc.contains("single"));

  const json& batch = sc["batch"]["points"];
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[1]["batch_size"].get<int64_t>(), 3);
  for (const json& p : batch) {
    ExpectSummary(p["variant"]["out_tok_per_s"], 4, "out tok/s");
    ExpectSummary(p["variant"]["req_per_s"], 4, "req/s");
    ExpectSummary(p["variant"]["batch_ms"], 4, "batch ms");
    EXPECT_TRUE(PositiveFinite(p["variant"]["pct_of_roofline"]));
  }

  // Rungs 16, 32, then the top: 64 - 4 decode positions = 60.
  const json& ladder = sc["ladder"]["points"];
  ASSERT_EQ(ladder.size(), 3u);
  EXPECT_EQ(ladder[0]["context_tokens"].get<int64_t>(), 16);
  EXPECT_EQ(ladder[1]["context_tokens"].get<int64_t>(), 32);
  EXPECT_EQ(ladder[2]["context_tokens"].get<int64_t>(), 60);
  for (const json& p : ladder) {
    ExpectSummary(p["variant"]["ttft_ms"], 4, "ladder ttft");
    ExpectSummary(p["variant"]["decode_ms_per_token"], 4, "ladder decode");
  }

  const json& run = sc["server"]["runs"][0];
  const int64_t n = run["num_requests"].get<int64_t>();
  ExpectSummary(run["ttft_ms"], n, "server ttft");
  ExpectSummary(run["e2e_ms"], n, "server e2e");
  EXPECT_EQ(run["max_concurrency"].get<int64_t>(), 2);
  EXPECT_GE(run["slo_attainment"].get<double>(), 0.0);
  EXPECT_LE(run["slo_attainment"].get<double>(), 1.0);
  EXPECT_LE(run["goodput_req_per_s"].get<double>(), run["req_per_s"].get<double>() + 1e-12);
}

TEST(BenchScenarios, ColdWarmAndMemory) {
  const std::string dir = testing::TempDir();
  const std::string model = MakeTiny(dir, "f32");
  const json j = RunJson(Args(model, {"--scenario", "cold,memory", "--prompt-lens", "8",
                                      "--gen-lens", "4", "--cold-reps", "2"}));
  ASSERT_FALSE(j.empty());
  const json& cold = j["scenarios"]["cold"]["runs"][0];
  EXPECT_EQ(cold["role"].get<std::string>(), "variant");
  EXPECT_TRUE(cold["drop_effective"].is_boolean());
  for (const char* kind : {"cold", "warm"}) {
    ExpectSummary(cold[kind]["total_ms"], 2, kind);
    ExpectSummary(cold[kind]["load_ms"], 2, kind);
    ExpectSummary(cold[kind]["first_token_ms"], 2, kind);
    const double res = cold[kind]["resident_fraction_median"].get<double>();
    EXPECT_GE(res, 0.0);
    EXPECT_LE(res, 1.0);
  }

  const json& mem = j["scenarios"]["memory"]["runs"][0];
  // tiny: 2 layers, 2 KV heads x head_dim 16 = 32 floats each for K and V per layer:
  // 2 layers x 2 x 32 x 4 bytes = 512 bytes per token; context 8 + 4 - 1 = 11, 1 sequence.
  EXPECT_EQ(mem["kv_bytes_per_token"].get<int64_t>(), 512);
  EXPECT_EQ(mem["n_ctx"].get<int64_t>(), 11);
  EXPECT_EQ(mem["kv_cache_bytes"].get<int64_t>(), 512 * 11);
  EXPECT_TRUE(PositiveFinite(mem["peak_rss_bytes"]));
  EXPECT_GE(mem["peak_rss_bytes"].get<int64_t>(), mem["baseline_rss_bytes"].get<int64_t>());
  EXPECT_TRUE(PositiveFinite(mem["child_maxrss_bytes"]));
  EXPECT_TRUE(PositiveFinite(mem["weight_bytes"]));
  EXPECT_GE(mem["scratch_and_other_bytes"].get<int64_t>(), 0);
}

TEST(BenchScenarios, BaseComparisonGivesSpeedupsWithIntervals) {
  const std::string dir = testing::TempDir();
  const std::string variant = MakeTiny(dir, "q8_0");
  const std::string base = MakeTiny(dir, "f32");
  const json j = RunJson(Args(variant,
                              {"--base", base, "--scenario", "single,batch", "--prompt-lens", "8",
                               "--gen-lens", "3", "--batch-sizes", "2"},
                              /*rounds=*/6));  // >= 5 pairs: enough for a verdict
  ASSERT_FALSE(j.empty());
  ASSERT_EQ(j["models"].size(), 2u);
  EXPECT_EQ(j["models"][1]["role"].get<std::string>(), "base");
  EXPECT_EQ(j["models"][0]["main_dtype"].get<std::string>(), "q8_0");
  EXPECT_TRUE(j["slower_points"].is_array());
  const json& single = j["scenarios"]["single"]["points"][0];
  ExpectSummary(single["base"]["e2e_ms"], 6, "base e2e");
  for (const char* m : {"ttft", "e2e", "tpot"}) {
    const json& s = single["speedup"][m];
    EXPECT_TRUE(PositiveFinite(s["ratio"])) << m;
    EXPECT_LE(s["ci_low"].get<double>(), s["ci_high"].get<double>()) << m;
    EXPECT_TRUE(s["paired"].get<bool>()) << m;
    const std::string v = s["verdict"].get<std::string>();
    EXPECT_TRUE(v == "slower" || v == "no_difference" || v == "faster") << v;
    // The flag is exactly "the interval lies below 1".
    const bool below = s["ci_high"].get<double>() < 1.0;
    EXPECT_EQ(v == "slower", below) << m;
  }
  const json& batch = j["scenarios"]["batch"]["points"][0];
  EXPECT_TRUE(PositiveFinite(batch["speedup"]["batch_time"]["ratio"]));
  EXPECT_TRUE(batch["slower_than_base"].is_array());
}

TEST(BenchScenarios, TooFewRoundsGiveNoVerdict) {
  const std::string dir = testing::TempDir();
  const std::string variant = MakeTiny(dir, "q8_0");
  const std::string base = MakeTiny(dir, "f32");
  // 4 rounds < 5: the bootstrap interval of so few pairs is not evidence either way.
  const json j = RunJson(Args(
      variant, {"--base", base, "--scenario", "single", "--prompt-lens", "8", "--gen-lens", "3"}));
  ASSERT_FALSE(j.empty());
  const json& sp = j["scenarios"]["single"]["points"][0]["speedup"];
  for (const char* m : {"ttft", "e2e", "tpot"}) {
    EXPECT_EQ(sp[m]["verdict"].get<std::string>(), "insufficient_data") << m;
  }
  EXPECT_TRUE(j["slower_points"].empty());
}

TEST(BenchScenarios, AllScenariosPrintTables) {
  const std::string dir = testing::TempDir();
  const std::string model = MakeTiny(dir, "f32");
  const auto r =
      RunCli(Args(model, {"--scenario",      "all", "--prompt-lens", "8",  "--gen-lens",     "3",
                          "--batch-sizes",   "2",   "--max-context", "32", "--ladder-start", "16",
                          "--ladder-decode", "2",   "--rate",        "10", "--duration",     "0.3",
                          "--cold-reps",     "1"}));
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  for (const char* heading : {"single-stream", "offline batches", "context ladder",
                              "server:", "cold vs warm", "peak memory", "roofline", "energy"}) {
    EXPECT_NE(r.out.find(heading), std::string::npos) << heading << "\n" << r.out;
  }
}

TEST(BenchScenarios, BadScenarioFlagsAreUsageErrors) {
  const std::string dir = testing::TempDir();
  const std::string model = MakeTiny(dir, "f32");
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--scenario", "single,bogus"}, "unknown scenario 'bogus'"},
      {{"--scenario", "single", "--prompt-lens", "8,0"}, "--prompt-lens '8,0'"},
      {{"--scenario", "batch", "--batch-sizes", "2-4"}, "--batch-sizes '2-4'"},
      {{"--scenario", "single", "--ci-target", "2"}, "--ci-target 2"},
      {{"--scenario", "single", "--min-iters", "5", "--max-iters", "2"}, "--max-iters 2"},
      {{"--scenario", "server", "--rate", "0"}, "--rate 0"},
      {{"--scenario", "single", "--base", "/nonexistent/base.gguf"}, "/nonexistent/base.gguf"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"bench", model, "-t", "1", "--no-hash"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.message << "\n" << Describe(r);
  }
}

}  // namespace
}  // namespace cratio
