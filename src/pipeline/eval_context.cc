// Units of work, read back or measured and committed.
#include "pipeline/eval_context.h"

#include <csignal>
#include <cstdlib>

namespace cratio::pipeline {

namespace {

// Fault injection for the resume tests (docs/RELIABILITY.md): with
// CRATIO_FAULT_KILL_AFTER_UNITS=N the process kills itself with SIGKILL — no cleanup, as
// an out-of-memory kill or a power cut would — right after committing its N-th unit.
// "N:R" limits it to the share R of a distributed run (the rank computing that share).
void MaybeInjectKill(int64_t units_stored, int share_index) {
  static const std::pair<long, long> spec = [] {
    const char* v = std::getenv("CRATIO_FAULT_KILL_AFTER_UNITS");
    if (!v || !*v) return std::pair<long, long>(0, -1);
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    const long r = end && *end == ':' ? std::strtol(end + 1, nullptr, 10) : -1;
    return std::pair<long, long>(n, r);
  }();
  if (spec.first > 0 && units_stored == spec.first && (spec.second < 0 || spec.second == share_index)) {
    std::raise(SIGKILL);
  }
}

}  // namespace

void EvalContext::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

Result<std::string> EvalContext::Unit(const std::string& unit,
                                      const std::function<Result<std::string>()>& compute) {
  if (auto it = preloaded_.find(unit); it != preloaded_.end()) {
    ++shared_;
    return it->second;
  }
  CRATIO_ASSIGN_OR_RETURN(std::optional<std::string> stored, Peek(unit));
  if (stored) {
    ++resumed_;
    // A share hands on what it read back too: rank 0 may not see this store.
    if (collecting_) collected_.emplace_back(unit, *stored);
    return std::move(*stored);
  }
  CRATIO_ASSIGN_OR_RETURN(std::string value, compute());
  CRATIO_RETURN_IF_ERROR(Store(unit, value));
  return value;
}

bool EvalContext::Owns(const std::string& /*unit*/) {
  if (!collecting_) return true;
  return units_seen_++ % share_.count == share_.index;
}

void EvalContext::Preload(const std::vector<std::pair<std::string, std::string>>& units) {
  for (const auto& [unit, value] : units) preloaded_[unit] = value;
}

Result<std::optional<std::string>> EvalContext::Peek(const std::string& unit) {
  if (auto it = preloaded_.find(unit); it != preloaded_.end()) {
    return std::optional<std::string>(it->second);
  }
  if (!checkpoints_) return std::optional<std::string>();
  return checkpoints_->Get(plan_key_, unit);
}

Status EvalContext::Store(const std::string& unit, const std::string& value) {
  ++measured_;
  if (collecting_) collected_.emplace_back(unit, value);
  if (!checkpoints_) return Status::Ok();
  CRATIO_RETURN_IF_ERROR(checkpoints_->Put(plan_key_, unit, value));
  MaybeInjectKill(++stored_, collecting_ ? share_.index : -1);
  return Status::Ok();
}

Status EvalContext::DropCheckpoints() {
  return checkpoints_ ? checkpoints_->Drop(plan_key_) : Status::Ok();
}

}  // namespace cratio::pipeline
