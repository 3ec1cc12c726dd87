// Running `cratio` under mpirun for the scale-out tests (tests/mpi_*_test.cc): finding
// mpirun, and the flags CI needs (root, more ranks than cores on one machine).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "testing/run_cli.h"

namespace cratio::testing {

// mpirun's path on PATH, or "" when there is none.
inline std::string FindMpirun() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/mpirun";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// mpirun and the flags every test run needs: root allowed, more ranks than cores, and
// --timeout to stop a hung job instead of the test.
inline std::vector<std::string> MpirunCommand() {
  // Containers often forbid the cross-process memory reads Open MPI's shared-memory
  // transport tries first (CMA); copying through shared memory works everywhere.
  setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", /*overwrite=*/0);
  return {FindMpirun(), "--allow-run-as-root", "--oversubscribe", "--timeout", "300"};
}

// `mpirun -np N cratio args...`.
inline CliResult RunMpi(int num_ranks, const std::vector<std::string>& args) {
  std::vector<std::string> argv = MpirunCommand();
  for (const std::string& a : {std::string("-np"), std::to_string(num_ranks), CratioBin()}) {
    argv.push_back(a);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(std::move(argv));
}

// This machine's host name, as ranks name it in messages.
inline std::string HostName() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

}  // namespace cratio::testing

// Skips the test when mpirun is not installed (scripts/setup.sh installs it, so CI runs it).
#define CRATIO_REQUIRE_MPIRUN()                                                   \
  do {                                                                            \
    if (::cratio::testing::FindMpirun().empty()) {                                \
      GTEST_SKIP() << "mpirun not found on PATH (install openmpi-bin: scripts/setup.sh)"; \
    }                                                                             \
  } while (0)
