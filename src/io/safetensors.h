// Hugging Face safetensors: a single `.safetensors` file or a model directory
// (config.json + model.safetensors, or shards listed in model.safetensors.index.json).
// Layout: u64 little-endian header length N, N bytes of JSON
// {"name": {"dtype", "shape", "data_offsets": [begin, end)}, "__metadata__": {...}},
// then the data section that the offsets index. See docs/FORMATS.md.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "io/hf_names.h"  // Q/K permutation helpers used when converting to/from GGUF
#include "io/model_file.h"
#include "numeric/dtype.h"
#include "tensor/shape.h"

namespace cratio {

// Header length limit: real headers are well under 10 MB; anything larger is corrupt.
inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 100ull << 20;

// One tensor as the header describes it (offsets relative to the data section).
struct SafetensorsTensor {
  std::string name;  // as stored (HF name)
  DType dtype = DType::kF32;
  Shape shape;
  uint64_t begin = 0, end = 0;  // [begin, end) in the data section
};

struct SafetensorsHeader {
  uint64_t data_start = 0;  // absolute offset of the data section (8 + N)
  std::vector<SafetensorsTensor> tensors;  // sorted by begin
  std::vector<std::pair<std::string, std::string>> metadata;  // "__metadata__"
};

// Parses and checks the header of a safetensors file held in memory (`file_bytes` bytes
// at `data`); `path` names the file in messages. Checks: header length bounded and inside
// the file, valid JSON, no duplicate names, known dtypes, rank <= 4, each tensor's byte
// span equal to its element count times its dtype size, inside the data section, and not
// overlapping another tensor.
Result<SafetensorsHeader> ParseSafetensorsHeader(const uint8_t* data, uint64_t file_bytes,
                                                 const std::string& path);

// Reads a `.safetensors` file or a model directory. Tensor names become llama.cpp names
// (file_name keeps the HF name); metadata comes from config.json next to the file (and
// tokenizer.json when present); "cratio.rope.layout" = "half". Data stay mmapped.
Result<ModelFile> ReadSafetensors(const std::string& path);

// True for a directory, a `*.safetensors` path, or a file whose first bytes look like a
// safetensors header (u64 length then '{').
bool LooksLikeSafetensors(const std::string& path);

// Writes `model` as Hugging Face files: given a directory (created if needed) it writes
// <dir>/model.safetensors and <dir>/config.json (plus tokenizer.json and
// tokenizer_config.json when the metadata holds a "llama" or "gpt2" tokenizer); given
// "<x>.safetensors" it writes that file and the others beside it. Tensors keep their bytes and get HF names; the header
// is padded so the data section starts 8-byte aligned. Each file is written atomically.
// Only F32 / F16 / BF16 (and plain integer / F64) tensors can be stored: a quantized
// tensor is InvalidInput naming it. Q/K rows are written as they are; the model's RoPE
// layout is recorded in __metadata__ ("cratio.rope.layout") so cratio reads it back
// correctly — un-permute to "half" first (PermuteQk) for files other tools will read.
Status WriteSafetensors(const std::string& dir_or_file, const ModelFile& model);

}  // namespace cratio
