// The files an eval writes into its output directory: result.json (the one versioned
// result every report is rendered from), report.txt (in the chosen language),
// report.md, report.csv and report.html — each written atomically.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "report/labels.h"
#include "report/result.h"

namespace cratio::pipeline {

// Returns the paths written, result.json first.
Result<std::vector<std::string>> WriteEvalOutputs(const report::EvalResult& r,
                                                  const std::string& dir, report::Lang lang);

}  // namespace cratio::pipeline
