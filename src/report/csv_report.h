// CSV report in long format: one row per variant × metric, with the metric names that
// `--require` uses, its 95 % interval and its unit. RFC 4180 quoting.
#pragma once

#include <string>

#include "report/result.h"

namespace cratio::report {

// Header: variant,metric,value,ci_low,ci_high,unit. Unknown numbers are empty cells.
// Constraint outcomes are rows "require:<metric><op><threshold>" with value 1 (pass) or 0.
std::string RenderCsv(const EvalResult& r);

// The unit of a metric name from VariantMetrics ("ms", "MiB", "fraction", ...).
std::string_view MetricUnit(std::string_view metric);

}  // namespace cratio::report
