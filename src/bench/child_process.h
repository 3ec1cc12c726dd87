// Runs a program as a child process with its stdout captured and its own resource usage
// (wait4), so a measurement such as peak resident memory belongs to that child alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace cratio {

struct ChildRun {
  int exit_code = -1;         // 128 + signal when killed
  std::string out;            // stdout
  int64_t max_rss_bytes = 0;  // ru_maxrss of the child (kernel's high-water mark)
};

// Runs argv[0] (a path) with argv; stderr is inherited. IoError when it cannot start.
Result<ChildRun> RunChild(const std::vector<std::string>& argv);

// The path of the running executable (/proc/self/exe), to re-run cratio itself.
Result<std::string> SelfExecutable();

// A field of /proc/self/status in bytes ("VmHWM", "VmRSS"); 0 when absent.
int64_t ProcStatusBytes(const char* field);

}  // namespace cratio
