// Structured pruning of FFN channels and attention head groups, scored per layer by weight
// magnitude or by activation-weighted output columns; writes per-layer size arrays.
#include "compress/prune_structured.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "compress/methods.h"
#include "compress/prune_unstructured.h"
#include "model/config.h"
#include "model/tensor_names.h"

namespace cratio {

namespace {

// Indices of the `keep` largest scores, in ascending index order (ties: lower index).
std::vector<int64_t> TopIndices(const std::vector<double>& score, int64_t keep) {
  std::vector<int64_t> idx(score.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](int64_t a, int64_t b) { return score[a] > score[b]; });
  idx.resize(static_cast<size_t>(keep));
  std::sort(idx.begin(), idx.end());
  return idx;
}

struct Loaded {
  TensorEntry* entry = nullptr;
  std::vector<float> values;  // [rows, cols] f32
};

Result<Loaded> LoadByName(ModelFile& model, const std::string& name, const std::string& method) {
  Loaded out;
  for (TensorEntry& e : model.tensors) {
    if (e.name == name) out.entry = &e;
  }
  if (out.entry == nullptr) {
    std::string stem = name.substr(0, name.size() - std::string_view(".weight").size());
    if (model.FindTensor(stem + ".lr_a.weight") != nullptr) {
      return InvalidInput("{}: '{}' is factorized (lr_a / lr_b); apply structured pruning before "
                          "lowrank",
                          method, stem);
    }
    return InvalidInput("{}: '{}' has no tensor '{}'", method, model.path, name);
  }
  CRATIO_ASSIGN_OR_RETURN(out.values, LoadTensorF32(*out.entry, nullptr));
  return out;
}

// The dtype a shrunk tensor is stored in: its own, or f16 when its new row length does
// not fit the type's blocks (noted in the report).
DType StoreType(const TensorEntry& e, int64_t new_cols, CompressionReport* report) {
  if (RowFitsBlocks(e.view.dtype, new_cols)) return e.view.dtype;
  report->notes.push_back(fmt::format(
      "{}: rows of {} elements do not fit {}'s blocks after pruning; stored as f16", e.name,
      new_cols, DTypeName(e.view.dtype)));
  return DType::kF16;
}

// Replaces `e` by values[new_rows, new_cols] stored as `dtype`.
void Replace(ModelFile& model, TensorEntry& e, const std::vector<float>& values, DType dtype,
             Shape new_shape, ThreadPool* pool, CompressionReport* report) {
  TensorChange change;
  change.name = e.name;
  change.before = fmt::format("{} {}", DTypeName(e.view.dtype), e.view.shape.ToString());
  std::shared_ptr<AlignedBuffer> buf = StoreTensorF32(values.data(), dtype, new_shape, pool);
  e.view = TensorView{dtype, new_shape, buf->data(), buf->size()};
  e.file_offset = 0;
  model.owned.push_back(std::move(buf));
  change.after = fmt::format("pruned to {} {}", DTypeName(dtype), new_shape.ToString());
  report->tensors.push_back(std::move(change));
}

// rows[r] of W[rows, cols] for r in `keep` -> [keep.size() * unit, cols], where each kept
// index stands for `unit` consecutive rows (a head's head_dim rows).
std::vector<float> GatherRows(const std::vector<float>& w, int64_t cols,
                              const std::vector<int64_t>& keep, int64_t unit) {
  std::vector<float> out;
  out.reserve(keep.size() * unit * cols);
  for (int64_t k : keep) {
    out.insert(out.end(), w.begin() + k * unit * cols, w.begin() + (k + 1) * unit * cols);
  }
  return out;
}

// Columns of W[rows, cols] for kept indices (each `unit` consecutive columns).
std::vector<float> GatherCols(const std::vector<float>& w, int64_t rows, int64_t cols,
                              const std::vector<int64_t>& keep, int64_t unit) {
  const int64_t new_cols = static_cast<int64_t>(keep.size()) * unit;
  std::vector<float> out(static_cast<size_t>(rows * new_cols));
  for (int64_t r = 0; r < rows; ++r) {
    float* dst = out.data() + r * new_cols;
    for (int64_t k : keep) {
      std::copy_n(w.data() + r * cols + k * unit, unit, dst);
      dst += unit;
    }
  }
  return out;
}

double RowSq(const std::vector<float>& w, int64_t cols, int64_t row) {
  double s = 0.0;
  for (int64_t c = 0; c < cols; ++c) s += static_cast<double>(w[row * cols + c]) * w[row * cols + c];
  return s;
}

// Σ_r W[r, col]² · weight (weight 1 when no activation statistics).
double ColSq(const std::vector<float>& w, int64_t rows, int64_t cols, int64_t col) {
  double s = 0.0;
  for (int64_t r = 0; r < rows; ++r) s += static_cast<double>(w[r * cols + col]) * w[r * cols + col];
  return s;
}

class StructuredPruneMethod : public CompressionMethod {
 public:
  explicit StructuredPruneMethod(StructuredPruneOptions opt) : opt_(opt) {}

