// Markdown report: a summary table of all variants, then per variant its compression
// ratios, retention, efficiency and verdict as tables and ✓ / ✗ lists.
#pragma once

#include <string>

#include "report/labels.h"
#include "report/result.h"

namespace cratio::report {

std::string RenderMarkdown(const EvalResult& r, Lang lang);

}  // namespace cratio::report
