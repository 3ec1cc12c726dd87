// `cratio make-model`: writes a deterministic random Llama model (GGUF or safetensors) of a
// preset or custom shape, with the built-in byte-level vocabulary or another model's.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "base/thread_pool.h"
#include "cli/command.h"
#include "cli/output_path.h"
#include "io/model_file.h"
#include "model/convert.h"
#include "model/make_model.h"

namespace cratio::cli {
namespace {

struct MakeModelArgs {
  std::string preset = "tiny";
  std::optional<int64_t> dim, layers, ffn, heads, kv_heads, vocab, ctx;
  uint64_t seed = 0;
  std::string dtype = "f32";
  std::string format;  // empty: from the output name
  std::string vocab_from;
  std::string name;
  std::string out;
  bool force = false;
  int threads = 0;
};

Status RunMakeModel(const MakeModelArgs& args) {
  CRATIO_ASSIGN_OR_RETURN(MakeModelOptions options, PresetOptions(args.preset));
  if (args.dim) options.model_dim = *args.dim;
  if (args.layers) options.num_layers = *args.layers;
  if (args.ffn) options.ffn_dim = *args.ffn;
  if (args.heads) options.num_heads = *args.heads;
  if (args.kv_heads) options.num_kv_heads = *args.kv_heads;
  if (args.heads && !args.kv_heads) options.num_kv_heads = *args.heads;
  if (args.vocab) options.vocab_size = *args.vocab;
  if (args.ctx) options.context_length = *args.ctx;
  if (!args.name.empty()) options.name = args.name;
  options.seed = args.seed;
  const std::optional<DType> dtype = DTypeFromName(args.dtype);
  if (!dtype) {
    return InvalidInput("make-model: unknown --dtype '{}' (e.g. f32, f16, bf16, q8_0, q4_k)",
                        args.dtype);
  }
  options.dtype = *dtype;
  if (args.threads < 0) return InvalidInput("make-model: -t must be >= 0, got {}", args.threads);

  FileFormat format;
  if (args.format.empty()) {
    CRATIO_ASSIGN_OR_RETURN(format, OutputFormatFromPath(args.out));
  } else if (args.format == "gguf") {
    format = FileFormat::kGguf;
  } else if (args.format == "safetensors") {
    format = FileFormat::kSafetensors;
  } else {
    return InvalidInput("make-model: unknown --format '{}' (gguf or safetensors)", args.format);
  }
  if (format == FileFormat::kLlama2c) {
    return InvalidInput("make-model: write GGUF or safetensors, then `cratio convert` to "
                        "llama2.c ('{}')",
                        args.out);
  }
  if (format == FileFormat::kSafetensors && options.dtype != DType::kF32 &&
      options.dtype != DType::kF16 && options.dtype != DType::kBF16) {
    return InvalidInput("make-model: safetensors holds f32 / f16 / bf16 only, got --dtype {}",
                        DTypeName(options.dtype));
  }
  CRATIO_RETURN_IF_ERROR(CheckModelOutput(args.out, format, {args.vocab_from}, args.force));

  std::optional<ModelFile> vocab_model;
  if (!args.vocab_from.empty()) {
    CRATIO_ASSIGN_OR_RETURN(vocab_model, ReadModelFile(args.vocab_from));
    options.vocab_from = &vocab_model->metadata;
  }
  if (!options.vocab_from) CRATIO_RETURN_IF_ERROR(ValidateMakeModelOptions(options));

  const auto start = std::chrono::steady_clock::now();
  ThreadPool pool(args.threads);
  CRATIO_ASSIGN_OR_RETURN(ModelFile model, MakeRandomModel(options, &pool));
  const auto generated = std::chrono::steady_clock::now();
  CRATIO_ASSIGN_OR_RETURN(ModelFile prepared, PrepareForFormat(model, format, {}, nullptr));
  CRATIO_RETURN_IF_ERROR(WriteModelFile(prepared, args.out, format));
  const auto written = std::chrono::steady_clock::now();

  int64_t params = 0;
  for (const TensorEntry& e : model.tensors) params += e.view.num_elements();
  const double gen_s = std::chrono::duration<double>(generated - start).count();
  const double write_s = std::chrono::duration<double>(written - generated).count();
  std::printf("wrote %s: %s, %lld parameters, %.1f MB of tensors (%s), seed %llu; generated in "
              "%.2f s, written in %.2f s (%d threads)\n",
              args.out.c_str(), std::string(FileFormatName(format)).c_str(),
              static_cast<long long>(params), static_cast<double>(model.TotalTensorBytes()) / 1e6,
              std::string(DTypeName(options.dtype)).c_str(),
              static_cast<unsigned long long>(options.seed), gen_s, write_s, pool.num_threads());
  return Status::Ok();
}

}  // namespace

void AddMakeModelCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<MakeModelArgs>();
  CLI::App* cmd = app.add_subcommand(
      "make-model", "Write a deterministic random Llama model (same seed -> identical file)");
  cmd->add_option("--preset", args->preset, "Shape: tiny, small, 110m, 1b (default tiny)");
  cmd->add_option("--dim", args->dim, "Model (embedding) dimension");
  cmd->add_option("--layers", args->layers, "Number of layers");
  cmd->add_option("--ffn", args->ffn, "Feed-forward dimension");
  cmd->add_option("--heads", args->heads, "Attention heads");
  cmd->add_option("--kv-heads", args->kv_heads, "Key/value heads (default: --heads)");
  cmd->add_option("--vocab", args->vocab, "Vocabulary size (>= 259 for the built-in vocab)");
  cmd->add_option("--ctx", args->ctx, "Context length");
  cmd->add_option("--seed", args->seed, "Random seed (default 0)");
  cmd->add_option("--dtype", args->dtype, "Type of 2-D weights: f32, f16, bf16 or a quant type");
  cmd->add_option("--format", args->format, "gguf or safetensors (default: from -o)");
  cmd->add_option("--vocab-from", args->vocab_from, "Copy the tokenizer of this GGUF model");
  cmd->add_option("--name", args->name, "general.name to record");
  cmd->add_option("-o,--output", args->out, "Output file (.gguf, .safetensors) or directory")
      ->required();
  cmd->add_flag("--force", args->force, "Overwrite an existing output");
  cmd->add_option("-t,--threads", args->threads, "Generation threads (0: all cores)");
  cmd->callback([run, args] { *run = [args] { return RunMakeModel(*args); }; });
}

}  // namespace cratio::cli
