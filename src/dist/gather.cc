// See gather.h.
#include "dist/gather.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "dist/wire.h"
#include "kernels/kernel_table.h"

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
  if (comm.size() > 1 && HookNamesRank("CRATIO_DIST_TEST_HANG_RANK", comm.rank())) {
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (comm.size() > 1 && HookNamesRank("CRATIO_DIST_TEST_FAIL_RANK", comm.rank())) {
    local = InternalError("failing on purpose (CRATIO_DIST_TEST_FAIL_RANK={})", comm.rank());
  }
  if (local.ok()) {
    WireWriter w;
    w.Str(IsaName(GetKernelTable().isa));
    w.Str(local.value());
    local = w.Take();
  }
  CRATIO_ASSIGN_OR_RETURN(std::vector<std::string> messages,
                          comm.GatherToRoot(std::move(local)));
  std::string isas;
  bool mixed = false;
  for (size_t r = 0; r < messages.size(); ++r) {
    WireReader reader(messages[r], "the message of " + comm.Describe(static_cast<int>(r)));
    const std::string isa = reader.Str();
    std::string payload = reader.Str();
    CRATIO_RETURN_IF_ERROR(reader.Finish());
    if (r > 0 && isas.find(" " + isa + ",") == std::string::npos) mixed = true;
    isas += " " + isa + ",";
    messages[r] = std::move(payload);
  }
  if (mixed) {
    isas.pop_back();
    std::fflush(stdout);
    std::fprintf(stderr,
                 "cratio: warning: the ranks ran different kernels (by rank:%s); the numbers "
                 "may differ from one process's in the last digits — set CRATIO_ISA to one ISA "
                 "for all ranks\n",
                 isas.c_str());
  }
  return messages;
}

}  // namespace cratio::dist
