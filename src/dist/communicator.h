// The communicator of a distributed run: which rank this process is, how many there
// are, on which hosts, and the one collective the commands need — every rank's result
// gathered to rank 0. Two implementations: MPI (mpi_communicator.cc, built when CMake
// found MPI) and a single process (no MPI call at all), used whenever the process was
// not started by an MPI launcher, so a plain `cratio` run never initializes MPI.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace cratio::dist {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual std::string host_of(int rank) const = 0;  // host name, as the rank reported it
  virtual const char* backend() const = 0;           // "mpi" or "single process"
  // Every rank calls this once per gather, with its own outcome. Rank 0 receives every
  // rank's bytes in rank order (its own first). When a rank's outcome is an error, rank 0
  // gets the error of the lowest such rank, naming it and its host; rank 0 still receives
  // from every rank first, so no peer is left blocked. Other ranks get an empty vector,
  // or their own error.
  virtual Result<std::vector<std::string>> GatherToRoot(Result<std::string> local) = 0;
  virtual Status Barrier() = 0;
  // Ends every rank of the run: prints `message` (naming this rank and host) on stderr
  // and exits with `exit_code` (through the launcher under MPI).
  [[noreturn]] virtual void Abort(const std::string& message, int exit_code) = 0;
  // Threads a rank uses when the user gave none: the CPUs the launcher bound it to, or
  // the host's cores shared evenly between the ranks on that host.
  virtual int DefaultThreads() const = 0;

  bool is_root() const { return rank() == 0; }
  std::string host() const { return host_of(rank()); }
  // "rank 1 (host node7)"
  std::string Describe(int rank) const;
};

// How the process was started, from the launcher's environment variables.
struct LauncherEnv {
  bool launched = false;  // a launcher variable is set
  int size = 0;           // ranks it announced; 0: unknown (PMIx alone)
  int rank = 0;
  std::string variable;   // the variable that told us ("OMPI_COMM_WORLD_SIZE=2")
};
// Reads OMPI_COMM_WORLD_SIZE/RANK (Open MPI), PMI_SIZE/RANK (MPICH, Intel MPI),
// SLURM_STEP_NUM_TASKS/SLURM_PROCID (srun) and PMIX_RANK (any PMIx launcher). `get_env`
// is std::getenv unless a test passes its own.
LauncherEnv DetectLauncher(const std::function<const char*(const char*)>& get_env = nullptr);

// Whether this binary was built with MPI (CMake option CRATIO_MPI).
bool BuiltWithMpi();

// The communicator for this process: MPI when a launcher started more than one rank
// (initializing MPI; it is finalized when the communicator is destroyed — one per
// process), else a single-process one. InvalidInput when a launcher started several ranks
// but this binary has no MPI (each would run the whole job alone).
Result<std::unique_ptr<Communicator>> ConnectWorld();

// The single-process communicator (also what tests use).
std::unique_ptr<Communicator> MakeSingleProcessCommunicator();

// This host's name (gethostname), "unknown-host" if it has none.
std::string LocalHostName();

// CPUs this process may run on (sched_getaffinity), at least 1.
int AffinityCpuCount();

}  // namespace cratio::dist
