// ModelFile helpers and ReadModelFile: picks the reader from the file's content.
#include "io/model_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "io/gguf.h"
#include "io/llama2c.h"
#include "io/safetensors.h"

namespace cratio {

std::string_view FileFormatName(FileFormat f) {
  switch (f) {
    case FileFormat::kGguf: return "gguf";
    case FileFormat::kSafetensors: return "safetensors";
    case FileFormat::kLlama2c: return "llama2c";
  }
  return "unknown";
}

const TensorEntry* ModelFile::FindTensor(std::string_view name) const {
  for (const TensorEntry& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

uint64_t ModelFile::TotalTensorBytes() const {
  uint64_t total = 0;
  for (const TensorEntry& t : tensors) total += t.view.size_bytes;
  return total;
}

namespace {

constexpr size_t kSniffBytes = 16;

std::string HexBytes(const uint8_t* b, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += fmt::format("{:02x}", b[i]);
  }
  return s;
}

}  // namespace

Result<ModelFile> ReadModelFile(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return IoError("{}: cannot open: {}", path, ec ? ec.message() : "no such file or directory");
  }
  const bool is_directory = std::filesystem::is_directory(status);

  // First bytes of the file (none for a directory) decide the format.
  uint8_t head[kSniffBytes] = {};
  size_t head_bytes = 0;
  if (!is_directory) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return IoError("{}: cannot open: {}", path, std::strerror(errno));
    head_bytes = std::fread(head, 1, sizeof(head), f);
    std::fclose(f);
  }

  if (!is_directory && LooksLikeGguf(head, head_bytes)) return ReadGguf(path);

  // --- Other formats: the safetensors / llama2.c readers add their branches here. ---
  // A directory holding *.safetensors, a *.safetensors path or a safetensors header (u64
  // length, then '{'); a llama2.c checkpoint (v1 magic, or a .bin whose v0 header matches
  // the file size exactly).
  if (is_directory) {
    std::error_code list_ec;
    for (const auto& e : std::filesystem::directory_iterator(path, list_ec)) {
      if (e.path().extension() == ".safetensors") return ReadSafetensors(path);
    }
  } else if (LooksLikeSafetensors(path)) {
    return ReadSafetensors(path);
  } else if (LooksLikeLlama2c(path)) {
    return ReadLlama2c(path);
  } else if (std::filesystem::path(path).extension() == ".bin" && head_bytes >= 4 &&
             !(head[0] == 'P' && head[1] == 'K')) {
    // Named like a llama2.c checkpoint (and not a zip, as PyTorch's pytorch_model.bin
    // is): let the llama2.c reader explain what does not fit.
    return ReadLlama2c(path);
  }
  // --- End of other formats. ---

  if (is_directory) {
    return InvalidInput("{}: is a directory but holds no recognised model (expected "
                        "*.safetensors files)",
                        path);
  }
  return InvalidInput("{}: unrecognised model file: first {} bytes are [{}]; expected the GGUF "
                      "magic \"GGUF\" (47 47 55 46), a safetensors header or a llama2.c "
                      "checkpoint",
                      path, head_bytes, HexBytes(head, head_bytes));
}

}  // namespace cratio
