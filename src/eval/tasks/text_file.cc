// See text_file.h.
#include "eval/tasks/text_file.h"

#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "eval/tasks/builtin_data.h"
#include "eval/tasks/strings.h"

namespace cratio {
namespace {

// Single-quotes `s` for /bin/sh.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Result<std::string> ReadBzip2(const std::string& path) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) return IoError("{}: cannot open: {}", path, std::strerror(errno));
  }
  const std::string cmd = "bzip2 -dc -- " + ShellQuote(path) + " 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return IoError("{}: cannot start bzip2: {}", path, std::strerror(errno));
  std::string out;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  const int rc = ::pclose(pipe);
  if (rc != 0) {
    const int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return IoError(
        "{}: bzip2 -dc failed (exit {}): not a complete bzip2 file, or bzip2 is "
        "not installed",
        path, code);
  }
  return out;
}

}  // namespace

Result<std::string> ReadTextFile(const std::string& path) {
  if (IsBuiltinDataPath(path)) {
    CRATIO_ASSIGN_OR_RETURN(std::string_view bytes, ReadBuiltinData(path));
    return std::string(bytes);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return IoError("{}: is a directory, not a file", path);
  if (EndsWith(path, ".bz2")) return ReadBzip2(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("{}: cannot open: {}", path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return IoError("{}: read failed", path);
  return ss.str();
}

}  // namespace cratio
