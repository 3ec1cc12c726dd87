// Low-rank factorization method: truncated SVD of each chosen linear layer into an
// lr_a / lr_b pair, skipped (with a note) where the pair would not save parameters.
#include "compress/lowrank.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "compress/methods.h"
#include "compress/prune_unstructured.h"
#include "compress/svd.h"
#include "model/tensor_names.h"

namespace cratio {

namespace {

// Randomized SVD pays off when the sketch is narrow against the matrix; smaller matrices
// (and energy targets, whose rank is unknown up front) use the exact SVD.
constexpr int64_t kMinDimForRandomized = 256;
constexpr int64_t kOversample = 10;
constexpr int kPowerIters = 2;

bool InGroup(TensorRole role, LowRankLayers layers) {
  const RoleGroup g = GroupOf(role);
  switch (layers) {
    case LowRankLayers::kAll: return true;
    case LowRankLayers::kAttention: return g == RoleGroup::kAttention;
    case LowRankLayers::kFfn: return g == RoleGroup::kFfn;
  }
  return false;
}

std::string Stem(const std::string& weight_name) {
  return weight_name.substr(0, weight_name.size() - std::string_view(".weight").size());
}

}  // namespace

int64_t RankForRatio(int64_t rows, int64_t cols, double ratio) {
  const double r = std::floor(ratio * static_cast<double>(rows) * cols / (rows + cols));
  return std::max<int64_t>(1, static_cast<int64_t>(r));
}

int64_t RankForEnergy(const std::vector<float>& s, double total_sq, double energy) {
  double kept = 0.0;
  for (size_t i = 0; i < s.size(); ++i) {
    kept += static_cast<double>(s[i]) * s[i];
    if (kept >= energy * total_sq * (1.0 - 1e-9)) return static_cast<int64_t>(i + 1);
  }
  return static_cast<int64_t>(s.size());
}

Result<LowRankFactors> FactorizeMatrix(const float* w, int64_t rows, int64_t cols,
                                       const LowRankOptions& options, const float* col_scale) {
  // x[rows, cols] = W · diag(col_scale)
  std::vector<float> x(w, w + rows * cols);
  if (col_scale != nullptr) {
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c) x[r * cols + c] *= col_scale[c];
    }
  }
  const int64_t min_dim = std::min(rows, cols);
  LowRankFactors out;
  Svd svd;
  if (options.ratio > 0.0) {
    const int64_t rank = std::min(RankForRatio(rows, cols, options.ratio), min_dim);
    if (!RankSaves(rows, cols, rank)) return out;  // rank 0: stays dense
    out.randomized = min_dim >= kMinDimForRandomized && 2 * (rank + kOversample) <= min_dim;
    if (out.randomized) {
      CRATIO_ASSIGN_OR_RETURN(svd, RandomizedSvd(x.data(), rows, cols, rank, kOversample,
                                                 kPowerIters, /*seed=*/1));
    } else {
      CRATIO_ASSIGN_OR_RETURN(svd, ExactSvd(x.data(), rows, cols));
      TruncateSvd(svd, rank);
    }
  } else {
    CRATIO_ASSIGN_OR_RETURN(svd, ExactSvd(x.data(), rows, cols));
    double total_sq = 0.0;
    for (float v : svd.s) total_sq += static_cast<double>(v) * v;
    const int64_t rank = RankForEnergy(svd.s, total_sq, options.energy);
    if (!RankSaves(rows, cols, rank)) return out;
    TruncateSvd(svd, rank);
  }
  const int64_t k = svd.rank;
  out.rank = k;
  out.a.resize(static_cast<size_t>(k * cols));
  out.b.resize(static_cast<size_t>(rows * k));
  for (int64_t i = 0; i < k; ++i) {
    const float root = std::sqrt(std::max(svd.s[i], 0.0f));
    for (int64_t c = 0; c < cols; ++c) {
      // Undo the activation scale on A so that B·A approximates W itself.
      const float unscale = col_scale != nullptr ? 1.0f / col_scale[c] : 1.0f;
      out.a[i * cols + c] = root * svd.vt[i * cols + c] * unscale;
    }
    for (int64_t r = 0; r < rows; ++r) out.b[r * k + i] = svd.u[r * k + i] * root;
  }
  // recon[rows, cols] = B[rows, k] · A[k, cols]
  std::vector<float>& recon = x;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, cols, k, 1.0f, out.b.data(), k,
              out.a.data(), cols, 0.0f, recon.data(), cols);
  double e2 = 0.0, r2 = 0.0;
  for (int64_t i = 0; i < rows * cols; ++i) {
    const double d = static_cast<double>(w[i]) - recon[i];
    e2 += d * d;
    r2 += static_cast<double>(w[i]) * w[i];
  }
  out.rel_error = r2 > 0.0 ? std::sqrt(e2 / r2) : 0.0;
  return out;
}

