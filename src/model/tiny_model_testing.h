// Test-only helpers: tiny random llama / qwen2 models built in memory as ModelFiles, and a
// plain double-precision reference forward pass to check the engine against. Included
// only by *_test.cc files.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "model/config.h"
#include "model/tensor_names.h"
#include "numeric/dtype.h"

namespace cratio::testing {

struct TinyModelSpec {
  std::string arch = "llama";
  std::string rope_layout;  // "" (architecture default), "adjacent" or "half"
  int64_t vocab_size = 50;
  int64_t model_dim = 64;
  int64_t num_layers = 2;
  int64_t num_heads = 4;
  int64_t num_kv_heads = 2;
  int64_t head_dim = 16;
  int64_t ffn_dim = 96;
  int64_t context_length = 64;
  float rope_freq_base = 10000.0f;
  // Per-layer overrides (empty or one entry per layer; 0 keeps the default).
  std::vector<int64_t> layer_ffn_dim;
  std::vector<int64_t> layer_num_heads;
  std::vector<int64_t> layer_num_kv_heads;
  bool tied_output = false;
  bool qkv_bias = false;    // qwen2-style Q/K/V biases
  bool rope_freqs = false;  // a Llama-3 style rope_freqs.weight tensor
  int64_t low_rank_layer = -1;  // this layer's attn_q and ffn_up become lr_a / lr_b pairs
  int64_t low_rank = 8;
  DType linear_dtype = DType::kF32;  // dtype of the linear weights (not embeddings / norms)
  DType embd_dtype = DType::kF32;
  uint64_t seed = 1;
};

inline int64_t LayerValue(const std::vector<int64_t>& v, int64_t layer, int64_t fallback) {
  if (layer < static_cast<int64_t>(v.size()) && v[layer] > 0) return v[layer];
  return fallback;
}

// Adds an f32-valued tensor stored as `dtype` (quantized with the reference codec).
inline void AddTensor(ModelFile& file, const std::string& name, DType dtype, Shape shape,
                      const std::vector<float>& values) {
  const uint64_t bytes = TensorBytes(dtype, shape);
  auto buf = std::make_shared<AlignedBuffer>(bytes);
  const int64_t cols = shape.cols();
  const int64_t rows = shape.rows();
  const DTypeInfo& info = GetDTypeInfo(dtype);
  for (int64_t r = 0; r < rows; ++r) {
    info.quantize_row(values.data() + r * cols, buf->data() + r * RowBytes(dtype, cols), cols);
  }
  TensorEntry e;
  e.name = name;
  e.file_name = name;
  e.view = TensorView{dtype, shape, buf->data(), bytes};
  file.tensors.push_back(e);
  file.owned.push_back(std::move(buf));
}

inline ModelFile BuildTinyModel(const TinyModelSpec& spec) {
  ModelFile f;
  f.path = "<tiny " + spec.arch + ">";
  Metadata& md = f.metadata;
  const std::string& a = spec.arch;
  md.Set("general.architecture", MetaValue::Str(a));
  md.Set(a + ".embedding_length", MetaValue::U32(static_cast<uint32_t>(spec.model_dim)));
  md.Set(a + ".block_count", MetaValue::U32(static_cast<uint32_t>(spec.num_layers)));
  md.Set(a + ".feed_forward_length", MetaValue::U32(static_cast<uint32_t>(spec.ffn_dim)));
  md.Set(a + ".attention.head_count", MetaValue::U32(static_cast<uint32_t>(spec.num_heads)));
  md.Set(a + ".attention.head_count_kv",
         MetaValue::U32(static_cast<uint32_t>(spec.num_kv_heads)));
  md.Set(a + ".attention.key_length", MetaValue::U32(static_cast<uint32_t>(spec.head_dim)));
  md.Set(a + ".context_length", MetaValue::U32(static_cast<uint32_t>(spec.context_length)));
  md.Set(a + ".attention.layer_norm_rms_epsilon", MetaValue::F32(1e-5f));
  md.Set(a + ".rope.freq_base", MetaValue::F32(spec.rope_freq_base));
  if (!spec.rope_layout.empty()) md.Set(std::string(kKeyRopeLayout), MetaValue::Str(spec.rope_layout));

  std::mt19937_64 rng(spec.seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  auto random = [&](int64_t n, float scale, float offset = 0.0f) {
    std::vector<float> v(n);
    for (float& x : v) x = offset + scale * normal(rng);
    return v;
  };
  const int64_t d = spec.model_dim;
  // Linear weights scaled by 1/sqrt(cols) keep activations O(1).
  auto add_linear = [&](const std::string& name, int64_t rows, int64_t cols, bool low_rank) {
    if (!low_rank) {
      AddTensor(f, name, spec.linear_dtype, Shape{rows, cols},
                random(rows * cols, 1.0f / std::sqrt(static_cast<float>(cols))));
      return;
    }
    const std::string stem = name.substr(0, name.size() - 7);  // minus ".weight"
    const int64_t r = spec.low_rank;
    AddTensor(f, stem + ".lr_a.weight", spec.linear_dtype, Shape{r, cols},
              random(r * cols, 1.0f / std::sqrt(static_cast<float>(cols))));
    AddTensor(f, stem + ".lr_b.weight", spec.linear_dtype, Shape{rows, r},
              random(rows * r, 1.0f / std::sqrt(static_cast<float>(r))));
  };
  AddTensor(f, TensorName(TensorRole::kTokenEmbd), spec.embd_dtype, Shape{spec.vocab_size, d},
            random(spec.vocab_size * d, 1.0f));
  for (int64_t l = 0; l < spec.num_layers; ++l) {
    const int64_t heads = LayerValue(spec.layer_num_heads, l, spec.num_heads);
    const int64_t kv_heads = LayerValue(spec.layer_num_kv_heads, l, spec.num_kv_heads);
    const int64_t ffn = LayerValue(spec.layer_ffn_dim, l, spec.ffn_dim);
    const int64_t q_dim = heads * spec.head_dim, kv_dim = kv_heads * spec.head_dim;
    const bool lr = l == spec.low_rank_layer;
    AddTensor(f, TensorName(TensorRole::kAttnNorm, l), DType::kF32, Shape{d},
              random(d, 0.1f, 1.0f));
    add_linear(TensorName(TensorRole::kAttnQ, l), q_dim, d, lr);
    add_linear(TensorName(TensorRole::kAttnK, l), kv_dim, d, false);
    add_linear(TensorName(TensorRole::kAttnV, l), kv_dim, d, false);
    if (spec.qkv_bias) {
      AddTensor(f, TensorName(TensorRole::kAttnQBias, l), DType::kF32, Shape{q_dim},
                random(q_dim, 0.5f));
      AddTensor(f, TensorName(TensorRole::kAttnKBias, l), DType::kF32, Shape{kv_dim},
                random(kv_dim, 0.5f));
      AddTensor(f, TensorName(TensorRole::kAttnVBias, l), DType::kF32, Shape{kv_dim},
                random(kv_dim, 0.5f));
    }
    add_linear(TensorName(TensorRole::kAttnOutput, l), d, q_dim, false);
    AddTensor(f, TensorName(TensorRole::kFfnNorm, l), DType::kF32, Shape{d},
              random(d, 0.1f, 1.0f));
    add_linear(TensorName(TensorRole::kFfnGate, l), ffn, d, false);
    add_linear(TensorName(TensorRole::kFfnUp, l), ffn, d, lr);
    add_linear(TensorName(TensorRole::kFfnDown, l), d, ffn, false);
  }
  AddTensor(f, TensorName(TensorRole::kOutputNorm), DType::kF32, Shape{d}, random(d, 0.1f, 1.0f));
  if (!spec.tied_output) {
    add_linear(TensorName(TensorRole::kOutput), spec.vocab_size, d, false);
  }
  if (spec.rope_freqs) {
    std::vector<float> factors(spec.head_dim / 2);
    for (size_t i = 0; i < factors.size(); ++i) factors[i] = 1.0f + 3.0f * i / factors.size();
    AddTensor(f, TensorName(TensorRole::kRopeFreqs), DType::kF32,
              Shape{static_cast<int64_t>(factors.size())}, factors);
  }
  return f;
}

// A plain double-precision forward pass over one sequence at positions 0..n-1, written
// from the definitions with no sharing of engine code: returns logits[n][vocab].
class ReferenceModel {
 public:
  explicit ReferenceModel(const ModelFile& file, const ModelConfig& config)
      : file_(file), c_(config) {}

  std::vector<std::vector<double>> Forward(const std::vector<int32_t>& tokens) const {
    const int64_t n = static_cast<int64_t>(tokens.size());
    const int64_t d = c_.model_dim, hd = c_.head_dim;
    std::vector<std::vector<double>> x(n);
    const std::vector<double> embd = Load(TensorName(TensorRole::kTokenEmbd));
    for (int64_t t = 0; t < n; ++t) x[t].assign(embd.begin() + tokens[t] * d,
                                               embd.begin() + (tokens[t] + 1) * d);
    for (int64_t l = 0; l < c_.num_layers; ++l) {
      const int64_t q_dim = Rows(TensorRole::kAttnQ, l);
      const int64_t kv_dim = Rows(TensorRole::kAttnK, l);
      const int64_t heads = q_dim / hd, kv_heads = kv_dim / hd;
      std::vector<std::vector<double>> q(n), k(n), v(n);
      for (int64_t t = 0; t < n; ++t) {
        const std::vector<double> xn = Norm(x[t], Load(TensorName(TensorRole::kAttnNorm, l)));
        q[t] = Linear(TensorRole::kAttnQ, l, xn);
        k[t] = Linear(TensorRole::kAttnK, l, xn);
        v[t] = Linear(TensorRole::kAttnV, l, xn);
        AddBias(TensorRole::kAttnQBias, l, q[t]);
        AddBias(TensorRole::kAttnKBias, l, k[t]);
        AddBias(TensorRole::kAttnVBias, l, v[t]);
        for (int64_t h = 0; h < heads; ++h) Rope(&q[t][h * hd], t);
        for (int64_t h = 0; h < kv_heads; ++h) Rope(&k[t][h * hd], t);
      }
      for (int64_t t = 0; t < n; ++t) {
        std::vector<double> att(q_dim, 0.0);
        for (int64_t h = 0; h < heads; ++h) {
          const int64_t kvh = h / (heads / kv_heads);
          std::vector<double> s(t + 1);
          double mx = -1e300;
          for (int64_t j = 0; j <= t; ++j) {
            double dot = 0;
            for (int64_t i = 0; i < hd; ++i) dot += q[t][h * hd + i] * k[j][kvh * hd + i];
            s[j] = dot / std::sqrt(static_cast<double>(hd));
            mx = std::max(mx, s[j]);
          }
          double sum = 0;
          for (double& e : s) sum += (e = std::exp(e - mx));
          for (int64_t j = 0; j <= t; ++j) {
            for (int64_t i = 0; i < hd; ++i) att[h * hd + i] += s[j] / sum * v[j][kvh * hd + i];
          }
        }
        const std::vector<double> o = Linear(TensorRole::kAttnOutput, l, att);
        for (int64_t i = 0; i < d; ++i) x[t][i] += o[i];
        const std::vector<double> xn = Norm(x[t], Load(TensorName(TensorRole::kFfnNorm, l)));
        std::vector<double> g = Linear(TensorRole::kFfnGate, l, xn);
        const std::vector<double> u = Linear(TensorRole::kFfnUp, l, xn);
        for (size_t i = 0; i < g.size(); ++i) g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
        const std::vector<double> down = Linear(TensorRole::kFfnDown, l, g);
        for (int64_t i = 0; i < d; ++i) x[t][i] += down[i];
      }
    }
    std::vector<std::vector<double>> logits(n);
    for (int64_t t = 0; t < n; ++t) {
      const std::vector<double> xn = Norm(x[t], Load(TensorName(TensorRole::kOutputNorm)));
      logits[t] = file_.FindTensor(TensorName(TensorRole::kOutput)) != nullptr
                      ? Linear(TensorRole::kOutput, -1, xn)
                      : MatVec(TensorName(TensorRole::kTokenEmbd), xn);
    }
    return logits;
  }

 private:
  std::vector<double> Load(const std::string& name) const {
    const TensorEntry* e = file_.FindTensor(name);
    if (e == nullptr) return {};
    const int64_t cols = e->view.shape.cols(), rows = e->view.shape.rows();
    std::vector<float> row(cols);
    std::vector<double> out;
    out.reserve(rows * cols);
    for (int64_t r = 0; r < rows; ++r) {
      GetDTypeInfo(e->view.dtype).dequantize_row(e->view.row(r), row.data(), cols);
      out.insert(out.end(), row.begin(), row.end());
    }
    return out;
  }
  // y[rows] = W[rows, cols] · x[cols]
  std::vector<double> MatVec(const std::string& name, const std::vector<double>& x) const {
    const TensorEntry* e = file_.FindTensor(name);
    const int64_t rows = e->view.shape[0], cols = e->view.shape[1];
    const std::vector<double> w = Load(name);
    std::vector<double> y(rows, 0.0);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c) y[r] += w[r * cols + c] * x[c];
    }
    return y;
  }
  std::vector<double> Linear(TensorRole role, int64_t l, const std::vector<double>& x) const {
    const std::string name = TensorName(role, l);
    if (file_.FindTensor(name) != nullptr) return MatVec(name, x);
    const std::string stem = name.substr(0, name.size() - 7);
    return MatVec(stem + ".lr_b.weight", MatVec(stem + ".lr_a.weight", x));
  }
  int64_t Rows(TensorRole role, int64_t l) const {
    const std::string name = TensorName(role, l);
    if (const TensorEntry* e = file_.FindTensor(name)) return e->view.shape[0];
    const std::string stem = name.substr(0, name.size() - 7);
    return file_.FindTensor(stem + ".lr_b.weight")->view.shape[0];
  }
  void AddBias(TensorRole role, int64_t l, std::vector<double>& y) const {
    const std::vector<double> b = Load(TensorName(role, l));
    for (size_t i = 0; i < b.size(); ++i) y[i] += b[i];
  }
  std::vector<double> Norm(const std::vector<double>& x, const std::vector<double>& w) const {
    double ss = 0;
    for (double e : x) ss += e * e;
    const double inv = 1.0 / std::sqrt(ss / x.size() + c_.rms_norm_eps);
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * w[i];
    return y;
  }
  // Rotates one head at position pos, pairs chosen by the layout.
  void Rope(double* h, int64_t pos) const {
    const int64_t half = c_.rope_dim / 2;
    const std::vector<double> factors = Load(TensorName(TensorRole::kRopeFreqs));
    for (int64_t i = 0; i < half; ++i) {
      double freq = std::pow(static_cast<double>(c_.rope_freq_base),
                             -2.0 * i / static_cast<double>(c_.rope_dim));
      if (!factors.empty()) freq /= factors[i];
      const double angle = pos * freq;
      const int64_t i0 = c_.rope_layout == RopeLayout::kAdjacent ? 2 * i : i;
      const int64_t i1 = c_.rope_layout == RopeLayout::kAdjacent ? 2 * i + 1 : i + half;
      const double a = h[i0], b = h[i1];
      h[i0] = a * std::cos(angle) - b * std::sin(angle);
      h[i1] = a * std::sin(angle) + b * std::cos(angle);
    }
  }

  const ModelFile& file_;
  const ModelConfig& c_;
};

}  // namespace cratio::testing