  std::string spec() const override {
    const char* target = opt_.target == StructuredTarget::kFfn     ? ":ffn"
                         : opt_.target == StructuredTarget::kHeads ? ":heads"
                                                                   : "";
    return fmt::format("prune-structured:{}{}{}", opt_.fraction, target,
                       opt_.activation_aware ? ":act" : "");
  }
  bool needs_calibration() const override { return opt_.activation_aware; }

  Status Apply(ModelFile& model, const CompressionContext& ctx,
               CompressionReport* report) const override {
    CRATIO_ASSIGN_OR_RETURN(ModelConfig config, ModelConfig::FromModelFile(model));
    const std::string& a = config.arch_name;
    const bool do_ffn = opt_.target != StructuredTarget::kHeads;
    const bool do_heads = opt_.target != StructuredTarget::kFfn;
    std::vector<MetaValue> ffn_sizes, head_counts, kv_head_counts;
    for (int64_t l = 0; l < config.num_layers; ++l) {
      int64_t ffn_dim = 0, num_heads = 0, num_kv_heads = 0;
      CRATIO_RETURN_IF_ERROR(do_ffn ? PruneFfn(model, ctx, l, &ffn_dim, report)
                                    : CurrentFfn(model, l, &ffn_dim));
      CRATIO_RETURN_IF_ERROR(do_heads ? PruneHeads(model, ctx, config, l, &num_heads,
                                                   &num_kv_heads, report)
                                      : CurrentHeads(model, config, l, &num_heads, &num_kv_heads));
      ffn_sizes.push_back(MetaValue::I32(static_cast<int32_t>(ffn_dim)));
      head_counts.push_back(MetaValue::I32(static_cast<int32_t>(num_heads)));
      kv_head_counts.push_back(MetaValue::I32(static_cast<int32_t>(num_kv_heads)));
    }
    // llama.cpp reads these keys as a scalar or one value per layer (as OpenELM's files
    // hold them). head_dim no longer follows from embedding_length / head_count, so it is
    // written explicitly.
    Metadata& md = model.metadata;
    if (do_ffn) md.Set(a + ".feed_forward_length", MetaValue::Array(MetaType::kI32, ffn_sizes));
    if (do_heads) {
      md.Set(a + ".attention.head_count", MetaValue::Array(MetaType::kI32, head_counts));
      md.Set(a + ".attention.head_count_kv", MetaValue::Array(MetaType::kI32, kv_head_counts));
      if (!md.Contains(a + ".attention.key_length")) {
        md.Set(a + ".attention.key_length", MetaValue::U32(static_cast<uint32_t>(config.head_dim)));
      }
      if (!md.Contains(a + ".attention.value_length")) {
        md.Set(a + ".attention.value_length",
               MetaValue::U32(static_cast<uint32_t>(config.head_dim)));
      }
    }
    return Status::Ok();
  }

 private:
  Status CurrentFfn(const ModelFile& model, int64_t l, int64_t* ffn_dim) const {
    const TensorEntry* down = model.FindTensor(TensorName(TensorRole::kFfnDown, l));
    if (down == nullptr) return InvalidInput("{}: layer {} has no dense ffn_down", spec(), l);
    *ffn_dim = down->view.cols();
    return Status::Ok();
  }

  Status CurrentHeads(const ModelFile& model, const ModelConfig& config, int64_t l,
                      int64_t* num_heads, int64_t* num_kv_heads) const {
    const TensorEntry* q = model.FindTensor(TensorName(TensorRole::kAttnQ, l));
    const TensorEntry* k = model.FindTensor(TensorName(TensorRole::kAttnK, l));
    if (q == nullptr || k == nullptr) {
      return InvalidInput("{}: layer {} has no dense attn_q / attn_k", spec(), l);
    }
    *num_heads = q->view.rows() / config.head_dim;
    *num_kv_heads = k->view.rows() / config.head_dim;
    return Status::Ok();
  }

