// See gather.h.
#include "dist/gather.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace cratio::dist {
namespace {

bool HookNamesRank(const char* variable, int rank) {
  const char* v = std::getenv(variable);
  return v != nullptr && *v != '\0' && std::string(v) == std::to_string(rank);
}

}  // namespace

Result<std::vector<std::string>> GatherShards(Communicator& comm, Result<std::string> local) {
  if (comm.size() > 1 && HookNamesRank("CRATIO_DIST_TEST_KILL_RANK", comm.rank())) {
    std::fflush(stdout);
    std::raise(SIGKILL);
  }
  if (comm.size() > 1 && HookNamesRank("CRATIO_DIST_TEST_FAIL_RANK", comm.rank())) {
    local = InternalError("failing on purpose (CRATIO_DIST_TEST_FAIL_RANK={})", comm.rank());
  }
  return comm.GatherToRoot(std::move(local));
}

}  // namespace cratio::dist
