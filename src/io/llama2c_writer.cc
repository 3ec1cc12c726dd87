// Writes llama2.c v0 (legacy float32) checkpoints and tokenizer.bin files.
#include <cmath>
#include <filesystem>
#include <vector>

#include "base/atomic_file.h"
#include "io/hf_names.h"
#include "io/llama2c.h"
#include "io/llama2c_layout.h"

namespace cratio {
namespace {

using llama2c::Segment;

// llama2.c hard-codes these (run.c); a model that needs others cannot be expressed.
constexpr double kLlama2cEps = 1e-5;
constexpr double kLlama2cRopeBase = 10000.0;

Result<int64_t> RequiredKey(const Metadata& m, const std::string& key) {
  std::optional<int64_t> v = m.GetInt(key);
  if (!v || *v <= 0 || *v > INT32_MAX) {
    return InvalidInput("llama2.c writer: metadata key '{}' is missing or out of range", key);
  }
  return *v;
}

bool NeedsHalfToAdjacent(const ModelFile& m) {
  std::optional<std::string> layout = m.metadata.GetString(kKeyRopeLayout);
  if (layout) return *layout == "half";
  return m.format == FileFormat::kSafetensors;
}

// Appends tensor `t` to `w` as float32, rows permuted to the adjacent layout for Q/K when
// `permute_heads` > 0.
Status WriteAsF32(AtomicFileWriter& w, const TensorEntry& t, int64_t permute_heads) {
  const DTypeInfo& info = GetDTypeInfo(t.view.dtype);
  if (info.dequantize_row == nullptr) {
    return InvalidInput("llama2.c writer: tensor '{}' has dtype {}, which has no float value",
                        t.name, info.name);
  }
  TensorView v = t.view;
  Tensor permuted;
  if (permute_heads > 0) {
    CRATIO_ASSIGN_OR_RETURN(permuted, PermuteQk(v, permute_heads, QkPermutation::kHalfToAdjacent));
    v = permuted.view();
  }
  const int64_t cols = v.cols();
  std::vector<float> row(static_cast<size_t>(cols));
  for (int64_t r = 0; r < v.rows(); ++r) {
    info.dequantize_row(v.row(r), row.data(), cols);
    CRATIO_RETURN_IF_ERROR(w.Write(row.data(), row.size() * sizeof(float)));
  }
  return Status::Ok();
}

std::string PieceToLlama2c(const std::string& piece) {
  if (piece == "<s>") return "\n<s>\n";
  if (piece == "</s>") return "\n</s>\n";
  std::string out;
  for (size_t i = 0; i < piece.size(); ++i) {
    if (piece.compare(i, 3, "\xe2\x96\x81") == 0) {
      out += ' ';
      i += 2;
    } else {
      out += piece[i];
    }
  }
  return out;
}

Status WriteTokenizerBin(const std::string& path, const Metadata& m) {
  const MetaArray* tokens = m.GetArray("tokenizer.ggml.tokens");
  if (!tokens) return InvalidInput("llama2.c writer: metadata has no tokenizer.ggml.tokens");
  const MetaArray* scores = m.GetArray("tokenizer.ggml.scores");
  std::vector<std::string> pieces;
  int32_t max_len = 1;
  for (const MetaValue& t : tokens->items) {
    const std::string* s = t.AsString();
    if (!s) return InvalidInput("llama2.c writer: tokenizer.ggml.tokens holds a non-string");
    pieces.push_back(PieceToLlama2c(*s));
    max_len = std::max<int32_t>(max_len, static_cast<int32_t>(pieces.back().size()));
  }
  CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::Create(path));
  CRATIO_RETURN_IF_ERROR(w.Write(&max_len, sizeof(max_len)));
  for (size_t i = 0; i < pieces.size(); ++i) {
    float score = 0;
    if (scores && i < scores->items.size()) {
      score = static_cast<float>(scores->items[i].AsDouble().value_or(0.0));
    }
    const int32_t len = static_cast<int32_t>(pieces[i].size());
    CRATIO_RETURN_IF_ERROR(w.Write(&score, sizeof(score)));
    CRATIO_RETURN_IF_ERROR(w.Write(&len, sizeof(len)));
    CRATIO_RETURN_IF_ERROR(w.Write(pieces[i].data(), pieces[i].size()));
  }
  return w.Commit();
}

}  // namespace

