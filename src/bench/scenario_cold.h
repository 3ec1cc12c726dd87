// Cold versus warm start. Cold: the model's files are dropped from the page cache
// (fdatasync, then posix_fadvise POSIX_FADV_DONTNEED) before loading, so weights come
// from storage; warm: loaded again straight away. Each start times the load (parse,
// mmap, weight directory), the session setup and the first token of a short prompt;
// the share of the file still resident after the drop is measured (mincore) so a drop
// that did not take (a tmpfs, another process mapping the file) is visible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/thread_pool.h"

namespace cratio {

// The regular files that make up a model (the path itself, or a directory's files).
std::vector<std::string> ModelFiles(const std::string& path);

// Drops the files' clean pages from the page cache.
Status DropFromPageCache(const std::vector<std::string>& files);

// Fraction in [0, 1] of the files' pages now in the page cache.
Result<double> ResidentFraction(const std::vector<std::string>& files);

struct StartTiming {
  double load_ms = 0.0;          // LoadModel
  double session_ms = 0.0;       // Session::Create
  double first_token_ms = 0.0;   // prefill of the prompt + argmax
  double total_ms = 0.0;         // sum: start of load -> first token
  double resident_before = 0.0;  // page-cache residency when the load began
};

struct ColdWarmOptions {
  int num_reps = 3;  // cold and warm starts each, alternating C W C W …
  int64_t prompt_tokens = 8;
  int64_t n_ctx = 64;
};

struct ColdWarmResult {
  std::vector<StartTiming> cold, warm;
  bool drop_effective = false;  // median cold residency below 50 %
};

Result<ColdWarmResult> MeasureColdWarm(const std::string& model_path, ThreadPool& pool,
                                       const ColdWarmOptions& options);

}  // namespace cratio
