// Inline SVG charts for the HTML report, drawn by our own code (no library, no network):
// size vs retention with the Pareto front, latency distributions, per-task retention
// with CI whiskers, per-layer weight error. Each returns one <svg class="chart"> element
// with a data-chart attribute naming it, or "" when the result has nothing to draw.
#pragma once

#include <string>

#include "report/labels.h"
#include "report/result.h"

namespace cratio::report {

// Escapes &, <, >, " and ' for HTML text and attributes.
std::string HtmlEscape(std::string_view s);

// x = file size ratio, y = overall retention; the base at (1, 1); front points joined
// by a line in size order. data-chart="size-retention".
std::string SizeRetentionChart(const EvalResult& r, const Labels& l);
// One row per model (base first) of the first scenario: box from P50 to P90, whisker to
// P99, tick at P50. data-chart="latency".
std::string LatencyChart(const EvalResult& r, const Labels& l);
// Grouped bars per task, one colour per variant, CI whiskers, a line at 100 %.
// data-chart="task-retention".
std::string TaskRetentionChart(const EvalResult& r, const Labels& l);
// Horizontal bars of relative weight error per tensor, per variant that has them.
// data-chart="layer-error".
std::string LayerErrorChart(const EvalResult& r, const Labels& l);

}  // namespace cratio::report
