// Units of work, read back or measured and committed.
#include "pipeline/eval_context.h"

namespace cratio::pipeline {

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
  return checkpoints_ ? checkpoints_->Put(plan_key_, unit, value) : Status::Ok();
}

Status EvalContext::DropCheckpoints() {
  return checkpoints_ ? checkpoints_->Drop(plan_key_) : Status::Ok();
}

}  // namespace cratio::pipeline
