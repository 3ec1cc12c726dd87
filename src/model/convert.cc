// Whole-model conversion: re-typing, Q/K RoPE-layout permutation, format dispatch.
#include "model/convert.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>

#include "io/gguf.h"
#include "io/hf_names.h"
#include "io/llama2c.h"
#include "io/safetensors.h"
#include "model/tensor_names.h"
#include "numeric/half.h"

namespace cratio {
namespace fs = std::filesystem;

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsPlainFloat(DType d) { return d == DType::kF32 || d == DType::kF16 || d == DType::kBF16; }

// The RoPE layout Q/K rows are stored in: the explicit cratio key, else the
// architecture's GGUF default (llama.cpp permutes llama Q/K to adjacent pairs; qwen2
// and other NeoX-style architectures stay half-split).
std::string_view SourceLayout(const ModelFile& in) {
  if (auto v = in.metadata.GetString(kKeyRopeLayout)) {
    return *v == "half" ? "half" : "adjacent";
  }
  const std::string arch = in.metadata.GetString("general.architecture").value_or("llama");
  return arch == "llama" ? "adjacent" : "half";
}

std::string_view TargetLayout(const ModelFile& in, FileFormat format) {
  switch (format) {
    case FileFormat::kSafetensors: return "half";
    case FileFormat::kLlama2c: return "adjacent";
    case FileFormat::kGguf: {
      const std::string arch = in.metadata.GetString("general.architecture").value_or("llama");
      return arch == "llama" ? "adjacent" : SourceLayout(in);
    }
  }
  return "adjacent";
}

// head_dim from metadata: key_length, else embedding_length / head_count.
Result<int64_t> HeadDim(const Metadata& md) {
  const std::string arch = md.GetString("general.architecture").value_or("llama");
  if (auto k = md.GetInt(arch + ".attention.key_length"); k && *k > 0) return *k;
  const auto dim = md.GetInt(arch + ".embedding_length");
  const auto heads = md.GetInt(arch + ".attention.head_count");
  if (!dim || !heads || *heads <= 0 || *dim % *heads != 0) {
    return InvalidInput("convert: cannot move Q/K rows between RoPE layouts without "
                        "'{}.embedding_length' and '{}.attention.head_count' (found {} and {})",
                        arch, arch, dim ? std::to_string(*dim) : "none",
                        heads ? std::to_string(*heads) : "none");
  }
  return *dim / *heads;
}

// Which dtype a tensor gets: the requested one for 2-D weights whose rows fit its
// blocks (f16 otherwise), f32 for 1-D tensors; unchanged without a request.
DType TargetDType(const TensorEntry& e, const std::optional<DType>& requested,
                  std::vector<std::string>* fallbacks) {
  if (!requested) return e.view.dtype;
  if (e.view.shape.rank() != 2) return e.view.dtype == *requested ? *requested : DType::kF32;
  const int64_t cols = e.view.cols();
  if (!RowFitsBlocks(*requested, cols)) {
    fallbacks->push_back(fmt::format("{}: rows of {} elements are not a multiple of {}'s block "
                                     "size {}; stored as f16",
                                     e.name, cols, DTypeName(*requested),
                                     GetDTypeInfo(*requested).block_size));
    return DType::kF16;
  }
  return *requested;
}

// Re-types `src` into a new buffer of `dtype`, row by row over the pool.
std::shared_ptr<AlignedBuffer> Retype(const TensorView& src, DType dtype, ThreadPool* pool) {
  const int64_t rows = src.rows();
  const int64_t cols = src.cols();
  const int64_t dst_row_bytes = RowBytes(dtype, cols);
  auto buffer = std::make_shared<AlignedBuffer>(TensorBytes(dtype, src.shape));
  auto run = [&](int64_t begin, int64_t end) {
    std::vector<float> row(cols);
    for (int64_t r = begin; r < end; ++r) {
      LoadRowF32(src.row(r), src.dtype, cols, row.data());
      StoreRowF32(row.data(), dtype, cols, buffer->data() + r * dst_row_bytes);
    }
  };
  if (pool == nullptr || pool->num_threads() <= 1 || rows * cols < (1 << 15)) {
    run(0, rows);
  } else {
    pool->ParallelFor(rows, 1, [&](int64_t b, int64_t e, int) { run(b, e); });
  }
  return buffer;
}

// The dtype most 2-D weight elements are stored in (file_type describes it).
DType MajorityWeightDType(const std::vector<TensorEntry>& tensors) {
  std::map<uint32_t, int64_t> elements;
  for (const TensorEntry& e : tensors) {
    if (e.view.shape.rank() == 2) elements[static_cast<uint32_t>(e.view.dtype)] += e.view.num_elements();
  }
  DType best = DType::kF32;
  int64_t best_count = -1;
  for (const auto& [id, count] : elements) {
    if (count > best_count) best = static_cast<DType>(id), best_count = count;
  }
  return best;
}

}  // namespace

