// MPI implementation of Communicator. Waits poll with short sleeps instead of blocking in
// MPI: Open MPI's blocking calls spin a core, and a rank that finished early must not take
// CPU from a rank still computing on the same host.
#include "dist/mpi_communicator.h"

#if CRATIO_HAVE_MPI
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <fmt/format.h>
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "base/timer.h"
#endif

namespace cratio::dist {

#if !CRATIO_HAVE_MPI

bool MpiAvailable() { return false; }

Result<std::unique_ptr<Communicator>> ConnectMpi() {
  return InternalError("this cratio was built without MPI");
}

#else

bool MpiAvailable() { return true; }

namespace {

constexpr int kHeaderTag = 7301;
constexpr int kPayloadTag = 7302;
constexpr int64_t kMaxPieceBytes = int64_t{1} << 28;  // MPI counts are int
constexpr int kMaxHostBytes = 256;

// What rank 0 prints when the launcher stops it (SIGTERM / SIGINT): Open MPI terminates
// the surviving ranks when one dies. Written before each wait, read by the handler.
char g_stop_message[1024];
std::atomic<size_t> g_stop_message_len{0};

void OnStopSignal(int sig) {
  const size_t n = g_stop_message_len.load();
  if (n > 0) {
    ssize_t ignored = write(STDERR_FILENO, g_stop_message, n);
    (void)ignored;
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

template <typename... Args>
void SetStopMessage(fmt::format_string<Args...> f, Args&&... args) {
  g_stop_message_len.store(0);
  auto r = fmt::format_to_n(g_stop_message, sizeof g_stop_message - 2, f,
                            std::forward<Args>(args)...);
  const size_t n = std::min(r.size, sizeof g_stop_message - 2);
  g_stop_message[n] = '\n';
  g_stop_message_len.store(n + 1);
}

std::string MpiError(int code) {
  char buf[MPI_MAX_ERROR_STRING] = {};
  int len = 0;
  if (MPI_Error_string(code, buf, &len) != MPI_SUCCESS) return fmt::format("MPI error {}", code);
  return std::string(buf, len);
}

// Seconds rank 0 waits for a peer's result once its own share is done; 0: no limit.
double TimeoutSeconds() {
  const char* s = std::getenv("CRATIO_DIST_TIMEOUT_S");
  if (s == nullptr || *s == '\0') return 0;
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  return (*end == '\0' && v > 0) ? v : 0;
}

void Nap() { std::this_thread::sleep_for(std::chrono::milliseconds(1)); }

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator(int rank, int size, std::vector<std::string> hosts, int local_size)
      : rank_(rank), size_(size), hosts_(std::move(hosts)), local_size_(local_size) {}
  ~MpiCommunicator() override {
    if (rank_ == 0) {
      std::signal(SIGTERM, SIG_DFL);
      std::signal(SIGINT, SIG_DFL);
    }
    MPI_Finalize();
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string host_of(int r) const override {
    return r >= 0 && r < size_ ? hosts_[r] : std::string("?");
  }
  const char* backend() const override { return "mpi"; }
  int DefaultThreads() const override {
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int bound = AffinityCpuCount();
    if (bound < hw) return bound;  // the launcher bound this rank to these CPUs
    return std::max(1, hw / std::max(1, local_size_));
  }

  Result<std::vector<std::string>> GatherToRoot(Result<std::string> local) override {
    if (rank_ != 0) {
      Status sent = SendToRoot(local);
      if (!sent.ok()) return sent;
      return std::vector<std::string>{};  // a local error now belongs to rank 0's report
    }
    std::vector<std::string> out;
    Status first_error;
    if (local.ok()) {
      out.push_back(std::move(local).value());
    } else {
      first_error = local.status().WithPrefix(Describe(0));
    }
    const double timeout_s = TimeoutSeconds();
    for (int r = 1; r < size_; ++r) {
      SetStopMessage(
          "cratio: error: {} was stopped by the launcher while waiting for the result of {}{}: "
          "a rank died or was killed (the launcher's message names it)",
          Describe(0), Describe(r), r + 1 < size_ ? " and later ranks" : "");
      auto got = ReceiveFrom(r, timeout_s);
      if (!got.ok()) {
        if (first_error.ok()) first_error = got.status();
        continue;
      }
      out.push_back(std::move(got).value());
    }
    SetStopMessage("cratio: error: {} was stopped by the launcher", Describe(0));
    if (!first_error.ok()) return first_error;
    return out;
  }

  Status Barrier() override {
    MPI_Request req;
    const int rc = MPI_Ibarrier(MPI_COMM_WORLD, &req);
    if (rc != MPI_SUCCESS) return InternalError("{}: MPI_Ibarrier: {}", Describe(rank_), MpiError(rc));
    return Wait(&req, "barrier", -1, 0);
  }

  [[noreturn]] void Abort(const std::string& message, int exit_code) override {
    std::fflush(stdout);
    std::fprintf(stderr, "cratio: error: %s: %s\n", Describe(rank_).c_str(), message.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);  // MPI_Abort does not return; this is for the compiler
  }

 private:
  // Polls `req` to completion. timeout_s > 0: gives up after that long (the request is
  // left pending; the caller aborts the run).
  Status Wait(MPI_Request* req, const char* what, int peer, double timeout_s) {
    const Stopwatch clock;
    for (int spins = 0;; ++spins) {
      int done = 0;
      const int rc = MPI_Test(req, &done, MPI_STATUS_IGNORE);
      if (rc != MPI_SUCCESS) {
        return InternalError("{}: {} {}: {}", Describe(rank_), what,
                             peer >= 0 ? Describe(peer) : std::string("all ranks"), MpiError(rc));
      }
      if (done) return Status::Ok();
      if (timeout_s > 0 && clock.ElapsedS() > timeout_s) {
        return InternalError("{}: no {} from {} within {} s (CRATIO_DIST_TIMEOUT_S)",
                             Describe(rank_), what, Describe(peer), timeout_s);
      }
      if (spins > 100) Nap();
    }
  }

  Status SendToRoot(const Result<std::string>& local) {
    const std::string& bytes = local.ok() ? local.value() : local.status().message();
    int64_t header[2] = {local.ok() ? 0 : static_cast<int64_t>(local.status().code()),
                         static_cast<int64_t>(bytes.size())};
    MPI_Request req;
    int rc = MPI_Isend(header, 2, MPI_INT64_T, 0, kHeaderTag, MPI_COMM_WORLD, &req);
    if (rc != MPI_SUCCESS) return InternalError("{}: sending to rank 0: {}", Describe(rank_), MpiError(rc));
    CRATIO_RETURN_IF_ERROR(Wait(&req, "sending the result to", 0, 0));
    for (int64_t off = 0; off < static_cast<int64_t>(bytes.size()); off += kMaxPieceBytes) {
      const int n = static_cast<int>(std::min<int64_t>(kMaxPieceBytes, bytes.size() - off));
      rc = MPI_Isend(bytes.data() + off, n, MPI_BYTE, 0, kPayloadTag, MPI_COMM_WORLD, &req);
      if (rc != MPI_SUCCESS) return InternalError("{}: sending to rank 0: {}", Describe(rank_), MpiError(rc));
      CRATIO_RETURN_IF_ERROR(Wait(&req, "sending the result to", 0, 0));
    }
    return Status::Ok();
  }

  Result<std::string> ReceiveFrom(int peer, double timeout_s) {
    // Wait for the header without a blocking receive (it would spin a core).
    const Stopwatch clock;
    for (int spins = 0;; ++spins) {
      int ready = 0;
      const int rc = MPI_Iprobe(peer, kHeaderTag, MPI_COMM_WORLD, &ready, MPI_STATUS_IGNORE);
      if (rc != MPI_SUCCESS) {
        return InternalError("{}: waiting for {}: {}", Describe(0), Describe(peer), MpiError(rc));
      }
      if (ready) break;
      if (timeout_s > 0 && clock.ElapsedS() > timeout_s) {
        Abort(fmt::format("{} sent no result within {} s of rank 0 finishing its share "
                          "(CRATIO_DIST_TIMEOUT_S); stopping the run",
                          Describe(peer), timeout_s),
              1);
      }
      if (spins > 100) Nap();
    }
    int64_t header[2] = {0, 0};
    int rc = MPI_Recv(header, 2, MPI_INT64_T, peer, kHeaderTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) {
      return InternalError("{}: receiving from {}: {}", Describe(0), Describe(peer), MpiError(rc));
    }
    if (header[1] < 0) {
      return InternalError("{}: {} announced {} bytes", Describe(0), Describe(peer), header[1]);
    }
    std::string bytes(static_cast<size_t>(header[1]), '\0');
    for (int64_t off = 0; off < header[1]; off += kMaxPieceBytes) {
      const int n = static_cast<int>(std::min<int64_t>(kMaxPieceBytes, header[1] - off));
      MPI_Request req;
      rc = MPI_Irecv(bytes.data() + off, n, MPI_BYTE, peer, kPayloadTag, MPI_COMM_WORLD, &req);
      if (rc != MPI_SUCCESS) {
        return InternalError("{}: receiving from {}: {}", Describe(0), Describe(peer), MpiError(rc));
      }
      CRATIO_RETURN_IF_ERROR(Wait(&req, "receiving the result of", peer, 0));
    }
    if (header[0] != 0) {
      const int code = static_cast<int>(header[0]);
      const StatusCode sc = code >= 1 && code <= static_cast<int>(StatusCode::kInternal)
                                ? static_cast<StatusCode>(code)
                                : StatusCode::kInternal;
      return Status(sc, fmt::format("{} failed: {}", Describe(peer), bytes));
    }
    return bytes;
  }

  int rank_;
  int size_;
  std::vector<std::string> hosts_;
  int local_size_;
};

std::atomic<bool> g_connected{false};

}  // namespace

Result<std::unique_ptr<Communicator>> ConnectMpi() {
  if (g_connected.exchange(true)) return InternalError("MPI: ConnectMpi called twice");
  int provided = 0;
  int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  if (rc != MPI_SUCCESS) return InternalError("MPI_Init_thread failed: {}", MpiError(rc));
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // Host names of all ranks, for messages that name where a rank ran.
  char mine[kMaxHostBytes] = {};
  const std::string host = LocalHostName();
  std::memcpy(mine, host.data(), std::min<size_t>(host.size(), kMaxHostBytes - 1));
  std::vector<char> all(static_cast<size_t>(size) * kMaxHostBytes, '\0');
  rc = MPI_Allgather(mine, kMaxHostBytes, MPI_CHAR, all.data(), kMaxHostBytes, MPI_CHAR,
                     MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) {
    return InternalError("rank {} (host {}): MPI_Allgather of host names: {}", rank, host, MpiError(rc));
  }
  std::vector<std::string> hosts;
  for (int r = 0; r < size; ++r) hosts.emplace_back(all.data() + static_cast<size_t>(r) * kMaxHostBytes);
  // Ranks sharing this host (for the default thread count).
  int local_size = 1;
  MPI_Comm local;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local) ==
      MPI_SUCCESS) {
    MPI_Comm_size(local, &local_size);
    MPI_Comm_free(&local);
  }
  auto comm = std::make_unique<MpiCommunicator>(rank, size, std::move(hosts), local_size);
  if (rank == 0) {
    SetStopMessage("cratio: error: {} was stopped by the launcher: another rank died or was "
                   "killed (the launcher's message names it)",
                   comm->Describe(0));
    std::signal(SIGTERM, OnStopSignal);
    std::signal(SIGINT, OnStopSignal);
  }
  return std::unique_ptr<Communicator>(std::move(comm));
}

#endif

}  // namespace cratio::dist
