// The SQLite results store: every `cratio eval` run appended as one row (the full
// cratio.eval/1 JSON plus key columns) with one row per variant, in one transaction, so
// history can list and compare runs of the same model over time. The database carries
// its own schema version (table `meta`, key "schema_version").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "report/result.h"

struct sqlite3;

namespace cratio::report {

inline constexpr int kStoreSchemaVersion = 1;

struct StoredRun {
  int64_t run_id = 0;
  std::string stored_at_utc;
  std::string started_at_utc;
  std::string base_name;
  std::string base_sha256;
  std::string env_fingerprint;
  std::string best_variant;
  int64_t num_variants = 0;
  std::string result_sha256;  // of the stored JSON text
};

struct StoredVariant {
  int64_t run_id = 0;
  std::string started_at_utc;
  std::string name;
  std::string recipe;
  std::string sha256;
  double file_bytes = compare::kNaN;
  double overall_retention = compare::kNaN;
  double overall_score = compare::kNaN;
  bool passes_all_constraints = false;
};

// One open database. Not thread-safe; several processes may share the file (SQLite
// locking, 5 s busy timeout). Move-only; closes on destruction.
class ResultsStore {
 public:
  // Opens or creates `path` and its tables. InvalidInput when the file is not a cratio
  // store or has another schema version; IoError when it cannot be opened.
  static Result<ResultsStore> Open(const std::string& path);
  // Opens an existing store read-only; never creates a file or a table. InvalidInput
  // when `path` does not exist, is not a SQLite database, is not a cratio store or has
  // another schema version.
  static Result<ResultsStore> OpenExisting(const std::string& path);
  ResultsStore(ResultsStore&& o) noexcept;
  ResultsStore& operator=(ResultsStore&&) = delete;
  ResultsStore(const ResultsStore&) = delete;
  ~ResultsStore();

  // Appends `r` atomically (all rows or none). Appending a result whose JSON is
  // identical to a stored one returns the stored run's id and adds nothing.
  Result<int64_t> Append(const EvalResult& r);
  // Runs in the order stored; only those of base model `base_sha256` unless it is empty.
  Result<std::vector<StoredRun>> ListRuns(std::string_view base_sha256 = "");
  // The stored result of one run; InvalidInput when there is no such run.
  Result<EvalResult> LoadRun(int64_t run_id);
  // Every stored variant of base model `base_sha256`, oldest run first.
  Result<std::vector<StoredVariant>> VariantHistory(std::string_view base_sha256);
  // The one stored base-model SHA-256 that starts with `prefix` (hex, either case, 4 to 64
  // digits). InvalidInput when the prefix is malformed, matches no stored base model, or
  // matches several (the message lists them).
  Result<std::string> FindBaseSha256(std::string_view prefix);

 private:
  ResultsStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const char* sql);
  Status Error(std::string_view what) const;

  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace cratio::report