Status WriteLlama2c(const std::string& path, const ModelFile& model,
                    const std::string& tokenizer_path) {
  const Metadata& m = model.metadata;
  const std::string arch = m.GetString("general.architecture").value_or("");
  if (arch != "llama") {
    return InvalidInput("llama2.c writer: architecture '{}' cannot be written (llama only)", arch);
  }
  for (const TensorEntry& t : model.tensors) {
    if (t.name.size() > 5 && t.name.compare(t.name.size() - 5, 5, ".bias") == 0) {
      return InvalidInput("llama2.c writer: tensor '{}' is a bias, which llama2.c has no "
                          "place for", t.name);
    }
  }
  const double eps = m.GetDouble("llama.attention.layer_norm_rms_epsilon").value_or(kLlama2cEps);
  const double base = m.GetDouble("llama.rope.freq_base").value_or(kLlama2cRopeBase);
  if (std::fabs(eps - kLlama2cEps) > 1e-3 * kLlama2cEps ||
      std::fabs(base - kLlama2cRopeBase) > 1e-3 * kLlama2cRopeBase ||
      m.Contains("llama.rope.scaling.type")) {
    return InvalidInput("llama2.c writer: llama2.c always uses rms eps 1e-5 and RoPE base "
                        "10000 without scaling; this model has eps {}, base {}{}", eps, base,
                        m.Contains("llama.rope.scaling.type") ? " and RoPE scaling" : "");
  }
  Llama2cConfig c;
  CRATIO_ASSIGN_OR_RETURN(int64_t dim, RequiredKey(m, "llama.embedding_length"));
  CRATIO_ASSIGN_OR_RETURN(int64_t num_layers, RequiredKey(m, "llama.block_count"));
  CRATIO_ASSIGN_OR_RETURN(int64_t num_heads, RequiredKey(m, "llama.attention.head_count"));
  const int64_t num_kv_heads = m.GetInt("llama.attention.head_count_kv").value_or(num_heads);
  const int64_t seq_len = m.GetInt("llama.context_length").value_or(2048);
  const TensorEntry* embd = model.FindTensor("token_embd.weight");
  const TensorEntry* gate = model.FindTensor("blk.0.ffn_gate.weight");
  if (!embd || !gate) {
    return InvalidInput("llama2.c writer: tensor '{}' is missing",
                        embd ? "blk.0.ffn_gate.weight" : "token_embd.weight");
  }
  if (dim % num_heads != 0 || num_kv_heads <= 0 || num_heads % num_kv_heads != 0) {
    return InvalidInput("llama2.c writer: {} heads / {} kv heads do not fit dim {}", num_heads,
                        num_kv_heads, dim);
  }
  const int64_t head_size = dim / num_heads;
  if (m.GetInt("llama.rope.dimension_count").value_or(head_size) != head_size ||
      m.GetInt("llama.attention.key_length").value_or(head_size) != head_size) {
    return InvalidInput("llama2.c writer: llama2.c needs head_dim = rope dim = dim / heads "
                        "= {}", head_size);
  }
  c.dim = static_cast<int32_t>(dim);
  c.hidden_dim = static_cast<int32_t>(gate->view.rows());
  c.n_layers = static_cast<int32_t>(num_layers);
  c.n_heads = static_cast<int32_t>(num_heads);
  c.n_kv_heads = static_cast<int32_t>(num_kv_heads);
  c.seq_len = static_cast<int32_t>(std::min<int64_t>(seq_len, INT32_MAX));
  const bool shared = model.FindTensor("output.weight") == nullptr;
  const int64_t vocab = embd->view.rows();
  c.vocab_size = static_cast<int32_t>(shared ? vocab : -vocab);

  // Find every tensor and check its shape before writing a byte.
  const auto layout = llama2c::Layout(c, shared, 0);
  std::vector<std::vector<const TensorEntry*>> found(layout.size());
  for (size_t i = 0; i < layout.size(); ++i) {
    const Segment& s = layout[i];
    if (s.stem.empty()) continue;
    const int64_t copies = s.per_layer ? num_layers : 1;
    for (int64_t l = 0; l < copies; ++l) {
      const std::string name = s.per_layer
                                   ? "blk." + std::to_string(l) + "." + std::string(s.stem) + ".weight"
                                   : std::string(s.stem) + ".weight";
      const TensorEntry* t = model.FindTensor(name);
      if (!t) return InvalidInput("llama2.c writer: tensor '{}' is missing", name);
      const Shape want = s.cols == 0 ? Shape{s.rows} : Shape{s.rows, s.cols};
      if (t->view.num_elements() != want.num_elements() ||
          (s.cols != 0 && t->view.shape != want)) {
        return InvalidInput("llama2.c writer: tensor '{}' has shape {}, llama2.c needs {} "
                            "(all layers must have the same sizes)", name,
                            t->view.shape.ToString(), want.ToString());
      }
      found[i].push_back(t);
    }
  }

  const bool permute = NeedsHalfToAdjacent(model);
  CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::Create(path));
  const int32_t header[7] = {c.dim, c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads,
                             c.vocab_size, c.seq_len};
  CRATIO_RETURN_IF_ERROR(w.Write(header, sizeof(header)));
  for (size_t i = 0; i < layout.size(); ++i) {
    const Segment& s = layout[i];
    if (s.stem.empty()) {
      // RoPE table [seq_len, head_size/2]: first the cosines (this is the first of the two
      // skipped segments), then the sines; old run.c versions read them.
      const bool sines = i > 0 && layout[i - 1].stem.empty();
      std::vector<float> row(static_cast<size_t>(s.cols));
      for (int64_t pos = 0; pos < s.rows; ++pos) {
        for (int64_t j = 0; j < s.cols; ++j) {
          const double freq = std::pow(kLlama2cRopeBase, -2.0 * j / head_size);
          const double angle = static_cast<double>(pos) * freq;
          row[j] = static_cast<float>(sines ? std::sin(angle) : std::cos(angle));
        }
        CRATIO_RETURN_IF_ERROR(w.Write(row.data(), row.size() * sizeof(float)));
      }
      continue;
    }
    for (const TensorEntry* t : found[i]) {
      int64_t heads = 0;
      if (permute && s.stem == "attn_q") heads = num_heads;
      if (permute && s.stem == "attn_k") heads = num_kv_heads;
      CRATIO_RETURN_IF_ERROR(WriteAsF32(w, *t, heads));
    }
  }
  CRATIO_RETURN_IF_ERROR(w.Commit());
  if (!tokenizer_path.empty()) CRATIO_RETURN_IF_ERROR(WriteTokenizerBin(tokenizer_path, m));
  return Status::Ok();
}

}  // namespace cratio
