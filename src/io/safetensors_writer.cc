// Writes a ModelFile as model.safetensors + config.json (Hugging Face layout).
#include <filesystem>
#include <map>
#include <vector>

#include "base/atomic_file.h"
#include "io/hf_config.h"
#include "io/hf_names.h"
#include "io/safetensors.h"
#include "io/tokenizer_json.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// safetensors dtype names for the dtypes the format can hold; empty otherwise.
std::string_view StDTypeName(DType d) {
  switch (d) {
    case DType::kF32: return "F32";
    case DType::kF16: return "F16";
    case DType::kBF16: return "BF16";
    case DType::kF64: return "F64";
    case DType::kI32: return "I32";
    case DType::kI16: return "I16";
    case DType::kI8: return "I8";
    default: return "";
  }
}

// Writes `text` to a temporary file for `path`, committed later with the others.
Result<AtomicFileWriter> StageTextFile(const std::string& path, const std::string& text) {
  CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::Create(path));
  CRATIO_RETURN_IF_ERROR(w.Write(text.data(), text.size()));
  return w;
}

// The RoPE layout the model's Q/K rows are in: the explicit key, else the GGUF default
// for its architecture (llama: adjacent; qwen2 and others: half).
std::string EffectiveRopeLayout(const ModelFile& m) {
  if (std::optional<std::string> v = m.metadata.GetString(kKeyRopeLayout)) return *v;
  if (m.format == FileFormat::kSafetensors) return "half";
  return m.metadata.GetString("general.architecture").value_or("llama") == "llama" ? "adjacent"
                                                                                   : "half";
}

Status WriteSafetensorsFiles(const fs::path& file, const fs::path& dir, const ModelFile& model);

}  // namespace

Status WriteSafetensors(const std::string& dir_or_file, const ModelFile& model) {
  fs::path file, dir;
  if (fs::path(dir_or_file).extension() == ".safetensors") {
    file = dir_or_file;
    dir = file.parent_path();
    if (dir.empty()) dir = ".";
  } else {
    dir = dir_or_file;
    file = dir / "model.safetensors";
  }
  std::error_code ec;
  const bool dir_existed = fs::exists(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return IoError("safetensors: cannot create directory '{}': {}", dir.string(), ec.message());
  Status s = WriteSafetensorsFiles(file, dir, model);
  // A failed write leaves no trace, not even the (empty) directory it created.
  if (!s.ok() && !dir_existed) fs::remove(dir, ec);
  return s;
}

namespace {

Status WriteSafetensorsFiles(const fs::path& file, const fs::path& dir, const ModelFile& model) {
  // Header: __metadata__ first, then the tensors in directory order, packed back to back.
  Json header;
  header["__metadata__"] = Json{{"format", "pt"},
                                {std::string(kKeyRopeLayout), EffectiveRopeLayout(model)}};
  std::map<std::string, std::string> hf_names_used;
  std::map<DType, uint64_t> bytes_by_dtype;
  uint64_t offset = 0;
  for (const TensorEntry& t : model.tensors) {
    const std::string_view dtype = StDTypeName(t.view.dtype);
    if (dtype.empty()) {
      return InvalidInput("safetensors: tensor '{}' has dtype {}, which safetensors cannot "
                          "store (F32, F16, BF16 only); convert with --dtype f16 (or f32, bf16)",
                          t.name, DTypeName(t.view.dtype));
    }
    const std::string hf = GgufToHfName(t.name);
    if (auto [it, fresh] = hf_names_used.emplace(hf, t.name); !fresh) {
      return InvalidInput("safetensors: tensors '{}' and '{}' would both be named '{}'",
                          it->second, t.name, hf);
    }
    const uint64_t size = TensorBytes(t.view.dtype, t.view.shape);
    Json shape = Json::array();
    for (int i = 0; i < t.view.shape.rank(); ++i) shape.push_back(t.view.shape.dim(i));
    header[hf] = Json{{"dtype", dtype}, {"shape", shape}, {"data_offsets", {offset, offset + size}}};
    offset += size;
    bytes_by_dtype[t.view.dtype] += size;
  }
  std::string text = header.dump();
  // Pad with spaces (valid JSON whitespace) so the data section starts 8-byte aligned.
  while ((8 + text.size()) % 8 != 0) text.push_back(' ');

  // config.json is built first, so a model it cannot describe writes nothing. The dtype
  // holding most bytes is the checkpoint's torch_dtype.
  DType main_dtype = DType::kF32;
  uint64_t most = 0;
  for (const auto& [d, bytes] : bytes_by_dtype) {
    if (bytes > most) most = bytes, main_dtype = d;
  }
  Metadata meta = model.metadata;
  const std::string arch = meta.GetString("general.architecture").value_or("llama");
  if (!meta.Contains(arch + ".vocab_size")) {
    if (const TensorEntry* embd = model.FindTensor("token_embd.weight")) {
      meta.Set(arch + ".vocab_size", MetaValue::U32(static_cast<uint32_t>(embd->view.rows())));
    }
  }
  const bool tied = model.FindTensor("output.weight") == nullptr;
  CRATIO_ASSIGN_OR_RETURN(std::string config, HfConfigFromMetadata(meta, tied, main_dtype));
  // tokenizer.json when the metadata carries a tokenizer cratio can describe in it.
  std::optional<TokenizerJsonFiles> tokenizer;
  const std::string tok_model = meta.GetString("tokenizer.ggml.model").value_or("");
  if (meta.Contains("tokenizer.ggml.tokens") && (tok_model == "llama" || tok_model == "gpt2")) {
    CRATIO_ASSIGN_OR_RETURN(tokenizer, TokenizerJsonFromMetadata(meta));
  }
  CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::Create(file.string()));
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(uint64_t{text.size()} >> (8 * i));
  CRATIO_RETURN_IF_ERROR(w.Write(len, sizeof(len)));
  CRATIO_RETURN_IF_ERROR(w.Write(text.data(), text.size()));
  for (const TensorEntry& t : model.tensors) {
    const uint64_t size = TensorBytes(t.view.dtype, t.view.shape);
    if (size > 0) CRATIO_RETURN_IF_ERROR(w.Write(t.view.data, size));
  }
  // Every file is written in full to its temporary before any is renamed into place, so
  // a full disk or a failed write leaves none of them behind (config.json goes last: a
  // directory with it is complete).
  std::vector<AtomicFileWriter> staged;
  staged.push_back(std::move(w));
  if (tokenizer) {
    CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter t, StageTextFile((dir / "tokenizer.json").string(),
                                                              tokenizer->tokenizer_json));
    staged.push_back(std::move(t));
    CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter tc,
                            StageTextFile((dir / "tokenizer_config.json").string(),
                                          tokenizer->tokenizer_config_json));
    staged.push_back(std::move(tc));
  }
  CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter c, StageTextFile((dir / "config.json").string(), config));
  staged.push_back(std::move(c));
  for (AtomicFileWriter& f : staged) CRATIO_RETURN_IF_ERROR(f.Flush());
  for (AtomicFileWriter& f : staged) CRATIO_RETURN_IF_ERROR(f.Commit());
  return Status::Ok();
}

}  // namespace
}  // namespace cratio
