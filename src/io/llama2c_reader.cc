// Reads llama2.c checkpoints (v0 legacy, v1 "ak42") and tokenizer.bin.
#include <cstring>
#include <filesystem>

#include "io/byte_reader.h"
#include "io/llama2c.h"
#include "io/llama2c_layout.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;
using llama2c::Segment;

// "▁" (U+2581): SentencePiece's visible space; llama2.c's export replaced it with ' '.
constexpr std::string_view kSpmSpace = "\xe2\x96\x81";

struct ParsedHeader {
  Llama2cConfig config;
  int version = 0;
  bool shared_classifier = true;
  uint64_t header_bytes = 0;
};

Result<ParsedHeader> ParseHeader(const MappedFile& file) {
  ParsedHeader h;
  ByteReader r(file.data(), file.size(), "llama2.c '" + file.path() + "'");
  uint32_t magic = 0;
  if (file.size() >= 4) std::memcpy(&magic, file.data(), 4);
  if (magic == llama2c::kMagicV1) {
    int32_t version = 0;
    CRATIO_RETURN_IF_ERROR(r.Skip(4, "magic"));
    CRATIO_RETURN_IF_ERROR(r.Read(&version, "version"));
    if (version != 1) {
      return InvalidInput("llama2.c '{}': version {} is not supported (only 0 and 1; 2 is "
                          "int8-quantized)", file.path(), version);
    }
    h.version = 1;
    h.header_bytes = llama2c::kHeaderBytesV1;
  } else {
    h.header_bytes = llama2c::kHeaderBytesV0;
  }
  Llama2cConfig& c = h.config;
  for (auto [field, name] : {std::pair{&c.dim, "dim"}, {&c.hidden_dim, "hidden_dim"},
                             {&c.n_layers, "n_layers"}, {&c.n_heads, "n_heads"},
                             {&c.n_kv_heads, "n_kv_heads"}, {&c.vocab_size, "vocab_size"},
                             {&c.seq_len, "seq_len"}}) {
    CRATIO_RETURN_IF_ERROR(r.Read(field, name));
  }
  if (h.version == 1) {
    uint8_t shared = 0;
    CRATIO_RETURN_IF_ERROR(r.Read(&shared, "shared_classifier"));
    h.shared_classifier = shared != 0;
    if (file.size() < h.header_bytes) return r.Truncated(h.header_bytes - r.offset(), "header");
  } else {
    h.shared_classifier = c.vocab_size > 0;
  }
  const std::string& p = file.path();
  for (auto [v, name] : {std::pair{c.dim, "dim"}, {c.hidden_dim, "hidden_dim"},
                         {c.n_layers, "n_layers"}, {c.n_heads, "n_heads"},
                         {c.n_kv_heads, "n_kv_heads"}, {c.seq_len, "seq_len"}}) {
    if (v <= 0) return InvalidInput("llama2.c '{}': header field {} is {}, must be > 0", p, name, v);
  }
  if (c.vocab_size == 0 || c.vocab_size == INT32_MIN) {
    return InvalidInput("llama2.c '{}': header field vocab_size is {}", p, c.vocab_size);
  }
  if (c.dim % c.n_heads != 0 || (c.dim / c.n_heads) % 2 != 0) {
    return InvalidInput("llama2.c '{}': dim {} does not split into {} heads of even size", p,
                        c.dim, c.n_heads);
  }
  if (c.n_heads % c.n_kv_heads != 0) {
    return InvalidInput("llama2.c '{}': n_heads {} is not a multiple of n_kv_heads {}", p,
                        c.n_heads, c.n_kv_heads);
  }
  return h;
}

// Expected file size for a parsed header, or an error naming both sizes.
Status CheckSize(const MappedFile& file, const ParsedHeader& h) {
  const auto layout = llama2c::Layout(h.config, h.shared_classifier, h.version);
  const int64_t floats = llama2c::TotalFloats(layout, h.config.n_layers);
  if (floats < 0) {
    return InvalidInput("llama2.c '{}': header sizes (dim {}, layers {}, vocab {}) describe an "
                        "impossibly large model", file.path(), h.config.dim,
                        h.config.n_layers, h.config.vocab_size);
  }
  const uint64_t expect = h.header_bytes + 4 * static_cast<uint64_t>(floats);
  if (file.size() != expect) {
    return InvalidInput("llama2.c '{}': header (v{}: dim {}, hidden_dim {}, n_layers {}, "
                        "n_heads {}, n_kv_heads {}, vocab_size {}, seq_len {}) needs {} bytes, "
                        "file has {}", file.path(), h.version, h.config.dim,
                        h.config.hidden_dim, h.config.n_layers, h.config.n_heads,
                        h.config.n_kv_heads, h.config.vocab_size, h.config.seq_len, expect,
                        file.size());
  }
  return Status::Ok();
}

