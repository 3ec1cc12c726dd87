// The results store's SQLite helpers, shared by its tables (results_store.cc, checkpoint
// tables in checkpoint_store.cc): a prepared statement finalized on scope exit, and
// opening a database file with the store's busy timeout.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cratio::report {

class SqlStatement {
 public:
  SqlStatement(sqlite3* db, const char* sql) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK;
  }
  // Prepared with text parameters bound to ?1, ?2, ... in order.
  SqlStatement(sqlite3* db, const char* sql, std::initializer_list<std::string_view> params)
      : SqlStatement(db, sql) {
    int i = 1;
    for (std::string_view p : params) Text(i++, p);
  }
  ~SqlStatement() { sqlite3_finalize(s_); }
  SqlStatement(const SqlStatement&) = delete;
  SqlStatement& operator=(const SqlStatement&) = delete;

  // False once preparing or a bind failed; Step() then returns SQLITE_ERROR.
  bool ok() const { return ok_; }
  void Text(int i, std::string_view v) {
    if (ok_) {
      ok_ = sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) ==
            SQLITE_OK;
    }
  }
  void Int(int i, int64_t v) {
    if (ok_) ok_ = sqlite3_bind_int64(s_, i, v) == SQLITE_OK;
  }
  // NaN and infinities are stored as NULL.
  void Real(int i, double v);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return ok_ ? sqlite3_step(s_) : SQLITE_ERROR; }
  std::string ColText(int i);
  int64_t ColInt(int i) { return sqlite3_column_int64(s_, i); }
  // NULL reads as NaN.
  double ColReal(int i);

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

// Opens `path` with sqlite3_open_v2 `flags` and a 5 s busy timeout; IoError naming the file
// and `purpose` when that fails. The caller owns the handle.
Result<sqlite3*> OpenSqlite(const std::string& path, int flags, std::string_view purpose);

}  // namespace cratio::report
