// Cold and warm starts (see scenario_cold.h).
#include "bench/scenario_cold.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "base/timer.h"
#include "bench/request.h"
#include "bench/summary.h"
#include "model/loaded_model.h"
#include "model/session.h"

namespace cratio {

namespace fs = std::filesystem;

std::vector<std::string> ModelFiles(const std::string& path) {
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (e.is_regular_file(ec)) files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  return files;
}

Status DropFromPageCache(const std::vector<std::string>& files) {
  for (const std::string& f : files) {
    const int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("{}: cannot open: {}", f, std::strerror(errno));
    ::fdatasync(fd);  // dirty pages cannot be dropped; a failure here only weakens the drop
    const int rc = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
    if (rc != 0) return IoError("{}: posix_fadvise(DONTNEED): {}", f, std::strerror(rc));
  }
  return Status::Ok();
}

Result<double> ResidentFraction(const std::vector<std::string>& files) {
  const long page = ::sysconf(_SC_PAGESIZE);
  uint64_t resident = 0, total = 0;
  for (const std::string& f : files) {
    const int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("{}: cannot open: {}", f, std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size == 0) {
      ::close(fd);
      continue;
    }
    const auto size = static_cast<size_t>(st.st_size);
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) return IoError("{}: mmap: {}", f, std::strerror(errno));
    const size_t pages = (size + page - 1) / page;
    std::vector<unsigned char> vec(pages);
    const int rc = ::mincore(p, size, vec.data());
    ::munmap(p, size);
    if (rc != 0) return IoError("{}: mincore: {}", f, std::strerror(errno));
    for (unsigned char v : vec) resident += v & 1;
    total += pages;
  }
  return total > 0 ? static_cast<double>(resident) / static_cast<double>(total) : 0.0;
}

namespace {

Result<StartTiming> OneStart(const std::string& path, const std::vector<std::string>& files,
                             ThreadPool& pool, const ColdWarmOptions& o, bool cold, uint64_t seed) {
  if (cold) CRATIO_RETURN_IF_ERROR(DropFromPageCache(files));
  StartTiming t;
  CRATIO_ASSIGN_OR_RETURN(t.resident_before, ResidentFraction(files));
  const Stopwatch total;
  Stopwatch sw;
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> model, LoadModel(path, false));
  t.load_ms = sw.ElapsedMs();
  sw.Reset();
  SessionOptions so;
  so.n_ctx = o.n_ctx;
  so.max_batch = std::max<int64_t>(o.prompt_tokens, 1);
  so.max_logits = 1;
  so.pool = &pool;
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Create(model->weights, so));
  t.session_ms = sw.ElapsedMs();
  sw.Reset();
  std::mt19937_64 rng(seed);
  Batch batch(so.max_batch);
  CRATIO_ASSIGN_OR_RETURN(const RequestTiming req,
                          RunRequest(*session, 0, o.prompt_tokens, 1, rng, batch));
  t.first_token_ms = sw.ElapsedMs();
  (void)req;
  t.total_ms = total.ElapsedMs();
  return t;
}

}  // namespace

Result<ColdWarmResult> MeasureColdWarm(const std::string& model_path, ThreadPool& pool,
                                       const ColdWarmOptions& options) {
  if (options.num_reps < 1 || options.prompt_tokens < 1 || options.n_ctx < options.prompt_tokens) {
    return InvalidInput(
        "bench: cold start needs >= 1 repetition and a prompt of 1..n_ctx "
        "tokens (got {} reps, {} tokens, context {})",
        options.num_reps, options.prompt_tokens, options.n_ctx);
  }
  const std::vector<std::string> files = ModelFiles(model_path);
  ColdWarmResult r;
  // One untimed warm start: the binary's own pages, allocator and thread pool.
  CRATIO_RETURN_IF_ERROR(OneStart(model_path, files, pool, options, false, 1).status());
  for (int i = 0; i < options.num_reps; ++i) {
    CRATIO_ASSIGN_OR_RETURN(StartTiming c, OneStart(model_path, files, pool, options, true, i));
    r.cold.push_back(c);
    CRATIO_ASSIGN_OR_RETURN(StartTiming w, OneStart(model_path, files, pool, options, false, i));
    r.warm.push_back(w);
  }
  std::vector<double> res;
  for (const StartTiming& c : r.cold) res.push_back(c.resident_before);
  r.drop_effective = Median(res) < 0.5;
  return r;
}

}  // namespace cratio
