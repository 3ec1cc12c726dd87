// Unstructured pruning: zero the lowest-scoring fraction of each row (or each tensor) of
// every linear layer, by magnitude |w| or by Wanda's |w|·‖x_c‖; the file keeps its dtype.
#include "compress/prune_unstructured.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <cmath>
#include <numeric>
#include <string_view>

#include "base/check.h"
#include "compress/methods.h"
#include "model/convert.h"
#include "model/tensor_names.h"

namespace cratio {

namespace {

void ForRange(ThreadPool* pool, int64_t n, int64_t work_per_item,
              const std::function<void(int64_t, int64_t)>& fn) {
  if (pool == nullptr || pool->num_threads() <= 1 || n * work_per_item < (1 << 16)) {
    fn(0, n);
    return;
  }
  pool->ParallelFor(n, 1, [&](int64_t b, int64_t e, int) { fn(b, e); });
}

std::string Describe(const TensorView& v) {
  return fmt::format("{} {}", DTypeName(v.dtype), v.shape.ToString());
}

bool Convertible(DType dtype) {
  const DTypeInfo& info = GetDTypeInfo(dtype);
  return dtype == DType::kF32 || dtype == DType::kF16 || dtype == DType::kBF16 ||
         (info.is_quantized && info.dequantize_row != nullptr && info.quantize_row != nullptr);
}

}  // namespace

bool IsPrunableLinear(const TensorEntry& e) {
  if (e.view.shape.rank() != 2) return false;
  std::optional<ParsedTensorName> p = ParseTensorName(e.name);
  return p && p->factor.empty() && p->layer_idx >= 0 && IsLinear(p->role) &&
         p->role != TensorRole::kOutput;
}

Result<std::vector<float>> LoadTensorF32(const TensorEntry& e, ThreadPool* pool) {
  const TensorView& v = e.view;
  if (!Convertible(v.dtype) || !RowFitsBlocks(v.dtype, v.cols())) {
    return InvalidInput("tensor '{}' is stored as {} {}, which cratio cannot convert to f32",
                        e.name, DTypeName(v.dtype), v.shape.ToString());
  }
  const int64_t rows = v.rows(), cols = v.cols();
  std::vector<float> out(static_cast<size_t>(rows * cols));
  ForRange(pool, rows, cols, [&](int64_t b, int64_t end) {
    for (int64_t r = b; r < end; ++r) LoadRowF32(v.row(r), v.dtype, cols, out.data() + r * cols);
  });
  return out;
}

std::shared_ptr<AlignedBuffer> StoreTensorF32(const float* values, DType dtype,
                                              const Shape& shape, ThreadPool* pool) {
  auto buf = std::make_shared<AlignedBuffer>(TensorBytes(dtype, shape));
  const int64_t rows = shape.rows(), cols = shape.cols();
  const int64_t row_bytes = RowBytes(dtype, cols);
  auto* base = reinterpret_cast<uint8_t*>(buf->data());
  ForRange(pool, rows, cols, [&](int64_t b, int64_t end) {
    for (int64_t r = b; r < end; ++r) StoreRowF32(values + r * cols, dtype, cols, base + r * row_bytes);
  });
  return buf;
}

Result<std::vector<float>> ActivationNorms(const CompressionContext& ctx, const std::string& name,
                                           int64_t cols) {
  if (ctx.calib == nullptr) {
    return InvalidInput("tensor '{}': activation-aware scoring needs calibration text (--calib)",
                        name);
  }
  auto it = ctx.calib->by_tensor.find(name);
  if (it == ctx.calib->by_tensor.end()) {
    return InvalidInput("tensor '{}': the calibration data has no statistics for it", name);
  }
  const ActivationStats& st = it->second;
  if (static_cast<int64_t>(st.sum_sq.size()) != cols) {
    return InvalidInput("tensor '{}': calibration statistics have {} channels, the tensor has {} "
                        "columns",
                        name, st.sum_sq.size(), cols);
  }
  std::vector<float> out(static_cast<size_t>(cols));
  for (int64_t c = 0; c < cols; ++c) out[c] = static_cast<float>(std::sqrt(st.sum_sq[c]));
  return out;
}

void ReplaceTensorData(ModelFile& model, TensorEntry& e, const std::vector<float>& original,
                       const std::vector<float>& values, ThreadPool* pool, TensorChange* change) {
  const TensorView src = e.view;
  std::shared_ptr<AlignedBuffer> buf = StoreTensorF32(values.data(), src.dtype, src.shape, pool);
  e.view = TensorView{src.dtype, src.shape, buf->data(), buf->size()};
  e.file_offset = 0;
  model.owned.push_back(std::move(buf));
  // What was stored, read back: quantized types may not hold an exact zero (see
  // docs/COMPRESSION.md), so the non-zero count is taken from the stored values.
  Result<std::vector<float>> back = LoadTensorF32(e, pool);
  CRATIO_CHECK(back.ok());
  double e2 = 0.0, r2 = 0.0;
  int64_t nonzero = 0;
  for (size_t i = 0; i < original.size(); ++i) {
    const double d = static_cast<double>(original[i]) - (*back)[i];
    e2 += d * d;
    r2 += static_cast<double>(original[i]) * original[i];
    nonzero += (*back)[i] != 0.0f;
  }
  change->rel_error = r2 > 0.0 ? std::sqrt(e2 / r2) : 0.0;
  change->num_nonzero = nonzero;
}

void ZeroSmallest(float* values, const float* score, int64_t begin, int64_t end,
                  int64_t num_zero) {
  const int64_t n = end - begin;
  if (num_zero <= 0 || n <= 0) return;
  if (num_zero >= n) {
    std::fill(values + begin, values + end, 0.0f);
    return;
  }
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), begin);
  auto less = [score](int64_t a, int64_t b) {
    return score[a] < score[b] || (score[a] == score[b] && a < b);
  };
  std::nth_element(idx.begin(), idx.begin() + num_zero, idx.end(), less);
  for (int64_t i = 0; i < num_zero; ++i) values[idx[i]] = 0.0f;
}

