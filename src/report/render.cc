// Format dispatch and file helpers.
#include "report/render.h"

#include <fstream>
#include <sstream>

#include "base/atomic_file.h"
#include "report/csv_report.h"
#include "report/html_report.h"
#include "report/markdown_report.h"
#include "report/text_report.h"

namespace cratio::report {

Result<ReportFormat> ParseReportFormat(std::string_view text) {
  if (text == "txt" || text == "text") return ReportFormat::kText;
  if (text == "md" || text == "markdown") return ReportFormat::kMarkdown;
  if (text == "csv") return ReportFormat::kCsv;
  if (text == "html") return ReportFormat::kHtml;
  if (text == "json") return ReportFormat::kJson;
  return InvalidInput("--format '{}': expected txt, md, csv, html or json", text);
}

std::string Render(const EvalResult& r, ReportFormat format, Lang lang) {
  switch (format) {
    case ReportFormat::kText: return RenderText(r, lang);
    case ReportFormat::kMarkdown: return RenderMarkdown(r, lang);
    case ReportFormat::kCsv: return RenderCsv(r);
    case ReportFormat::kHtml: return RenderHtml(r, lang);
    case ReportFormat::kJson: return RenderJson(r);
  }
  return "";
}

Result<EvalResult> ReadEvalResultFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("{}: cannot open the result file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return IoError("{}: read failed", path);
  return ParseEvalResult(ss.str(), path);
}

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::Create(path));
  CRATIO_RETURN_IF_ERROR(w.Write(content.data(), content.size()));
  return w.Commit();
}

}  // namespace cratio::report
