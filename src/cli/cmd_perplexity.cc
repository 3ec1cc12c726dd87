// `cratio perplexity MODEL --text FILE [--ctx 512] [--chunks N] [-t N] [--base BASE]
// [--json]`: perplexity by llama-perplexity's method; with --base, also KL divergence,
// top-1 agreement, Δp and the PPL ratio against the base model on the same tokens.
// Under mpirun / srun the chunks are split between the ranks (dist/, docs/SCALING.md) and
// rank 0 prints what one process would.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/cpu_features.h"
#include "base/progress.h"
#include "cli/command.h"
#include "cli/dist_run.h"
#include "dist/gather.h"
#include "dist/sharded_perplexity.h"
#include "eval/perplexity.h"
#include "kernels/kernel_table.h"
#include "model/memory_guard.h"

namespace cratio::cli {
namespace {

using nlohmann::ordered_json;

struct PerplexityArgs {
  std::string model;
  std::string text;
  std::string base;
  int64_t ctx = 512;
  int64_t chunks = 0;
  int threads = 0;
  bool json = false;
  std::string max_memory;  // empty: the RAM available now
};

ordered_json MeanSeJson(const MeanWithError& m) { return {{"mean", m.mean}, {"se", m.se}}; }

ordered_json ResultJson(const PerplexityArgs& args, const PerplexityResult& r) {
  ordered_json j;
  j["model"] = args.model;
  j["text"] = args.text;
  j["ctx"] = r.plan.ctx;
  j["num_chunks"] = r.plan.num_chunks;
  j["first_scored_pos"] = r.plan.first_scored_pos;
  j["num_text_tokens"] = r.num_text_tokens;
  j["num_scored_tokens"] = r.model.num_tokens;
  j["ppl"] = r.model.ppl;
  j["ppl_se"] = r.model.ppl_se;
  j["mean_nll"] = r.model.mean_nll;
  j["nll_se"] = r.model.nll_se;
  j["ppl_after_chunk"] = r.ppl_after_chunk;
  j["threads"] = r.num_threads;
  j["kernel_isa"] = std::string(IsaName(GetKernelTable().isa));
  j["eval_seconds"] = r.eval_seconds;
  if (r.has_base) {
    const KlStats& k = r.kl;
    ordered_json b;
    b["base"] = args.base;
    b["ppl_base"] = k.base.ppl;
    b["ppl_base_se"] = k.base.ppl_se;
    b["ln_ppl_ratio"] = MeanSeJson(k.ln_ppl_ratio);
    b["ppl_ratio"] = MeanSeJson(k.ppl_ratio);
    b["kl"] = MeanSeJson(k.kl);
    b["kl_median"] = k.kl_median;
    b["kl_p90"] = k.kl_p90;
    b["kl_p95"] = k.kl_p95;
    b["kl_p99"] = k.kl_p99;
    b["kl_p999"] = k.kl_p999;
    b["kl_max"] = k.kl_max;
    b["same_top"] = MeanSeJson(k.same_top);
    b["delta_p"] = MeanSeJson(k.delta_p);
    b["delta_p_rms"] = MeanSeJson(k.delta_p_rms);
    j["comparison"] = b;
  }
  return j;
}

void PrintText(const PerplexityArgs& args, const PerplexityResult& r) {
  std::printf("perplexity: %s on %s\n", args.model.c_str(), args.text.c_str());
  std::printf("%lld tokens, ctx %lld, %lld chunks, scoring positions [%lld, %lld) of each "
              "(%lld tokens), %d threads, %s kernels, %.2f s\n",
              static_cast<long long>(r.num_text_tokens), static_cast<long long>(r.plan.ctx),
              static_cast<long long>(r.plan.num_chunks),
              static_cast<long long>(r.plan.first_scored_pos),
              static_cast<long long>(r.plan.ctx - 1),
              static_cast<long long>(r.model.num_tokens), r.num_threads,
              std::string(IsaName(GetKernelTable().isa)).c_str(), r.eval_seconds);
  std::string running;
  for (size_t i = 0; i < r.ppl_after_chunk.size(); ++i) {
    running += fmt::format("[{}]{:.4f},", i + 1, r.ppl_after_chunk[i]);
  }
  std::printf("%s\n", running.c_str());
  std::printf("Final estimate: PPL = %.4f +/- %.5f\n", r.model.ppl, r.model.ppl_se);
  if (!r.has_base) return;
  const KlStats& k = r.kl;
  std::printf("\nbase: %s\n", args.base.c_str());
  std::printf("====== Perplexity statistics ======\n");
  std::printf("Mean PPL(Q)                   : %10.6f ± %10.6f\n", k.model.ppl, k.model.ppl_se);
  std::printf("Mean PPL(base)                : %10.6f ± %10.6f\n", k.base.ppl, k.base.ppl_se);
  std::printf("Mean ln(PPL(Q)/PPL(base))     : %10.6f ± %10.6f\n", k.ln_ppl_ratio.mean,
              k.ln_ppl_ratio.se);
  std::printf("Mean PPL(Q)/PPL(base)         : %10.6f ± %10.6f\n", k.ppl_ratio.mean,
              k.ppl_ratio.se);
  std::printf("\n====== KL divergence statistics ======\n");
  std::printf("Mean    KLD: %10.6f ± %10.6f\n", k.kl.mean, k.kl.se);
  std::printf("Maximum KLD: %10.6f\n", k.kl_max);
  std::printf("99.9%%   KLD: %10.6f\n", k.kl_p999);
  std::printf("99.0%%   KLD: %10.6f\n", k.kl_p99);
  std::printf("95.0%%   KLD: %10.6f\n", k.kl_p95);
  std::printf("90.0%%   KLD: %10.6f\n", k.kl_p90);
  std::printf("Median  KLD: %10.6f\n", k.kl_median);
  std::printf("\n====== Token probability statistics ======\n");
  std::printf("Mean    Δp: %6.3f ± %5.3f %%\n", 100 * k.delta_p.mean, 100 * k.delta_p.se);
  std::printf("RMS Δp    : %6.3f ± %5.3f %%\n", 100 * k.delta_p_rms.mean,
              100 * k.delta_p_rms.se);
  std::printf("Same top p: %6.3f ± %5.3f %%\n", 100 * k.same_top.mean, 100 * k.same_top.se);
}

// Refuses a --ctx past the model's context length, and a run (model and base loaded
// together) needing more memory than allowed, before anything large is allocated.
Status CheckPerplexityFits(const PerplexityArgs& args) {
  CRATIO_ASSIGN_OR_RETURN(const uint64_t max_memory_bytes, ParseMaxMemory(args.max_memory));
  if (args.ctx <= 0) return Status::Ok();  // RunPerplexity explains a bad --ctx
  // RunPerplexity's session: ctx <= 512 packs 512 / ctx chunks into one batch of at most
  // 512 tokens (an upper bound: fewer when the text has fewer chunks); else one sequence.
  const int64_t n_seq = args.ctx <= 512 ? 512 / args.ctx : 1;
  RunMemory total;
  for (const std::string& path : {args.model, args.base}) {
    if (path.empty()) continue;
    CRATIO_ASSIGN_OR_RETURN(const ModelFile file, ReadModelFile(path));
    CRATIO_ASSIGN_OR_RETURN(const ModelConfig config, ModelConfig::FromModelFile(file));
    const std::string what = fmt::format("perplexity '{}'", path);
    CRATIO_RETURN_IF_ERROR(CheckContextLength(config, args.ctx, what));
    CRATIO_ASSIGN_OR_RETURN(const RunMemory need,
                            EstimateRunMemory(file, config, args.ctx, n_seq, 512));
    total.weight_bytes += need.weight_bytes;
    total.kv_cache_bytes += need.kv_cache_bytes;
    total.scratch_bytes += need.scratch_bytes;
    total.total_bytes += need.total_bytes;
  }
  const std::string what = args.base.empty()
                               ? fmt::format("perplexity '{}'", args.model)
                               : fmt::format("perplexity '{}' with base '{}'", args.model, args.base);
  return CheckRunMemory(total, max_memory_bytes, what);
}

// This rank's run: the whole text in one process, its passes of chunks in a distributed
// run (their scored positions in *positions).
Result<PerplexityResult> PerplexityLocally(const PerplexityArgs& args,
                                           const dist::Communicator& comm,
                                           std::vector<PositionComparison>* positions) {
  CRATIO_RETURN_IF_ERROR(CheckPerplexityFits(args));
  PerplexityOptions options;
  options.ctx = args.ctx;
  options.max_chunks = args.chunks;
  options.num_threads = RankThreads(args.threads, comm);
  options.shard = {comm.rank(), comm.size()};
  if (comm.size() > 1) {
    options.sink = [positions](const PositionComparison& c) { positions->push_back(c); };
  }
  std::unique_ptr<ProgressBar> bar;
  if (comm.is_root()) {
    options.progress = [&bar](int64_t done, int64_t total, double ppl) {
      if (!bar) bar = std::make_unique<ProgressBar>("perplexity", total, "chunks");
      bar->Update(done, fmt::format("PPL {:.4f}", ppl));
    };
  }
  auto result = RunPerplexity(args.model, args.text, args.base, options);
  if (bar) bar->Finish();
  return result;
}

Status RunPerplexityCommand(const PerplexityArgs& args) {
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<dist::Communicator> comm, ConnectRanks());
  std::vector<PositionComparison> positions;
  // Every failure of a rank's own work goes through the gather, so no rank waits for a
  // peer that gave up.
  auto result = PerplexityLocally(args, *comm, &positions);
  if (comm->size() > 1) {
    Result<std::string> message =
        result.ok() ? Result<std::string>(dist::EncodePerplexityShard(*result, positions))
                    : Result<std::string>(result.status());
    CRATIO_ASSIGN_OR_RETURN(std::vector<std::string> messages,
                            dist::GatherShards(*comm, std::move(message)));
    if (!comm->is_root()) return Status::Ok();
    result = dist::MergePerplexityShards(*result, messages);
  }
  if (!result.ok()) return result.status();
  PrintRanks(*comm);
  if (args.json) {
    std::printf("%s\n", ResultJson(args, *result).dump(2).c_str());
  } else {
    PrintText(args, *result);
  }
  return Status::Ok();
}

}  // namespace

void AddPerplexityCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<PerplexityArgs>();
  CLI::App* cmd = app.add_subcommand(
      "perplexity", "Perplexity (llama-perplexity's method); with --base also KL divergence, "
                    "top-1 agreement and Δp against a base model");
  cmd->add_option("model", args->model, "Model file (GGUF, safetensors, llama2.c)")->required();
  cmd->add_option("--text", args->text, "UTF-8 text file to score")->required();
  cmd->add_option("--ctx", args->ctx, "Tokens per chunk; the second half of each is scored")
      ->capture_default_str();
  cmd->add_option("--chunks", args->chunks, "Score at most this many chunks (0: all)")
      ->capture_default_str();
  cmd->add_option("-t,--threads", args->threads, "Threads (0: one per core)");
  cmd->add_option("--base", args->base,
                  "Base model to compare with, token by token (same vocabulary)");
  cmd->add_flag("--json", args->json, "Print JSON");
  cmd->add_option("--max-memory", args->max_memory,
                  "Refuse a run needing more: bytes or 512M, 8G (default: available RAM)");
  cmd->callback([run, args] { *run = [args] { return RunPerplexityCommand(*args); }; });
}

}  // namespace cratio::cli
