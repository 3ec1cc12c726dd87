// Checkpoint table in the results store's database.
#include "report/checkpoint_store.h"

#include <sqlite3.h>

#include <utility>

#include "report/sqlite_statement.h"

namespace cratio::report {
namespace {

constexpr const char* kTableSql = R"(
CREATE TABLE IF NOT EXISTS checkpoints (
  plan TEXT NOT NULL,
  unit TEXT NOT NULL,
  value TEXT NOT NULL,
  stored_at_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (plan, unit));
)";

}  // namespace

Result<CheckpointStore> CheckpointStore::Open(const std::string& path) {
  CRATIO_ASSIGN_OR_RETURN(
      sqlite3* const db,
      OpenSqlite(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, " for checkpoints"));
  CheckpointStore store(db, path);
  if (sqlite3_exec(db, kTableSql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return store.Error("creating the checkpoints table");
  }
  return store;
}

CheckpointStore::CheckpointStore(CheckpointStore&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)), path_(std::move(o.path_)) {}

CheckpointStore::~CheckpointStore() {
  if (db_) sqlite3_close(db_);
}

Status CheckpointStore::Error(std::string_view what) const {
  return IoError("results store '{}': {}: {}", path_, what, sqlite3_errmsg(db_));
}

Status CheckpointStore::Put(std::string_view plan, std::string_view unit, std::string_view value) {
  SqlStatement q(db_, "INSERT OR REPLACE INTO checkpoints (plan, unit, value) VALUES (?1, ?2, ?3)",
                 {plan, unit, value});
  if (q.Step() != SQLITE_DONE) return Error(fmt::format("storing checkpoint '{}'", unit));
  return Status::Ok();
}

Result<std::optional<std::string>> CheckpointStore::Get(std::string_view plan,
                                                        std::string_view unit) {
  SqlStatement q(db_, "SELECT value FROM checkpoints WHERE plan = ?1 AND unit = ?2", {plan, unit});
  const int rc = q.Step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(q.ColText(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return Error(fmt::format("reading checkpoint '{}'", unit));
}

Result<int64_t> CheckpointStore::Count(std::string_view plan) {
  SqlStatement q(db_, "SELECT COUNT(*) FROM checkpoints WHERE plan = ?1", {plan});
  if (q.Step() != SQLITE_ROW) return Error("counting checkpoints");
  return q.ColInt(0);
}

Status CheckpointStore::Drop(std::string_view plan) {
  SqlStatement q(db_, "DELETE FROM checkpoints WHERE plan = ?1", {plan});
  if (q.Step() != SQLITE_DONE) return Error("dropping checkpoints");
  return Status::Ok();
}

}  // namespace cratio::report
