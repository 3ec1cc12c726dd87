// See dist_run.h.
#include "cli/dist_run.h"

#include <cstdio>
#include <string>

namespace cratio::cli {

Result<std::unique_ptr<dist::Communicator>> ConnectRanks() {
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<dist::Communicator> comm, dist::ConnectWorld());
  if (!comm->is_root() && std::freopen("/dev/null", "w", stdout) == nullptr) {
    return IoError("{}: cannot send stdout to /dev/null", comm->Describe(comm->rank()));
  }
  return comm;
}

int RankThreads(int threads_flag, const dist::Communicator& comm) {
  if (threads_flag > 0 || comm.size() == 1) return threads_flag;
  return comm.DefaultThreads();
}

void PrintRanks(const dist::Communicator& comm) {
  if (comm.size() == 1 || !comm.is_root()) return;
  std::string ranks;
  for (int r = 0; r < comm.size(); ++r) {
    if (!ranks.empty()) ranks += ", ";
    ranks += std::to_string(r) + "@" + comm.host_of(r);
  }
  std::fflush(stdout);
  std::fprintf(stderr, "cratio: %d ranks (%s: %s); times are the slowest rank's\n", comm.size(),
               comm.backend(), ranks.c_str());
}

}  // namespace cratio::cli
