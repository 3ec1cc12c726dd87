// Checkpoints of an unfinished `cratio eval`, kept in the results store's SQLite file
// (table `checkpoints`): each finished unit of work — a block of scored items, one
// variant's perplexity or benchmark — is committed as soon as it is done, keyed by the
// run's plan fingerprint and the unit's name. A killed eval run again with the same plan
// reads its finished units back instead of redoing them; a finished eval drops them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3;

namespace cratio::report {

class CheckpointStore {
 public:
  // Opens (creating if needed) the table in the database at `path`. Open the
  // ResultsStore first: it checks that the file is a cratio store.
  static Result<CheckpointStore> Open(const std::string& path);
  CheckpointStore(CheckpointStore&& o) noexcept;
  CheckpointStore& operator=(CheckpointStore&&) = delete;
  CheckpointStore(const CheckpointStore&) = delete;
  ~CheckpointStore();

  // Stores one unit durably (its own transaction); replaces an earlier value.
  Status Put(std::string_view plan, std::string_view unit, std::string_view value);
  // The unit's stored value, or nullopt when it was not finished.
  Result<std::optional<std::string>> Get(std::string_view plan, std::string_view unit);
  // Units stored for `plan`.
  Result<int64_t> Count(std::string_view plan);
  // Removes every unit of `plan`.
  Status Drop(std::string_view plan);

 private:
  CheckpointStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(std::string_view what) const;

  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace cratio::report
