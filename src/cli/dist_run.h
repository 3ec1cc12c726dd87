// What the commands that split work across ranks (score, perplexity) share: connecting,
// keeping stdout to rank 0, per-rank threads, and the note naming the ranks used.
#pragma once

#include <memory>

#include "base/status.h"
#include "dist/communicator.h"

namespace cratio::cli {

// dist::ConnectWorld(); on ranks other than 0, stdout then goes to /dev/null, so only
// rank 0 prints results (errors still reach stderr from every rank).
Result<std::unique_ptr<dist::Communicator>> ConnectRanks();

// -t as given, or (0) the rank's default: the CPUs the launcher bound it to, or the
// host's cores shared between its ranks. 0 in a single process (one per core).
int RankThreads(int threads_flag, const dist::Communicator& comm);

// Rank 0 of a distributed run: one stderr line naming the ranks and their hosts.
void PrintRanks(const dist::Communicator& comm);

}  // namespace cratio::cli
