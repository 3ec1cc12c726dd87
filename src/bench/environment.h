// The environment fingerprint recorded with every bench result: CPU, ISA in use, cores
// and threads, frequency governor, kernel, load average, build and the git commit of the
// checkout holding the binary — whatever is readable, "unknown" otherwise.
#pragma once

#include <string>

namespace cratio {

struct BenchEnvironment {
  std::string cpu_model;
  std::string cpu_features;
  std::string kernel_isa;
  int threads = 0;
  int logical_cores = 0;
  std::string cpu_governor;    // scaling_governor of cpu0, or "unknown"
  std::string kernel_release;  // uname -r
  std::string load_average;    // first three fields of /proc/loadavg
  std::string build_type;
  std::string compiler;
  std::string git_commit;  // HEAD of the checkout above the executable, or "unknown"
};

BenchEnvironment CollectEnvironment(int threads);

}  // namespace cratio