namespace {

class LowRankMethod : public CompressionMethod {
 public:
  explicit LowRankMethod(LowRankOptions opt) : opt_(opt) {}

  std::string spec() const override {
    std::string s = opt_.ratio > 0.0 ? fmt::format("lowrank:ratio={}", opt_.ratio)
                                     : fmt::format("lowrank:energy={}", opt_.energy);
    if (opt_.layers == LowRankLayers::kAttention) s += ":layers=attn";
    if (opt_.layers == LowRankLayers::kFfn) s += ":layers=ffn";
    if (opt_.activation_aware) s += ":act";
    if (opt_.factor_dtype) s += fmt::format(":dtype={}", DTypeName(*opt_.factor_dtype));
    return s;
  }
  bool needs_calibration() const override { return opt_.activation_aware; }

  Status Apply(ModelFile& model, const CompressionContext& ctx,
               CompressionReport* report) const override {
    std::vector<TensorEntry> out;
    out.reserve(model.tensors.size() + 64);
    int64_t num_candidates = 0;
    for (TensorEntry& e : model.tensors) {
      std::optional<ParsedTensorName> parsed = ParseTensorName(e.name);
      if (!IsPrunableLinear(e) || !InGroup(parsed->role, opt_.layers)) {
        out.push_back(e);
        continue;
      }
      ++num_candidates;
      const int64_t rows = e.view.rows(), cols = e.view.cols();
      std::vector<float> scale;
      if (opt_.activation_aware) {
        CRATIO_ASSIGN_OR_RETURN(scale, ActivationNorms(ctx, e.name, cols));
        // ‖x_c‖ (a constant factor from sqrt(mean) does not change the factorization);
        // dead channels get a floor so A can be unscaled.
        float largest = 0.0f;
        for (float v : scale) largest = std::max(largest, v);
        const float floor = largest > 0.0f ? largest * 1e-4f : 1.0f;
        for (float& v : scale) v = std::max(v, floor);
      }
      CRATIO_ASSIGN_OR_RETURN(std::vector<float> w, LoadTensorF32(e, ctx.pool));
      const auto start = std::chrono::steady_clock::now();
      CRATIO_ASSIGN_OR_RETURN(LowRankFactors f,
                              FactorizeMatrix(w.data(), rows, cols, opt_,
                                              scale.empty() ? nullptr : scale.data()));
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      TensorChange change;
      change.name = e.name;
      change.before = fmt::format("{} {}", DTypeName(e.view.dtype), e.view.shape.ToString());
      if (f.rank == 0) {
        change.after = change.before;
        change.note = "left dense: a factor pair at the target rank would not save parameters";
        report->notes.push_back(e.name + ": " + change.note);
        report->tensors.push_back(std::move(change));
        out.push_back(e);
        continue;
      }
      const DType dtype = opt_.factor_dtype.value_or(e.view.dtype == DType::kF32 ? DType::kF32
                                                                                 : DType::kF16);
      const std::string stem = Stem(e.name);
      TensorEntry a, b;
      a.name = a.file_name = stem + ".lr_a.weight";
      b.name = b.file_name = stem + ".lr_b.weight";
      const Shape a_shape{f.rank, cols}, b_shape{rows, f.rank};
      std::shared_ptr<AlignedBuffer> a_buf = StoreTensorF32(f.a.data(), dtype, a_shape, ctx.pool);
      std::shared_ptr<AlignedBuffer> b_buf = StoreTensorF32(f.b.data(), dtype, b_shape, ctx.pool);
      a.view = TensorView{dtype, a_shape, a_buf->data(), a_buf->size()};
      b.view = TensorView{dtype, b_shape, b_buf->data(), b_buf->size()};
      model.owned.push_back(std::move(a_buf));
      model.owned.push_back(std::move(b_buf));
      change.after = fmt::format("rank {}: lr_a {} {} + lr_b {} {}", f.rank, DTypeName(dtype),
                                 a_shape.ToString(), DTypeName(dtype), b_shape.ToString());
      change.rel_error = f.rel_error;
      change.note = fmt::format("{} SVD, {:.2f} s", f.randomized ? "randomized" : "exact", seconds);
      report->tensors.push_back(std::move(change));
      out.push_back(std::move(a));
      out.push_back(std::move(b));
    }
    if (num_candidates == 0) {
      return InvalidInput("{}: '{}' has no dense linear layer to factorize", spec(), model.path);
    }
    model.tensors = std::move(out);
    return Status::Ok();
  }

