// What `cratio history` prints, as pure functions of rows read from the results store:
// the list of runs, one base model's variants across runs with a stability line each, and
// two runs side by side. Text for people, JSON (NaN → null) for scripts.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/result.h"
#include "report/results_store.h"

namespace cratio::report {

// One variant (same name and recipe) of one base model across the stored runs.
struct VariantTrack {
  std::string name;
  std::string recipe;
  std::vector<StoredVariant> points;          // oldest run first
  std::vector<std::string> env_fingerprints;  // of each point's run, parallel to `points`
  // Over the points whose overall retention is known (fractions; NaN when none is).
  double retention_min = kNaN;
  double retention_max = kNaN;
  double retention_spread = kNaN;  // max − min
  int64_t num_env_changes = 0;     // consecutive points whose runs' fingerprints differ
};

// Groups `history` (VariantHistory order) by name + recipe, in order of first appearance;
// `runs` supplies each run's environment fingerprint.
std::vector<VariantTrack> BuildVariantTracks(const std::vector<StoredVariant>& history,
                                             const std::vector<StoredRun>& runs);

std::string RenderRunListText(const std::vector<StoredRun>& runs, const std::string& db_path);
nlohmann::ordered_json RunListJson(const std::vector<StoredRun>& runs, const std::string& db_path);

// `runs` are the base model's runs (ListRuns(base_sha256)); the newest names it.
std::string RenderVariantHistoryText(const std::vector<StoredRun>& runs,
                                     const std::vector<VariantTrack>& tracks);
nlohmann::ordered_json VariantHistoryJson(const std::vector<StoredRun>& runs,
                                          const std::vector<VariantTrack>& tracks);

// One variant name in two runs; a side is null when the variant is not in that run.
struct VariantDelta {
  std::string name;
  const VariantResult* a = nullptr;
  const VariantResult* b = nullptr;
  double retention_diff = kNaN;   // b − a, fraction
  double score_diff = kNaN;       // b − a
  double file_bytes_diff = kNaN;  // b − a
  // Both 95 % intervals known and disjoint: the change is larger than the noise.
  bool retention_beyond_ci = false;
  bool score_beyond_ci = false;
};

// Variants of `a` in order, then those only in `b`. The pointers point into `a` and `b`.
std::vector<VariantDelta> CompareStoredRuns(const EvalResult& a, const EvalResult& b);

// A run being compared: its id in the store and its result.
struct IdentifiedRun {
  int64_t run_id = 0;
  const EvalResult* result = nullptr;
};

std::string RenderRunComparisonText(const IdentifiedRun& a, const IdentifiedRun& b,
                                    const std::vector<VariantDelta>& deltas);
nlohmann::ordered_json RunComparisonJson(const IdentifiedRun& a, const IdentifiedRun& b,
                                         const std::vector<VariantDelta>& deltas);

}  // namespace cratio::report
