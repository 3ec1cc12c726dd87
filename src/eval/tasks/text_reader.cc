// See text_reader.h.
#include "eval/tasks/text_reader.h"

#include "eval/tasks/strings.h"
#include "eval/tasks/text_file.h"

namespace cratio {
namespace {

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// " = Title = " but not " = = Section = = ".
bool IsWikitextTitle(const std::string& line) {
  return line.size() > 6 && line.compare(0, 3, " = ") == 0 && line.compare(0, 5, " = = ") != 0 &&
         line.find(" = ", line.size() - 4) != std::string::npos;
}

void AddDocument(const std::string& text, const std::string& source, int64_t line,
                 std::vector<Record>* out) {
  if (IsBlank(text)) return;
  Record rec;
  rec.source = source;
  rec.line = line;
  rec.fields["text"] = text;
  out->push_back(std::move(rec));
}

int64_t CountLines(const std::string& s, size_t begin, size_t end) {
  int64_t n = 0;
  for (size_t i = begin; i < end; ++i) n += s[i] == '\n';
  return n;
}

}  // namespace

std::vector<Record> SplitTextDocuments(const std::string& text, const std::string& source,
                                       const std::string& split) {
  std::vector<Record> docs;
  if (split.empty()) {
    AddDocument(text, source, 1, &docs);
  } else if (split == "wikitext") {
    std::string current;
    int64_t current_line = 1, line_no = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      const bool has_newline = end != std::string::npos;
      if (!has_newline) end = text.size();
      const std::string line = text.substr(pos, end - pos);
      ++line_no;
      if (IsWikitextTitle(line)) {
        AddDocument(current, source, current_line, &docs);
        current.clear();
        current_line = line_no;
      }
      current += line;
      if (has_newline) current += '\n';
      pos = end + 1;
    }
    AddDocument(current, source, current_line, &docs);
  } else {
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find(split, pos);
      if (end == std::string::npos) end = text.size();
      const std::string piece = text.substr(pos, end - pos);
      // The record starts at the first non-blank character of the piece.
      const size_t first = piece.find_first_not_of(" \t\r\n");
      const int64_t line = 1 + CountLines(text, 0, pos + (first == std::string::npos ? 0 : first));
      AddDocument(TrimSpace(piece), source, line, &docs);
      pos = end + split.size();
    }
  }
  return docs;
}

Result<std::vector<Record>> ReadTextDocuments(const std::string& path, const std::string& split) {
  CRATIO_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return SplitTextDocuments(text, path, split);
}

}  // namespace cratio
