// Default location of the results store (XDG base-directory convention for caches).
#include "report/default_paths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace cratio::report {
namespace {

// The variable's value, or "" when it is unset or empty.
std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

std::string DefaultResultsDbPath() {
  if (std::string db = Env("CRATIO_DB"); !db.empty()) return db;
  if (std::string xdg = Env("XDG_CACHE_HOME"); !xdg.empty()) return xdg + "/cratio/results.db";
  if (std::string home = Env("HOME"); !home.empty()) return home + "/.cache/cratio/results.db";
  return "results.db";
}

Status CreateParentDirectories(const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return IoError("results store '{}': cannot create directory '{}': {}", path, dir.string(),
                   ec.message());
  }
  return Status::Ok();
}

}  // namespace cratio::report
