// SQLite results store.
#include "report/results_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "base/sha256.h"
#include "base/timer.h"
#include "report/sqlite_statement.h"

namespace cratio::report {
namespace {

constexpr const char* kSchemaSql = R"(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  run_id INTEGER PRIMARY KEY AUTOINCREMENT,
  stored_at_utc TEXT NOT NULL,
  result_schema TEXT NOT NULL,
  started_at_utc TEXT NOT NULL,
  base_name TEXT NOT NULL,
  base_sha256 TEXT NOT NULL,
  env_fingerprint TEXT NOT NULL,
  best_variant TEXT NOT NULL,
  num_variants INTEGER NOT NULL,
  result_sha256 TEXT NOT NULL UNIQUE,
  result_json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_by_base ON runs (base_sha256);
CREATE TABLE IF NOT EXISTS variants (
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  name TEXT NOT NULL,
  recipe TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  file_bytes REAL,
  overall_retention REAL,
  overall_score REAL,
  passes_all_constraints INTEGER NOT NULL,
  PRIMARY KEY (run_id, name));
)";

}  // namespace

Result<ResultsStore> ResultsStore::Open(const std::string& path) {
  CRATIO_ASSIGN_OR_RETURN(sqlite3* const db,
                          OpenSqlite(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, ""));
  ResultsStore store(db, path);
  auto classify = [&](const Status& st) {
    return st.message().find("file is not a database") != std::string::npos
               ? InvalidInput("results store '{}': not a SQLite database", path)
               : st;
  };
  if (Status b = store.Exec("BEGIN IMMEDIATE"); !b.ok()) return classify(b);
  Status s = store.Exec(kSchemaSql);
  if (s.ok()) {
    SqlStatement ins(db, "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?1)");
    ins.Text(1, std::to_string(kStoreSchemaVersion));
    if (!ins.ok() || ins.Step() != SQLITE_DONE) s = store.Error("writing the schema version");
  }
  std::string version;
  if (s.ok()) {
    SqlStatement q(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (q.ok() && q.Step() == SQLITE_ROW) version = q.ColText(0);
  }
  if (!s.ok()) {
    (void)store.Exec("ROLLBACK");
    return classify(s);
  }
  if (version != std::to_string(kStoreSchemaVersion)) {
    (void)store.Exec("ROLLBACK");
    return InvalidInput("results store '{}': schema version '{}', this cratio reads version {}",
                        path, version, kStoreSchemaVersion);
  }
  CRATIO_RETURN_IF_ERROR(store.Exec("COMMIT"));
  return store;
}

Result<ResultsStore> ResultsStore::OpenExisting(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return InvalidInput(
        "results store '{}': no such file (runs are stored by `cratio eval` "
        "and `cratio report RESULT.json --db`)",
        path);
  }
  CRATIO_ASSIGN_OR_RETURN(sqlite3* const db, OpenSqlite(path, SQLITE_OPEN_READONLY, ""));
  ResultsStore store(db, path);
  SqlStatement q(db, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!q.ok()) {
    const std::string msg = sqlite3_errmsg(db);
    if (msg.find("not a database") != std::string::npos) {
      return InvalidInput("results store '{}': not a SQLite database", path);
    }
    if (msg.find("no such table") != std::string::npos) {
      return InvalidInput(
          "results store '{}': a SQLite database but not a cratio results "
          "store (no table 'meta')",
          path);
    }
    return store.Error("reading the schema version");
  }
  const std::string version = q.Step() == SQLITE_ROW ? q.ColText(0) : std::string();
  if (version != std::to_string(kStoreSchemaVersion)) {
    return InvalidInput("results store '{}': schema version '{}', this cratio reads version {}",
                        path, version, kStoreSchemaVersion);
  }
  return store;
}

ResultsStore::ResultsStore(ResultsStore&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) {
  o.db_ = nullptr;
}

ResultsStore::~ResultsStore() { sqlite3_close(db_); }

Status ResultsStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) == SQLITE_OK) return Status::Ok();
  const std::string msg = err ? err : "unknown error";
  sqlite3_free(err);
  return IoError("results store '{}': {}", path_, msg);
}

Status ResultsStore::Error(std::string_view what) const {
  return IoError("results store '{}': {}: {}", path_, what, sqlite3_errmsg(db_));
}

