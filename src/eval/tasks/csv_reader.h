// CSV as the MMLU and C-Eval releases write it (RFC 4180: comma separated, fields in
// double quotes may hold commas, newlines and doubled quotes), with or without a header.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "eval/tasks/record.h"

namespace cratio {

struct CsvOptions {
  bool header = false;               // first row names the columns
  std::vector<std::string> columns;  // names when there is no header (or to check it)
};

// Splits CSV text into rows of fields; row_lines[i] is the 1-based line where row i
// starts. Blank lines are skipped. InvalidInput names `source` and the line for an
// unterminated quote or text after a closing quote.
Status ParseCsv(const std::string& text, const std::string& source,
                std::vector<std::vector<std::string>>* rows, std::vector<int64_t>* row_lines);

// Reads one CSV file into records whose fields are named by the header or by
// `options.columns` (without either, by "0", "1", ...). Every row must have exactly as
// many fields as there are names, else InvalidInput naming the file, line and counts.
Result<std::vector<Record>> ReadCsvRecords(const std::string& path, const CsvOptions& options);

}  // namespace cratio
