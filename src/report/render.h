// One entry point for every report format, and the file helpers around it: read a
// result file, write a report atomically. Used by `cratio report` and `cratio eval`.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "report/labels.h"
#include "report/result.h"

namespace cratio::report {

enum class ReportFormat { kText, kMarkdown, kCsv, kHtml, kJson };

// "txt" (or "text"), "md" (or "markdown"), "csv", "html", "json"; InvalidInput otherwise.
Result<ReportFormat> ParseReportFormat(std::string_view text);

// The report as one string (CSV and JSON do not depend on `lang`).
std::string Render(const EvalResult& r, ReportFormat format, Lang lang);

// Reads and checks a cratio.eval/1 file; errors name the file.
Result<EvalResult> ReadEvalResultFile(const std::string& path);

// Writes `content` to `path` through AtomicFileWriter (temporary file, fsync, rename).
Status WriteFileAtomically(const std::string& path, std::string_view content);

}  // namespace cratio::report
