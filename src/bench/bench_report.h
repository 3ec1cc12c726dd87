// Everything one `cratio bench --scenario …` run measured, as plain structs: the models,
// the machine's limits, the stopping rule, and each scenario's grid points. The JSON
// (schema "cratio.bench/1") and the text tables are pure functions of this.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/roofline_limit.h"
#include "bench/scenario_batch.h"
#include "bench/scenario_cold.h"
#include "bench/scenario_ladder.h"
#include "bench/scenario_memory.h"
#include "bench/scenario_server.h"
#include "bench/scenario_single.h"
#include "bench/stop_rule.h"
#include "bench/throughput.h"

namespace cratio {

inline constexpr const char* kBenchSchema = "cratio.bench/1";

struct BenchModel {
  std::string role;  // "variant" (the model measured) or "base"
  std::string path;
  PerTokenWork work;
};

struct BenchReport {
  std::vector<BenchModel> models;  // [0] variant, [1] base when comparing
  MachineLimits limits;
  StopRule rule;
  std::string energy_status;  // "available: package-0, …" or "unavailable: <reason>"
  uint64_t seed = 0;
  std::vector<SinglePointResult> single;
  std::vector<BatchPointResult> batch;
  std::vector<LadderPointResult> ladder;
  std::vector<ServerResult> server;  // per model, in `models` order
  std::vector<ColdWarmResult> cold;  // per model
  std::vector<MemoryReport> memory;  // per model
  bool comparing() const { return models.size() == 2; }
};

// {"n", "mean", "sd", "min", "max", "p50": {"value", "ci_low", "ci_high", "coverage"}, …};
// an unbounded interval side is null.
nlohmann::ordered_json SummaryJson(const SampleSummary& s);
// {"ratio", "ci_low", "ci_high", "confidence", "paired", "verdict"}.
nlohmann::ordered_json SpeedupJson(const RatioEstimate& r);

// The "scenarios" object (only scenarios that ran), plus "stop_rule" and "energy" as
// siblings, to merge into the top-level object beside environment and roofline.
Result<nlohmann::ordered_json> ScenariosJson(const BenchReport& report);

// Human tables, one block per scenario.
Result<std::string> ScenariosText(const BenchReport& report);

}  // namespace cratio
