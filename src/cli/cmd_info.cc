// `cratio info MODEL [--json] [--ctx N]`: architecture, parameters, bytes, bits per weight,
// FLOPs per token and a memory estimate; `cratio info --system`: the machine and the
// kernel ISA in use.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/cpu_features.h"
#include "base/thread_pool.h"
#include "cli/command.h"
#include "io/model_file.h"
#include "kernels/kernel_table.h"
#include "model/accounting.h"
#include "model/config.h"

namespace cratio::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

struct InfoArgs {
  std::string model;
  bool json = false;
  bool system = false;
  int64_t ctx = 0;
  int threads = 0;
};

// Bytes of a file, or of the regular files directly inside a directory.
uint64_t PathBytes(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    uint64_t total = 0;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.is_regular_file(ec)) total += entry.file_size(ec);
    }
    return total;
  }
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

// "1.23 M" style with the exact count beside it where it matters.
std::string Human(double v, std::string_view unit = "") {
  const char* prefixes[] = {"", " K", " M", " G", " T", " P"};
  int i = 0;
  while (std::abs(v) >= 1000.0 && i < 5) v /= 1000.0, ++i;
  return i == 0 ? fmt::format("{:.0f}{}{}", v, unit.empty() ? "" : " ", unit)
                : fmt::format("{:.2f}{}{}", v, prefixes[i], unit);
}

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int i = 0;
  while (v >= 1024.0 && i < 4) v /= 1024.0, ++i;
  return i == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.2f} {}", v, units[i]);
}

std::string_view LayoutName(RopeLayout l) { return l == RopeLayout::kHalf ? "half" : "adjacent"; }

ordered_json TokenizerJson(const Metadata& md) {
  ordered_json t = ordered_json::object();
  const std::optional<std::string> model = md.GetString("tokenizer.ggml.model");
  if (!model) return t;
  t["model"] = *model;
  if (auto pre = md.GetString("tokenizer.ggml.pre")) t["pre"] = *pre;
  const MetaArray* tokens = md.GetArray("tokenizer.ggml.tokens");
  t["vocab_size"] = tokens ? tokens->items.size() : 0;
  if (const MetaArray* merges = md.GetArray("tokenizer.ggml.merges")) {
    t["num_merges"] = merges->items.size();
  }
  for (const char* id : {"bos", "eos", "unknown", "padding"}) {
    if (auto v = md.GetInt(fmt::format("tokenizer.ggml.{}_token_id", id))) {
      t[fmt::format("{}_id", id)] = *v;
    }
  }
  if (auto v = md.GetBool("tokenizer.ggml.add_bos_token")) t["add_bos"] = *v;
  if (auto v = md.GetBool("tokenizer.ggml.add_eos_token")) t["add_eos"] = *v;
  return t;
}

ordered_json SystemJson() {
  const CpuFeatures& cpu = GetCpuFeatures();
  ordered_json j;
  j["cpu_model"] = cpu.model_name;
  j["cpu_features"] = cpu.ToString();
  j["kernel_isa"] = std::string(IsaName(GetKernelTable().isa));
  j["best_isa"] = std::string(IsaName(BestAvailableIsa()));
  const Status isa_status = IsaOverrideStatus();
  if (!isa_status.ok()) j["isa_override_error"] = isa_status.message();
  j["num_logical_cores"] = NumLogicalCores();
  j["default_threads"] = ThreadPool::DefaultThreadCount();
  j["memory_bytes"] = TotalMemoryBytes();
  return j;
}

Status RunSystem(const InfoArgs& args) {
  const ordered_json j = SystemJson();
  if (args.json) {
    std::printf("%s\n", j.dump(2).c_str());
    return Status::Ok();
  }
  std::printf("cpu            %s\n", j["cpu_model"].get<std::string>().c_str());
  std::printf("features       %s\n", j["cpu_features"].get<std::string>().c_str());
  std::printf("kernel isa     %s (best available: %s)\n",
              j["kernel_isa"].get<std::string>().c_str(),
              j["best_isa"].get<std::string>().c_str());
  if (j.contains("isa_override_error")) {
    std::printf("CRATIO_ISA     ignored: %s\n",
                j["isa_override_error"].get<std::string>().c_str());
  }
  std::printf("cores          %d logical (default threads %d)\n", NumLogicalCores(),
              ThreadPool::DefaultThreadCount());
  std::printf("memory         %s\n", HumanBytes(TotalMemoryBytes()).c_str());
  return Status::Ok();
}

