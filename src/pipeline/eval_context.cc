// Units of work, read back or measured and committed.
#include "pipeline/eval_context.h"

#include <csignal>
#include <cstdlib>

namespace cratio::pipeline {

namespace {

// Fault injection for the resume tests (docs/RELIABILITY.md): with
// CRATIO_FAULT_KILL_AFTER_UNITS=N the process kills itself with SIGKILL — no cleanup, as
// an out-of-memory kill or a power cut would — right after committing its N-th unit.
void MaybeInjectKill(int64_t units_stored) {
  static const long kill_after = [] {
    const char* v = std::getenv("CRATIO_FAULT_KILL_AFTER_UNITS");
    return v && *v ? std::strtol(v, nullptr, 10) : 0L;
  }();
  if (kill_after > 0 && units_stored == kill_after) std::raise(SIGKILL);
}

}  // namespace

void EvalContext::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

Result<std::string> EvalContext::Unit(const std::string& unit,
                                      const std::function<Result<std::string>()>& compute) {
  CRATIO_ASSIGN_OR_RETURN(std::optional<std::string> stored, Peek(unit));
  if (stored) {
    ++resumed_;
    return std::move(*stored);
  }
  CRATIO_ASSIGN_OR_RETURN(std::string value, compute());
  CRATIO_RETURN_IF_ERROR(Store(unit, value));
  return value;
}

Result<std::optional<std::string>> EvalContext::Peek(const std::string& unit) {
  if (!checkpoints_) return std::optional<std::string>();
  return checkpoints_->Get(plan_key_, unit);
}

Status EvalContext::Store(const std::string& unit, const std::string& value) {
  ++measured_;
  if (!checkpoints_) return Status::Ok();
  CRATIO_RETURN_IF_ERROR(checkpoints_->Put(plan_key_, unit, value));
  MaybeInjectKill(++stored_);
  return Status::Ok();
}

Status EvalContext::DropCheckpoints() {
  return checkpoints_ ? checkpoints_->Drop(plan_key_) : Status::Ok();
}

}  // namespace cratio::pipeline