 private:
  LowRankOptions opt_;
};

}  // namespace

Result<std::unique_ptr<CompressionMethod>> MakeLowRankMethod(const LowRankOptions& options) {
  const bool has_ratio = options.ratio != 0.0, has_energy = options.energy != 0.0;
  if (has_ratio == has_energy) {
    return InvalidInput("give exactly one target: ratio=R (parameters kept per layer, 0 < R < 1) "
                        "or energy=E (fraction of Σσ² kept, 0 < E <= 1)");
  }
  if (has_ratio && !(options.ratio > 0.0 && options.ratio < 1.0)) {
    return InvalidInput("ratio must be in (0, 1) (factor parameters / dense parameters), got {}",
                        options.ratio);
  }
  if (has_energy && !(options.energy > 0.0 && options.energy <= 1.0)) {
    return InvalidInput("energy must be in (0, 1] (fraction of Σσ² kept), got {}", options.energy);
  }
  if (options.factor_dtype && *options.factor_dtype != DType::kF32 &&
      *options.factor_dtype != DType::kF16) {
    return InvalidInput("factor dtype must be f32 or f16, got {}",
                        DTypeName(*options.factor_dtype));
  }
  return std::unique_ptr<CompressionMethod>(new LowRankMethod(options));
}

Result<std::unique_ptr<CompressionMethod>> ParseLowRank(std::string_view args) {
  if (args.empty()) return InvalidInput("missing the target (ratio=R or energy=E)");
  LowRankOptions opt;
  bool has_target = false;
  for (std::string_view part : SplitStepArgs(args)) {
    const size_t eq = part.find('=');
    const std::string_view key = part.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    if (key == "ratio" || key == "energy") {
      if (has_target) return InvalidInput("give only one of ratio= and energy=");
      has_target = true;
      CRATIO_ASSIGN_OR_RETURN(double v, ParseStepNumber(value, key));
      if (v == 0.0) {
        return InvalidInput("{} must be in (0, 1), got {}", key, value);
      }
      (key == "ratio" ? opt.ratio : opt.energy) = v;
    } else if (key == "layers") {
      if (value == "all") {
        opt.layers = LowRankLayers::kAll;
      } else if (value == "attn") {
        opt.layers = LowRankLayers::kAttention;
      } else if (value == "ffn") {
        opt.layers = LowRankLayers::kFfn;
      } else {
        return InvalidInput("layers must be attn, ffn or all, got '{}'", value);
      }
    } else if (key == "dtype") {
      if (value == "f32") {
        opt.factor_dtype = DType::kF32;
      } else if (value == "f16") {
        opt.factor_dtype = DType::kF16;
      } else {
        return InvalidInput("dtype must be f32 or f16, got '{}'", value);
      }
    } else if (part == "act") {
      opt.activation_aware = true;
    } else {
      return InvalidInput("unknown option '{}' (expected ratio=, energy=, layers=, dtype= or act)",
                          part);
    }
  }
  if (!has_target) return InvalidInput("missing the target (ratio=R or energy=E)");
  return MakeLowRankMethod(opt);
}

}  // namespace cratio