// The whole report as JSON; the text form is printed from the same object so the two
// never disagree.
Result<ordered_json> BuildInfo(const InfoArgs& args) {
  CRATIO_ASSIGN_OR_RETURN(const ModelFile file, ReadModelFile(args.model));
  Result<ModelConfig> config = ModelConfig::FromModelFile(file);
  ThreadPool pool(args.threads);
  AccountingOptions opts;
  opts.context_length = args.ctx;
  opts.pool = &pool;
  CRATIO_ASSIGN_OR_RETURN(const ModelAccounting acc,
                          ComputeAccounting(file, config.ok() ? &*config : nullptr, opts));

  ordered_json j;
  j["path"] = args.model;
  j["format"] = std::string(FileFormatName(file.format));
  if (file.format == FileFormat::kGguf) j["gguf_version"] = file.gguf_version;
  j["file_bytes"] = PathBytes(args.model);
  j["architecture"] = file.metadata.GetString("general.architecture").value_or("");
  j["name"] = file.metadata.GetString("general.name").value_or("");
  if (auto ft = file.metadata.GetInt("general.file_type")) j["file_type"] = *ft;
  if (config.ok()) {
    const ModelConfig& c = *config;
    ordered_json h;
    h["vocab_size"] = c.vocab_size;
    h["model_dim"] = c.model_dim;
    h["num_layers"] = c.num_layers;
    h["ffn_dim"] = c.ffn_dim;
    h["num_heads"] = c.num_heads;
    h["num_kv_heads"] = c.num_kv_heads;
    h["head_dim"] = c.head_dim;
    h["rope_dim"] = c.rope_dim;
    h["context_length"] = c.context_length;
    h["rms_norm_eps"] = c.rms_norm_eps;
    h["rope_freq_base"] = c.rope_freq_base;
    h["rope_layout"] = std::string(LayoutName(c.rope_layout));
    h["tied_output"] = c.tied_output;
    j["config"] = h;
  } else {
    j["config_error"] = config.status().message();
  }
  j["num_tensors"] = acc.num_tensors;
  j["params_total"] = acc.params_total;
  j["params_nonzero"] = acc.params_nonzero;
  ordered_json roles = ordered_json::object();
  for (const GroupAccounting& g : acc.by_group) {
    roles[std::string(RoleGroupName(g.group))] = {{"num_tensors", g.num_tensors},
                                                  {"params", g.params},
                                                  {"params_nonzero", g.params_nonzero},
                                                  {"size_bytes", g.size_bytes}};
  }
  j["params_by_role"] = roles;
  ordered_json dtypes = ordered_json::object();
  for (const DTypeAccounting& d : acc.by_dtype) {
    dtypes[std::string(DTypeName(d.dtype))] = {{"num_tensors", d.num_tensors},
                                               {"params", d.params},
                                               {"size_bytes", d.size_bytes},
                                               {"bits_per_weight", d.bits_per_weight}};
  }
  j["bytes_by_dtype"] = dtypes;
  j["tensor_bytes"] = acc.tensor_bytes;
  j["bits_per_weight"] = acc.bits_per_weight;
  j["context_length"] = acc.context_length;
  j["linear_macs_per_token"] = acc.linear_macs_per_token;
  j["attention_flops_per_token"] = acc.attention_flops_per_token;
  j["flops_per_token"] = acc.flops_per_token;
  j["flops_per_token_sparse"] = acc.flops_per_token_sparse;
  j["weight_bytes"] = acc.weight_bytes;
  j["kv_cache_bytes"] = acc.kv_cache_bytes;
  j["scratch_bytes"] = acc.scratch_bytes;
  j["memory_bytes"] = acc.memory_bytes;
  j["memory_assumption"] =
      "one sequence at context_length; weights as stored; f32 K and V cache; f32 decode "
      "scratch";
  j["tokenizer"] = TokenizerJson(file.metadata);
  return j;
}