void PruneUnstructured(float* w, int64_t rows, int64_t cols, const UnstructuredPruneOptions& opt,
                       const float* act_norms, ThreadPool* pool) {
  // score[rows, cols] = |w| (· ‖x_c‖ for Wanda)
  std::vector<float> score(static_cast<size_t>(rows * cols));
  ForRange(pool, rows, cols, [&](int64_t b, int64_t end) {
    for (int64_t r = b; r < end; ++r) {
      for (int64_t c = 0; c < cols; ++c) {
        const float a = std::fabs(w[r * cols + c]);
        score[r * cols + c] = opt.wanda ? a * act_norms[c] : a;
      }
    }
  });
  if (opt.scope == PruneScope::kPerTensor) {
    const int64_t n = rows * cols;
    ZeroSmallest(w, score.data(), 0, n, static_cast<int64_t>(std::llround(opt.sparsity * n)));
    return;
  }
  const int64_t per_row = static_cast<int64_t>(std::llround(opt.sparsity * cols));
  ForRange(pool, rows, cols, [&](int64_t b, int64_t end) {
    for (int64_t r = b; r < end; ++r) {
      ZeroSmallest(w, score.data(), r * cols, (r + 1) * cols, per_row);
    }
  });
}

namespace {

class UnstructuredPruneMethod : public CompressionMethod {
 public:
  explicit UnstructuredPruneMethod(UnstructuredPruneOptions opt) : opt_(opt) {}

  std::string spec() const override {
    return fmt::format("prune-{}:{}:{}", opt_.wanda ? "wanda" : "unstructured", opt_.sparsity,
                       opt_.scope == PruneScope::kPerRow ? "per-row" : "per-tensor");
  }
  bool needs_calibration() const override { return opt_.wanda; }

  Status Apply(ModelFile& model, const CompressionContext& ctx,
               CompressionReport* report) const override {
    int64_t num_pruned = 0;
    for (TensorEntry& e : model.tensors) {
      if (!IsPrunableLinear(e)) continue;
      const int64_t rows = e.view.rows(), cols = e.view.cols();
      std::vector<float> norms;
      if (opt_.wanda) {
        CRATIO_ASSIGN_OR_RETURN(norms, ActivationNorms(ctx, e.name, cols));
      }
      std::vector<float> original;
      CRATIO_ASSIGN_OR_RETURN(original, LoadTensorF32(e, ctx.pool));
      std::vector<float> w = original;
      PruneUnstructured(w.data(), rows, cols, opt_, norms.empty() ? nullptr : norms.data(),
                        ctx.pool);
      TensorChange change;
      change.name = e.name;
      change.before = Describe(e.view);
      ReplaceTensorData(model, e, original, w, ctx.pool, &change);
      const double sparsity = 1.0 - static_cast<double>(change.num_nonzero) / (rows * cols);
      change.after = fmt::format("{} ({:.1f}% zeros)", Describe(e.view), 100.0 * sparsity);
      if (GetDTypeInfo(e.view.dtype).is_quantized) {
        change.note = "pruned in f32 and re-quantized to its own type";
      }
      report->tensors.push_back(std::move(change));
      ++num_pruned;
    }
    if (num_pruned == 0) {
      return InvalidInput("{}: '{}' has no linear layer to prune", spec(), model.path);
    }
    return Status::Ok();
  }

 private:
  UnstructuredPruneOptions opt_;
};

}  // namespace

Result<std::unique_ptr<CompressionMethod>> MakeUnstructuredPruneMethod(
    const UnstructuredPruneOptions& options) {
  if (!(options.sparsity >= 0.0 && options.sparsity < 1.0)) {
    return InvalidInput("sparsity must be in [0, 1) (the fraction of weights set to zero), got {}",
                        options.sparsity);
  }
  return std::unique_ptr<CompressionMethod>(new UnstructuredPruneMethod(options));
}

Result<double> ParseStepNumber(std::string_view text, std::string_view what) {
  double v = 0.0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) {
    return InvalidInput("{} must be a number, got '{}'", what, text);
  }
  return v;
}

std::vector<std::string_view> SplitStepArgs(std::string_view args) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= args.size()) {
    const size_t colon = args.find(':', start);
    const size_t stop = colon == std::string_view::npos ? args.size() : colon;
    out.push_back(args.substr(start, stop - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return out;
}

Result<std::unique_ptr<CompressionMethod>> ParseUnstructuredPrune(std::string_view args,
                                                                  bool wanda) {
  const std::vector<std::string_view> parts = SplitStepArgs(args);
  if (args.empty()) return InvalidInput("missing the target sparsity (e.g. ':0.5')");
  UnstructuredPruneOptions opt;
  opt.wanda = wanda;
  CRATIO_ASSIGN_OR_RETURN(opt.sparsity, ParseStepNumber(parts[0], "sparsity"));
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] == "per-row") {
      opt.scope = PruneScope::kPerRow;
    } else if (parts[i] == "per-tensor") {
      opt.scope = PruneScope::kPerTensor;
    } else if (parts[i] == "wanda") {
      opt.wanda = true;
    } else {
      return InvalidInput("unknown option '{}' (expected per-row, per-tensor or wanda)", parts[i]);
    }
  }
  return MakeUnstructuredPruneMethod(opt);
}

}  // namespace cratio
