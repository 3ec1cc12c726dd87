// CRATIO_CHECK: invariants that only a bug in cratio can break. Never for user input
// (that gets a Status). Failing aborts with the file, line and condition.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace cratio::internal {
[[noreturn]] inline void CheckFailed(const char* file, int line, const char* cond, const char* msg) {
  std::fprintf(stderr, "cratio: internal check failed at %s:%d: %s %s\n", file, line, cond,
               msg ? msg : "");
  std::abort();
}
}  // namespace cratio::internal

#define CRATIO_CHECK(cond)                                                   \
  do {                                                                       \
    if (!(cond)) ::cratio::internal::CheckFailed(__FILE__, __LINE__, #cond, nullptr); \
  } while (0)

#define CRATIO_CHECK_MSG(cond, msg)                                          \
  do {                                                                       \
    if (!(cond)) ::cratio::internal::CheckFailed(__FILE__, __LINE__, #cond, msg); \
  } while (0)