void PrintText(const ordered_json& j) {
  auto s = [&](const ordered_json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  auto i64 = [&](const char* key) { return j[key].get<int64_t>(); };
  std::printf("model          %s\n", s(j["path"]).c_str());
  std::printf("format         %s%s, %s on disk\n", s(j["format"]).c_str(),
              j.contains("gguf_version") ? fmt::format(" v{}", s(j["gguf_version"])).c_str() : "",
              HumanBytes(j["file_bytes"].get<uint64_t>()).c_str());
  std::printf("architecture   %s  (name: %s)\n", s(j["architecture"]).c_str(),
              s(j["name"]).c_str());
  if (j.contains("config")) {
    const ordered_json& c = j["config"];
    std::printf("shape          vocab %s, dim %s, layers %s, ffn %s, heads %s / kv %s, head_dim %s\n",
                s(c["vocab_size"]).c_str(), s(c["model_dim"]).c_str(), s(c["num_layers"]).c_str(),
                s(c["ffn_dim"]).c_str(), s(c["num_heads"]).c_str(), s(c["num_kv_heads"]).c_str(),
                s(c["head_dim"]).c_str());
    std::printf("context        %s  (rms eps %g, rope base %g, rope dim %s, rope layout %s%s)\n",
                s(c["context_length"]).c_str(), c["rms_norm_eps"].get<double>(),
                c["rope_freq_base"].get<double>(), s(c["rope_dim"]).c_str(),
                s(c["rope_layout"]).c_str(),
                c["tied_output"].get<bool>() ? ", tied output" : "");
  } else {
    std::printf("config         not a runnable model: %s\n", s(j["config_error"]).c_str());
  }
  const int64_t total = i64("params_total");
  const int64_t nonzero = i64("params_nonzero");
  std::printf("parameters     %s (%lld), non-zero %s (%.2f %%), %s tensors\n",
              Human(static_cast<double>(total)).c_str(), static_cast<long long>(total),
              Human(static_cast<double>(nonzero)).c_str(),
              total > 0 ? 100.0 * static_cast<double>(nonzero) / total : 0.0,
              s(j["num_tensors"]).c_str());
  std::printf("\n  %-10s %8s %16s %16s %12s\n", "role", "tensors", "params", "non-zero", "bytes");
  for (const auto& [role, g] : j["params_by_role"].items()) {
    std::printf("  %-10s %8s %16s %16s %12s\n", role.c_str(), s(g["num_tensors"]).c_str(),
                s(g["params"]).c_str(), s(g["params_nonzero"]).c_str(),
                HumanBytes(g["size_bytes"].get<uint64_t>()).c_str());
  }
  std::printf("\n  %-10s %8s %16s %12s %12s\n", "dtype", "tensors", "params", "bytes", "bits/weight");
  for (const auto& [dtype, d] : j["bytes_by_dtype"].items()) {
    std::printf("  %-10s %8s %16s %12s %12.3f\n", dtype.c_str(), s(d["num_tensors"]).c_str(),
                s(d["params"]).c_str(), HumanBytes(d["size_bytes"].get<uint64_t>()).c_str(),
                d["bits_per_weight"].get<double>());
  }
  std::printf("\nbits/weight    %.3f overall (%s of tensor data)\n",
              j["bits_per_weight"].get<double>(),
              HumanBytes(j["tensor_bytes"].get<uint64_t>()).c_str());
  const int64_t ctx = i64("context_length");
  std::printf("FLOPs/token    %s at context %lld (linear %s, attention %s); sparse-aware %s\n",
              Human(static_cast<double>(i64("flops_per_token"))).c_str(),
              static_cast<long long>(ctx),
              Human(2.0 * static_cast<double>(i64("linear_macs_per_token"))).c_str(),
              Human(static_cast<double>(i64("attention_flops_per_token"))).c_str(),
              Human(static_cast<double>(i64("flops_per_token_sparse"))).c_str());
  std::printf("memory         %s at context %lld = weights %s + KV cache %s + scratch %s\n",
              HumanBytes(j["memory_bytes"].get<uint64_t>()).c_str(), static_cast<long long>(ctx),
              HumanBytes(j["weight_bytes"].get<uint64_t>()).c_str(),
              HumanBytes(j["kv_cache_bytes"].get<uint64_t>()).c_str(),
              HumanBytes(j["scratch_bytes"].get<uint64_t>()).c_str());
  std::printf("               (%s)\n", s(j["memory_assumption"]).c_str());
  const ordered_json& t = j["tokenizer"];
  if (t.contains("model")) {
    std::string line = fmt::format("{}, {} tokens", s(t["model"]), s(t["vocab_size"]));
    if (t.contains("pre")) line += fmt::format(", pre-tokenizer {}", s(t["pre"]));
    if (t.contains("num_merges")) line += fmt::format(", {} merges", s(t["num_merges"]));
    if (t.contains("bos_id")) line += fmt::format(", bos {}", s(t["bos_id"]));
    if (t.contains("eos_id")) line += fmt::format(", eos {}", s(t["eos_id"]));
    std::printf("tokenizer      %s\n", line.c_str());
  } else {
    std::printf("tokenizer      none in the file\n");
  }
}

Status RunInfo(const InfoArgs& args) {
  if (args.system) return RunSystem(args);
  if (args.model.empty()) {
    return InvalidInput("info: give a MODEL path (or --system for the machine)");
  }
  if (args.ctx < 0) return InvalidInput("info: --ctx must be positive, got {}", args.ctx);
  if (args.threads < 0) return InvalidInput("info: -t must be >= 0, got {}", args.threads);
  CRATIO_ASSIGN_OR_RETURN(const ordered_json j, BuildInfo(args));
  if (args.json) {
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    PrintText(j);
  }
  return Status::Ok();
}

}  // namespace

void AddInfoCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Architecture, parameters, bytes by dtype, bits/weight, FLOPs/token, memory");
  cmd->add_option("model", args->model, "GGUF file, safetensors file or directory, llama2.c .bin");
  cmd->add_flag("--json", args->json, "Print JSON (keys carry units: *_bytes, *_per_token)");
  cmd->add_flag("--system", args->system, "Describe this machine and the kernel ISA in use");
  cmd->add_option("--ctx", args->ctx, "Context length N for FLOPs and memory (default: the model's)");
  cmd->add_option("-t,--threads", args->threads, "Threads for counting zeros (0: all cores)");
  cmd->callback([run, args] { *run = [args] { return RunInfo(*args); }; });
}

}  // namespace cratio::cli
