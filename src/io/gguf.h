// GGUF (llama.cpp's model format) reading and writing. The layout and every check the
// reader makes are described in docs/FORMATS.md ("GGUF").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "io/metadata.h"
#include "io/model_file.h"

namespace cratio {

inline constexpr uint32_t kGgufMagic = 0x46554747;  // "GGUF" read as a little-endian u32
inline constexpr uint64_t kGgufDefaultAlignment = 32;
inline constexpr std::string_view kKeyGeneralAlignment = "general.alignment";
// llama.cpp refuses tensor names of 64 bytes or more (GGML_MAX_NAME).
inline constexpr uint64_t kGgufMaxTensorNameBytes = 63;

// True if `data` (size_bytes long) starts with the GGUF magic.
bool LooksLikeGguf(const uint8_t* data, uint64_t size_bytes);

// Reads a GGUF v2 / v3 file. Tensor views point into a read-only mmap of the file, which
// the returned ModelFile keeps alive (`mappings`). Every malformed or hostile input gives
// InvalidInput naming `path`, the field and the numbers; nothing sized by the file is
// allocated before it is checked against the file's size.
Result<ModelFile> ReadGguf(const std::string& path);

// Writes a GGUF v3 file: metadata in the given order with the given types, tensor infos
// in the given order, tensor data at offsets assigned in order, each padded with zeros to
// `alignment` (a nonzero power of two). `general.alignment` in `md`, if present, is
// written with its own type and the value `alignment`; if absent it is added (as u32)
// only when `alignment` is not the default 32. Tensor data are streamed from the views
// (no copy of the weights is made); the file appears under `path` only once complete.
Status WriteGguf(const std::string& path, const Metadata& md,
                 const std::vector<TensorEntry>& tensors,
                 uint64_t alignment = kGgufDefaultAlignment);

}  // namespace cratio
