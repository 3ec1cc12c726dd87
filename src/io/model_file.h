// ModelFile: the format-neutral result of reading GGUF, safetensors or llama2.c — the
// metadata (llama.cpp keys) plus a directory of tensors named as llama.cpp names them
// ("token_embd.weight", "blk.3.attn_q.weight", ...). Tensor data are views into the
// mmapped file(s) or into buffers the ModelFile owns; both live as long as it does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/aligned_buffer.h"
#include "base/mapped_file.h"
#include "base/status.h"
#include "io/metadata.h"
#include "tensor/tensor.h"

namespace cratio {

enum class FileFormat { kGguf, kSafetensors, kLlama2c };
std::string_view FileFormatName(FileFormat f);

// Metadata keys cratio adds (never needed by llama.cpp, harmless to it).
// "cratio.rope.layout": "adjacent" (GGUF llama: pairs (2i, 2i+1)) or "half" (Hugging Face,
// NeoX, Qwen2: pairs (i, i + head_dim/2)). Absent means the architecture's GGUF default.
inline constexpr std::string_view kKeyRopeLayout = "cratio.rope.layout";

struct TensorEntry {
  std::string name;       // llama.cpp name
  std::string file_name;  // name as stored in the source file (HF name for safetensors)
  TensorView view;        // dtype, shape (outermost first), data
  uint64_t file_offset = 0;  // offset of the data in its source file (0 if synthesized)
};

struct ModelFile {
  FileFormat format = FileFormat::kGguf;
  std::string path;            // what the user named (file or directory)
  uint32_t gguf_version = 3;   // for GGUF input
  uint64_t alignment = 32;     // general.alignment (GGUF) or 32
  Metadata metadata;
  std::vector<TensorEntry> tensors;
  // Keep-alive storage for the views above.
  std::vector<std::shared_ptr<MappedFile>> mappings;
  std::vector<std::shared_ptr<AlignedBuffer>> owned;

  const TensorEntry* FindTensor(std::string_view name) const;
  // Sum of on-disk bytes of all tensors.
  uint64_t TotalTensorBytes() const;
};

// Reads any supported format, chosen by content: GGUF magic, a safetensors header, a
// directory holding *.safetensors, or a llama2.c checkpoint (`.bin`).
Result<ModelFile> ReadModelFile(const std::string& path);

}  // namespace cratio