void SetModelMetadata(const Llama2cConfig& c, Metadata* m) {
  auto u32 = [](int64_t v) { return MetaValue::U32(static_cast<uint32_t>(v)); };
  const int64_t vocab = c.vocab_size < 0 ? -int64_t{c.vocab_size} : c.vocab_size;
  m->Set("general.architecture", MetaValue::Str("llama"));
  m->Set("llama.context_length", u32(c.seq_len));
  m->Set("llama.embedding_length", u32(c.dim));
  m->Set("llama.block_count", u32(c.n_layers));
  m->Set("llama.feed_forward_length", u32(c.hidden_dim));
  m->Set("llama.attention.head_count", u32(c.n_heads));
  m->Set("llama.attention.head_count_kv", u32(c.n_kv_heads));
  m->Set("llama.rope.dimension_count", u32(c.dim / c.n_heads));
  // Fixed in llama2.c's run.c / model.py.
  m->Set("llama.attention.layer_norm_rms_epsilon", MetaValue::F32(1e-5f));
  m->Set("llama.rope.freq_base", MetaValue::F32(10000.0f));
  m->Set("llama.vocab_size", u32(vocab));
  m->Set(std::string(kKeyRopeLayout), MetaValue::Str("adjacent"));
}

std::string PieceFromLlama2c(std::string_view raw) {
  if (raw == "\n<s>\n") return "<s>";
  if (raw == "\n</s>\n") return "</s>";
  std::string out;
  for (char ch : raw) {
    if (ch == ' ') {
      out += kSpmSpace;
    } else {
      out += ch;
    }
  }
  return out;
}

bool IsByteToken(std::string_view t) {
  auto hex = [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F'); };
  return t.size() == 6 && t.substr(0, 3) == "<0x" && hex(t[3]) && hex(t[4]) && t[5] == '>';
}

}  // namespace

Result<Metadata> ReadLlama2cTokenizer(const std::string& path) {
  CRATIO_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> file, MappedFile::Open(path));
  ByteReader r(file->data(), file->size(), "llama2.c tokenizer '" + path + "'");
  int32_t max_token_length = 0;
  CRATIO_RETURN_IF_ERROR(r.Read(&max_token_length, "max_token_length"));
  if (max_token_length <= 0) {
    return InvalidInput("llama2.c tokenizer '{}': max_token_length is {}, must be > 0", path,
                        max_token_length);
  }
  std::vector<MetaValue> tokens, scores, types;
  int64_t bos = -1, eos = -1, unk = -1;
  while (r.remaining() > 0) {
    const int64_t id = static_cast<int64_t>(tokens.size());
    float score = 0;
    int32_t len = 0;
    CRATIO_RETURN_IF_ERROR(r.Read(&score, "token score"));
    CRATIO_RETURN_IF_ERROR(r.Read(&len, "token length"));
    if (len < 0 || len > max_token_length) {
      return InvalidInput("llama2.c tokenizer '{}': token {} has length {} (offset {}), "
                          "outside [0, max_token_length {}]", path, id, len, r.offset() - 4,
                          max_token_length);
    }
    const uint8_t* bytes = nullptr;
    CRATIO_RETURN_IF_ERROR(r.ReadBytes(static_cast<uint64_t>(len), &bytes, "token bytes"));
    // llama2.c's exporter writes UTF-8; anything else could not be written to GGUF later.
    if (auto bad = FindInvalidUtf8(bytes, static_cast<uint64_t>(len))) {
      return InvalidInput("llama2.c tokenizer '{}': token {} is not valid UTF-8: byte 0x{:02x} "
                          "at offset {}", path, id, bytes[*bad], r.offset() - len + *bad);
    }
    const std::string piece =
        PieceFromLlama2c(std::string_view(reinterpret_cast<const char*>(bytes), len));
    int32_t type = 1;  // normal (GGUF token types: 2 unknown, 3 control, 6 byte)
    if (piece == "<unk>") {
      type = 2;
      if (unk < 0) unk = id;
    } else if (piece == "<s>" || piece == "</s>") {
      type = 3;
      (piece == "<s>" ? bos : eos) = id;
    } else if (IsByteToken(piece)) {
      type = 6;
    }
    tokens.push_back(MetaValue::Str(piece));
    scores.push_back(MetaValue::F32(score));
    types.push_back(MetaValue::I32(type));
  }
  if (tokens.empty()) return InvalidInput("llama2.c tokenizer '{}': holds no tokens", path);
  Metadata m;
  m.Set("tokenizer.ggml.model", MetaValue::Str("llama"));
  m.Set("tokenizer.ggml.tokens", MetaValue::Array(MetaType::kString, std::move(tokens)));
  m.Set("tokenizer.ggml.scores", MetaValue::Array(MetaType::kF32, std::move(scores)));
  m.Set("tokenizer.ggml.token_type", MetaValue::Array(MetaType::kI32, std::move(types)));
  if (bos >= 0) m.Set("tokenizer.ggml.bos_token_id", MetaValue::U32(static_cast<uint32_t>(bos)));
  if (eos >= 0) m.Set("tokenizer.ggml.eos_token_id", MetaValue::U32(static_cast<uint32_t>(eos)));
  if (unk >= 0) {
    m.Set("tokenizer.ggml.unknown_token_id", MetaValue::U32(static_cast<uint32_t>(unk)));
  }
  m.Set("tokenizer.ggml.add_bos_token", MetaValue::Bool(true));
  m.Set("tokenizer.ggml.add_eos_token", MetaValue::Bool(false));
  return m;
}

