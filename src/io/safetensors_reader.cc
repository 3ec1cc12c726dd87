// Reads safetensors files and Hugging Face model directories into a ModelFile.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "io/hf_config.h"
#include "io/hf_names.h"
#include "io/json_parse.h"
#include "io/safetensors.h"
#include "io/tokenizer_json.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct StDType {
  std::string_view name;
  DType dtype;
};
constexpr StDType kStDTypes[] = {
    {"F32", DType::kF32}, {"F16", DType::kF16}, {"BF16", DType::kBF16}, {"F64", DType::kF64},
    {"I32", DType::kI32}, {"I16", DType::kI16}, {"I8", DType::kI8},
};

uint64_t LoadU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Largest element count accepted; keeps elements * 8 bytes far from overflow.
constexpr uint64_t kMaxElements = uint64_t{1} << 50;

Result<SafetensorsTensor> ParseTensorEntry(const std::string& name, const Json& e,
                                           const std::string& path) {
  SafetensorsTensor t;
  t.name = name;
  if (!e.is_object()) {
    return InvalidInput("safetensors '{}': tensor '{}': expected an object, found {}", path,
                        name, e.type_name());
  }
  auto dt = e.find("dtype");
  if (dt == e.end() || !dt->is_string()) {
    return InvalidInput("safetensors '{}': tensor '{}': field 'dtype' is missing or not a "
                        "string", path, name);
  }
  const std::string dtype_name = dt->get<std::string>();
  bool known = false;
  for (const StDType& d : kStDTypes) {
    if (dtype_name == d.name) {
      t.dtype = d.dtype;
      known = true;
    }
  }
  if (!known) {
    return InvalidInput("safetensors '{}': tensor '{}' has dtype '{}', which cratio does not "
                        "read (supported: F32, F16, BF16, F64, I32, I16, I8)", path, name,
                        dtype_name);
  }
  auto sh = e.find("shape");
  if (sh == e.end() || !sh->is_array()) {
    return InvalidInput("safetensors '{}': tensor '{}': field 'shape' is missing or not a "
                        "list", path, name);
  }
  if (sh->size() > static_cast<size_t>(Shape::kMaxDims)) {
    return InvalidInput("safetensors '{}': tensor '{}' has {} dimensions; at most {} are "
                        "supported", path, name, sh->size(), Shape::kMaxDims);
  }
  std::vector<int64_t> dims;
  uint64_t num_elements = 1;
  for (const Json& d : *sh) {
    if (!d.is_number_unsigned() || d.get<uint64_t>() > kMaxElements) {
      return InvalidInput("safetensors '{}': tensor '{}': shape {} must hold non-negative "
                          "integers below 2^50", path, name, sh->dump());
    }
    const uint64_t v = d.get<uint64_t>();
    dims.push_back(static_cast<int64_t>(v));
    if (v != 0 && num_elements > kMaxElements / v) {
      return InvalidInput("safetensors '{}': tensor '{}': shape {} has more than 2^50 "
                          "elements", path, name, sh->dump());
    }
    num_elements *= v;
  }
  t.shape = Shape::FromRange(dims.begin(), dims.end());
  auto off = e.find("data_offsets");
  if (off == e.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
      !(*off)[1].is_number_unsigned()) {
    return InvalidInput("safetensors '{}': tensor '{}': field 'data_offsets' must be "
                        "[begin, end] with non-negative integers", path, name);
  }
  t.begin = (*off)[0].get<uint64_t>();
  t.end = (*off)[1].get<uint64_t>();
  if (t.end < t.begin) {
    return InvalidInput("safetensors '{}': tensor '{}': data_offsets [{}, {}] end before "
                        "they begin", path, name, t.begin, t.end);
  }
  const uint64_t need = num_elements * static_cast<uint64_t>(GetDTypeInfo(t.dtype).block_bytes);
  if (t.end - t.begin != need) {
    return InvalidInput("safetensors '{}': tensor '{}' of shape {} and dtype {} needs {} "
                        "bytes, but data_offsets [{}, {}] span {}", path, name,
                        t.shape.ToString(), dtype_name, need, t.begin, t.end, t.end - t.begin);
  }
  return t;
}

}  // namespace

