// Checkpoint table in the results store's database.
#include "report/checkpoint_store.h"

#include <sqlite3.h>

#include <utility>

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

// A prepared statement with text parameters bound in order, finalized on scope exit.
class Query {
 public:
  Query(sqlite3* db, const char* sql, std::initializer_list<std::string_view> params) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK;
    int i = 1;
    for (std::string_view p : params) {
      if (ok_) ok_ = sqlite3_bind_text(s_, i++, p.data(), static_cast<int>(p.size()),
                                       SQLITE_TRANSIENT) == SQLITE_OK;
    }
  }
  ~Query() { sqlite3_finalize(s_); }
  Query(const Query&) = delete;
  // SQLITE_ROW, SQLITE_DONE or an error code (also when preparing failed).
  int Step() { return ok_ ? sqlite3_step(s_) : SQLITE_ERROR; }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  int64_t Int(int col) { return sqlite3_column_int64(s_, col); }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

}  // namespace

Result<CheckpointStore> CheckpointStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return IoError("results store '{}': cannot open for checkpoints: {}", path, msg);
  }
  CheckpointStore store(db, path);
  sqlite3_busy_timeout(db, 5000);
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
  Query q(db_, "INSERT OR REPLACE INTO checkpoints (plan, unit, value) VALUES (?1, ?2, ?3)",
          {plan, unit, value});
  if (q.Step() != SQLITE_DONE) return Error(fmt::format("storing checkpoint '{}'", unit));
  return Status::Ok();
}

Result<std::optional<std::string>> CheckpointStore::Get(std::string_view plan,
                                                        std::string_view unit) {
  Query q(db_, "SELECT value FROM checkpoints WHERE plan = ?1 AND unit = ?2", {plan, unit});
  const int rc = q.Step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(q.Text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return Error(fmt::format("reading checkpoint '{}'", unit));
}

Result<int64_t> CheckpointStore::Count(std::string_view plan) {
  Query q(db_, "SELECT COUNT(*) FROM checkpoints WHERE plan = ?1", {plan});
  if (q.Step() != SQLITE_ROW) return Error("counting checkpoints");
  return q.Int(0);
}

Status CheckpointStore::Drop(std::string_view plan) {
  Query q(db_, "DELETE FROM checkpoints WHERE plan = ?1", {plan});
  if (q.Step() != SQLITE_DONE) return Error("dropping checkpoints");
  return Status::Ok();
}

}  // namespace cratio::report
