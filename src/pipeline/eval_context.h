// State shared by the steps of one eval run: the plan, where progress goes, and the
// checkpoint store through which every unit of work is either read back (when an earlier,
// killed run with the same plan finished it) or measured and committed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "pipeline/eval_plan.h"
#include "pipeline/run_eval.h"
#include "report/checkpoint_store.h"

namespace cratio::pipeline {

class EvalContext {
 public:
  EvalContext(const EvalPlan& plan, const EvalRunOptions& options,
              std::unique_ptr<report::CheckpointStore> checkpoints)
      : plan_(plan), options_(options), checkpoints_(std::move(checkpoints)) {}

  const EvalPlan& plan() const { return plan_; }
  const EvalRunOptions& options() const { return options_; }
  void Log(const std::string& line) const;

  // Fixes the plan's fingerprint (the checkpoint namespace); call once the models'
  // hashes are known.
  void SetPlanKey(std::string key) { plan_key_ = std::move(key); }
  const std::string& plan_key() const { return plan_key_; }

  // The unit's stored value when an earlier run finished it; otherwise `compute`s it and
  // commits it before returning.
  Result<std::string> Unit(const std::string& unit,
                           const std::function<Result<std::string>()>& compute);
  // The unit's stored value, if any (nullopt also without a store).
  Result<std::optional<std::string>> Peek(const std::string& unit);
  // Commits a unit computed outside Unit() (no-op without a store).
  Status Store(const std::string& unit, const std::string& value);
  // Drops this plan's checkpoints (after the result is safely stored).
  Status DropCheckpoints();

  // A share of a distributed run: only every count-th unit (from `index`) is computed,
  // and computed units are collected instead of stored.
  void SetShare(UnitShare share) { share_ = share; collecting_ = true; }
  bool collecting() const { return collecting_; }
  // Whether this process computes `unit` (always, unless collecting a share). Call once
  // per unit, in the same order on every rank.
  bool Owns(const std::string& unit);
  std::vector<std::pair<std::string, std::string>> TakeCollected() { return std::move(collected_); }
  // Units computed elsewhere; Peek finds them first.
  void Preload(const std::vector<std::pair<std::string, std::string>>& units);

  // Counts a unit found by Peek and used as it is.
  void NoteResumed() { ++resumed_; }
  int64_t resumed_units() const { return resumed_; }
  int64_t measured_units() const { return measured_; }
  int64_t shared_units() const { return shared_; }  // taken from Preload

 private:
  const EvalPlan& plan_;
  const EvalRunOptions& options_;
  std::unique_ptr<report::CheckpointStore> checkpoints_;
  std::string plan_key_;
  int64_t resumed_ = 0;
  int64_t measured_ = 0;
  int64_t stored_ = 0;  // units committed by this process
  int64_t shared_ = 0;
  UnitShare share_;
  bool collecting_ = false;
  int64_t units_seen_ = 0;
  std::vector<std::pair<std::string, std::string>> collected_;
  std::map<std::string, std::string> preloaded_;
};

}  // namespace cratio::pipeline
