// `cratio bench MODEL [-p 512] [-n 128] [-r 5] [-t N] [--json]`: prompt-processing and
// generation throughput (llama-bench's pp / tg), each beside the machine's own limit —
// decode against measured read bandwidth, prefill against measured peak FMA rate — with
// an environment fingerprint so every figure can be traced.
// `--scenario single|batch|ladder|server|cold|memory|all` runs the scenario suite instead
// (bench/scenario_*.h) with percentile intervals, an adaptive stop, and with `--base`
// an interleaved comparison with bootstrap speedups; see docs/BENCH.md.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include <set>
#include <sstream>

#include "base/cpu_features.h"
#include "base/sha256.h"
#include "base/thread_pool.h"
#include "bench/bench_report.h"
#include "bench/energy.h"
#include "bench/environment.h"
#include "bench/roofline.h"
#include "bench/throughput.h"
#include "model/loaded_model.h"
#include "cli/bench_hosts.h"
#include "cli/command.h"
#include "io/model_file.h"
#include "kernels/kernel_table.h"
#include "model/config.h"
#include "model/session.h"
#include "model/weights.h"
#include "numeric/dtype.h"

namespace cratio::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

struct BenchArgs {
  std::string model;
  int64_t prompt_tokens = 512;
  int64_t gen_tokens = 128;
  int reps = 5;
  int threads = 0;
  bool json = false;
  bool no_hash = false;
  int64_t bandwidth_mib = 1024;

  // Scenario suite; empty: the pp / tg run above.
  std::string scenario;
  std::string base;
  std::string prompt_lens = "32,128";
  std::string gen_lens = "32";
  std::string batch_sizes = "1,2,4,8";
  int64_t ladder_start = 64;
  int64_t max_context = 0;
  int64_t ladder_decode = 8;
  double rate_per_s = 4.0;
  double duration_s = 10.0;
  int64_t concurrency = 4;
  double ttft_limit_ms = 1000.0;
  double tpot_limit_ms = 200.0;
  int warmup = 1;
  int min_iters = 10;
  int max_iters = 1000;
  double min_time_s = 0.0;
  double max_time_s = 10.0;
  double ci_target = 0.0;
  double confidence = 0.95;
  int cold_reps = 3;
  uint64_t seed = 1234;
  // Hidden: the child of the memory scenario.
  bool memory_child = false;
  int64_t child_n_ctx = 256;
  int64_t child_n_seq = 1;
};

// The dtype holding most of the 2-D weight bytes ("q4_k"), as a label for the model.
std::string MainDType(const ModelFile& file) {
  std::map<std::string, uint64_t> bytes;
  for (const TensorEntry& t : file.tensors) {
    if (t.view.shape.rank() >= 2) bytes[std::string(GetDTypeInfo(t.view.dtype).name)] += t.view.size_bytes;
  }
  std::string best = "?";
  uint64_t most = 0;
  for (const auto& [name, b] : bytes) {
    if (b > most) most = b, best = name;
  }
  return best;
}

struct FileStamp {
  uint64_t size_bytes = 0;
  int64_t mtime_unix_s = 0;
};
FileStamp StampOf(const std::string& path) {
  FileStamp s;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (e.is_regular_file(ec)) s.size_bytes += e.file_size(ec);
    }
  } else {
    s.size_bytes = fs::file_size(path, ec);
  }
  const auto t = fs::last_write_time(path, ec);
  if (!ec) {
    const auto sys = std::chrono::file_clock::to_sys(t);
    s.mtime_unix_s =
        std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
  }
  return s;
}

ordered_json RateJson(const RateStats& r) {
  ordered_json j;
  j["mean_tok_per_s"] = r.mean_tok_per_s;
  j["sd_tok_per_s"] = r.sd_tok_per_s;
  j["runs_tok_per_s"] = r.runs_tok_per_s;
  return j;
}

