// `cratio convert IN OUT [--dtype T]`: between GGUF, safetensors and llama2.c, optionally
// re-typing every 2-D weight; the output format follows OUT's name.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "base/thread_pool.h"
#include "cli/command.h"
#include "cli/output_path.h"
#include "io/model_file.h"
#include "model/convert.h"

namespace cratio::cli {
namespace {

struct ConvertArgs {
  std::string in;
  std::string out;
  std::string dtype;
  bool force = false;
  int threads = 0;
};

Status RunConvert(const ConvertArgs& args) {
  ConvertOptions options;
  if (!args.dtype.empty()) {
    options.dtype = DTypeFromName(args.dtype);
    if (!options.dtype) {
      return InvalidInput("convert: unknown --dtype '{}' (e.g. f32, f16, bf16, q8_0, q4_0, q4_k)",
                          args.dtype);
    }
  }
  if (args.threads < 0) return InvalidInput("convert: -t must be >= 0, got {}", args.threads);
  CRATIO_ASSIGN_OR_RETURN(const FileFormat format, OutputFormatFromPath(args.out));
  CRATIO_RETURN_IF_ERROR(CheckModelOutput(args.out, format, {args.in}, args.force));
  const auto start = std::chrono::steady_clock::now();
  CRATIO_ASSIGN_OR_RETURN(const ModelFile in, ReadModelFile(args.in));
  ThreadPool pool(args.threads);
  options.pool = &pool;
  ConvertReport report;
  CRATIO_ASSIGN_OR_RETURN(const ModelFile prepared, PrepareForFormat(in, format, options, &report));
  for (const std::string& f : report.fallbacks) std::printf("fallback: %s\n", f.c_str());
  CRATIO_RETURN_IF_ERROR(WriteModelFile(prepared, args.out, format));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s: %s -> %s, %zu tensors (%lld re-typed, %zu kept f16, %lld Q/K "
              "permuted), %.1f MB of tensors, %.2f s\n",
              args.out.c_str(), std::string(FileFormatName(in.format)).c_str(),
              std::string(FileFormatName(format)).c_str(), prepared.tensors.size(),
              static_cast<long long>(report.num_retyped), report.fallbacks.size(),
              static_cast<long long>(report.num_permuted),
              static_cast<double>(prepared.TotalTensorBytes()) / 1e6, seconds);
  return Status::Ok();
}

}  // namespace

void AddConvertCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand(
      "convert", "Convert between GGUF, safetensors and llama2.c (format from OUT's name)");
  cmd->add_option("in", args->in, "Input model (GGUF, safetensors file/dir, llama2.c .bin)")
      ->required();
  cmd->add_option("out", args->out, "Output: *.gguf, *.safetensors, *.bin, or a directory")
      ->required();
  cmd->add_option("--dtype", args->dtype,
                  "Re-type every 2-D weight (f32, f16, bf16, q8_0, q4_0, q4_k, ...); 1-D stay f32");
  cmd->add_flag("--force", args->force, "Overwrite an existing output");
  cmd->add_option("-t,--threads", args->threads, "Threads for re-typing (0: all cores)");
  cmd->callback([run, args] { *run = [args] { return RunConvert(*args); }; });
}

}  // namespace cratio::cli