  Status PruneFfn(ModelFile& model, const CompressionContext& ctx, int64_t l, int64_t* ffn_dim,
                  CompressionReport* report) const {
    CRATIO_ASSIGN_OR_RETURN(Loaded gate, LoadByName(model, TensorName(TensorRole::kFfnGate, l), spec()));
    CRATIO_ASSIGN_OR_RETURN(Loaded up, LoadByName(model, TensorName(TensorRole::kFfnUp, l), spec()));
    CRATIO_ASSIGN_OR_RETURN(Loaded down, LoadByName(model, TensorName(TensorRole::kFfnDown, l), spec()));
    const int64_t dim = gate.entry->view.rows();
    const int64_t model_dim = gate.entry->view.cols();
    const int64_t down_rows = down.entry->view.rows();
    if (up.entry->view.rows() != dim || down.entry->view.cols() != dim) {
      return InvalidInput("{}: layer {}: ffn_gate {}, ffn_up {} and ffn_down {} disagree on the "
                          "FFN width",
                          spec(), l, gate.entry->view.shape.ToString(),
                          up.entry->view.shape.ToString(), down.entry->view.shape.ToString());
    }
    std::vector<float> act;
    if (opt_.activation_aware) {
      CRATIO_ASSIGN_OR_RETURN(act, ActivationNorms(ctx, down.entry->name, dim));
    }
    // score[j]: how much channel j can move the layer's output.
    std::vector<double> score(static_cast<size_t>(dim));
    for (int64_t j = 0; j < dim; ++j) {
      const double out_sq = ColSq(down.values, down_rows, dim, j);
      score[j] = opt_.activation_aware
                     ? out_sq * static_cast<double>(act[j]) * act[j]
                     : RowSq(gate.values, model_dim, j) + RowSq(up.values, model_dim, j) + out_sq;
    }
    const int64_t align = std::max<int64_t>(GetDTypeInfo(down.entry->view.dtype).block_size,
                                            dim % 32 == 0 ? 32 : 1);
    const int64_t keep = KeptFfnChannels(dim, opt_.fraction, align);
    const std::vector<int64_t> kept = TopIndices(score, keep);
    Replace(model, *gate.entry, GatherRows(gate.values, model_dim, kept, 1),
            gate.entry->view.dtype, Shape{keep, model_dim}, ctx.pool, report);
    Replace(model, *up.entry, GatherRows(up.values, model_dim, kept, 1), up.entry->view.dtype,
            Shape{keep, model_dim}, ctx.pool, report);
    const DType down_type = StoreType(*down.entry, keep, report);
    Replace(model, *down.entry, GatherCols(down.values, down_rows, dim, kept, 1), down_type,
            Shape{down_rows, keep}, ctx.pool, report);
    *ffn_dim = keep;
    return Status::Ok();
  }

