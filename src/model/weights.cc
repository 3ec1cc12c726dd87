// Loading ModelWeights: one walk over the tensors, then shape checks per role and layer.
#include "model/weights.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "base/thread_pool.h"
#include "kernels/kernel_table.h"
#include "numeric/dtype.h"
#include "numeric/rows16.h"
#include "ops/matmul.h"

namespace cratio {
namespace {

constexpr int kNumRoles = static_cast<int>(TensorRole::kRopeFreqs) + 1;

// What the walk found for one role of one layer (or a global role).
struct Slot {
  const TensorEntry* dense = nullptr;
  const TensorEntry* lr_a = nullptr;
  const TensorEntry* lr_b = nullptr;
};
using RoleSlots = std::array<Slot, kNumRoles>;

Status CheckMatrix(const TensorEntry& e, int64_t rows, int64_t cols) {
  const Shape& s = e.view.shape;
  // rows/cols < 0 means "any" (read from this tensor).
  const bool ok = s.rank() == 2 && (rows < 0 || s[0] == rows) && (cols < 0 || s[1] == cols);
  if (!ok) {
    return InvalidInput("model weights: tensor '{}' has shape {}, expected [{}, {}]", e.name,
                        s.ToString(), rows < 0 ? "*" : std::to_string(rows),
                        cols < 0 ? "*" : std::to_string(cols));
  }
  if (!MatmulSupports(e.view.dtype)) {
    return InvalidInput("model weights: tensor '{}' has dtype {}, which has no matmul kernel",
                        e.name, DTypeName(e.view.dtype));
  }
  return Status::Ok();
}

// Builds a LinearWeight [rows, cols] from a dense tensor or a low-rank pair; rows or
// cols < 0 are read from the tensors. `name` is the dense name, for messages.
Result<LinearWeight> MakeLinear(const Slot& slot, const std::string& name, int64_t rows,
                                int64_t cols) {
  LinearWeight w;
  if (slot.dense != nullptr && (slot.lr_a != nullptr || slot.lr_b != nullptr)) {
    return InvalidInput("model weights: '{}' is present both dense and as low-rank factors",
                        name);
  }
  if (slot.dense != nullptr) {
    CRATIO_RETURN_IF_ERROR(CheckMatrix(*slot.dense, rows, cols));
    w.dense = slot.dense->view;
    return w;
  }
  if (slot.lr_a == nullptr && slot.lr_b == nullptr) {
    return InvalidInput("model weights: tensor '{}' is missing", name);
  }
  const std::string stem = name.substr(0, name.size() - std::string_view(".weight").size());
  if (slot.lr_a == nullptr || slot.lr_b == nullptr) {
    return InvalidInput("model weights: low-rank layer '{}' needs both '{}.lr_a.weight' and "
                        "'{}.lr_b.weight'; only one is present",
                        name, stem, stem);
  }
  // A[rank, cols], B[rows, rank]
  CRATIO_RETURN_IF_ERROR(CheckMatrix(*slot.lr_a, -1, cols));
  const int64_t rank = slot.lr_a->view.shape[0];
  CRATIO_RETURN_IF_ERROR(CheckMatrix(*slot.lr_b, rows, rank));
  w.lr_a = slot.lr_a->view;
  w.lr_b = slot.lr_b->view;
  return w;
}

// A 1-D tensor of n elements (any float dtype) as f32.
Result<std::vector<float>> VectorF32(const TensorEntry& e, int64_t n) {
  const Shape& s = e.view.shape;
  if (s.num_elements() != n || s.rows() != 1) {
    return InvalidInput("model weights: tensor '{}' has shape {}, expected [{}]", e.name,
                        s.ToString(), n);
  }
  const DTypeInfo& info = GetDTypeInfo(e.view.dtype);
  if (info.dequantize_row == nullptr || !RowFitsBlocks(e.view.dtype, n)) {
    return InvalidInput("model weights: tensor '{}' has dtype {}, which cannot be read as f32",
                        e.name, info.name);
  }
  std::vector<float> out(n);
  info.dequantize_row(e.view.data, out.data(), n);
  return out;
}

Result<std::vector<float>> RequiredVector(const Slot& slot, const std::string& name, int64_t n) {
  if (slot.dense == nullptr) return InvalidInput("model weights: tensor '{}' is missing", name);
  return VectorF32(*slot.dense, n);
}

}  // namespace

Status ForEachTensor(const ModelFile& file, const TensorVisitor& visit) {
  for (const TensorEntry& e : file.tensors) {
    std::optional<ParsedTensorName> parsed = ParseTensorName(e.name);
    if (!parsed) continue;
    CRATIO_RETURN_IF_ERROR(visit(e, *parsed));
  }
  return Status::Ok();
}

Result<ModelWeights> ModelWeights::Load(const ModelFile& file, const ModelConfig& config) {
  CRATIO_RETURN_IF_ERROR(config.Validate());
  const int64_t model_dim = config.model_dim;
  const int64_t head_dim = config.head_dim;
  RoleSlots global;
  std::vector<RoleSlots> per_layer(config.num_layers);

  CRATIO_RETURN_IF_ERROR(ForEachTensor(file, [&](const TensorEntry& e,
                                                 const ParsedTensorName& p) -> Status {
    Slot* slot = nullptr;
    if (IsPerLayer(p.role)) {
      if (p.layer_idx >= config.num_layers) {
        return InvalidInput(
            "model weights: tensor '{}' is for layer {}, but '{}.block_count' is {}", e.name,
            p.layer_idx, config.arch_name, config.num_layers);
      }
      slot = &per_layer[p.layer_idx][static_cast<int>(p.role)];
    } else {
      slot = &global[static_cast<int>(p.role)];
    }
    const TensorEntry** target =
        p.factor == "lr_a" ? &slot->lr_a : p.factor == "lr_b" ? &slot->lr_b : &slot->dense;
    if (*target != nullptr) {
      return InvalidInput("model weights: tensor '{}' appears twice", e.name);
    }
    *target = &e;
    return Status::Ok();
  }));

  ModelWeights w;
  w.config_ = config;
  auto slot_of = [](RoleSlots& slots, TensorRole r) -> Slot& {
    return slots[static_cast<int>(r)];
  };

  // Embedding: rows are dequantized one token at a time, so any dtype with a row codec works.
  const std::string embd_name = TensorName(TensorRole::kTokenEmbd);
  const Slot& embd = slot_of(global, TensorRole::kTokenEmbd);
  if (embd.dense == nullptr) return InvalidInput("model weights: tensor '{}' is missing", embd_name);
  {
    const Shape& s = embd.dense->view.shape;
    if (s.rank() != 2 || s[0] != config.vocab_size || s[1] != model_dim) {
      return InvalidInput("model weights: tensor '{}' has shape {}, expected [{}, {}]", embd_name,
                          s.ToString(), config.vocab_size, model_dim);
    }
    if (GetDTypeInfo(embd.dense->view.dtype).dequantize_row == nullptr) {
      return InvalidInput("model weights: tensor '{}' has dtype {}, which cannot be dequantized",
                          embd_name, DTypeName(embd.dense->view.dtype));
    }
    w.token_embd_ = embd.dense->view;
  }
  CRATIO_ASSIGN_OR_RETURN(w.output_norm_,
                          RequiredVector(slot_of(global, TensorRole::kOutputNorm),
                                         TensorName(TensorRole::kOutputNorm), model_dim));
  const Slot& out = slot_of(global, TensorRole::kOutput);
  if (out.dense == nullptr && out.lr_a == nullptr && out.lr_b == nullptr) {
    if (!MatmulSupports(w.token_embd_.dtype)) {
      return InvalidInput(
          "model weights: output is tied to '{}', whose dtype {} has no matmul kernel", embd_name,
          DTypeName(w.token_embd_.dtype));
    }
    w.output_.dense = w.token_embd_;
  } else {
    CRATIO_ASSIGN_OR_RETURN(w.output_, MakeLinear(out, TensorName(TensorRole::kOutput),
                                                  config.vocab_size, model_dim));
  }
  if (const Slot& rf = slot_of(global, TensorRole::kRopeFreqs); rf.dense != nullptr) {
    CRATIO_ASSIGN_OR_RETURN(w.rope_freqs_, VectorF32(*rf.dense, config.rope_dim / 2));
  }

  w.layers_.resize(config.num_layers);
  for (int64_t l = 0; l < config.num_layers; ++l) {
    RoleSlots& slots = per_layer[l];
    LayerWeights& lw = w.layers_[l];
    auto name = [l](TensorRole r) { return TensorName(r, l); };
    CRATIO_ASSIGN_OR_RETURN(lw.attn_norm, RequiredVector(slot_of(slots, TensorRole::kAttnNorm),
                                                         name(TensorRole::kAttnNorm), model_dim));
    CRATIO_ASSIGN_OR_RETURN(lw.ffn_norm, RequiredVector(slot_of(slots, TensorRole::kFfnNorm),
                                                        name(TensorRole::kFfnNorm), model_dim));
    // Q / K rows give this layer's head counts.
    CRATIO_ASSIGN_OR_RETURN(lw.attn_q, MakeLinear(slot_of(slots, TensorRole::kAttnQ),
                                                  name(TensorRole::kAttnQ), -1, model_dim));
    CRATIO_ASSIGN_OR_RETURN(lw.attn_k, MakeLinear(slot_of(slots, TensorRole::kAttnK),
                                                  name(TensorRole::kAttnK), -1, model_dim));
    const int64_t q_dim = lw.attn_q.rows();
    const int64_t kv_dim = lw.attn_k.rows();
    if (q_dim <= 0 || q_dim % head_dim != 0 || kv_dim <= 0 || kv_dim % head_dim != 0) {
      return InvalidInput(
          "model weights: layer {}: attn_q has {} rows and attn_k {} rows; both must be "
          "positive multiples of head_dim {}",
          l, q_dim, kv_dim, head_dim);
    }
    lw.num_heads = q_dim / head_dim;
    lw.num_kv_heads = kv_dim / head_dim;
    if (lw.num_heads % lw.num_kv_heads != 0) {
      return InvalidInput(
          "model weights: layer {}: {} query heads (attn_q rows / head_dim) is not a multiple "
          "of {} kv heads (attn_k rows / head_dim)",
          l, lw.num_heads, lw.num_kv_heads);
    }
    CRATIO_ASSIGN_OR_RETURN(lw.attn_v, MakeLinear(slot_of(slots, TensorRole::kAttnV),
                                                  name(TensorRole::kAttnV), kv_dim, model_dim));
    CRATIO_ASSIGN_OR_RETURN(lw.attn_output,
                            MakeLinear(slot_of(slots, TensorRole::kAttnOutput),
                                       name(TensorRole::kAttnOutput), model_dim, q_dim));
    CRATIO_ASSIGN_OR_RETURN(lw.ffn_gate, MakeLinear(slot_of(slots, TensorRole::kFfnGate),
                                                    name(TensorRole::kFfnGate), -1, model_dim));
    lw.ffn_dim = lw.ffn_gate.rows();
    CRATIO_ASSIGN_OR_RETURN(lw.ffn_up, MakeLinear(slot_of(slots, TensorRole::kFfnUp),
                                                  name(TensorRole::kFfnUp), lw.ffn_dim, model_dim));
    CRATIO_ASSIGN_OR_RETURN(lw.ffn_down,
                            MakeLinear(slot_of(slots, TensorRole::kFfnDown),
                                       name(TensorRole::kFfnDown), model_dim, lw.ffn_dim));
    // Biases (Qwen2): optional per projection, f32 copies owned by the layer.
    struct BiasSpec {
      TensorRole role;
      int64_t rows;
      std::vector<float>* store;
    };
    for (const BiasSpec& b : {BiasSpec{TensorRole::kAttnQBias, q_dim, &lw.q_bias},
                              BiasSpec{TensorRole::kAttnKBias, kv_dim, &lw.k_bias},
                              BiasSpec{TensorRole::kAttnVBias, kv_dim, &lw.v_bias}}) {
      const Slot& s = slot_of(slots, b.role);
      if (s.dense == nullptr) continue;
      CRATIO_ASSIGN_OR_RETURN(*b.store, VectorF32(*s.dense, b.rows));
    }
    lw.attn_q.bias = lw.q_bias.empty() ? nullptr : lw.q_bias.data();
    lw.attn_k.bias = lw.k_bias.empty() ? nullptr : lw.k_bias.data();
    lw.attn_v.bias = lw.v_bias.empty() ? nullptr : lw.v_bias.data();
  }
  w.PackForKernels(file);
  return w;
}

void ModelWeights::PackForKernels(const ModelFile& file) {
  if (const char* env = std::getenv("CRATIO_REPACK"); env != nullptr && std::string(env) == "0") {
    return;
  }
  const KernelTable& table = GetKernelTable();
  std::vector<TensorView*> todo;
  auto consider = [&](TensorView& v) {
    if (v.data == nullptr || v.layout != WeightLayout::kRows || !Rows16Defined(v.dtype) ||
        table.matmul_for(v.dtype).rows16_gemm == nullptr || v.rows() % kRows16 != 0) {
      return;
    }
    todo.push_back(&v);
  };
  for (LayerWeights& lw : layers_) {
    for (LinearWeight* lin : {&lw.attn_q, &lw.attn_k, &lw.attn_v, &lw.attn_output, &lw.ffn_gate,
                              &lw.ffn_up, &lw.ffn_down}) {
      if (!lin->is_low_rank()) consider(lin->dense);
    }
  }
  // A tied output is token_embd, whose rows EmbedToken reads: only a separate one is packed.
  if (!output_.is_low_rank() && output_.dense.data != token_embd_.data) consider(output_.dense);
  if (todo.empty()) return;
  auto slice_bytes = [](const TensorView& v) {
    const auto n = static_cast<size_t>(v.rows() * v.row_bytes());
    return (n + AlignedBuffer::kAlignment - 1) / AlignedBuffer::kAlignment *
           AlignedBuffer::kAlignment;
  };
  size_t total = 0;
  for (const TensorView* v : todo) total += slice_bytes(*v);
  // Uninitialized: pages are committed as each tensor is packed, while the file's copy of
  // the one before is dropped, so peak RSS grows by about one tensor.
  packed_ = AlignedBuffer(total, AlignedBuffer::kUninitialized);
  ThreadPool pool(ThreadPool::DefaultThreadCount());
  size_t offset = 0;
  for (TensorView* v : todo) {
    const int64_t row_bytes = v->row_bytes();
    const auto* src = static_cast<const uint8_t*>(v->data);
    auto* dst = packed_.as<uint8_t>() + offset;
    pool.ParallelFor(v->rows() / kRows16, 1, [&](int64_t begin, int64_t end, int) {
      for (int64_t r = begin * kRows16; r < end * kRows16; r += kRows16) {
        PackRows16(v->dtype, src + r * row_bytes, row_bytes, v->cols(), dst + r * row_bytes);
      }
    });
    for (const auto& m : file.mappings) m->ReleasePages(v->data, v->rows() * row_bytes);
    v->data = dst;
    v->layout = WeightLayout::kRows16;
    offset += slice_bytes(*v);
  }
  num_rows16_ = static_cast<int64_t>(todo.size());
}

int64_t ModelWeights::max_q_dim() const {
  int64_t m = 0;
  for (const LayerWeights& l : layers_) m = std::max(m, l.num_heads * config_.head_dim);
  return m;
}

int64_t ModelWeights::max_kv_dim() const {
  int64_t m = 0;
  for (const LayerWeights& l : layers_) m = std::max(m, l.num_kv_heads * config_.head_dim);
  return m;
}

int64_t ModelWeights::max_ffn_dim() const {
  int64_t m = 0;
  for (const LayerWeights& l : layers_) m = std::max(m, l.ffn_dim);
  return m;
}

int64_t ModelWeights::max_group() const {
  int64_t m = 1;
  for (const LayerWeights& l : layers_) m = std::max(m, l.num_heads / l.num_kv_heads);
  return m;
}

std::vector<int64_t> ModelWeights::kv_dims() const {
  std::vector<int64_t> d;
  d.reserve(layers_.size());
  for (const LayerWeights& l : layers_) d.push_back(l.num_kv_heads * config_.head_dim);
  return d;
}

void ModelWeights::EmbedToken(int32_t token, float* out) const {
  const uint8_t* row = token_embd_.row(token);
  if (token_embd_.dtype == DType::kF32) {
    std::memcpy(out, row, sizeof(float) * config_.model_dim);
    return;
  }
  GetDTypeInfo(token_embd_.dtype).dequantize_row(row, out, config_.model_dim);
}

}  // namespace cratio
