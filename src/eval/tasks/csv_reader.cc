// See csv_reader.h.
#include "eval/tasks/csv_reader.h"

#include "eval/tasks/text_file.h"

namespace cratio {

Status ParseCsv(const std::string& text, const std::string& source,
                std::vector<std::vector<std::string>>* rows, std::vector<int64_t>* row_lines) {
  rows->clear();
  row_lines->clear();
  size_t i = 0;
  int64_t line = 1;
  // A UTF-8 byte-order mark is not part of the first field.
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  const size_t n = text.size();
  while (i < n) {
    // Skip blank lines between rows.
    if (text[i] == '\n' || text[i] == '\r') {
      if (text[i] == '\n') ++line;
      ++i;
      continue;
    }
    const int64_t row_line = line;
    std::vector<std::string> row;
    std::string field;
    bool row_done = false;
    while (!row_done) {
      field.clear();
      if (i < n && text[i] == '"') {
        const int64_t quote_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        if (!closed) {
          return InvalidInput(
              "{}:{}: field {} of the row has an opening quote that is never "
              "closed",
              source, quote_line, row.size() + 1);
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          return InvalidInput("{}:{}: field {} of the row has text after its closing quote", source,
                              line, row.size() + 1);
        }
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      }
      row.push_back(field);
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      // End of row: "\r\n", "\n" or end of text.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') {
        ++i;
        ++line;
      }
      row_done = true;
    }
    rows->push_back(std::move(row));
    row_lines->push_back(row_line);
  }
  return Status::Ok();
}

Result<std::vector<Record>> ReadCsvRecords(const std::string& path, const CsvOptions& options) {
  CRATIO_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;
  CRATIO_RETURN_IF_ERROR(ParseCsv(text, path, &rows, &lines));
  std::vector<std::string> names = options.columns;
  size_t first = 0;
  if (options.header) {
    if (rows.empty()) return InvalidInput("{}: empty CSV file, expected a header row", path);
    if (!names.empty() && names != rows[0]) {
      std::string want, got;
      for (const auto& s : names) {
        if (!want.empty()) want += ",";
        want += s;
      }
      for (const auto& s : rows[0]) {
        if (!got.empty()) got += ",";
        got += s;
      }
      return InvalidInput("{}:1: header is '{}', expected '{}'", path, got, want);
    }
    names = rows[0];
    first = 1;
  }
  if (names.empty() && !rows.empty()) {
    for (size_t c = 0; c < rows[0].size(); ++c) names.push_back(std::to_string(c));
  }
  std::vector<Record> records;
  records.reserve(rows.size() - first);
  for (size_t r = first; r < rows.size(); ++r) {
    if (rows[r].size() != names.size()) {
      return InvalidInput("{}:{}: row has {} fields, expected {}", path, lines[r], rows[r].size(),
                          names.size());
    }
    Record rec;
    rec.source = path;
    rec.line = lines[r];
    for (size_t c = 0; c < names.size(); ++c) rec.fields[names[c]] = std::move(rows[r][c]);
    records.push_back(std::move(rec));
  }
  return records;
}

}  // namespace cratio
