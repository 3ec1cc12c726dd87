// `cratio eval --base MODEL (--variant [NAME=]MODEL | --recipe [NAME=]RECIPE)...
// [--tasks T1,T2] [--ppl-text FILE] [--bench pP-gG|none] [--require C1,C2] [-o DIR]
// [--lang en|zh] [--db FILE | --no-db] [--force] [-t N]`: the whole comparison — every
// variant against the base on identical items, tokens and benchmark settings — written as
// one cratio.eval/1 result with its text, Markdown, CSV and HTML reports.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/eval_common.h"

namespace cratio::cli {
namespace {

struct EvalArgs {
  std::string base;
  std::vector<std::string> variants;
  std::vector<std::string> recipes;
  std::string tasks;
  std::string data;
  int64_t limit = 0;
  int64_t shots = -1;
  std::string ppl_text;
  int64_t ctx = 128;
  int64_t chunks = 0;
  std::string bench = "p64-g32";
  int bench_iters = 5;
  double bench_max_time = 30.0;
  bool no_memory = false;
  std::string calib;
  std::string require;
  bool force = false;
  int threads = 0;
  int64_t item_block = 32;
  EvalOutputArgs out;
  std::string command_line;
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos
                                                                            : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// "p64-g32" → (64, 32); "none" disables the benchmark.
Status ParseBench(const std::string& text, pipeline::BenchSettings* b) {
  if (text == "none" || text == "off") {
    b->enabled = false;
    return Status::Ok();
  }
  long long p = 0, g = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "p%lld-g%lld%c", &p, &g, &tail) != 2 || p < 1 || g < 1) {
    return InvalidInput("--bench '{}': expected pP-gG with P, G >= 1 (e.g. p64-g32) or 'none'",
                        text);
  }
  b->prompt_tokens = p;
  b->gen_tokens = g;
  return Status::Ok();
}

Result<pipeline::EvalPlan> BuildPlan(const EvalArgs& a) {
  pipeline::EvalPlan plan;
  plan.base_path = a.base;
  const std::string out_dir = a.out.out_dir;
  for (const std::string& v : a.variants) {
    const pipeline::NamedValue nv = pipeline::SplitNamed(v);
    if (nv.value.empty()) return InvalidInput("--variant '{}': no model file", v);
    plan.variants.push_back(
        {nv.name.empty() ? pipeline::FileStem(nv.value) : nv.name, nv.value, ""});
  }
  for (const std::string& r : a.recipes) {
    const pipeline::NamedValue nv = pipeline::SplitNamed(r);
    if (nv.value.empty()) return InvalidInput("--recipe '{}': no recipe", r);
    const std::string name = nv.name.empty() ? pipeline::RecipeLabel(nv.value) : nv.name;
    const std::string path = (std::filesystem::path(out_dir) / "variants" / (name + ".gguf")).string();
    plan.variants.push_back({name, path, nv.value});
  }
  plan.tasks = SplitList(a.tasks);
  plan.data_root = a.data.empty() ? DataRoot() : a.data;
  plan.limit = a.limit;
  plan.shots = a.shots;
  plan.ppl_text = a.ppl_text;
  plan.ppl_ctx = a.ctx;
  plan.ppl_chunks = a.chunks;
  CRATIO_RETURN_IF_ERROR(ParseBench(a.bench, &plan.bench));
  plan.bench.min_iters = a.bench_iters;
  plan.bench.max_time_s = a.bench_max_time;
  plan.bench.memory = !a.no_memory;
  plan.calib_path = a.calib;
  plan.threads = a.threads;
  plan.item_block = a.item_block;
  return plan;
}

Status RunEvalCommand(const EvalArgs& a) {
  if (a.out.out_dir.empty()) return InvalidInput("eval: -o DIR is empty");
  std::error_code ec;
  if (std::filesystem::exists(a.out.out_dir, ec) && !std::filesystem::is_directory(a.out.out_dir, ec)) {
    return InvalidInput("eval: -o '{}' exists and is not a directory", a.out.out_dir);
  }
  CRATIO_ASSIGN_OR_RETURN(const pipeline::EvalPlan plan, BuildPlan(a));
  return RunEvalOnRanks(plan, a.out, a.force, a.require, a.command_line);
}

}  // namespace

void AddEvalCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<EvalArgs>();
  args->out.out_dir = "cratio-eval";
  CLI::App* cmd = app.add_subcommand(
      "eval",
      "Compare compressed variants with their base: ratios, quality retention, speed, "
      "memory and efficiency, with confidence intervals, in one report");
  cmd->add_option("--base", args->base, "The original model")->required();
  cmd->add_option("--variant", args->variants, "[NAME=]MODEL: a compressed model to compare (repeatable)");
  cmd->add_option("--recipe", args->recipes,
                  "[NAME=]RECIPE: make a variant from the base with this compression recipe, "
                  "e.g. q8_0, q4_k_m, prune-structured:0.5+q4_0 (repeatable)");
  cmd->add_option("--tasks", args->tasks, "Comma-separated tasks: built-in names (see `cratio score --list-tasks`) or spec files");
  cmd->add_option("--data", args->data, "Data root for built-in tasks (default $CRATIO_DATA or ../shared/data)");
  cmd->add_option("--limit", args->limit, "At most N items per task data file (0: all)");
  cmd->add_option("--shots", args->shots, "Few-shot examples per prompt (default: each task's)");
  cmd->add_option("--ppl-text", args->ppl_text, "Text for perplexity and KL divergence against the base (a file or builtin:demo)");
  cmd->add_option("--ctx", args->ctx, "Perplexity chunk length in tokens")->capture_default_str();
  cmd->add_option("--chunks", args->chunks, "At most N perplexity chunks (0: all)");
  cmd->add_option("--bench", args->bench, "Benchmark request shape pP-gG, or 'none'")->capture_default_str();
  cmd->add_option("--bench-iters", args->bench_iters, "Timed requests per model at least")->capture_default_str();
  cmd->add_option("--bench-max-time", args->bench_max_time, "Seconds per variant/base pair at most")->capture_default_str();
  cmd->add_flag("--no-memory", args->no_memory, "Skip the peak-memory measurement (child processes)");
  cmd->add_option("--calib", args->calib, "Calibration text for the recipes (also checked for overlap with the evaluation items)");
  cmd->add_option("--require", args->require,
                  "Constraints, e.g. 'retention.overall>=0.98,latency.ttft_p99_ms<=500,memory.peak_mb<=4000'; exit 3 when no variant passes all");
  AddEvalOutputFlags(cmd, &args->out, "Output directory (result.json, reports, made variants)");
  cmd->add_flag("--force", args->force, "Remake recipe variants whose files were made differently");
  cmd->add_option("-t,--threads", args->threads, "Threads (0: one per core)");
  cmd->add_option("--item-block", args->item_block, "Items scored per checkpoint")->capture_default_str();
  cmd->callback([run, args] {
    args->command_line = CommandLine();
    *run = [args] { return RunEvalCommand(*args); };
  });
}

}  // namespace cratio::cli