ordered_json EnvironmentJson(int threads) {
  const BenchEnvironment e = CollectEnvironment(threads);
  ordered_json env;
  env["cpu_model"] = e.cpu_model;
  env["cpu_features"] = e.cpu_features;
  env["kernel_isa"] = e.kernel_isa;
  env["threads"] = e.threads;
  env["logical_cores"] = e.logical_cores;
  env["cpu_governor"] = e.cpu_governor;
  env["kernel"] = e.kernel_release;
  env["load_average"] = e.load_average;
  env["build_type"] = e.build_type;
  env["compiler"] = e.compiler;
  env["git_commit"] = e.git_commit;
  env["cratio_version"] = "0.1.0";
  return env;
}

Result<ordered_json> ModelJson(const std::string& path, const ModelFile& file,
                               const ModelConfig& config, const PerTokenWork& work,
                               bool hash) {
  const FileStamp stamp = StampOf(path);
  ordered_json m;
  m["path"] = path;
  m["arch"] = config.arch_name;
  m["main_dtype"] = MainDType(file);
  m["size_bytes"] = stamp.size_bytes;
  m["mtime_unix_s"] = stamp.mtime_unix_s;
  if (hash) {
    CRATIO_ASSIGN_OR_RETURN(const std::string sha, Sha256OfPath(path));
    m["sha256"] = sha;
  }
  m["weight_bytes_per_token"] = work.weight_bytes;
  m["linear_flops_per_token"] = work.linear_flops;
  return m;
}

ordered_json RooflineJson(const BandwidthResult& bw, const FlopsResult& fl,
                          const BandwidthResult* bw_weights = nullptr) {
  ordered_json roof;
  roof["read_bandwidth_bytes_per_s"] = bw.read_bytes_per_s;
  roof["bandwidth_buffer_bytes"] = bw.buffer_bytes;
  if (bw_weights != nullptr) {
    // The same probe on a buffer the size of the weights decode streams: the bound that
    // applies when they fit in the last-level cache.
    roof["read_bandwidth_at_weights_bytes_per_s"] = bw_weights->read_bytes_per_s;
    roof["weights_buffer_bytes"] = bw_weights->buffer_bytes;
  }
  roof["peak_flops_per_s"] = fl.flops_per_s;
  roof["peak_flops_isa"] = std::string(IsaName(fl.isa));
  roof["peak_flops_probe"] = fl.probe;  // "fma" or "amx-bf16": what peak_flops_per_s measured
  roof["fma_peak_flops_per_s"] = fl.fma_flops_per_s;
  return roof;
}

Status RunScenarios(const BenchArgs& args);
Status RunMemoryChild(const BenchArgs& args);