Result<SafetensorsHeader> ParseSafetensorsHeader(const uint8_t* data, uint64_t file_bytes,
                                                 const std::string& path) {
  if (file_bytes < 8) {
    return InvalidInput("safetensors '{}': file has {} bytes, fewer than the 8-byte header "
                        "length", path, file_bytes);
  }
  const uint64_t header_bytes = LoadU64(data);
  if (header_bytes > kMaxSafetensorsHeaderBytes) {
    return InvalidInput("safetensors '{}': header length {} exceeds the {} byte limit "
                        "(corrupt file?)", path, header_bytes, kMaxSafetensorsHeaderBytes);
  }
  if (header_bytes > file_bytes - 8) {
    return InvalidInput("safetensors '{}': header length {} runs past the end of the file "
                        "({} bytes after the length field; truncated?)", path, header_bytes,
                        file_bytes - 8);
  }
  const std::string_view text(reinterpret_cast<const char*>(data + 8), header_bytes);
  CRATIO_ASSIGN_OR_RETURN(Json j,
                          ParseJsonText(text, "safetensors '" + path + "' header",
                                        /*reject_duplicate_keys=*/true));
  if (!j.is_object()) {
    return InvalidInput("safetensors '{}': header must be a JSON object, found {}", path,
                        j.type_name());
  }
  SafetensorsHeader h;
  h.data_start = 8 + header_bytes;
  const uint64_t data_bytes = file_bytes - h.data_start;
  for (const auto& [key, value] : j.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) {
        return InvalidInput("safetensors '{}': '__metadata__' must be an object of strings",
                            path);
      }
      for (const auto& [mk, mv] : value.items()) {
        if (!mv.is_string()) {
          return InvalidInput("safetensors '{}': '__metadata__.{}' must be a string, found {}",
                              path, mk, mv.dump());
        }
        h.metadata.emplace_back(mk, mv.get<std::string>());
      }
      continue;
    }
    CRATIO_ASSIGN_OR_RETURN(SafetensorsTensor t, ParseTensorEntry(key, value, path));
    if (t.end > data_bytes) {
      return InvalidInput("safetensors '{}': tensor '{}' data_offsets [{}, {}] run past the "
                          "data section of {} bytes (file {} bytes, header {}; truncated?)",
                          path, key, t.begin, t.end, data_bytes, file_bytes, header_bytes);
    }
    h.tensors.push_back(std::move(t));
  }
  std::stable_sort(h.tensors.begin(), h.tensors.end(),
                   [](const SafetensorsTensor& a, const SafetensorsTensor& b) {
                     return a.begin < b.begin;
                   });
  const SafetensorsTensor* prev = nullptr;
  for (const SafetensorsTensor& t : h.tensors) {
    if (t.begin == t.end) continue;  // empty tensors occupy no bytes
    if (prev && t.begin < prev->end) {
      return InvalidInput("safetensors '{}': tensors '{}' [{}, {}) and '{}' [{}, {}) overlap",
                          path, prev->name, prev->begin, prev->end, t.name, t.begin, t.end);
    }
    prev = &t;
  }
  return h;
}

namespace {

// Lists the shard files of a model directory, in order.
Result<std::vector<std::string>> ShardFiles(const fs::path& dir,
                                            std::map<std::string, std::string>* weight_map) {
  const fs::path index = dir / "model.safetensors.index.json";
  if (fs::exists(index)) {
    CRATIO_ASSIGN_OR_RETURN(Json j, ReadJsonFile(index.string()));
    auto wm = j.is_object() ? j.find("weight_map") : j.end();
    if (wm == j.end() || !wm->is_object()) {
      return InvalidInput("safetensors index '{}': field 'weight_map' is missing or not an "
                          "object", index.string());
    }
    std::vector<std::string> files;
    for (const auto& [tensor, file] : wm->items()) {
      if (!file.is_string()) {
        return InvalidInput("safetensors index '{}': weight_map.{} must be a file name, found "
                            "{}", index.string(), tensor, file.dump());
      }
      const std::string f = file.get<std::string>();
      if (f.empty() || f.find('/') != std::string::npos || f == "." || f == "..") {
        return InvalidInput("safetensors index '{}': weight_map.{} = '{}' is not a file name "
                            "in the directory", index.string(), tensor, f);
      }
      (*weight_map)[tensor] = f;
      if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
    }
    if (files.empty()) {
      return InvalidInput("safetensors index '{}': weight_map is empty", index.string());
    }
    std::vector<std::string> paths;
    for (const std::string& f : files) paths.push_back((dir / f).string());
    return paths;
  }
  if (fs::exists(dir / "model.safetensors")) {
    return std::vector<std::string>{(dir / "model.safetensors").string()};
  }
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".safetensors") paths.push_back(e.path().string());
  }
  if (ec) return IoError("safetensors: cannot list directory '{}': {}", dir.string(), ec.message());
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) {
    return InvalidInput("safetensors: directory '{}' holds no *.safetensors file",
                        dir.string());
  }
  return paths;
}

bool IsAligned(const void* p, int64_t alignment) {
  return reinterpret_cast<uintptr_t>(p) % static_cast<uintptr_t>(alignment) == 0;
}

}  // namespace

