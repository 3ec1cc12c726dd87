// Environment fingerprint (see environment.h).
#include "bench/environment.h"

#include <fmt/format.h>
#include <sys/utsname.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/cpu_features.h"
#include "base/thread_pool.h"
#include "bench/child_process.h"
#include "kernels/kernel_table.h"

namespace cratio {

namespace fs = std::filesystem;

namespace {

std::string FirstLine(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  if (!in || !std::getline(in, s)) return "";
  return s;
}

std::string BuildType() {
#if defined(NDEBUG) && defined(__OPTIMIZE__)
  return "release";
#elif defined(__OPTIMIZE__)
  return "optimized-with-asserts";
#else
  return "debug";
#endif
}

// HEAD of the first git checkout among the executable's ancestors: a "ref: refs/heads/x"
// is resolved through the loose ref or packed-refs.
std::string GitCommit() {
  auto self = SelfExecutable();
  if (!self.ok()) return "unknown";
  for (fs::path dir = fs::path(*self).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    const fs::path git = dir / ".git";
    std::error_code ec;
    if (fs::is_directory(git, ec)) {
      const std::string head = FirstLine(git / "HEAD");
      if (head.rfind("ref: ", 0) != 0) return head.empty() ? "unknown" : head;
      const std::string ref = head.substr(5);
      if (std::string loose = FirstLine(git / ref); !loose.empty()) return loose;
      std::ifstream packed(git / "packed-refs");
      std::string line;
      while (std::getline(packed, line)) {
        const size_t sp = line.find(' ');
        if (sp != std::string::npos && line.substr(sp + 1) == ref) return line.substr(0, sp);
      }
      return "unknown";
    }
    if (dir == dir.root_path()) break;
  }
  return "unknown";
}

}  // namespace

BenchEnvironment CollectEnvironment(int threads) {
  BenchEnvironment e;
  const CpuFeatures& cpu = GetCpuFeatures();
  e.cpu_model = cpu.model_name;
  e.cpu_features = cpu.ToString();
  e.kernel_isa = std::string(IsaName(GetKernelTable().isa));
  e.threads = threads;
  e.logical_cores = NumLogicalCores();
  e.cpu_governor = FirstLine("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  if (e.cpu_governor.empty()) e.cpu_governor = "unknown";
  struct utsname u {};
  e.kernel_release = ::uname(&u) == 0 ? fmt::format("{} {}", u.sysname, u.release) : "unknown";
  std::istringstream load(FirstLine("/proc/loadavg"));
  std::string a, b, c;
  load >> a >> b >> c;
  e.load_average = a.empty() ? "unknown" : fmt::format("{} {} {}", a, b, c);
  e.build_type = BuildType();
  e.compiler = __VERSION__;
  e.git_commit = GitCommit();
  return e;
}

}  // namespace cratio