Status RunBench(const BenchArgs& args) {
  if (args.memory_child) return RunMemoryChild(args);
  if (!args.scenario.empty() || !args.base.empty()) return RunScenarios(args);
  CRATIO_ASSIGN_OR_RETURN(ModelFile file, ReadModelFile(args.model));
  CRATIO_ASSIGN_OR_RETURN(const ModelConfig config, ModelConfig::FromModelFile(file));
  CRATIO_ASSIGN_OR_RETURN(const ModelWeights weights, ModelWeights::Load(file, config));
  const PerTokenWork work = ComputePerTokenWork(weights);

  ThreadPool pool(args.threads);
  SessionOptions so;
  so.n_ctx = std::max<int64_t>({args.prompt_tokens, args.gen_tokens, 1});
  so.max_batch = std::max<int64_t>(args.prompt_tokens, 1);
  so.max_logits = 1;
  so.pool = &pool;
  auto session = Session::Create(weights, so);
  if (!session.ok()) return session.status().WithPrefix(args.model);

  ThroughputOptions to;
  to.prompt_tokens = args.prompt_tokens;
  to.gen_tokens = args.gen_tokens;
  to.num_reps = args.reps;
  CRATIO_ASSIGN_OR_RETURN(const ThroughputResult tp, MeasureThroughput(**session, to));
  session->reset();  // free the KV cache and scratch before the bandwidth buffer

  const Isa isa = GetKernelTable().isa;
  CRATIO_ASSIGN_OR_RETURN(const BandwidthResult bw,
                          MeasureReadBandwidth(pool, args.bandwidth_mib << 20, 5));
  // Decode's own bound: reading a buffer as large as the weights it streams per token
  // (from a cache when they fit there, from DRAM otherwise).
  BandwidthResult bw_weights = bw;
  if (tp.gen_tokens > 0) {
    const int64_t weights_buffer = std::max<int64_t>(work.weight_bytes, int64_t{1} << 20);
    CRATIO_ASSIGN_OR_RETURN(bw_weights, MeasureReadBandwidth(pool, weights_buffer, 5));
  }
  CRATIO_ASSIGN_OR_RETURN(const FlopsResult fl, MeasurePeakFlops(pool, isa, 0.2, 3));

  const double decode_pct = bw_weights.read_bytes_per_s > 0
      ? 100.0 * work.weight_bytes * tp.decode.mean_tok_per_s / bw_weights.read_bytes_per_s
      : 0.0;
  const double prefill_pct = fl.flops_per_s > 0
      ? 100.0 * work.linear_flops * tp.prefill.mean_tok_per_s / fl.flops_per_s : 0.0;

  std::string sha;
  if (!args.no_hash) {
    CRATIO_ASSIGN_OR_RETURN(sha, Sha256OfPath(args.model));
  }
  const CpuFeatures& cpu = GetCpuFeatures();
  const std::string dtype = MainDType(file);

  if (args.json) {
    ordered_json j;
    j["schema"] = kBenchSchema;
    CRATIO_ASSIGN_OR_RETURN(ordered_json m, ModelJson(args.model, file, config, work, false));
    if (!sha.empty()) m["sha256"] = sha;
    j["model"] = m;
    if (tp.prompt_tokens > 0) {
      ordered_json pp = RateJson(tp.prefill);
      pp["tokens"] = tp.prompt_tokens;
      pp["flops_per_s"] = work.linear_flops * tp.prefill.mean_tok_per_s;
      pp["pct_of_peak_flops"] = prefill_pct;
      j["pp"] = pp;
    }
    if (tp.gen_tokens > 0) {
      ordered_json tg = RateJson(tp.decode);
      tg["tokens"] = tp.gen_tokens;
      tg["weight_bytes_per_s"] = work.weight_bytes * tp.decode.mean_tok_per_s;
      tg["pct_of_read_bandwidth"] = decode_pct;
      j["tg"] = tg;
    }
    j["repetitions"] = tp.num_reps;
    j["roofline"] = RooflineJson(bw, fl, tp.gen_tokens > 0 ? &bw_weights : nullptr);
    j["environment"] = EnvironmentJson(pool.num_threads());
    std::printf("%s\n", j.dump(2).c_str());
    return Status::Ok();
  }

  std::printf("model     %s (%s, %s), %.1f MiB weights streamed per token, %.2f GFLOP per "
              "token\n",
              args.model.c_str(), config.arch_name.c_str(), dtype.c_str(),
              work.weight_bytes / 1048576.0, work.linear_flops * 1e-9);
  std::printf("machine   %s, %s kernels, %d threads, %s build\n", cpu.model_name.c_str(),
              std::string(IsaName(isa)).c_str(), pool.num_threads(),
              CollectEnvironment(pool.num_threads()).build_type.c_str());
  std::printf("roofline  read %.2f GB/s (%lld MiB buffer, best of %d), peak %.1f "
              "GFLOP/s (%s probe, %s, best of %d)\n",
              bw.read_bytes_per_s * 1e-9, static_cast<long long>(bw.buffer_bytes >> 20),
              bw.num_runs, fl.flops_per_s * 1e-9, fl.probe, std::string(IsaName(fl.isa)).c_str(),
              fl.num_runs);
  if (tp.gen_tokens > 0) {
    std::printf("          read %.2f GB/s at the size of the weights (%.1f MiB buffer, "
                "best of %d)\n",
                bw_weights.read_bytes_per_s * 1e-9, bw_weights.buffer_bytes / 1048576.0,
                bw_weights.num_runs);
  }
  if (!sha.empty()) std::printf("sha256    %s\n", sha.c_str());
  std::printf("\n%-8s %20s %12s  %s\n", "test", "tok/s (mean ± sd)", "% of limit", "limit");
  if (tp.prompt_tokens > 0) {
    std::printf("%-8s %20s %11.1f%%  %.1f GFLOP/s achieved of %.1f peak\n",
                fmt::format("pp{}", tp.prompt_tokens).c_str(),
                fmt::format("{:.2f} ± {:.2f}", tp.prefill.mean_tok_per_s,
                            tp.prefill.sd_tok_per_s).c_str(),
                prefill_pct, work.linear_flops * tp.prefill.mean_tok_per_s * 1e-9,
                fl.flops_per_s * 1e-9);
  }
  if (tp.gen_tokens > 0) {
    std::printf("%-8s %20s %11.1f%%  %.2f GB/s of weights of %.2f measured at their size\n",
                fmt::format("tg{}", tp.gen_tokens).c_str(),
                fmt::format("{:.2f} ± {:.2f}", tp.decode.mean_tok_per_s,
                            tp.decode.sd_tok_per_s).c_str(),
                decode_pct, work.weight_bytes * tp.decode.mean_tok_per_s * 1e-9,
                bw_weights.read_bytes_per_s * 1e-9);
  }
  std::printf("(%d repetitions after one warm-up)\n", tp.num_reps);
  return Status::Ok();
}


