// One benchmark per host under MPI, gathered to rank 0.
#include "cli/bench_hosts.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dist/communicator.h"

namespace cratio::cli {
namespace {

// What `fn` prints on stdout, captured through a temporary file (fd 1 redirected, so
// printf and fputs both land there).
Result<std::string> CaptureStdout(const std::function<Status()>& fn) {
  std::fflush(stdout);
  char path[] = "/tmp/cratio-bench-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return IoError("bench: cannot create a temporary file to capture the result");
  unlink(path);
  const int saved = dup(1);
  if (saved < 0 || dup2(fd, 1) < 0) {
    close(fd);
    return IoError("bench: cannot redirect stdout");
  }
  const Status s = fn();
  std::fflush(stdout);
  dup2(saved, 1);
  close(saved);
  std::string text;
  if (lseek(fd, 0, SEEK_SET) == 0) {
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (!s.ok()) return s;
  return text;
}

}  // namespace

Status RunBenchPerHost(const std::function<Status()>& bench, bool json) {
  const dist::LauncherEnv env = dist::DetectLauncher();
  if (!env.launched || env.size == 1) return bench();
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<dist::Communicator> comm, dist::ConnectWorld());
  if (comm->size() == 1) return bench();
  const int rank = comm->rank();
  bool leader = true;  // the lowest rank on this host
  for (int r = 0; r < rank; ++r) leader = leader && comm->host_of(r) != comm->host();
  Result<std::string> mine = leader ? CaptureStdout(bench) : Result<std::string>(std::string());
  CRATIO_ASSIGN_OR_RETURN(const std::vector<std::string> all, comm->GatherToRoot(std::move(mine)));
  if (!comm->is_root()) return Status::Ok();
  nlohmann::ordered_json hosts = nlohmann::ordered_json::array();
  std::string text;
  for (int r = 0; r < comm->size(); ++r) {
    if (all[r].empty()) continue;  // not the first rank on its host
    if (json) {
      nlohmann::ordered_json h;
      h["host"] = comm->host_of(r);
      h["rank"] = r;
      h["result"] = nlohmann::ordered_json::parse(all[r], nullptr, false);
      hosts.push_back(std::move(h));
    } else {
      text += fmt::format("== host {} (rank {}) ==\n{}\n", comm->host_of(r), r, all[r]);
    }
  }
  if (json) {
    nlohmann::ordered_json j;
    j["schema"] = "cratio.bench.hosts/1";
    j["note"] = "one benchmark per host, never pooled across hosts";
    j["hosts"] = std::move(hosts);
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fputs(text.c_str(), stdout);
  }
  return Status::Ok();
}

}  // namespace cratio::cli
