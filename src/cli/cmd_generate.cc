// `cratio generate MODEL -p TEXT [-n N] [--temp T] [--top-k K] [--top-p P] [--seed S]
// [-t N] [-c CTX]`: streams the prompt and its continuation to stdout, then prompt and
// decode speed to stderr.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "kernels/kernel_table.h"
#include "model/generate.h"
#include "model/loaded_model.h"
#include "model/memory_guard.h"
#include "model/session.h"

namespace cratio::cli {
namespace {

struct GenerateArgs {
  std::string model;
  std::string prompt;
  int64_t num_tokens = 128;
  float temperature = 0.8f;
  int64_t top_k = 40;
  float top_p = 0.95f;
  uint64_t seed = 42;
  int threads = 0;
  int64_t ctx = 0;
  bool no_bos = false;
  std::string max_memory;  // empty: the RAM available now
};

Status RunGenerate(const GenerateArgs& args) {
  if (args.num_tokens < 0) return InvalidInput("generate: -n is {}, must be >= 0", args.num_tokens);
  if (args.top_p <= 0.0f || args.top_p > 1.0f) {
    return InvalidInput("generate: --top-p is {}, must be in (0, 1]", args.top_p);
  }
  CRATIO_RETURN_IF_ERROR(IsaOverrideStatus());
  CRATIO_ASSIGN_OR_RETURN(const uint64_t max_memory_bytes, ParseMaxMemory(args.max_memory));
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> m, LoadModel(args.model));
  const std::string what = fmt::format("generate '{}'", args.model);
  if (args.ctx > 0) CRATIO_RETURN_IF_ERROR(CheckContextLength(m->config, args.ctx, what));
  const Tokenizer& tok = *m->tokenizer;
  GenerateOptions go;
  go.max_new_tokens = args.num_tokens;
  go.sampler.temperature = args.temperature;
  go.sampler.top_k = args.top_k;
  go.sampler.top_p = args.top_p;
  go.sampler.seed = args.seed;
  go.add_special = !args.no_bos;

  // The KV cache holds what this run needs (prompt + n), capped by the model's context.
  CRATIO_ASSIGN_OR_RETURN(std::vector<int32_t> prompt_ids, tok.Encode(args.prompt, go.add_special));
  int64_t n_ctx = args.ctx;
  if (n_ctx <= 0) {
    n_ctx = static_cast<int64_t>(prompt_ids.size()) + std::max<int64_t>(args.num_tokens, 1);
    if (m->config.context_length > 0) n_ctx = std::min(n_ctx, m->config.context_length);
  }
  SessionOptions so;
  so.n_ctx = n_ctx;
  so.num_threads = args.threads;
  CRATIO_ASSIGN_OR_RETURN(const RunMemory need,
                          EstimateRunMemory(m->file, m->config, n_ctx, so.n_seq, so.max_batch));
  CRATIO_RETURN_IF_ERROR(CheckRunMemory(need, max_memory_bytes, what));
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Create(m->weights, so));

  std::fwrite(args.prompt.data(), 1, args.prompt.size(), stdout);
  std::fflush(stdout);
  auto print_piece = [](std::string_view piece) {
    std::fwrite(piece.data(), 1, piece.size(), stdout);
    std::fflush(stdout);
  };
  CRATIO_ASSIGN_OR_RETURN(GenerateResult r, Generate(*session, tok, args.prompt, go, print_piece));
  std::fputc('\n', stdout);
  std::fflush(stdout);
  std::fprintf(stderr,
               "prompt: %zu tokens in %.2f ms (%.1f tokens/s); decode: %lld tokens in %.2f ms "
               "(%.1f tokens/s); %d threads, %s kernels%s\n",
               r.prompt_tokens.size(), r.prompt_ns * 1e-6, r.prompt_tokens_per_s(),
               static_cast<long long>(r.num_decode_steps), r.decode_ns * 1e-6,
               r.decode_tokens_per_s(), session->num_threads(),
               std::string(IsaName(GetKernelTable().isa)).c_str(),
               r.hit_eos ? ", stopped at EOS"
               : r.hit_context_limit ? ", stopped at the context limit"
                                     : "");
  return Status::Ok();
}

}  // namespace

void AddGenerateCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand("generate", "Generate text (greedy, temperature, top-k/p)");
  cmd->add_option("model", args->model, "GGUF file, safetensors directory or llama2.c .bin")
      ->required();
  cmd->add_option("-p,--prompt", args->prompt, "Prompt text (default: empty, start from BOS)");
  cmd->add_option("-n,--n-predict", args->num_tokens, "Tokens to generate (default 128)");
  cmd->add_option("--temp", args->temperature, "Temperature; 0 = greedy (default 0.8)");
  cmd->add_option("--top-k", args->top_k, "Keep the K most likely tokens; 0 = all (default 40)");
  cmd->add_option("--top-p", args->top_p, "Nucleus probability mass (default 0.95)");
  cmd->add_option("--seed", args->seed, "Sampling seed (default 42)");
  cmd->add_option("-t,--threads", args->threads, "Threads (default: one per core)");
  cmd->add_option("-c,--ctx", args->ctx, "Context length (default: prompt + n, capped by the model)");
  cmd->add_flag("--no-bos", args->no_bos, "Do not add the tokenizer's BOS token");
  cmd->add_option("--max-memory", args->max_memory,
                  "Refuse a run needing more: bytes or 512M, 8G (default: available RAM)");
  cmd->callback([run, args] { *run = [args] { return RunGenerate(*args); }; });
}

}  // namespace cratio::cli
