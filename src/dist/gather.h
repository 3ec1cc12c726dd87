// Gathering each rank's share of a command's work to rank 0, with the test hooks the
// end-to-end tests use to make one rank fail or die (docs/SCALING.md).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "dist/communicator.h"

namespace cratio::dist {

// comm.GatherToRoot(local), each message wrapped with the rank's kernel ISA: rank 0 warns
// on stderr when the ranks ran different kernels (their float sums differ in the last
// digits, so the run is not bit-identical to one process; docs/SCALING.md). Test hooks:
//   CRATIO_DIST_TEST_FAIL_RANK=R  rank R reports an error instead of its result;
//   CRATIO_DIST_TEST_KILL_RANK=R  rank R kills itself (SIGKILL) instead of sending;
//   CRATIO_DIST_TEST_HANG_RANK=R  rank R sleeps instead of sending (until it is killed).
Result<std::vector<std::string>> GatherShards(Communicator& comm, Result<std::string> local);

}  // namespace cratio::dist
