// The launcher detection, the single-process communicator and ConnectWorld.
#include "dist/communicator.h"

#include <fmt/format.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "dist/mpi_communicator.h"

namespace cratio::dist {

std::string Communicator::Describe(int r) const {
  return fmt::format("rank {} (host {})", r, host_of(r));
}

std::string LocalHostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown-host";
  return name;
}

int AffinityCpuCount() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

namespace {

// A non-negative integer, or -1.
int ParseCount(const char* s) {
  if (s == nullptr || *s == '\0') return -1;
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (*end != '\0' || v < 0 || v > (1 << 24)) return -1;
  return static_cast<int>(v);
}

class SingleProcessCommunicator final : public Communicator {
 public:
  SingleProcessCommunicator() : host_(LocalHostName()) {}
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::string host_of(int) const override { return host_; }
  const char* backend() const override { return "single process"; }
  Result<std::vector<std::string>> GatherToRoot(Result<std::string> local) override {
    if (!local.ok()) return local.status();
    return std::vector<std::string>{std::move(local).value()};
  }
  Status Barrier() override { return Status::Ok(); }
  [[noreturn]] void Abort(const std::string& message, int exit_code) override {
    std::fflush(stdout);
    std::fprintf(stderr, "cratio: error: %s\n", message.c_str());
    std::exit(exit_code);
  }
  int DefaultThreads() const override { return 0; }  // the pool's own default

 private:
  std::string host_;
};

}  // namespace

LauncherEnv DetectLauncher(const std::function<const char*(const char*)>& get_env) {
  auto env = [&](const char* name) -> const char* {
    return get_env ? get_env(name) : std::getenv(name);
  };
  struct Pair {
    const char* size;
    const char* rank;
  };
  static constexpr Pair kPairs[] = {{"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"},
                                    {"PMI_SIZE", "PMI_RANK"},
                                    {"SLURM_STEP_NUM_TASKS", "SLURM_PROCID"}};
  LauncherEnv out;
  for (const Pair& p : kPairs) {
    const int size = ParseCount(env(p.size));
    if (size < 1) continue;
    out.launched = true;
    out.size = size;
    out.rank = std::max(0, ParseCount(env(p.rank)));
    out.variable = fmt::format("{}={}", p.size, size);
    return out;
  }
  if (const char* r = env("PMIX_RANK"); r != nullptr && *r != '\0') {
    out.launched = true;
    out.rank = std::max(0, ParseCount(r));
    out.variable = fmt::format("PMIX_RANK={}", r);
  }
  return out;
}

bool BuiltWithMpi() { return MpiAvailable(); }

std::unique_ptr<Communicator> MakeSingleProcessCommunicator() {
  return std::make_unique<SingleProcessCommunicator>();
}

Result<std::unique_ptr<Communicator>> ConnectWorld() {
  const LauncherEnv launcher = DetectLauncher();
  // One rank (or none announced by a size variable): nothing to split, and no MPI call,
  // so `srun -n 1 cratio` and `mpirun -np 1 cratio` behave as a plain run.
  if (!launcher.launched || launcher.size == 1) return MakeSingleProcessCommunicator();
  if (!BuiltWithMpi()) {
    return InvalidInput(
        "this cratio was built without MPI (CMake CRATIO_MPI=OFF, or MPI not found) but a "
        "launcher started it as rank {} of {} ({}): every rank would run the whole job alone. "
        "Rebuild with MPI (docs/SCALING.md) or run it without mpirun / srun",
        launcher.rank, launcher.size > 0 ? fmt::format("{}", launcher.size) : "?",
        launcher.variable);
  }
  return ConnectMpi();
}

}  // namespace cratio::dist
