// Writes the result and its reports.
#include "pipeline/eval_outputs.h"

#include <filesystem>
#include <system_error>

#include "report/render.h"

namespace cratio::pipeline {

Result<std::vector<std::string>> WriteEvalOutputs(const report::EvalResult& r,
                                                  const std::string& dir, report::Lang lang) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("output directory '{}': cannot create: {}", dir, ec.message());
  struct Out {
    const char* name;
    report::ReportFormat format;
  };
  const Out outs[] = {{"result.json", report::ReportFormat::kJson},
                      {"report.txt", report::ReportFormat::kText},
                      {"report.md", report::ReportFormat::kMarkdown},
                      {"report.csv", report::ReportFormat::kCsv},
                      {"report.html", report::ReportFormat::kHtml}};
  std::vector<std::string> written;
  for (const Out& o : outs) {
    const std::string path = (std::filesystem::path(dir) / o.name).string();
    CRATIO_RETURN_IF_ERROR(report::WriteFileAtomically(path, report::Render(r, o.format, lang)));
    written.push_back(path);
  }
  return written;
}

}  // namespace cratio::pipeline
