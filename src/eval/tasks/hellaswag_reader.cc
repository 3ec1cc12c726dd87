// See hellaswag_reader.h.
#include "eval/tasks/hellaswag_reader.h"

#include <cctype>

#include "eval/tasks/jsonl_reader.h"
#include "eval/tasks/strings.h"
#include "eval/tasks/text_file.h"

namespace cratio {
namespace {

constexpr int kNumEndings = 4;
constexpr int kLinesPerTask = 2 + kNumEndings;

void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}

// Python's str.capitalize() on ASCII: first letter upper, the rest lower.
std::string Capitalize(const std::string& s) {
  std::string out = s;
  for (size_t i = 0; i < out.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(out[i]);
    if (c >= 0x80) continue;
    out[i] = static_cast<char>(i == 0 ? std::toupper(c) : std::tolower(c));
  }
  return out;
}

bool ParseLabel(const std::string& s, int* label) {
  if (s.size() != 1 || s[0] < '0' || s[0] >= '0' + kNumEndings) return false;
  *label = s[0] - '0';
  return true;
}

}  // namespace

std::string HellaswagPreprocess(const std::string& text) {
  std::string s = TrimSpace(text);
  ReplaceAll(&s, " [title]", ". ");
  // Drop "[...]" (shortest match, like the harness's non-greedy regex).
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '[') {
      const size_t close = s.find(']', i + 1);
      if (close != std::string::npos) {
        i = close;
        continue;
      }
    }
    out += s[i];
  }
  ReplaceAll(&out, "  ", " ");
  return out;
}

Result<std::vector<Record>> ParseHellaswagText(const std::string& text, const std::string& source) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = end + 1;
  }
  // A trailing empty line (file ends with "\n\n") is not a task.
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() % kLinesPerTask != 0) {
    const size_t last_start = lines.size() - lines.size() % kLinesPerTask + 1;
    return InvalidInput(
        "{}:{}: the last task has {} of its {} lines (context, label, {} "
        "endings): truncated file?",
        source, last_start, lines.size() % kLinesPerTask, kLinesPerTask, kNumEndings);
  }
  std::vector<Record> records;
  records.reserve(lines.size() / kLinesPerTask);
  for (size_t t = 0; t < lines.size(); t += kLinesPerTask) {
    Record rec;
    rec.source = source;
    rec.line = static_cast<int64_t>(t) + 1;
    int label = -1;
    if (!ParseLabel(TrimSpace(lines[t + 1]), &label)) {
      return InvalidInput("{}:{}: expected the gold label (0..{}), found '{}'", source, t + 2,
                          kNumEndings - 1, lines[t + 1]);
    }
    rec.fields["query"] = lines[t];
    rec.fields["label"] = std::to_string(label);
    const size_t colon = lines[t].find(": ");
    rec.slice = colon == std::string::npos ? "" : lines[t].substr(0, colon);
    std::vector<std::string>& endings = rec.lists["endings"];
    for (int e = 0; e < kNumEndings; ++e) endings.push_back(lines[t + 2 + e]);
    records.push_back(std::move(rec));
  }
  return records;
}

Result<std::vector<Record>> ParseHellaswagJsonl(const std::string& text,
                                                const std::string& source) {
  CRATIO_ASSIGN_OR_RETURN(std::vector<Record> raw, ParseJsonlRecords(text, source));
  std::vector<Record> records;
  records.reserve(raw.size());
  for (Record& r : raw) {
    for (const char* key : {"activity_label", "ctx_a", "ctx_b", "label"}) {
      if (!r.fields.count(key)) return InvalidInput("{}: missing field '{}'", r.Where(), key);
    }
    auto endings = r.lists.find("endings");
    if (endings == r.lists.end() || endings->second.size() != kNumEndings) {
      return InvalidInput("{}: field 'endings' must be a list of {} strings", r.Where(),
                          kNumEndings);
    }
    int label = -1;
    if (!ParseLabel(r.fields["label"], &label)) {
      return InvalidInput("{}: field 'label' must be 0..{}, found '{}'", r.Where(), kNumEndings - 1,
                          r.fields["label"]);
    }
    Record rec;
    rec.source = source;
    rec.line = r.line;
    rec.slice = r.fields["activity_label"];
    if (r.fields.count("ind")) rec.fields["id"] = r.fields["ind"];
    const std::string ctx = r.fields["ctx_a"] + " " + Capitalize(r.fields["ctx_b"]);
    rec.fields["query"] = HellaswagPreprocess(r.fields["activity_label"] + ": " + ctx);
    rec.fields["label"] = std::to_string(label);
    std::vector<std::string>& out = rec.lists["endings"];
    for (const std::string& e : endings->second) out.push_back(HellaswagPreprocess(e));
    records.push_back(std::move(rec));
  }
  return records;
}

Result<std::vector<Record>> ReadHellaswagRecords(const std::string& path) {
  CRATIO_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  if (EndsWith(path, ".jsonl") || EndsWith(path, ".jsonl.bz2")) {
    return ParseHellaswagJsonl(text, path);
  }
  return ParseHellaswagText(text, path);
}

}  // namespace cratio
