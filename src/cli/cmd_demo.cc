// `cratio demo [-o DIR] [--lang en|zh] [--db FILE | --no-db] [-t N]`: the main job with no
// arguments — stories260K (found under $CRATIO_DATA or ../shared/data) or, without it, a
// built-in random model, compressed the classic ways (INT8, INT4, 50 % structured
// pruning, 70 % unstructured pruning, low rank, and a combination), evaluated on the
// built-in story text and the built-in `demo` task, with the report printed and the HTML
// written.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/eval_common.h"
#include "model/convert.h"
#include "model/make_model.h"

namespace cratio::cli {
namespace {

struct DemoArgs {
  EvalOutputArgs out;
  int threads = 0;
  std::string model;  // override the default model
};

// The recipes, named as the report shows them.
constexpr std::pair<const char*, const char*> kDemoRecipes[] = {
    {"int8", "q8_0"},
    {"int4", "q4_0"},
    {"prune50-structured", "prune-structured:0.5"},
    {"sparse70-unstructured", "prune-unstructured:0.7"},
    {"lowrank50", "lowrank:ratio=0.5"},
    {"prune30+int4", "prune-structured:0.3+q4_0"},
};

// stories260K when the data directory has it; otherwise the built-in random `tiny`
// model, written once into the output directory.
Result<std::string> DemoModel(const DemoArgs& a) {
  if (!a.model.empty()) return a.model;
  const std::filesystem::path s260k = std::filesystem::path(DataRoot()) / "models" / "stories260K.gguf";
  std::error_code ec;
  if (std::filesystem::is_regular_file(s260k, ec)) return s260k.string();
  const std::string path = (std::filesystem::path(a.out.out_dir) / "synthetic-tiny.gguf").string();
  if (std::filesystem::is_regular_file(path, ec)) return path;
  std::fprintf(stderr,
               "demo: stories260K not found under '%s' (set CRATIO_DATA); using a built-in "
               "random model instead: its quality figures are those of random weights\n",
               DataRoot().c_str());
  std::filesystem::create_directories(a.out.out_dir, ec);
  CRATIO_ASSIGN_OR_RETURN(MakeModelOptions mo, PresetOptions("tiny"));
  mo.name = "cratio-demo-random";
  CRATIO_ASSIGN_OR_RETURN(const ModelFile model, MakeRandomModel(mo, nullptr));
  CRATIO_RETURN_IF_ERROR(WriteModelFile(model, path, FileFormat::kGguf));
  return path;
}

Status RunDemo(const DemoArgs& a) {
  pipeline::EvalPlan plan;
  CRATIO_ASSIGN_OR_RETURN(plan.base_path, DemoModel(a));
  for (const auto& [name, recipe] : kDemoRecipes) {
    const std::string path =
        (std::filesystem::path(a.out.out_dir) / "variants" / (std::string(name) + ".gguf")).string();
    plan.variants.push_back({name, path, recipe});
  }
  plan.tasks = {"demo"};
  plan.data_root = DataRoot();
  plan.ppl_text = "builtin:demo";
  plan.ppl_ctx = 128;
  plan.bench.prompt_tokens = 32;
  plan.bench.gen_tokens = 16;
  plan.bench.min_iters = 5;
  plan.bench.max_time_s = 10.0;
  plan.threads = a.threads;
  std::fprintf(stderr, "demo: base %s, %zu variants, task 'demo' and the built-in story text\n",
               plan.base_path.c_str(), plan.variants.size());
  return RunEvalAndReport(plan, a.out, /*force=*/true, "", CommandLine());
}

}  // namespace

void AddDemoCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<DemoArgs>();
  args->out.out_dir = "cratio-demo";
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "The main job on a default model (stories260K, else a built-in random model): six "
      "classic compressions compared with the base in one report");
  AddEvalOutputFlags(cmd, &args->out, "Output directory");
  cmd->add_option("-t,--threads", args->threads, "Threads (0: one per core)");
  cmd->add_option("--model", args->model, "Use this model instead of the default");
  cmd->callback([run, args] { *run = [args] { return RunDemo(*args); }; });
}

}  // namespace cratio::cli
