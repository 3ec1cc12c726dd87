// Status and Result<T>: how errors cross every boundary that user input crosses.
// Library code returns these; only src/cli turns them into messages and exit codes.
#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>
#include <variant>

namespace cratio {

enum class StatusCode {
  kOk = 0,
  kInvalidInput,      // bad file, bad flag, bad row: the user can fix it (exit 2)
  kIoError,           // open / read / write / rename failed (exit 2)
  kResourceExhausted, // would not fit in memory, disk full (exit 2)
  kConstraintFailed,  // a --require constraint did not hold (exit 3)
  kInternal,          // a bug in cratio (exit 1)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<prefix>: <message>", for adding context
  // (a file name, a tensor name) as an error travels up.
  Status WithPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename... Args>
Status InvalidInput(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kInvalidInput, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status IoError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kIoError, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status ResourceExhausted(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kResourceExhausted, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status InternalError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kInternal, fmt::format(f, std::forward<Args>(args)...));
}

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) v_ = Status(StatusCode::kInternal, "Result built from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace cratio

#define CRATIO_CONCAT_INNER(a, b) a##b
#define CRATIO_CONCAT(a, b) CRATIO_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define CRATIO_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::cratio::Status cratio_status_ = (expr);        \
    if (!cratio_status_.ok()) return cratio_status_; \
  } while (0)

// `CRATIO_ASSIGN_OR_RETURN(auto x, F());` binds the value or returns the error.
#define CRATIO_ASSIGN_OR_RETURN(lhs, expr) \
  CRATIO_ASSIGN_OR_RETURN_IMPL(CRATIO_CONCAT(cratio_result_, __LINE__), lhs, expr)
#define CRATIO_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