uint32_t LlamaFileType(DType dtype) {
  switch (dtype) {
    case DType::kF32: return 0;
    case DType::kF16: return 1;
    case DType::kQ4_0: return 2;
    case DType::kQ4_1: return 3;
    case DType::kQ8_0: return 7;
    case DType::kQ5_0: return 8;
    case DType::kQ5_1: return 9;
    case DType::kQ2_K: return 10;
    case DType::kQ3_K: return 11;  // Q3_K_S: every weight q3_k
    case DType::kQ4_K: return 14;  // Q4_K_S
    case DType::kQ5_K: return 16;  // Q5_K_S
    case DType::kQ6_K: return 18;
    case DType::kBF16: return 32;
    default: return 0;
  }
}

Result<FileFormat> OutputFormatFromPath(const std::string& path) {
  if (EndsWith(path, ".gguf")) return FileFormat::kGguf;
  if (EndsWith(path, ".safetensors")) return FileFormat::kSafetensors;
  if (EndsWith(path, ".bin")) return FileFormat::kLlama2c;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return FileFormat::kSafetensors;
  if (!fs::exists(path, ec) && fs::path(path).extension().empty()) return FileFormat::kSafetensors;
  return InvalidInput("output '{}': cannot tell the format from the name (use *.gguf, "
                      "*.safetensors, *.bin for llama2.c, or a directory for safetensors)",
                      path);
}

Status CheckOutputPath(const std::string& out_path, const std::vector<std::string>& inputs,
                       bool force) {
  std::error_code ec;
  const bool out_is_dir = fs::is_directory(out_path, ec);
  for (const std::string& in : inputs) {
    if (in.empty() || !fs::exists(in, ec)) continue;
    bool same = fs::exists(out_path, ec) && fs::equivalent(out_path, in, ec);
    // Writing into a directory that holds the input would replace its files.
    if (!same && out_is_dir) {
      const fs::path in_parent = fs::is_directory(in, ec) ? fs::path(in) : fs::path(in).parent_path();
      same = fs::equivalent(out_path, in_parent.empty() ? fs::path(".") : in_parent, ec);
    }
    if (same) {
      return InvalidInput("output '{}' is the input '{}': refusing to overwrite it", out_path, in);
    }
  }
  if (!force && fs::exists(out_path, ec)) {
    if (!out_is_dir || !fs::is_empty(out_path, ec)) {
      return InvalidInput("output '{}' already exists (pass --force to overwrite it)", out_path);
    }
  }
  return Status::Ok();
}

void LoadRowF32(const void* src, DType dtype, int64_t n, float* dst) {
  switch (dtype) {
    case DType::kF32: std::memcpy(dst, src, n * sizeof(float)); return;
    case DType::kF16: {
      const uint16_t* s = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = F16ToF32(s[i]);
      return;
    }
    case DType::kBF16: {
      const uint16_t* s = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = Bf16ToF32(s[i]);
      return;
    }
    default: GetDTypeInfo(dtype).dequantize_row(src, dst, n);
  }
}

void StoreRowF32(const float* src, DType dtype, int64_t n, void* dst) {
  switch (dtype) {
    case DType::kF32: std::memcpy(dst, src, n * sizeof(float)); return;
    case DType::kF16: {
      uint16_t* d = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = F32ToF16(src[i]);
      return;
    }
    case DType::kBF16: {
      uint16_t* d = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = F32ToBf16(src[i]);
      return;
    }
    default: GetDTypeInfo(dtype).quantize_row(src, dst, n);
  }
}

