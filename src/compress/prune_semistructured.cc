// 2:4 semi-structured pruning: in every group of 4 consecutive weights of a row keep the 2
// of largest score (|w|, or Wanda's |w|·‖x_c‖) — the pattern sparse tensor cores run.
#include <cmath>

#include "compress/methods.h"
#include "compress/prune_unstructured.h"

namespace cratio {

namespace {

constexpr int64_t kGroup = 4;  // M: consecutive weights per group
constexpr int64_t kKeep = 2;   // N: weights kept per group

// Zeroes the 2 smallest-score weights of each whole group of 4 in W[rows, cols]; a tail of
// cols % 4 weights is left dense.
void PruneTwoOfFour(float* w, int64_t rows, int64_t cols, const float* act_norms) {
  for (int64_t r = 0; r < rows; ++r) {
    float* row = w + r * cols;
    for (int64_t g = 0; g + kGroup <= cols; g += kGroup) {
      float score[kGroup];
      for (int64_t i = 0; i < kGroup; ++i) {
        score[i] = std::fabs(row[g + i]) * (act_norms ? act_norms[g + i] : 1.0f);
      }
      // Drop the (kGroup - kKeep) lowest: ties keep the earlier weight.
      for (int64_t drop = 0; drop < kGroup - kKeep; ++drop) {
        int64_t lowest = -1;
        for (int64_t i = kGroup - 1; i >= 0; --i) {
          if (score[i] < 0.0f) continue;  // already dropped
          if (lowest < 0 || score[i] < score[lowest]) lowest = i;
        }
        row[g + lowest] = 0.0f;
        score[lowest] = -1.0f;
      }
    }
  }
}

class SemiStructuredPruneMethod : public CompressionMethod {
 public:
  explicit SemiStructuredPruneMethod(bool wanda) : wanda_(wanda) {}
  std::string spec() const override { return wanda_ ? "prune-2:4:wanda" : "prune-2:4"; }
  bool needs_calibration() const override { return wanda_; }

  Status Apply(ModelFile& model, const CompressionContext& ctx,
               CompressionReport* report) const override {
    int64_t num_pruned = 0;
    for (TensorEntry& e : model.tensors) {
      if (!IsPrunableLinear(e)) continue;
      const int64_t rows = e.view.rows(), cols = e.view.cols();
      std::vector<float> norms;
      if (wanda_) {
        CRATIO_ASSIGN_OR_RETURN(norms, ActivationNorms(ctx, e.name, cols));
      }
      std::vector<float> original;
      CRATIO_ASSIGN_OR_RETURN(original, LoadTensorF32(e, ctx.pool));
      std::vector<float> w = original;
      PruneTwoOfFour(w.data(), rows, cols, norms.empty() ? nullptr : norms.data());
      TensorChange change;
      change.name = e.name;
      change.before = fmt::format("{} {}", DTypeName(e.view.dtype), e.view.shape.ToString());
      ReplaceTensorData(model, e, original, w, ctx.pool, &change);
      change.after = fmt::format("{} 2:4 ({} non-zero)", change.before, change.num_nonzero);
      if (cols % kGroup != 0) {
        change.note = fmt::format("{} columns: the last {} of each row stay dense", cols,
                                  cols % kGroup);
        report->notes.push_back(e.name + ": " + change.note);
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
  bool wanda_;
};

}  // namespace

Result<std::unique_ptr<CompressionMethod>> ParseSemiStructuredPrune(std::string_view args) {
  const std::vector<std::string_view> parts = SplitStepArgs(args);
  if (parts.empty() || parts[0] != "4") {
    return InvalidInput("only the 2:4 pattern is supported (write 'prune-2:4'), got 'prune-2:{}'",
                        args);
  }
  bool wanda = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] != "wanda") {
      return InvalidInput("unknown option '{}' for 2:4 pruning (expected wanda)", parts[i]);
    }
    wanda = true;
  }
  return std::unique_ptr<CompressionMethod>(new SemiStructuredPruneMethod(wanda));
}

}  // namespace cratio