Status RunMemoryChild(const BenchArgs& args) {
  MemoryOptions o;
  o.n_ctx = args.child_n_ctx;
  o.n_seq = args.child_n_seq;
  o.prompt_tokens = args.prompt_tokens;
  o.gen_tokens = args.gen_tokens;
  o.threads = args.threads;
  CRATIO_ASSIGN_OR_RETURN(const MemoryReport r, MeasureMemoryHere(args.model, o));
  std::printf("%s\n", MemoryReportToJson(r).c_str());
  return Status::Ok();
}

const std::vector<std::string>& AllScenarios() {
  static const std::vector<std::string> kAll = {"single", "batch", "ladder",
                                                "server", "cold",  "memory"};
  return kAll;
}

// "single,batch" / "all" -> the set; InvalidInput names an unknown entry.
Result<std::set<std::string>> ParseScenarios(const std::string& text) {
  std::set<std::string> out;
  std::stringstream ss(text.empty() ? "single" : text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "all") {
      out.insert(AllScenarios().begin(), AllScenarios().end());
    } else if (std::find(AllScenarios().begin(), AllScenarios().end(), item) !=
               AllScenarios().end()) {
      out.insert(item);
    } else {
      return InvalidInput("--scenario '{}': unknown scenario '{}' (expected single, batch, "
                          "ladder, server, cold, memory or all, comma-separated)",
                          text, item);
    }
  }
  return out;
}

Status CheckScenarioArgs(const BenchArgs& a) {
  auto need = [](bool ok, std::string_view flag, auto value, std::string_view want) -> Status {
    if (ok) return Status::Ok();
    return InvalidInput("{} {}: must be {}", flag, value, want);
  };
  CRATIO_RETURN_IF_ERROR(need(a.warmup >= 0, "--warmup", a.warmup, ">= 0"));
  CRATIO_RETURN_IF_ERROR(need(a.min_iters >= 1, "--min-iters", a.min_iters, ">= 1"));
  CRATIO_RETURN_IF_ERROR(need(a.max_iters >= a.min_iters, "--max-iters", a.max_iters,
                              fmt::format(">= --min-iters ({})", a.min_iters)));
  CRATIO_RETURN_IF_ERROR(need(a.min_time_s >= 0, "--min-time", a.min_time_s, ">= 0"));
  CRATIO_RETURN_IF_ERROR(need(a.max_time_s > 0 && a.max_time_s >= a.min_time_s, "--max-time",
                              a.max_time_s, fmt::format("> 0 and >= --min-time ({})",
                                                        a.min_time_s)));
  CRATIO_RETURN_IF_ERROR(need(a.ci_target >= 0 && a.ci_target < 1, "--ci-target", a.ci_target,
                              "in [0, 1) (a relative half-width, 0: off)"));
  CRATIO_RETURN_IF_ERROR(need(a.confidence > 0.5 && a.confidence < 1, "--confidence",
                              a.confidence, "in (0.5, 1)"));
  CRATIO_RETURN_IF_ERROR(need(a.rate_per_s > 0, "--rate", a.rate_per_s, "> 0"));
  CRATIO_RETURN_IF_ERROR(need(a.duration_s > 0, "--duration", a.duration_s, "> 0"));
  CRATIO_RETURN_IF_ERROR(need(a.concurrency >= 1, "--concurrency", a.concurrency, ">= 1"));
  CRATIO_RETURN_IF_ERROR(need(a.ttft_limit_ms > 0, "--ttft-limit-ms", a.ttft_limit_ms, "> 0"));
  CRATIO_RETURN_IF_ERROR(need(a.tpot_limit_ms > 0, "--tpot-limit-ms", a.tpot_limit_ms, "> 0"));
  CRATIO_RETURN_IF_ERROR(need(a.cold_reps >= 1, "--cold-reps", a.cold_reps, ">= 1"));
  CRATIO_RETURN_IF_ERROR(need(a.ladder_start >= 1, "--ladder-start", a.ladder_start, ">= 1"));
  CRATIO_RETURN_IF_ERROR(need(a.ladder_decode >= 0, "--ladder-decode", a.ladder_decode, ">= 0"));
  CRATIO_RETURN_IF_ERROR(need(a.max_context >= 0, "--max-context", a.max_context, ">= 0"));
  return Status::Ok();
}

