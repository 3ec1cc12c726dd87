// CompressionMethod: one way of rewriting a model's weights (quantize, prune, factorize).
// Methods are listed by hand in registry.cc; a recipe "prune-structured:0.3+q4_k_m" is a
// sequence of methods applied in order to one ModelFile.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_pool.h"
#include "io/model_file.h"
#include "numeric/dtype.h"

namespace cratio {

// Per-input-channel activation statistics of every linear layer, gathered by running the
// model over calibration text (see calibration.h). Keyed by the weight's tensor name.
struct ActivationStats {
  std::vector<double> sum_sq;  // [cols] Σ_t x[t, c]^2
  int64_t num_tokens = 0;
};
struct CalibrationData {
  std::map<std::string, ActivationStats> by_tensor;
  std::string text_sha256;     // provenance of the calibration text
  int64_t text_bytes = 0;
  int64_t num_tokens = 0;
};

struct CompressionContext {
  ThreadPool* pool = nullptr;              // may be null (single-threaded)
  const CalibrationData* calib = nullptr;  // null when no --calib was given
  // --tensor-type overrides: glob-like name pattern -> dtype, applied by quantizers.
  std::vector<std::pair<std::string, DType>> tensor_type_overrides;
};

// What one method did to one tensor.
struct TensorChange {
  std::string name;
  std::string before;       // e.g. "f32 [172, 64]"
  std::string after;        // e.g. "q4_k [172, 64]" or "pruned to [128, 64]"
  double rel_error = 0.0;   // ‖W − W'‖ / ‖W‖ over the tensor (f32 reconstruction)
  int64_t num_nonzero = -1; // after, when the method changes sparsity (-1: not tracked)
  std::string note;         // fallbacks and other remarks
};

struct CompressionReport {
  std::string recipe;
  uint64_t bytes_before = 0, bytes_after = 0;
  int64_t params_before = 0, params_after = 0;
  std::vector<TensorChange> tensors;
  std::vector<std::string> notes;  // e.g. "blk.0.ffn_down.weight: 172 cols do not fit q4_k, kept q8_0"
};

class CompressionMethod {
 public:
  virtual ~CompressionMethod() = default;
  // Canonical spelling with parameters, e.g. "prune-unstructured:0.7:wanda".
  virtual std::string spec() const = 0;
  // True when the method needs --calib text (Wanda, activation-aware low-rank).
  virtual bool needs_calibration() const { return false; }
  // Rewrites `model` in place: replaced tensors get buffers appended to `model.owned`,
  // metadata is updated (per-layer sizes, cratio.compression.*). `report` gets one
  // TensorChange per tensor touched.
  virtual Status Apply(ModelFile& model, const CompressionContext& ctx,
                       CompressionReport* report) const = 0;
};

// Parses one recipe step ("q4_k_m", "prune-structured:0.3", "lowrank:ratio=0.5") into a
// method; InvalidInput naming the step and listing the known methods otherwise.
Result<std::unique_ptr<CompressionMethod>> CreateMethod(std::string_view step);
// Splits "a+b+c" and creates each step.
Result<std::vector<std::unique_ptr<CompressionMethod>>> ParseRecipe(std::string_view recipe);
// One line per known method with its parameters, for --help and error messages.
std::vector<std::string> KnownMethods();

}  // namespace cratio
