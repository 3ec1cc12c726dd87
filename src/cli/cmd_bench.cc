// `cratio bench MODEL [-p 512] [-n 128] [-r 5] [-t N] [--json]`: prompt-processing and
// generation throughput (llama-bench's pp / tg), each beside the machine's own limit —
// decode against measured read bandwidth, prefill against measured peak FMA rate — with
// an environment fingerprint so every figure can be traced.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/cpu_features.h"
#include "base/thread_pool.h"
#include "bench/roofline.h"
#include "base/sha256.h"
#include "bench/throughput.h"
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
};

std::string BuildType() {
#if defined(NDEBUG) && defined(__OPTIMIZE__)
  return "release";
#elif defined(__OPTIMIZE__)
  return "optimized-with-asserts";
#else
  return "debug";
#endif
}

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

Status RunBench(const BenchArgs& args) {
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
  CRATIO_ASSIGN_OR_RETURN(const FlopsResult fl, MeasurePeakFlops(pool, isa, 0.2, 3));

  const double decode_pct = bw.read_bytes_per_s > 0
      ? 100.0 * work.weight_bytes * tp.decode.mean_tok_per_s / bw.read_bytes_per_s : 0.0;
  const double prefill_pct = fl.flops_per_s > 0
      ? 100.0 * work.linear_flops * tp.prefill.mean_tok_per_s / fl.flops_per_s : 0.0;

  const FileStamp stamp = StampOf(args.model);
  std::string sha;
  if (!args.no_hash) {
    CRATIO_ASSIGN_OR_RETURN(sha, Sha256OfPath(args.model));
  }
  const CpuFeatures& cpu = GetCpuFeatures();
  const std::string dtype = MainDType(file);

  if (args.json) {
    ordered_json j;
    ordered_json m;
    m["path"] = args.model;
    m["arch"] = config.arch_name;
    m["main_dtype"] = dtype;
    m["size_bytes"] = stamp.size_bytes;
    m["mtime_unix_s"] = stamp.mtime_unix_s;
    if (!sha.empty()) m["sha256"] = sha;
    m["weight_bytes_per_token"] = work.weight_bytes;
    m["linear_flops_per_token"] = work.linear_flops;
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
    ordered_json roof;
    roof["read_bandwidth_bytes_per_s"] = bw.read_bytes_per_s;
    roof["bandwidth_buffer_bytes"] = bw.buffer_bytes;
    roof["peak_flops_per_s"] = fl.flops_per_s;
    roof["peak_flops_isa"] = std::string(IsaName(fl.isa));
    j["roofline"] = roof;
    ordered_json env;
    env["cpu_model"] = cpu.model_name;
    env["cpu_features"] = cpu.ToString();
    env["kernel_isa"] = std::string(IsaName(isa));
    env["threads"] = pool.num_threads();
    env["logical_cores"] = NumLogicalCores();
    env["build_type"] = BuildType();
    env["compiler"] = __VERSION__;
    env["cratio_version"] = "0.1.0";
    j["environment"] = env;
    std::printf("%s\n", j.dump(2).c_str());
    return Status::Ok();
  }

  std::printf("model     %s (%s, %s), %.1f MiB weights streamed per token, %.2f GFLOP per "
              "token\n",
              args.model.c_str(), config.arch_name.c_str(), dtype.c_str(),
              work.weight_bytes / 1048576.0, work.linear_flops * 1e-9);
  std::printf("machine   %s, %s kernels, %d threads, %s build\n", cpu.model_name.c_str(),
              std::string(IsaName(isa)).c_str(), pool.num_threads(), BuildType().c_str());
  std::printf("roofline  read %.2f GB/s (%lld MiB buffer, best of %d), peak f32 FMA %.1f "
              "GFLOP/s (%s, best of %d)\n",
              bw.read_bytes_per_s * 1e-9, static_cast<long long>(bw.buffer_bytes >> 20),
              bw.num_runs, fl.flops_per_s * 1e-9, std::string(IsaName(fl.isa)).c_str(),
              fl.num_runs);
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
    std::printf("%-8s %20s %11.1f%%  %.2f GB/s of weights of %.2f measured\n",
                fmt::format("tg{}", tp.gen_tokens).c_str(),
                fmt::format("{:.2f} ± {:.2f}", tp.decode.mean_tok_per_s,
                            tp.decode.sd_tok_per_s).c_str(),
                decode_pct, work.weight_bytes * tp.decode.mean_tok_per_s * 1e-9,
                bw.read_bytes_per_s * 1e-9);
  }
  std::printf("(%d repetitions after one warm-up)\n", tp.num_reps);
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
  cmd->callback([run, args] { *run = [args] { return RunBench(*args); }; });
}

}  // namespace cratio::cli
