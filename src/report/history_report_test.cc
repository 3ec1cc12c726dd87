// `cratio history` output from hand-built store rows and results: tracks and their
// stability, the run list, and two runs compared with CI-disjointness flags.
#include "report/history_report.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cratio::report {
namespace {

const std::string kSha = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
const std::string kEnv1 = "e1e1e1e1e1e1e1e1";
const std::string kEnv2 = "f2f2f2f2f2f2f2f2";

StoredRun Run(int64_t id, const char* started, const std::string& env, const char* best,
              int64_t num_variants) {
  StoredRun r;
  r.run_id = id;
  r.stored_at_utc = started;
  r.started_at_utc = started;
  r.base_name = "tiny-f32";
  r.base_sha256 = kSha;
  r.env_fingerprint = env;
  r.best_variant = best;
  r.num_variants = num_variants;
  return r;
}

StoredVariant Point(int64_t run_id, const char* started, const char* name, const char* recipe,
                    double bytes, double retention, double score, bool pass) {
  StoredVariant v;
  v.run_id = run_id;
  v.started_at_utc = started;
  v.name = name;
  v.recipe = recipe;
  v.file_bytes = bytes;
  v.overall_retention = retention;
  v.overall_score = score;
  v.passes_all_constraints = pass;
  return v;
}

// Three runs of one base model; the environment changes before run 3. int8 is in every
// run, int4 in runs 1 and 3, prune70 (retention not measured) only in run 1.
struct ThreeRuns {
  std::vector<StoredRun> runs = {Run(1, "2026-11-29T11:00:00Z", kEnv1, "int8", 3),
                                 Run(2, "2026-11-30T09:00:00Z", kEnv1, "int8", 1),
                                 Run(3, "2026-12-01T08:00:00Z", kEnv2, "", 2)};
  std::vector<StoredVariant> history = {
      Point(1, "2026-11-29T11:00:00Z", "int8", "q8_0", 1062500, 0.990, 3.70, true),
      Point(1, "2026-11-29T11:00:00Z", "int4", "q4_0", 562500, 0.960, 6.50, false),
      Point(1, "2026-11-29T11:00:00Z", "prune70", "prune:70%", 4e6, kNaN, kNaN, false),
      Point(2, "2026-11-30T09:00:00Z", "int8", "q8_0", 1062500, 0.985, 3.68, true),
      Point(3, "2026-12-01T08:00:00Z", "int8", "q8_0", 1062500, 0.992, 3.71, true),
      Point(3, "2026-12-01T08:00:00Z", "int4", "q4_0", 562500, 0.950, 6.40, false)};
};

TEST(VariantTracks, GroupByVariantWithRetentionRangeAndEnvironmentChanges) {
  ThreeRuns t;
  const auto tracks = BuildVariantTracks(t.history, t.runs);
  ASSERT_EQ(tracks.size(), 3u);
  EXPECT_EQ(tracks[0].name, "int8");
  ASSERT_EQ(tracks[0].points.size(), 3u);
  EXPECT_EQ(tracks[0].env_fingerprints, (std::vector<std::string>{kEnv1, kEnv1, kEnv2}));
  EXPECT_DOUBLE_EQ(tracks[0].retention_min, 0.985);
  EXPECT_DOUBLE_EQ(tracks[0].retention_max, 0.992);
  EXPECT_NEAR(tracks[0].retention_spread, 0.007, 1e-12);  // 0.992 − 0.985
  EXPECT_EQ(tracks[0].num_env_changes, 1);                // run 2 → run 3
  EXPECT_EQ(tracks[1].name, "int4");
  EXPECT_NEAR(tracks[1].retention_spread, 0.010, 1e-12);  // 0.960 − 0.950
  EXPECT_EQ(tracks[1].num_env_changes, 1);                // run 1 → run 3
  EXPECT_EQ(tracks[2].name, "prune70");
  EXPECT_TRUE(std::isnan(tracks[2].retention_min));
  EXPECT_TRUE(std::isnan(tracks[2].retention_spread));
  EXPECT_EQ(tracks[2].num_env_changes, 0);
}

TEST(VariantTracks, SameNameWithAnotherRecipeIsAnotherTrack) {
  ThreeRuns t;
  t.history[3].recipe = "q8_0+prune";
  const auto tracks = BuildVariantTracks(t.history, t.runs);
  ASSERT_EQ(tracks.size(), 4u);
  EXPECT_EQ(tracks[0].points.size(), 2u);  // runs 1 and 3
  EXPECT_EQ(tracks[3].recipe, "q8_0+prune");
}

TEST(VariantHistoryText, RowsAndStabilityLines) {
  ThreeRuns t;
  const std::string text = RenderVariantHistoryText(t.runs, BuildVariantTracks(t.history, t.runs));
  EXPECT_NE(text.find("base model tiny-f32 (sha256 " + kSha + "): 3 runs\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\nint8 (q8_0): 3 runs\n"), std::string::npos) << text;
  // run right-aligned in 4, date in 20, bytes in 14, retention in 9, score in 6, pass in 4.
  EXPECT_NE(text.find("     1  2026-11-29T11:00:00Z         1062500    99.00 %    3.70  yes   "
                      "e1e1e1e1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("     3  2026-12-01T08:00:00Z         1062500    99.20 %    3.71  yes   "
                      "f2f2f2f2 (changed)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  stability: retention min 98.50 % · max 99.20 % · spread 0.70 pp over 3 "
                      "runs; environment changed 1 time between runs\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("     3  2026-12-01T08:00:00Z          562500    95.00 %    6.40  no    "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("spread 1.00 pp over 2 runs"), std::string::npos) << text;
  EXPECT_NE(text.find("\nprune70 (prune:70%): 1 run\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  stability: one run so far, nothing to compare\n"), std::string::npos)
      << text;

  // Same environment throughout.
  t.runs[2].env_fingerprint = kEnv1;
  const std::string same = RenderVariantHistoryText(t.runs, BuildVariantTracks(t.history, t.runs));
  EXPECT_NE(same.find("over 3 runs; same environment in every run\n"), std::string::npos) << same;
  EXPECT_EQ(same.find("(changed)"), std::string::npos) << same;
}

TEST(VariantHistoryJson, NumbersAndNullForUnmeasured) {
  ThreeRuns t;
  const auto j = VariantHistoryJson(t.runs, BuildVariantTracks(t.history, t.runs));
  EXPECT_EQ(j["base_sha256"], kSha);
  EXPECT_EQ(j["num_runs"], 3);
  ASSERT_EQ(j["variants"].size(), 3u);
  const auto& int8 = j["variants"][0];
  EXPECT_EQ(int8["name"], "int8");
  EXPECT_EQ(int8["runs"].size(), 3u);
  EXPECT_EQ(int8["runs"][2]["run_id"], 3);
  EXPECT_DOUBLE_EQ(int8["runs"][2]["overall_retention"].get<double>(), 0.992);
  EXPECT_DOUBLE_EQ(int8["runs"][2]["file_bytes"].get<double>(), 1062500);
  EXPECT_EQ(int8["runs"][2]["env_fingerprint"], kEnv2);
  EXPECT_DOUBLE_EQ(int8["stability"]["retention_min"].get<double>(), 0.985);
  EXPECT_EQ(int8["stability"]["num_env_changes"], 1);
  // NaN is written as null.
  const std::string dumped = j.dump();
  EXPECT_NE(dumped.find("\"overall_retention\":null"), std::string::npos) << dumped;
  EXPECT_NE(dumped.find("\"retention_min\":null"), std::string::npos) << dumped;
}

TEST(RunListText, OneRowPerRunWithShortHashes) {
  ThreeRuns t;
  const std::string text = RenderRunListText(t.runs, "/tmp/r.db");
  EXPECT_NE(text.find("3 runs stored in /tmp/r.db\n"), std::string::npos) << text;
  // "base model" column is 10 wide ("tiny-f32" + 2 spaces); sha 12, env 8 (+3 pad to 11).
  EXPECT_NE(text.find("   1  2026-11-29T11:00:00Z  tiny-f32    ab12cd34ef56  e1e1e1e1            3"
                      "  int8\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("   3  2026-12-01T08:00:00Z  tiny-f32    ab12cd34ef56  f2f2f2f2            2"
                      "  —\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(RenderRunListText({}, "x.db"), "no runs stored in x.db\n");
  const auto j = RunListJson(t.runs, "/tmp/r.db");
  EXPECT_EQ(j["runs"].size(), 3u);
  EXPECT_EQ(j["runs"][1]["run_id"], 2);
  EXPECT_EQ(j["runs"][2]["best_variant"], "");
}

VariantResult Variant(const char* name, const char* recipe, double bytes, Estimate retention,
                      Estimate score) {
  VariantResult v;
  v.model.name = name;
  v.model.recipe = recipe;
  v.model.accounting.file_bytes = bytes;
  v.overall_retention = retention;
  v.overall_score = score;
  return v;
}

// Run 1: int8 99 % [98, 100], score 3.70 [3.60, 3.80], 1062500 B; int4 only here.
// Run 2 (new environment): int8 95 % [94, 96] — disjoint from run 1 — score 3.65
// [3.50, 3.75] — overlapping — 1000000 B; q5 only here.
struct TwoResults {
  EvalResult a, b;
  TwoResults() {
    a.run.started_at_utc = "2026-11-29T11:00:00Z";
    b.run.started_at_utc = "2026-11-30T09:00:00Z";
    a.base.name = b.base.name = "tiny-f32";
    a.base.sha256 = b.base.sha256 = kSha;
    a.environment.fingerprint = kEnv1;
    b.environment.fingerprint = kEnv2;
    a.variants = {Variant("int8", "q8_0", 1062500, {0.99, 0.98, 1.00}, {3.70, 3.60, 3.80}),
                  Variant("int4", "q4_0", 562500, {0.96, 0.94, 0.98}, {6.5, 6.2, 6.8})};
    b.variants = {Variant("q5", "q5_0", 687500, {0.97, 0.95, 0.99}, {5.0, 4.8, 5.2}),
                  Variant("int8", "q8_0", 1000000, {0.95, 0.94, 0.96}, {3.65, 3.50, 3.75})};
  }
};

TEST(CompareStoredRuns, DifferencesAndDisjointIntervals) {
  TwoResults t;
  const auto d = CompareStoredRuns(t.a, t.b);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].name, "int8");
  ASSERT_TRUE(d[0].a && d[0].b);
  EXPECT_NEAR(d[0].retention_diff, -0.04, 1e-12);  // 0.95 − 0.99
  EXPECT_TRUE(d[0].retention_beyond_ci);           // [0.94, 0.96] ends below 0.98
  EXPECT_NEAR(d[0].score_diff, -0.05, 1e-12);      // 3.65 − 3.70
  EXPECT_FALSE(d[0].score_beyond_ci);              // [3.50, 3.75] overlaps [3.60, 3.80]
  EXPECT_DOUBLE_EQ(d[0].file_bytes_diff, -62500);  // 1000000 − 1062500
  EXPECT_EQ(d[1].name, "int4");
  EXPECT_EQ(d[1].b, nullptr);
  EXPECT_TRUE(std::isnan(d[1].retention_diff));
  EXPECT_EQ(d[2].name, "q5");
  EXPECT_EQ(d[2].a, nullptr);

  // No interval on one side: never flagged.
  t.b.variants[1].overall_retention = compare::ExactEstimate(0.5);
  EXPECT_FALSE(CompareStoredRuns(t.a, t.b)[0].retention_beyond_ci);
}

TEST(RunComparisonText, SideBySideWithFlags) {
  TwoResults t;
  const IdentifiedRun a{1, &t.a}, b{2, &t.b};
  const std::string text = RenderRunComparisonText(a, b, CompareStoredRuns(t.a, t.b));
  EXPECT_NE(text.find("run 1 (2026-11-29T11:00:00Z) vs run 2 (2026-11-30T09:00:00Z)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("base model: tiny-f32 (ab12cd34ef56) in both\n"), std::string::npos) << text;
  EXPECT_NE(text.find("environment: changed e1e1e1e1 → f2f2f2f2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nint8 (q8_0)\n"), std::string::npos) << text;
  // Columns: label 10, run 1 26, run 2 26.
  EXPECT_NE(text.find("  retention   99.00 % [98.00, 100.00]     95.00 % [94.00, 96.00]      "
                      "-4.00 pp  ! beyond CI\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  score       3.70 [3.60, 3.80]           3.65 [3.50, 3.75]           "
                      "-0.05\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  file bytes  1062500                     1000000                     "
                      "-62500\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nint4 (q4_0): only in run 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nq5 (q5_0): only in run 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("! beyond CI: the two 95 % intervals do not overlap"), std::string::npos);
}

TEST(RunComparisonJson, SidesDifferencesAndFlags) {
  TwoResults t;
  const IdentifiedRun a{1, &t.a}, b{2, &t.b};
  const auto j = RunComparisonJson(a, b, CompareStoredRuns(t.a, t.b));
  EXPECT_EQ(j["a"]["run_id"], 1);
  EXPECT_EQ(j["b"]["env_fingerprint"], kEnv2);
  EXPECT_EQ(j["same_environment"], false);
  const auto& int8 = j["variants"][0];
  EXPECT_DOUBLE_EQ(int8["a"]["overall_retention"]["ci_low"].get<double>(), 0.98);
  EXPECT_DOUBLE_EQ(int8["b"]["file_bytes"].get<double>(), 1000000);
  EXPECT_NEAR(int8["retention_diff"].get<double>(), -0.04, 1e-12);
  EXPECT_DOUBLE_EQ(int8["file_bytes_diff"].get<double>(), -62500);
  EXPECT_EQ(int8["retention_beyond_ci"], true);
  EXPECT_EQ(int8["score_beyond_ci"], false);
  EXPECT_TRUE(j["variants"][1]["b"].is_null());
  EXPECT_TRUE(j["variants"][1]["retention_diff"].is_null());
}

}  // namespace
}  // namespace cratio::report
