// Where the SQLite results store lives when no --db is given: $CRATIO_DB, else
// $XDG_CACHE_HOME/cratio/results.db, else $HOME/.cache/cratio/results.db.
#pragma once

#include <string>

#include "base/status.h"

namespace cratio::report {

// The default results-store path from the environment (read at each call). Empty
// variables count as unset; "results.db" in the current directory when none is set.
std::string DefaultResultsDbPath();

// Creates the directory that will hold `path` (and its parents) before the store is
// opened for writing; IoError naming the directory when that fails. Readers never call
// it, so looking at a store never creates one.
Status CreateParentDirectories(const std::string& path);

}  // namespace cratio::report
