// One self-contained HTML file: inline CSS, inline SVG charts drawn by svg_charts, no
// external resource of any kind. A small inline script measures the drawn charts and
// writes what it found into <pre id="cratio-chart-check"> (used by the headless-browser
// test; harmless to readers).
#pragma once

#include <string>

#include "report/labels.h"
#include "report/result.h"

namespace cratio::report {

std::string RenderHtml(const EvalResult& r, Lang lang);

}  // namespace cratio::report