Result<ModelFile> ReadLlama2c(const std::string& path, const std::string& tokenizer_path) {
  CRATIO_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> file, MappedFile::Open(path));
  CRATIO_ASSIGN_OR_RETURN(ParsedHeader h, ParseHeader(*file));
  CRATIO_RETURN_IF_ERROR(CheckSize(*file, h));

  ModelFile model;
  model.format = FileFormat::kLlama2c;
  model.path = path;
  SetModelMetadata(h.config, &model.metadata);
  uint64_t offset = h.header_bytes;
  for (const Segment& s : llama2c::Layout(h.config, h.shared_classifier, h.version)) {
    const int64_t copies = s.per_layer ? h.config.n_layers : 1;
    const uint64_t copy_bytes = 4 * static_cast<uint64_t>(s.floats_per_copy());
    for (int64_t layer = 0; layer < copies; ++layer, offset += copy_bytes) {
      if (s.stem.empty()) continue;
      TensorEntry e;
      e.name = s.per_layer ? "blk." + std::to_string(layer) + "." + std::string(s.stem) + ".weight"
                           : std::string(s.stem) + ".weight";
      e.file_name = e.name;
      e.file_offset = offset;
      e.view.dtype = DType::kF32;
      e.view.shape = s.cols == 0 ? Shape{s.rows} : Shape{s.rows, s.cols};
      e.view.data = file->data() + offset;
      e.view.size_bytes = copy_bytes;
      model.tensors.push_back(std::move(e));
    }
  }
  model.mappings.push_back(file);

  const int64_t vocab = h.config.vocab_size < 0 ? -int64_t{h.config.vocab_size}
                                                : h.config.vocab_size;
  auto attach = [&](const Metadata& tok) {
    for (const auto& [k, v] : tok.entries()) model.metadata.Set(k, v);
  };
  if (!tokenizer_path.empty()) {
    CRATIO_ASSIGN_OR_RETURN(Metadata tok, ReadLlama2cTokenizer(tokenizer_path));
    const int64_t n = static_cast<int64_t>(tok.GetArray("tokenizer.ggml.tokens")->items.size());
    if (n != vocab) {
      return InvalidInput("llama2.c tokenizer '{}' has {} tokens, model '{}' has vocab_size {}",
                          tokenizer_path, n, path, vocab);
    }
    attach(tok);
  } else {
    fs::path dir = fs::path(path).parent_path();
    for (const std::string& name :
         {"tok" + std::to_string(vocab) + ".bin", std::string("tokenizer.bin")}) {
      std::error_code ec;
      const fs::path candidate = dir / name;
      if (!fs::exists(candidate, ec) || fs::equivalent(candidate, path, ec)) continue;
      Result<Metadata> tok = ReadLlama2cTokenizer(candidate.string());
      // A neighbouring vocabulary of another size belongs to another model: leave it.
      if (tok.ok() && static_cast<int64_t>(
                          tok->GetArray("tokenizer.ggml.tokens")->items.size()) == vocab) {
        attach(*tok);
        break;
      }
    }
  }
  return model;
}

bool LooksLikeLlama2c(const std::string& path) {
  Result<std::shared_ptr<MappedFile>> file = MappedFile::Open(path);
  if (!file.ok()) return false;
  const MappedFile& f = **file;
  uint32_t magic = 0;
  if (f.size() >= 4) std::memcpy(&magic, f.data(), 4);
  if (magic == llama2c::kMagicV1) return true;
  if (fs::path(path).extension() != ".bin") return false;
  Result<ParsedHeader> h = ParseHeader(f);
  return h.ok() && CheckSize(f, *h).ok();
}

}  // namespace cratio