struct Loaded {
  std::unique_ptr<LoadedModel> model;
  PerTokenWork work;
};

// Sessions of every loaded model with the same options; pointers in model order.
struct SessionSet {
  std::vector<std::unique_ptr<Session>> owned;
  std::vector<Session*> ptrs;
};
Result<SessionSet> MakeSessions(const std::vector<Loaded>& models,
                                const std::vector<std::string>& paths,
                                const SessionOptions& so) {
  SessionSet set;
  for (size_t i = 0; i < models.size(); ++i) {
    auto s = Session::Create(models[i].model->weights, so);
    if (!s.ok()) return s.status().WithPrefix(paths[i]);
    set.ptrs.push_back(s->get());
    set.owned.push_back(std::move(*s));
  }
  return set;
}

Status RunScenarios(const BenchArgs& args) {
  CRATIO_ASSIGN_OR_RETURN(const std::set<std::string> want, ParseScenarios(args.scenario));
  CRATIO_RETURN_IF_ERROR(CheckScenarioArgs(args));
  CRATIO_ASSIGN_OR_RETURN(const std::vector<LengthRange> prompts,
                          ParseLengthList("--prompt-lens", args.prompt_lens, 1));
  CRATIO_ASSIGN_OR_RETURN(const std::vector<LengthRange> gens,
                          ParseLengthList("--gen-lens", args.gen_lens, 1));
  CRATIO_ASSIGN_OR_RETURN(const std::vector<LengthRange> batch_ranges,
                          ParseLengthList("--batch-sizes", args.batch_sizes, 1));
  std::vector<int64_t> batch_sizes;
  for (const LengthRange& r : batch_ranges) {
    if (!r.fixed()) {
      return InvalidInput("--batch-sizes '{}': '{}' is a range; give single sizes",
                          args.batch_sizes, r.Label());
    }
    batch_sizes.push_back(r.lo);
  }
  const auto has = [&](const char* s) { return want.count(s) > 0; };

  std::vector<std::string> paths = {args.model};
  if (!args.base.empty()) paths.push_back(args.base);
  BenchReport rep;
  rep.seed = args.seed;
  rep.rule.warmup_iters = args.warmup;
  rep.rule.min_iters = args.min_iters;
  rep.rule.max_iters = args.max_iters;
  rep.rule.min_time_s = args.min_time_s;
  rep.rule.max_time_s = args.max_time_s;
  rep.rule.ci_target = args.ci_target;
  rep.rule.confidence = args.confidence;

  // Memory first, while this process is small: a child started by posix_spawn (vfork)
  // inherits this process's RSS high-water mark into its ru_maxrss.
  const int64_t p0 = prompts.front().hi, g0 = gens.front().hi;
  const int64_t max_b = *std::max_element(batch_sizes.begin(), batch_sizes.end());
  if (has("memory")) {
    for (const std::string& path : paths) {
      MemoryOptions mo;
      mo.n_ctx = p0 + g0 - 1;
      mo.n_seq = has("batch") ? max_b : 1;
      mo.prompt_tokens = p0;
      mo.gen_tokens = g0;
      mo.threads = args.threads;
      CRATIO_ASSIGN_OR_RETURN(MemoryReport r, MeasureMemoryInChild(path, mo));
      rep.memory.push_back(r);
    }
  }

  // Load and describe the models; their per-token work sets the roofline.
  std::vector<Loaded> models;
  ordered_json models_json = ordered_json::array();
  for (size_t i = 0; i < paths.size(); ++i) {
    Loaded l;
    CRATIO_ASSIGN_OR_RETURN(l.model, LoadModel(paths[i], false));
    l.work = ComputePerTokenWork(l.model->weights);
    CRATIO_ASSIGN_OR_RETURN(ordered_json m, ModelJson(paths[i], l.model->file, l.model->config,
                                                      l.work, !args.no_hash));
    m["role"] = i == 0 ? "variant" : "base";
    models_json.push_back(m);
    rep.models.push_back({i == 0 ? "variant" : "base", paths[i], l.work});
    models.push_back(std::move(l));
  }

  // Cold starts with the models released: a file this process maps cannot be dropped from
  // the page cache.
  if (has("cold")) {
    models.clear();
    ThreadPool pool(args.threads);
    ColdWarmOptions co;
    co.num_reps = args.cold_reps;
    co.prompt_tokens = std::min<int64_t>(p0, 64);
    co.n_ctx = co.prompt_tokens;
    for (const std::string& path : paths) {
      CRATIO_ASSIGN_OR_RETURN(ColdWarmResult r, MeasureColdWarm(path, pool, co));
      rep.cold.push_back(std::move(r));
    }
    for (const std::string& path : paths) {
      Loaded l;
      CRATIO_ASSIGN_OR_RETURN(l.model, LoadModel(path, false));
      l.work = ComputePerTokenWork(l.model->weights);
      models.push_back(std::move(l));
    }
  }

  ThreadPool pool(args.threads);
  CRATIO_ASSIGN_OR_RETURN(const BandwidthResult bw,
                          MeasureReadBandwidth(pool, args.bandwidth_mib << 20, 5));
  CRATIO_ASSIGN_OR_RETURN(const FlopsResult fl,
                          MeasurePeakFlops(pool, GetKernelTable().isa, 0.2, 3));
  rep.limits = {bw.read_bytes_per_s, fl.flops_per_s};
  EnergyMeter meter = EnergyMeter::Open();
  if (meter.available()) {
    rep.energy_status = fmt::format("available: {}", fmt::join(meter.domain_names(), ", "));
  } else {
    rep.energy_status = meter.unavailable_reason();
  }

  if (has("single")) {
    SessionOptions so;
    so.pool = &pool;
    so.n_ctx = 1;
    for (const LengthRange& p : prompts) {
      for (const LengthRange& g : gens) so.n_ctx = std::max(so.n_ctx, p.hi + g.hi - 1);
    }
    so.max_batch = std::min<int64_t>(512, so.n_ctx);
    so.max_logits = 1;
    CRATIO_ASSIGN_OR_RETURN(SessionSet set, MakeSessions(models, paths, so));
    for (const LengthRange& p : prompts) {
      for (const LengthRange& g : gens) {
        CRATIO_ASSIGN_OR_RETURN(SinglePointResult r,
                                RunSinglePoint(set.ptrs, p, g, rep.rule, args.seed, &meter));
        rep.single.push_back(std::move(r));
      }
    }
  }
  if (has("batch")) {
    SessionOptions so;
    so.pool = &pool;
    so.n_ctx = p0 + g0 - 1;
    so.n_seq = max_b;
    so.max_batch = std::max<int64_t>(max_b, std::min<int64_t>(512, max_b * p0));
    so.max_logits = max_b;
    CRATIO_ASSIGN_OR_RETURN(SessionSet set, MakeSessions(models, paths, so));
    for (int64_t b : batch_sizes) {
      CRATIO_ASSIGN_OR_RETURN(BatchPointResult r,
                              RunBatchPoint(set.ptrs, b, p0, g0, rep.rule, args.seed, &meter));
      rep.batch.push_back(std::move(r));
    }
  }
  if (has("ladder")) {
    int64_t top = args.max_context;
    if (top == 0) {
      top = std::min(models[0].model->config.context_length, kDefaultMaxContext);
      for (const Loaded& l : models) top = std::min(top, l.model->config.context_length);
    }
    if (top < args.ladder_start + args.ladder_decode) {
      return InvalidInput("ladder: the context of {} positions has no room for --ladder-start "
                          "{} + --ladder-decode {}",
                          top, args.ladder_start, args.ladder_decode);
    }
    SessionOptions so;
    so.pool = &pool;
    so.n_ctx = top;
    so.max_batch = std::min<int64_t>(512, top);
    so.max_logits = 1;
    CRATIO_ASSIGN_OR_RETURN(SessionSet set, MakeSessions(models, paths, so));
    for (int64_t ctx : LadderRungs(args.ladder_start, top - args.ladder_decode)) {
      CRATIO_ASSIGN_OR_RETURN(
          LadderPointResult r,
          RunLadderPoint(set.ptrs, ctx, args.ladder_decode, rep.rule, args.seed, &meter));
      rep.ladder.push_back(std::move(r));
    }
  }
  if (has("server")) {
    ServerOptions o;
    o.rate_per_s = args.rate_per_s;
    o.duration_s = args.duration_s;
    o.prompt = prompts.front();
    o.gen = gens.front();
    o.ttft_limit_ms = args.ttft_limit_ms;
    o.tpot_limit_ms = args.tpot_limit_ms;
    o.seed = args.seed;
    SessionOptions so;
    so.pool = &pool;
    so.n_ctx = o.prompt.hi + o.gen.hi - 1;
    so.n_seq = args.concurrency;
    so.max_batch = std::max<int64_t>(args.concurrency, 256);
    so.max_logits = args.concurrency;
    CRATIO_ASSIGN_OR_RETURN(SessionSet set, MakeSessions(models, paths, so));
    for (Session* s : set.ptrs) {
      CRATIO_ASSIGN_OR_RETURN(ServerResult r, RunServer(*s, o, &meter));
      rep.server.push_back(std::move(r));
    }
  }

  if (args.json) {
    ordered_json j;
    j["schema"] = kBenchSchema;
    j["models"] = models_json;
    j["environment"] = EnvironmentJson(pool.num_threads());
    j["roofline"] = RooflineJson(bw, fl);
    CRATIO_ASSIGN_OR_RETURN(const ordered_json sc, ScenariosJson(rep));
    for (auto it = sc.begin(); it != sc.end(); ++it) j[it.key()] = it.value();
    std::printf("%s\n", j.dump(2).c_str());
    return Status::Ok();
  }
  const BenchEnvironment env = CollectEnvironment(pool.num_threads());
  for (const ordered_json& m : models_json) {
    std::printf("%-8s %s (%s, %s)%s\n", m["role"].get<std::string>().c_str(),
                m["path"].get<std::string>().c_str(), m["arch"].get<std::string>().c_str(),
                m["main_dtype"].get<std::string>().c_str(),
                m.contains("sha256")
                    ? fmt::format(" sha256 {:.16}", m["sha256"].get<std::string>()).c_str()
                    : "");
  }
  std::printf("machine  %s, %s kernels, %d threads, governor %s, %s, load %s, %s build, "
              "commit %.12s\n",
              env.cpu_model.c_str(), env.kernel_isa.c_str(), env.threads,
              env.cpu_governor.c_str(), env.kernel_release.c_str(), env.load_average.c_str(),
              env.build_type.c_str(), env.git_commit.c_str());
  std::printf("roofline read %.2f GB/s, peak %.1f GFLOP/s (%s probe)\n\n",
              bw.read_bytes_per_s * 1e-9, fl.flops_per_s * 1e-9, fl.probe);
  CRATIO_ASSIGN_OR_RETURN(const std::string text, ScenariosText(rep));
  std::fputs(text.c_str(), stdout);
  return Status::Ok();
}

}  // namespace

void AddBenchCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Prefill and decode throughput with the machine's bandwidth / FLOP roofline");
  cmd->add_option("model", args->model, "Model file (GGUF, safetensors, llama2.c)")->required();
  cmd->add_option("-p,--prompt", args->prompt_tokens, "Prompt tokens per prefill run (0: skip)")
      ->capture_default_str();
  cmd->add_option("-n,--gen", args->gen_tokens, "Decode steps per generation run (0: skip)")
      ->capture_default_str();
  cmd->add_option("-r,--reps", args->reps, "Timed repetitions after one warm-up")
      ->capture_default_str();
  cmd->add_option("-t,--threads", args->threads, "Threads (0: one per core)");
  cmd->add_option("--bandwidth-mib", args->bandwidth_mib,
                  "Buffer for the read-bandwidth probe, MiB (well above the L3 size)")
      ->capture_default_str();
  cmd->add_flag("--no-hash", args->no_hash, "Skip the model's SHA-256 (size and mtime remain)");
  cmd->add_flag("--json", args->json, "Print JSON");
  cmd->add_option("--scenario", args->scenario,
                  "Scenario suite instead of pp/tg: single,batch,ladder,server,cold,memory "
                  "or all (comma-separated)");
  cmd->add_option("--base", args->base,
                  "Base model: measured interleaved with MODEL (A B A B), with speedups");
  cmd->add_option("--prompt-lens", args->prompt_lens,
                  "Prompt lengths, comma-separated; LO-HI draws uniformly per request")
      ->capture_default_str();
  cmd->add_option("--gen-lens", args->gen_lens, "Output lengths, as --prompt-lens")
      ->capture_default_str();
  cmd->add_option("--batch-sizes", args->batch_sizes, "Batch sizes of the batch scenario")
      ->capture_default_str();
  cmd->add_option("--ladder-start", args->ladder_start, "First rung of the context ladder")
      ->capture_default_str();
  cmd->add_option("--max-context", args->max_context,
                  "Top of the ladder (0: the model's context, at most 4096)")
      ->capture_default_str();
  cmd->add_option("--ladder-decode", args->ladder_decode, "Decode steps at each ladder depth")
      ->capture_default_str();
  cmd->add_option("--rate", args->rate_per_s, "Server: mean arrivals per second (Poisson)")
      ->capture_default_str();
  cmd->add_option("--duration", args->duration_s, "Server: seconds of arrivals")
      ->capture_default_str();
  cmd->add_option("--concurrency", args->concurrency, "Server: sequences served at once")
      ->capture_default_str();
  cmd->add_option("--ttft-limit-ms", args->ttft_limit_ms, "Server goodput: TTFT limit")
      ->capture_default_str();
  cmd->add_option("--tpot-limit-ms", args->tpot_limit_ms, "Server goodput: TPOT limit")
      ->capture_default_str();
  cmd->add_option("--warmup", args->warmup, "Untimed rounds per grid point")
      ->capture_default_str();
  cmd->add_option("--min-iters", args->min_iters, "Least timed rounds per grid point")
      ->capture_default_str();
  cmd->add_option("--max-iters", args->max_iters, "Most timed rounds per grid point")
      ->capture_default_str();
  cmd->add_option("--min-time", args->min_time_s, "Least timed seconds per grid point")
      ->capture_default_str();
  cmd->add_option("--max-time", args->max_time_s, "Most timed seconds per grid point")
      ->capture_default_str();
  cmd->add_option("--ci-target", args->ci_target,
                  "Stop once the P50 interval's half-width / P50 is below this (0: off)")
      ->capture_default_str();
  cmd->add_option("--confidence", args->confidence, "Confidence of every interval")
      ->capture_default_str();
  cmd->add_option("--cold-reps", args->cold_reps, "Cold and warm starts each")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of token ids, lengths and arrivals")
      ->capture_default_str();
  cmd->add_flag("--memory-child", args->memory_child)->group("");
  cmd->add_option("--n-ctx", args->child_n_ctx)->group("");
  cmd->add_option("--n-seq", args->child_n_seq)->group("");
  cmd->callback([run, args] {
    *run = [args] {
      // The memory probe's child inherits the launcher's environment: it must not join.
      if (args->memory_child) return RunBench(*args);
      return RunBenchPerHost([args] { return RunBench(*args); }, args->json);
    };
  });
}

}  // namespace cratio::cli
