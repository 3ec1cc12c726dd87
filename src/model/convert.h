// Format conversion and re-typing of whole models: GGUF <-> safetensors <-> llama2.c,
// optionally re-typing every 2-D weight with the reference quantizer. Q/K rows are moved
// between the RoPE layouts each format expects (GGUF llama: adjacent pairs; safetensors:
// half-split), so a converted model computes the same logits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/thread_pool.h"
#include "io/model_file.h"
#include "numeric/dtype.h"

namespace cratio {

// llama.cpp's `general.file_type` (LLAMA_FTYPE_*) for a model whose weights are mostly
// `dtype`: 0 all f32, 1 mostly f16, 2 q4_0, 7 q8_0, 14 q4_k_s, 32 bf16, ...
uint32_t LlamaFileType(DType dtype);

// The output format an output path asks for: "*.gguf", "*.safetensors", "*.bin"
// (llama2.c), or a directory — existing, or a path without extension — for a Hugging
// Face safetensors directory. InvalidInput for anything else.
Result<FileFormat> OutputFormatFromPath(const std::string& path);

// Refuses to write `out_path` when it is (or, for a directory, holds) one of `inputs`,
// or when it already exists and `force` is false.
Status CheckOutputPath(const std::string& out_path, const std::vector<std::string>& inputs,
                       bool force);

// Row conversions through f32: src[n] of `dtype` -> dst[n] f32, and back with the
// reference (round-to-nearest) quantizer. n must fit the dtype's blocks.
void LoadRowF32(const void* src, DType dtype, int64_t n, float* dst);
void StoreRowF32(const float* src, DType dtype, int64_t n, void* dst);

struct ConvertOptions {
  // Re-type every 2-D weight to this type (1-D tensors become f32).
  std::optional<DType> dtype;
  ThreadPool* pool = nullptr;  // may be null
};

struct ConvertReport {
  FileFormat format = FileFormat::kGguf;
  int64_t num_retyped = 0;  // tensors whose dtype changed
  int64_t num_permuted = 0; // Q/K tensors whose rows moved to another RoPE layout
  // Tensors that could not take the requested dtype (row length not a multiple of its
  // block size) and were stored as f16 instead, with the reason.
  std::vector<std::string> fallbacks;
};

// The model as `format` expects it (views into `in` where nothing changes, owned buffers
// where a tensor was re-typed or permuted; `in`'s storage is shared, not copied).
Result<ModelFile> PrepareForFormat(const ModelFile& in, FileFormat format,
                                   const ConvertOptions& options, ConvertReport* report);

// Writes a prepared model in `format` (safetensors: a directory or one .safetensors file).
Status WriteModelFile(const ModelFile& model, const std::string& path, FileFormat format);

// PrepareForFormat + WriteModelFile, with the format taken from `out_path`.
Result<ConvertReport> ConvertModel(const ModelFile& in, const std::string& out_path,
                                   const ConvertOptions& options);

}  // namespace cratio
