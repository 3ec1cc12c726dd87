// Runs the cratio binary with arguments and captures stdout, stderr and the exit code, for
// end-to-end tests of the command line.
#pragma once

#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "testing/test_data.h"

extern char** environ;

namespace cratio::testing {

struct CliResult {
  int exit_code = -1;  // -1: could not start; 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `argv_storage[0] argv_storage[1...]` (found on PATH) with stdout / stderr
// redirected to files in a private temp directory (pipes could fill up and deadlock on
// large output).
inline CliResult RunProgram(std::vector<std::string> argv_storage) {
  static int counter = 0;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("cratio_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  const std::string out_path = (dir / "stdout").string();
  const std::string err_path = (dir / "stderr").string();

  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  CliResult result;
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == 0) {
    int status = 0;
    if (waitpid(pid, &status, 0) == pid) {
      if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
    }
  } else {
    result.err = "could not start " + argv_storage[0];
  }
  result.out = ReadWholeFile(out_path);
  if (rc == 0) result.err = ReadWholeFile(err_path);
  std::filesystem::remove_all(dir);
  return result;
}

// Sets an environment variable for the object's lifetime (programs started meanwhile,
// mpirun's ranks included, inherit it); the previous value, or its absence, comes back.
class ScopedEnvVar {
 public:
  ScopedEnvVar(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnvVar() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnvVar(const ScopedEnvVar&) = delete;
  ScopedEnvVar& operator=(const ScopedEnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Runs `CratioBin() args...` (see RunProgram).
inline CliResult RunCli(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {CratioBin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(std::move(argv));
}

// "exit N, stdout: ..., stderr: ..." for assertion messages.
inline std::string Describe(const CliResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out + "\n--- stderr:\n" +
         r.err;
}

}  // namespace cratio::testing
