#include "report/sqlite_statement.h"

#include <cmath>
#include <limits>

namespace cratio::report {

void SqlStatement::Real(int i, double v) {
  if (!ok_) return;
  ok_ = (std::isfinite(v) ? sqlite3_bind_double(s_, i, v) : sqlite3_bind_null(s_, i)) == SQLITE_OK;
}

std::string SqlStatement::ColText(int i) {
  const unsigned char* t = sqlite3_column_text(s_, i);
  return t ? std::string(reinterpret_cast<const char*>(t),
                         static_cast<size_t>(sqlite3_column_bytes(s_, i)))
           : std::string();
}

double SqlStatement::ColReal(int i) {
  return sqlite3_column_type(s_, i) == SQLITE_NULL ? std::numeric_limits<double>::quiet_NaN()
                                                   : sqlite3_column_double(s_, i);
}

Result<sqlite3*> OpenSqlite(const std::string& path, int flags, std::string_view purpose) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return IoError("results store '{}': cannot open{}: {}", path, purpose, msg);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

}  // namespace cratio::report
