// `cratio compress IN -o OUT --method RECIPE [--calib FILE] [--tensor-type P=T] [--json]`:
// quantize / prune / factorize a model, record provenance, print the compression report.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/output_path.h"
#include "model/convert.h"
#include "compress/compress_model.h"

namespace cratio::cli {
namespace {

struct CompressArgs {
  std::string in;
  std::string out;
  std::string method;
  std::string calib;
  std::vector<std::string> tensor_types;
  std::string output_type;
  std::string embd_type;
  int threads = 0;
  int64_t calib_ctx = 512;
  int64_t calib_chunks = 0;
  bool json = false;
  bool force = false;
};

double BitsPerWeight(uint64_t bytes, int64_t params) {
  return params > 0 ? 8.0 * static_cast<double>(bytes) / static_cast<double>(params) : 0.0;
}

std::string ReportJson(const CompressResult& r, const std::string& in, const std::string& out) {
  const CompressionReport& rep = r.report;
  nlohmann::ordered_json j;
  j["input"] = in;
  j["output"] = out;
  j["recipe"] = rep.recipe;
  j["bytes_before"] = rep.bytes_before;
  j["bytes_after"] = rep.bytes_after;
  j["params_before"] = rep.params_before;
  j["params_after"] = rep.params_after;
  j["bits_per_weight_before"] = BitsPerWeight(rep.bytes_before, rep.params_before);
  j["bits_per_weight_after"] = BitsPerWeight(rep.bytes_after, rep.params_after);
  j["size_ratio"] = rep.bytes_before > 0 ? static_cast<double>(rep.bytes_after) / rep.bytes_before : 0.0;
  j["size_factor"] = rep.bytes_after > 0 ? static_cast<double>(rep.bytes_before) / rep.bytes_after : 0.0;
  j["seconds"] = r.seconds;
  j["provenance"] = {{"source_sha256", r.provenance.source_sha256},
                     {"calib_sha256", r.provenance.calib_sha256},
                     {"calib_bytes", r.provenance.calib_bytes},
                     {"calib_tokens", r.calib_tokens},
                     {"version", r.provenance.version}};
  nlohmann::ordered_json tensors = nlohmann::ordered_json::array();
  for (const TensorChange& t : rep.tensors) {
    nlohmann::ordered_json tj;
    tj["name"] = t.name;
    tj["before"] = t.before;
    tj["after"] = t.after;
    tj["rel_error"] = t.rel_error;
    if (t.num_nonzero >= 0) tj["num_nonzero"] = t.num_nonzero;
    if (!t.note.empty()) tj["note"] = t.note;
    tensors.push_back(std::move(tj));
  }
  j["tensors"] = std::move(tensors);
  j["notes"] = rep.notes;
  return j.dump(2);
}

void PrintReport(const CompressResult& r, const std::string& out) {
  const CompressionReport& rep = r.report;
  std::printf("%-36s %-22s %-26s %10s  %s\n", "tensor", "before", "after", "rel.err", "note");
  for (const TensorChange& t : rep.tensors) {
    std::string note = t.note;
    if (t.num_nonzero >= 0) note = fmt::format("nonzero {}{}{}", t.num_nonzero, note.empty() ? "" : "; ", note);
    std::printf("%-36s %-22s %-26s %10.3e  %s\n", t.name.c_str(), t.before.c_str(), t.after.c_str(),
                t.rel_error, note.c_str());
  }
  const double ratio =
      rep.bytes_before > 0 ? static_cast<double>(rep.bytes_after) / rep.bytes_before : 0.0;
  std::printf("\nrecipe %s\n", rep.recipe.c_str());
  std::printf("size   %.2f MB -> %.2f MB (ratio %.3f, factor %.2fx)\n", rep.bytes_before / 1e6,
              rep.bytes_after / 1e6, ratio, ratio > 0 ? 1.0 / ratio : 0.0);
  std::printf("params %lld -> %lld, bits/weight %.3f -> %.3f\n",
              static_cast<long long>(rep.params_before), static_cast<long long>(rep.params_after),
              BitsPerWeight(rep.bytes_before, rep.params_before),
              BitsPerWeight(rep.bytes_after, rep.params_after));
  if (!r.provenance.calib_sha256.empty()) {
    std::printf("calib  %lld bytes, %lld tokens, sha256 %s\n",
                static_cast<long long>(r.provenance.calib_bytes),
                static_cast<long long>(r.calib_tokens), r.provenance.calib_sha256.c_str());
  }
  std::printf("wrote  %s in %.2f s\n", out.c_str(), r.seconds);
}

Status RunCompress(const CompressArgs& args) {
  CompressOptions options;
  options.recipe = args.method;
  options.calib_path = args.calib;
  options.force = args.force;
  if (args.threads < 0) return InvalidInput("compress: -t must be >= 0, got {}", args.threads);
  if (args.calib_ctx < 2) return InvalidInput("compress: --calib-ctx must be >= 2, got {}", args.calib_ctx);
  options.num_threads = args.threads;
  options.calib_ctx = args.calib_ctx;
  options.calib_max_chunks = args.calib_chunks;
  for (const std::string& t : args.tensor_types) {
    CRATIO_ASSIGN_OR_RETURN(auto o, ParseTensorTypeOverride(t));
    options.tensor_type_overrides.push_back(std::move(o));
  }
  // --output-type / --embd-type are overrides of one exact name, applied last.
  const std::pair<const std::string*, const char*> named[] = {
      {&args.output_type, "output.weight"}, {&args.embd_type, "token_embd.weight"}};
  for (const auto& [type, name] : named) {
    if (type->empty()) continue;
    auto o = ParseTensorTypeOverride(fmt::format("{}={}", name, *type));
    if (!o.ok()) return o.status();
    options.tensor_type_overrides.push_back(std::move(*o));
  }
  CRATIO_ASSIGN_OR_RETURN(const FileFormat format, OutputFormatFromPath(args.out));
  CRATIO_RETURN_IF_ERROR(CheckModelOutput(args.out, format, {args.in, args.calib}, args.force));
  CRATIO_ASSIGN_OR_RETURN(const CompressResult result, CompressModel(args.in, args.out, options));
  if (args.json) {
    std::printf("%s\n", ReportJson(result, args.in, args.out).c_str());
  } else {
    PrintReport(result, args.out);
  }
  return Status::Ok();
}

}  // namespace

void AddCompressCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<CompressArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compress", "Quantize / prune / factorize a model by a recipe (steps joined by '+')");
  std::string methods = "Recipe, e.g. q4_k_m or prune-structured:0.3+q4_k_m. Methods:";
  for (const std::string& m : KnownMethods()) methods += "\n  " + m;
  cmd->add_option("in", args->in, "Input model (GGUF, safetensors, llama2.c)")->required();
  cmd->add_option("-o,--output", args->out, "Output model (*.gguf)")->required();
  cmd->add_option("-m,--method", args->method, methods)->required();
  cmd->add_option("--calib", args->calib,
                  "Calibration text: importance-weighted quantization, activation-aware methods");
  cmd->add_option("--calib-ctx", args->calib_ctx, "Calibration chunk length (model context if smaller)");
  cmd->add_option("--calib-chunks", args->calib_chunks, "At most this many calibration chunks (0: all)");
  cmd->add_option("--tensor-type", args->tensor_types,
                  "PATTERN=TYPE: type for tensors whose name matches (glob '*'); repeatable");
  cmd->add_option("--output-type", args->output_type, "Type for output.weight");
  cmd->add_option("--embd-type", args->embd_type, "Type for token_embd.weight");
  cmd->add_option("-t,--threads", args->threads, "Threads (0: all cores)");
  cmd->add_flag("--json", args->json, "Print the report as JSON");
  cmd->add_flag("--force", args->force, "Overwrite an existing output");
  cmd->callback([run, args] { *run = [args] { return RunCompress(*args); }; });
}

}  // namespace cratio::cli
