// Peak memory in a child process (see scenario_memory.h).
#include "bench/scenario_memory.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "bench/child_process.h"
#include "bench/scenario_batch.h"
#include "model/loaded_model.h"
#include "model/session.h"

namespace cratio {

int64_t MemoryReport::scratch_and_other_bytes() const {
  return std::max<int64_t>(0, peak_rss_bytes - baseline_rss_bytes - weight_bytes - kv_cache_bytes);
}

Result<MemoryReport> MeasureMemoryHere(const std::string& model_path, const MemoryOptions& o) {
  MemoryReport r;
  r.n_ctx = o.n_ctx;
  r.n_seq = o.n_seq;
  r.baseline_rss_bytes = ProcStatusBytes("VmRSS");
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> model, LoadModel(model_path, false));
  for (const TensorEntry& t : model->file.tensors) {
    r.weight_bytes += static_cast<int64_t>(t.view.size_bytes);
  }
  SessionOptions so;
  so.n_ctx = o.n_ctx;
  so.n_seq = o.n_seq;
  so.max_batch = std::max<int64_t>(o.prompt_tokens * o.n_seq, o.n_seq);
  so.max_logits = o.n_seq;
  so.num_threads = o.threads;
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Create(model->weights, so));
  r.kv_cache_bytes = static_cast<int64_t>(session->kv_cache().size_bytes());
  r.kv_bytes_per_token = r.kv_cache_bytes / std::max<int64_t>(1, o.n_ctx * o.n_seq);
  std::mt19937_64 rng(7);
  Batch batch(so.max_batch);
  CRATIO_RETURN_IF_ERROR(
      RunOneBatch(*session, o.n_seq, o.prompt_tokens, o.gen_tokens, rng, batch).status());
  r.peak_rss_bytes = ProcStatusBytes("VmHWM");
  return r;
}

std::string MemoryReportToJson(const MemoryReport& r) {
  nlohmann::ordered_json j;
  j["baseline_rss_bytes"] = r.baseline_rss_bytes;
  j["peak_rss_bytes"] = r.peak_rss_bytes;
  j["weight_bytes"] = r.weight_bytes;
  j["kv_cache_bytes"] = r.kv_cache_bytes;
  j["kv_bytes_per_token"] = r.kv_bytes_per_token;
  j["n_ctx"] = r.n_ctx;
  j["n_seq"] = r.n_seq;
  return j.dump();
}

Result<MemoryReport> MemoryReportFromJson(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidInput("bench: memory child printed no JSON object: '{}'", text.substr(0, 200));
  }
  MemoryReport r;
  auto get = [&](const char* key, int64_t* out) -> Status {
    if (!j.contains(key) || !j[key].is_number_integer()) {
      return InvalidInput("bench: memory child report lacks integer '{}'", key);
    }
    *out = j[key].get<int64_t>();
    return Status::Ok();
  };
  CRATIO_RETURN_IF_ERROR(get("baseline_rss_bytes", &r.baseline_rss_bytes));
  CRATIO_RETURN_IF_ERROR(get("peak_rss_bytes", &r.peak_rss_bytes));
  CRATIO_RETURN_IF_ERROR(get("weight_bytes", &r.weight_bytes));
  CRATIO_RETURN_IF_ERROR(get("kv_cache_bytes", &r.kv_cache_bytes));
  CRATIO_RETURN_IF_ERROR(get("kv_bytes_per_token", &r.kv_bytes_per_token));
  CRATIO_RETURN_IF_ERROR(get("n_ctx", &r.n_ctx));
  CRATIO_RETURN_IF_ERROR(get("n_seq", &r.n_seq));
  return r;
}

Result<MemoryReport> MeasureMemoryInChild(const std::string& model_path, const MemoryOptions& o) {
  CRATIO_ASSIGN_OR_RETURN(const std::string self, SelfExecutable());
  const std::vector<std::string> argv = {self,       "bench",
                                         model_path, "--memory-child",
                                         "--n-ctx",  std::to_string(o.n_ctx),
                                         "--n-seq",  std::to_string(o.n_seq),
                                         "-p",       std::to_string(o.prompt_tokens),
                                         "-n",       std::to_string(o.gen_tokens),
                                         "-t",       std::to_string(o.threads)};
  CRATIO_ASSIGN_OR_RETURN(const ChildRun run, RunChild(argv));
  if (run.exit_code != 0) {
    return InvalidInput("bench: memory child for {} exited with {} (its error is above)",
                        model_path, run.exit_code);
  }
  CRATIO_ASSIGN_OR_RETURN(MemoryReport r, MemoryReportFromJson(run.out));
  r.child_maxrss_bytes = run.max_rss_bytes;
  return r;
}

}  // namespace cratio