Result<ModelFile> ReadSafetensors(const std::string& path) {
  std::error_code ec;
  const bool is_dir = fs::is_directory(path, ec);
  if (!is_dir && !fs::exists(path, ec)) return IoError("safetensors: '{}' does not exist", path);
  fs::path dir = is_dir ? fs::path(path) : fs::path(path).parent_path();
  if (dir.empty()) dir = ".";

  std::map<std::string, std::string> weight_map;
  std::vector<std::string> files;
  if (is_dir) {
    CRATIO_ASSIGN_OR_RETURN(files, ShardFiles(dir, &weight_map));
  } else {
    files.push_back(path);
  }
  const fs::path config_path = dir / "config.json";
  if (!fs::exists(config_path)) {
    return InvalidInput("safetensors: no config.json in directory '{}' (it holds the model's "
                        "hyper-parameters and must sit next to the .safetensors files)",
                        dir.string());
  }

  ModelFile model;
  model.format = FileFormat::kSafetensors;
  model.path = path;
  CRATIO_ASSIGN_OR_RETURN(model.metadata, ReadHfConfig(config_path.string()));
  std::string rope_layout = "half";

  std::set<std::string> seen_names;
  for (const std::string& file : files) {
    CRATIO_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> mapped, MappedFile::Open(file));
    CRATIO_ASSIGN_OR_RETURN(SafetensorsHeader header,
                            ParseSafetensorsHeader(mapped->data(), mapped->size(), file));
    for (const auto& [key, value] : header.metadata) {
      // Files cratio wrote from adjacent-layout (GGUF) weights say so here.
      if (key == kKeyRopeLayout && (value == "half" || value == "adjacent")) rope_layout = value;
    }
    for (const SafetensorsTensor& t : header.tensors) {
      if (!seen_names.insert(t.name).second) {
        return InvalidInput("safetensors '{}': tensor '{}' also appears in an earlier shard",
                            file, t.name);
      }
      if (!weight_map.empty()) {
        auto it = weight_map.find(t.name);
        if (it != weight_map.end() && (dir / it->second).string() != file) {
          return InvalidInput("safetensors '{}': tensor '{}' is listed in the index under '{}'",
                              file, t.name, it->second);
        }
      }
      if (IsDerivedHfTensor(t.name)) continue;
      TensorEntry e;
      e.file_name = t.name;
      e.name = HfToGgufName(t.name);
      e.file_offset = header.data_start + t.begin;
      e.view.dtype = t.dtype;
      e.view.shape = t.shape;
      e.view.size_bytes = t.end - t.begin;
      const uint8_t* src = mapped->data() + e.file_offset;
      const int64_t elem_bytes = GetDTypeInfo(t.dtype).block_bytes;
      if (e.view.size_bytes > 0 && !IsAligned(src, elem_bytes)) {
        // The format does not align tensors; copy the rare misaligned one so every view
        // may be read as its element type.
        auto buf = std::make_shared<AlignedBuffer>(e.view.size_bytes);
        std::memcpy(buf->data(), src, e.view.size_bytes);
        e.view.data = buf->data();
        model.owned.push_back(std::move(buf));
      } else {
        e.view.data = src;
      }
      model.tensors.push_back(std::move(e));
    }
    model.mappings.push_back(std::move(mapped));
  }
  for (const auto& [tensor, file] : weight_map) {
    if (!seen_names.count(tensor)) {
      return InvalidInput("safetensors index '{}': tensor '{}' is listed in '{}' but not found "
                          "there", (dir / "model.safetensors.index.json").string(), tensor, file);
    }
  }
  std::set<std::string> gguf_names;
  for (const TensorEntry& e : model.tensors) {
    if (!gguf_names.insert(e.name).second) {
      return InvalidInput("safetensors '{}': two tensors map to the name '{}' (one is '{}')",
                          path, e.name, e.file_name);
    }
  }
  model.metadata.Set(std::string(kKeyRopeLayout), MetaValue::Str(rope_layout));

  const fs::path tokenizer_path = dir / "tokenizer.json";
  if (fs::exists(tokenizer_path)) {
    CRATIO_ASSIGN_OR_RETURN(Metadata tok, ReadTokenizerJson(tokenizer_path.string()));
    for (const auto& [key, value] : tok.entries()) model.metadata.Set(key, value);
  }
  return model;
}

bool LooksLikeSafetensors(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return true;
  if (fs::path(path).extension() == ".safetensors") return true;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  uint8_t head[9] = {};
  const size_t n = std::fread(head, 1, sizeof(head), f);
  std::fclose(f);
  if (n < sizeof(head)) return false;
  const uint64_t size = fs::file_size(path, ec);
  const uint64_t header_bytes = LoadU64(head);
  return !ec && header_bytes >= 2 && header_bytes <= size - 8 &&
         header_bytes <= kMaxSafetensorsHeaderBytes && head[8] == '{';
}

}  // namespace cratio