Result<ModelFile> PrepareForFormat(const ModelFile& in, FileFormat format,
                                   const ConvertOptions& options, ConvertReport* report) {
  ConvertReport local;
  if (report == nullptr) report = &local;
  report->format = format;
  std::optional<DType> requested = options.dtype;
  if (requested) {
    const DTypeInfo& info = GetDTypeInfo(*requested);
    if (!IsPlainFloat(*requested) && (!info.is_quantized || info.quantize_row == nullptr)) {
      return InvalidInput("convert: --dtype {} cannot hold weights (use f32, f16, bf16 or a "
                          "quantized type)",
                          info.name);
    }
  }
  if (format == FileFormat::kLlama2c) {
    if (requested && *requested != DType::kF32) {
      return InvalidInput("convert: llama2.c checkpoints hold f32 only, got --dtype {}",
                          DTypeName(*requested));
    }
    requested = DType::kF32;
  }
  if (format == FileFormat::kSafetensors && requested && !IsPlainFloat(*requested)) {
    return InvalidInput("convert: safetensors holds f32 / f16 / bf16 only, got --dtype {}",
                        DTypeName(*requested));
  }

  ModelFile out;
  out.format = format;
  out.path = in.path;
  out.gguf_version = 3;
  out.alignment = in.alignment;
  out.metadata = in.metadata;
  out.mappings = in.mappings;
  out.owned = in.owned;

  const std::string_view from_layout = SourceLayout(in);
  const std::string_view to_layout = TargetLayout(in, format);
  const bool permute = from_layout != to_layout;
  int64_t head_dim = 0;
  if (permute) {
    CRATIO_ASSIGN_OR_RETURN(head_dim, HeadDim(in.metadata));
  }
  const QkPermutation direction =
      to_layout == "adjacent" ? QkPermutation::kHalfToAdjacent : QkPermutation::kAdjacentToHalf;

  for (const TensorEntry& src : in.tensors) {
    TensorEntry e = src;
    const std::optional<ParsedTensorName> parsed = ParseTensorName(src.name);
    const DType dtype = TargetDType(src, requested, &report->fallbacks);
    if (dtype != src.view.dtype) {
      if (!RowFitsBlocks(src.view.dtype, src.view.cols()) ||
          (GetDTypeInfo(src.view.dtype).dequantize_row == nullptr &&
           !IsPlainFloat(src.view.dtype))) {
        return InvalidInput("convert: tensor '{}' ({}) cannot be re-typed", src.name,
                            DTypeName(src.view.dtype));
      }
      auto buffer = Retype(src.view, dtype, options.pool);
      e.view = TensorView{dtype, src.view.shape, buffer->data(), buffer->size()};
      out.owned.push_back(std::move(buffer));
      ++report->num_retyped;
    }
    // Q/K rows (and Q/K biases; the B factor of a low-rank pair) are regrouped per head.
    const bool qk = parsed && (parsed->role == TensorRole::kAttnQ ||
                               parsed->role == TensorRole::kAttnK ||
                               parsed->role == TensorRole::kAttnQBias ||
                               parsed->role == TensorRole::kAttnKBias);
    if (permute && qk && parsed->factor != "lr_a") {
      const int64_t rows = e.view.shape.rank() == 1 ? e.view.num_elements() : e.view.shape.dim(0);
      if (rows % head_dim != 0) {
        return InvalidInput("convert: tensor '{}' has {} rows, not a multiple of head_dim {}",
                            src.name, rows, head_dim);
      }
      const bool is_1d = e.view.shape.rank() == 1;
      const int64_t row_bytes =
          is_1d ? GetDTypeInfo(e.view.dtype).block_bytes : e.view.row_bytes();
      auto holder = std::make_shared<AlignedBuffer>(e.view.size_bytes);
      CRATIO_RETURN_IF_ERROR(PermuteQkRows(direction, e.view.data, holder->data(), rows, row_bytes,
                                           rows / head_dim)
                                 .WithPrefix(fmt::format("convert: tensor '{}'", src.name)));
      e.view.data = holder->data();
      out.owned.push_back(std::move(holder));
      ++report->num_permuted;
    }
    out.tensors.push_back(std::move(e));
  }

  const std::string arch = in.metadata.GetString("general.architecture").value_or("llama");
  const std::string_view arch_default = arch == "llama" ? "adjacent" : "half";
  if (format == FileFormat::kGguf && to_layout == arch_default) {
    out.metadata.Erase(kKeyRopeLayout);
  } else {
    out.metadata.Set(std::string(kKeyRopeLayout), MetaValue::Str(std::string(to_layout)));
  }
  // An unchanged GGUF keeps its metadata exactly (so it re-writes bit-identically).
  if (report->num_retyped > 0 ||
      (format != in.format && !out.metadata.Contains("general.file_type"))) {
    const uint32_t file_type = LlamaFileType(MajorityWeightDType(out.tensors));
    if (const MetaValue* old = out.metadata.Find("general.file_type"); old && old->is_integer()) {
      MetaValue v = *old;  // keep the stored integer type
      v.v = old->type == MetaType::kI32 || old->type == MetaType::kI64
                ? decltype(v.v)(int64_t{file_type})
                : decltype(v.v)(uint64_t{file_type});
      out.metadata.Set("general.file_type", v);
    } else {
      out.metadata.Set("general.file_type", MetaValue::U32(file_type));
    }
    if (GetDTypeInfo(MajorityWeightDType(out.tensors)).is_quantized &&
        !out.metadata.Contains("general.quantization_version")) {
      out.metadata.Set("general.quantization_version", MetaValue::U32(2));
    }
  }
  return out;
}

Status WriteModelFile(const ModelFile& model, const std::string& path, FileFormat format) {
  switch (format) {
    case FileFormat::kGguf:
      return WriteGguf(path, model.metadata, model.tensors, model.alignment);
    case FileFormat::kSafetensors:
      return WriteSafetensors(path, model);
    case FileFormat::kLlama2c:
      return WriteLlama2c(path, model);
  }
  return InternalError("unknown output format");
}

Result<ConvertReport> ConvertModel(const ModelFile& in, const std::string& out_path,
                                   const ConvertOptions& options) {
  CRATIO_ASSIGN_OR_RETURN(const FileFormat format, OutputFormatFromPath(out_path));
  ConvertReport report;
  CRATIO_ASSIGN_OR_RETURN(ModelFile prepared, PrepareForFormat(in, format, options, &report));
  CRATIO_RETURN_IF_ERROR(WriteModelFile(prepared, out_path, format));
  return report;
}

}  // namespace cratio