Result<int64_t> ResultsStore::Append(const EvalResult& r) {
  const std::string json = RenderJson(r);
  Sha256 h;
  h.Update(json.data(), json.size());
  const std::string digest = h.FinishHex();
  CRATIO_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto fail = [&](Status s) {
    (void)Exec("ROLLBACK");
    return s;
  };
  {
    SqlStatement q(db_, "SELECT run_id FROM runs WHERE result_sha256 = ?1");
    q.Text(1, digest);
    if (q.ok() && q.Step() == SQLITE_ROW) {
      const int64_t id = q.ColInt(0);
      CRATIO_RETURN_IF_ERROR(Exec("COMMIT"));
      return id;
    }
  }
  SqlStatement run(
      db_,
      "INSERT INTO runs (stored_at_utc, result_schema, started_at_utc, base_name, "
      "base_sha256, env_fingerprint, best_variant, num_variants, result_sha256, result_json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!run.ok()) return fail(Error("preparing the run row"));
  run.Text(1, UtcNowIso8601());
  run.Text(2, r.schema);
  run.Text(3, r.run.started_at_utc);
  run.Text(4, r.base.name);
  run.Text(5, r.base.sha256);
  run.Text(6, r.environment.fingerprint);
  run.Text(7, r.verdict.best_variant);
  run.Int(8, static_cast<int64_t>(r.variants.size()));
  run.Text(9, digest);
  run.Text(10, json);
  if (run.Step() != SQLITE_DONE) return fail(Error("appending the run"));
  const int64_t run_id = sqlite3_last_insert_rowid(db_);
  for (const VariantResult& v : r.variants) {
    SqlStatement ins(
        db_,
        "INSERT INTO variants (run_id, name, recipe, sha256, file_bytes, overall_retention, "
        "overall_score, passes_all_constraints) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!ins.ok()) return fail(Error("preparing a variant row"));
    ins.Int(1, run_id);
    ins.Text(2, v.model.name);
    ins.Text(3, v.model.recipe);
    ins.Text(4, v.model.sha256);
    ins.Real(5, v.model.accounting.file_bytes);
    ins.Real(6, v.overall_retention.value);
    ins.Real(7, v.overall_score.value);
    ins.Int(8, v.passes_all_constraints ? 1 : 0);
    if (ins.Step() != SQLITE_DONE) {
      return fail(Error("appending variant '" + v.model.name + "'"));
    }
  }
  CRATIO_RETURN_IF_ERROR(Exec("COMMIT"));
  return run_id;
}

Result<std::vector<StoredRun>> ResultsStore::ListRuns(std::string_view base_sha256) {
  SqlStatement q(
      db_,
      "SELECT run_id, stored_at_utc, started_at_utc, base_name, base_sha256, env_fingerprint, "
      "best_variant, num_variants, result_sha256 FROM runs WHERE ?1 = '' OR base_sha256 = ?1 "
      "ORDER BY run_id");
  if (!q.ok()) return Error("listing runs");
  q.Text(1, base_sha256);
  std::vector<StoredRun> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    out.push_back({q.ColInt(0), q.ColText(1), q.ColText(2), q.ColText(3), q.ColText(4),
                   q.ColText(5), q.ColText(6), q.ColInt(7), q.ColText(8)});
  }
  if (rc != SQLITE_DONE) return Error("listing runs");
  return out;
}

Result<EvalResult> ResultsStore::LoadRun(int64_t run_id) {
  SqlStatement q(db_, "SELECT result_json FROM runs WHERE run_id = ?1");
  if (!q.ok()) return Error("loading a run");
  q.Int(1, run_id);
  if (q.Step() != SQLITE_ROW) {
    return InvalidInput("results store '{}': there is no run {}", path_, run_id);
  }
  return ParseEvalResult(q.ColText(0), path_ + ": run " + std::to_string(run_id));
}

Result<std::vector<StoredVariant>> ResultsStore::VariantHistory(std::string_view base_sha256) {
  SqlStatement q(
      db_,
      "SELECT v.run_id, r.started_at_utc, v.name, v.recipe, v.sha256, v.file_bytes, "
      "v.overall_retention, v.overall_score, v.passes_all_constraints FROM variants v JOIN "
      "runs r ON r.run_id = v.run_id WHERE r.base_sha256 = ?1 ORDER BY v.run_id, v.rowid");
  if (!q.ok()) return Error("reading variant history");
  q.Text(1, base_sha256);
  std::vector<StoredVariant> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    out.push_back({q.ColInt(0), q.ColText(1), q.ColText(2), q.ColText(3), q.ColText(4),
                   q.ColReal(5), q.ColReal(6), q.ColReal(7), q.ColInt(8) != 0});
  }
  if (rc != SQLITE_DONE) return Error("reading variant history");
  return out;
}

Result<std::string> ResultsStore::FindBaseSha256(std::string_view given) {
  std::string prefix(given);
  for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool hex = std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!hex || prefix.size() < 4 || prefix.size() > 64) {
    return InvalidInput(
        "'{}' is not a SHA-256 prefix (expected 4 to 64 hex digits, "
        "found {} characters{})",
        prefix, prefix.size(), hex ? "" : " with a non-hex one");
  }
  SqlStatement q(db_,
                 "SELECT DISTINCT base_sha256 FROM runs WHERE substr(base_sha256, 1, ?2) = ?1 "
                 "ORDER BY base_sha256");
  if (!q.ok()) return Error("finding a base model");
  q.Text(1, prefix);
  q.Int(2, static_cast<int64_t>(prefix.size()));
  std::vector<std::string> found;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) found.push_back(q.ColText(0));
  if (rc != SQLITE_DONE) return Error("finding a base model");
  if (found.empty()) {
    return InvalidInput("results store '{}': no stored run has a base model with SHA-256 {}...",
                        path_, prefix);
  }
  if (found.size() > 1) {
    std::string list;
    for (const std::string& f : found) list += (list.empty() ? "" : ", ") + f;
    return InvalidInput(
        "results store '{}': SHA-256 prefix {} matches {} base models ({}); "
        "give more digits",
        path_, prefix, found.size(), list);
  }
  return found[0];
}

}  // namespace cratio::report