  Status PruneHeads(ModelFile& model, const CompressionContext& ctx, const ModelConfig& config,
                    int64_t l, int64_t* num_heads, int64_t* num_kv_heads,
                    CompressionReport* report) const {
    const int64_t hd = config.head_dim;
    CRATIO_ASSIGN_OR_RETURN(Loaded q, LoadByName(model, TensorName(TensorRole::kAttnQ, l), spec()));
    CRATIO_ASSIGN_OR_RETURN(Loaded k, LoadByName(model, TensorName(TensorRole::kAttnK, l), spec()));
    CRATIO_ASSIGN_OR_RETURN(Loaded v, LoadByName(model, TensorName(TensorRole::kAttnV, l), spec()));
    CRATIO_ASSIGN_OR_RETURN(Loaded o,
                            LoadByName(model, TensorName(TensorRole::kAttnOutput, l), spec()));
    const int64_t model_dim = q.entry->view.cols();
    const int64_t heads = q.entry->view.rows() / hd;
    const int64_t kv_heads = k.entry->view.rows() / hd;
    const int64_t o_rows = o.entry->view.rows();
    if (kv_heads <= 0 || heads % kv_heads != 0 || v.entry->view.rows() != kv_heads * hd ||
        o.entry->view.cols() != heads * hd) {
      return InvalidInput("{}: layer {}: attention shapes q {}, k {}, v {}, o {} do not form "
                          "head groups of head_dim {}",
                          spec(), l, q.entry->view.shape.ToString(),
                          k.entry->view.shape.ToString(), v.entry->view.shape.ToString(),
                          o.entry->view.shape.ToString(), hd);
    }
    const int64_t rep = heads / kv_heads;  // query heads per KV head
    std::vector<float> act;
    if (opt_.activation_aware) {
      CRATIO_ASSIGN_OR_RETURN(act, ActivationNorms(ctx, o.entry->name, heads * hd));
    }
    // score[g]: group g = KV head g and query heads [g*rep, (g+1)*rep).
    std::vector<double> score(static_cast<size_t>(kv_heads), 0.0);
    for (int64_t g = 0; g < kv_heads; ++g) {
      for (int64_t c = g * rep * hd; c < (g + 1) * rep * hd; ++c) {
        const double out_sq = ColSq(o.values, o_rows, heads * hd, c);
        score[g] += opt_.activation_aware ? out_sq * act[c] * act[c]
                                          : out_sq + RowSq(q.values, model_dim, c);
      }
      if (!opt_.activation_aware) {
        for (int64_t r = g * hd; r < (g + 1) * hd; ++r) {
          score[g] += RowSq(k.values, model_dim, r) + RowSq(v.values, model_dim, r);
        }
      }
    }
    const int64_t keep = KeptHeadGroups(kv_heads, opt_.fraction);
    const std::vector<int64_t> kept = TopIndices(score, keep);
    const int64_t q_unit = rep * hd;
    Replace(model, *q.entry, GatherRows(q.values, model_dim, kept, q_unit), q.entry->view.dtype,
            Shape{keep * q_unit, model_dim}, ctx.pool, report);
    Replace(model, *k.entry, GatherRows(k.values, model_dim, kept, hd), k.entry->view.dtype,
            Shape{keep * hd, model_dim}, ctx.pool, report);
    Replace(model, *v.entry, GatherRows(v.values, model_dim, kept, hd), v.entry->view.dtype,
            Shape{keep * hd, model_dim}, ctx.pool, report);
    const DType o_type = StoreType(*o.entry, keep * q_unit, report);
    Replace(model, *o.entry, GatherCols(o.values, o_rows, heads * hd, kept, q_unit), o_type,
            Shape{o_rows, keep * q_unit}, ctx.pool, report);
    // qwen2 biases follow their rows.
    const std::pair<TensorRole, int64_t> biases[] = {
        {TensorRole::kAttnQBias, q_unit}, {TensorRole::kAttnKBias, hd}, {TensorRole::kAttnVBias, hd}};
    for (const auto& [role, unit] : biases) {
      const std::string name = TensorName(role, l);
      if (model.FindTensor(name) == nullptr) continue;
      CRATIO_ASSIGN_OR_RETURN(Loaded b, LoadByName(model, name, spec()));
      const int64_t n = static_cast<int64_t>(kept.size()) * unit;
      Replace(model, *b.entry, GatherRows(b.values, 1, kept, unit), b.entry->view.dtype, Shape{n},
              ctx.pool, report);
    }
    *num_heads = keep * rep;
    *num_kv_heads = keep;
    return Status::Ok();
  }

  StructuredPruneOptions opt_;
};

}  // namespace

int64_t KeptFfnChannels(int64_t ffn_dim, double fraction, int64_t align) {
  const double target = static_cast<double>(ffn_dim) * (1.0 - fraction);
  if (align <= 1 || ffn_dim % align != 0) {
    return std::clamp<int64_t>(std::llround(target), 1, ffn_dim);
  }
  const int64_t units = std::clamp<int64_t>(std::llround(target / align), 1, ffn_dim / align);
  return units * align;
}

int64_t KeptHeadGroups(int64_t num_kv_heads, double fraction) {
  return std::clamp<int64_t>(std::llround(num_kv_heads * (1.0 - fraction)), 1, num_kv_heads);
}

Result<std::unique_ptr<CompressionMethod>> MakeStructuredPruneMethod(
    const StructuredPruneOptions& options) {
  if (!(options.fraction >= 0.0 && options.fraction < 1.0)) {
    return InvalidInput("the fraction removed must be in [0, 1) (1.0 would remove every channel), "
                        "got {}",
                        options.fraction);
  }
  return std::unique_ptr<CompressionMethod>(new StructuredPruneMethod(options));
}

Result<std::unique_ptr<CompressionMethod>> ParseStructuredPrune(std::string_view args) {
  if (args.empty()) return InvalidInput("missing the fraction to remove (e.g. ':0.3')");
  const std::vector<std::string_view> parts = SplitStepArgs(args);
  StructuredPruneOptions opt;
  CRATIO_ASSIGN_OR_RETURN(opt.fraction, ParseStepNumber(parts[0], "fraction"));
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] == "ffn") {
      opt.target = StructuredTarget::kFfn;
    } else if (parts[i] == "heads") {
      opt.target = StructuredTarget::kHeads;
    } else if (parts[i] == "act") {
      opt.activation_aware = true;
    } else {
      return InvalidInput("unknown option '{}' (expected ffn, heads or act)", parts[i]);
    }
  }
  return MakeStructuredPruneMethod(opt);
}

}  // namespace cratio
