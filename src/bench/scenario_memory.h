// Peak resident memory per model, measured in a child process so nothing else this
// process holds is counted: the child (cratio itself, re-run with a hidden flag) loads
// the model, creates a Session of n_seq × n_ctx, runs one batch of requests through it
// and reports its VmHWM; the parent also takes the child's ru_maxrss from wait4. The
// peak is split by accounting into the process baseline, weights (tensor bytes), KV cache
// (the session's allocation) and the measured remainder (scratch, logits, allocator).
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace cratio {

struct MemoryOptions {
  int64_t n_ctx = 256;
  int64_t n_seq = 1;
  int64_t prompt_tokens = 32;
  int64_t gen_tokens = 8;
  int threads = 0;
};

struct MemoryReport {
  int64_t baseline_rss_bytes = 0;  // VmRSS before the model was opened
  int64_t peak_rss_bytes = 0;      // VmHWM after the run (child's own report)
  int64_t child_maxrss_bytes = 0;  // ru_maxrss from wait4 (parent's view); 0 in the child
  int64_t weight_bytes = 0;        // tensor bytes of the file (mmapped, all touched)
  int64_t kv_cache_bytes = 0;      // the session's KV cache
  int64_t kv_bytes_per_token = 0;  // per position of one sequence, all layers, K and V
  int64_t n_ctx = 0;
  int64_t n_seq = 0;
  // peak - baseline - weights - kv, floored at 0: scratch, logits, allocator slack.
  int64_t scratch_and_other_bytes() const;
};

// In the child: loads, runs and measures this process. IoError / InvalidInput as the
// loader reports them.
Result<MemoryReport> MeasureMemoryHere(const std::string& model_path, const MemoryOptions& o);

std::string MemoryReportToJson(const MemoryReport& r);
Result<MemoryReport> MemoryReportFromJson(const std::string& text);

// In the parent: runs `<self> bench MODEL --memory-child ...` and reads its report.
Result<MemoryReport> MeasureMemoryInChild(const std::string& model_path, const MemoryOptions& o);

}  // namespace cratio
