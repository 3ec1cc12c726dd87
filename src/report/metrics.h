// The metric names `--require` constraints refer to (retention.mmlu, latency.ttft_p99_ms,
// memory.peak_mb, ...), read off one variant's result. docs/REPORT.md lists them all.
#pragma once

#include "eval/compare/constraints.h"
#include "report/result.h"

namespace cratio::report {

// 1 MiB, the unit of the *_mb metrics.
inline constexpr double kBytesPerMb = 1024.0 * 1024.0;

compare::MetricMap VariantMetrics(const VariantResult& v);

}  // namespace cratio::report
