// The text report in the classic tree layout (├─ └─): per variant its compression ratios,
// performance retention, inference efficiency and overall verdict with ✓ / ✗ lines, then
// a summary. A pure function of the result; `lang` picks the label table.
#pragma once

#include <string>

#include "report/labels.h"
#include "report/result.h"

namespace cratio::report {

std::string RenderText(const EvalResult& r, Lang lang);

}  // namespace cratio::report
