// Re-typing a model's weights to quantized (or plain float) types: the per-tensor type
// plan (requested type -> --tensor-type overrides -> llama.cpp's fallback chain) and the
// row-parallel, optionally importance-weighted quantizer that carries it out.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/aligned_buffer.h"
#include "base/status.h"
#include "base/thread_pool.h"
#include "compress/compression_method.h"
#include "io/model_file.h"
#include "numeric/dtype.h"

namespace cratio {

// True for the tensors a quantizer re-types: 2-D "*.weight" tensors (1-D norms, biases and
// rope factors stay f32, as in llama.cpp).
bool IsQuantizableTensor(const TensorEntry& e);

// Glob match with '*' (any run of characters, '/' included), the whole name.
bool GlobMatch(std::string_view pattern, std::string_view name);

// Types a weight may be stored as: f32, f16, bf16 and the block types cratio can quantize
// to (q8_k and integer types excluded).
bool IsWeightDType(DType dtype);

// llama.cpp's fallback when rows of `cols` elements do not fit `wanted`'s blocks:
// q2_k/q3_k -> q4_0 (llama.cpp: iq4_nl, which cratio does not have; same 4.5 bits),
// q4_k -> q5_0, q5_k -> q5_1, q6_k -> q8_0, anything else -> f16; and f16 when the
// fallback does not fit either. Returns `wanted` when it fits; `note` (may be null) gets
// the reason otherwise.
DType FitDType(DType wanted, int64_t cols, std::string_view tensor_name, std::string* note);

// One tensor re-typed to `dtype`: rows are converted through f32, in parallel over
// `pool` (may be null). `importance` [cols] (may be null) weights each input channel's
// squared error (quantize_row_weighted); ignored for plain float types.
struct QuantizedTensor {
  std::shared_ptr<AlignedBuffer> buffer;  // [rows, RowBytes(dtype, cols)]
  double rel_error = 0.0;                 // ‖W − W'‖_F / ‖W‖_F, through f32
};
QuantizedTensor QuantizeTensor(const TensorView& src, DType dtype, const float* importance,
                               ThreadPool* pool);

// The type every tensor should get: the method's choice for `e`, or nullopt-like
// `e.view.dtype` for "leave unchanged".
using TypeChooser = std::function<DType(const TensorEntry& e)>;

// Re-types `model` in place by `choose` (then --tensor-type overrides, then FitDType);
// 1-D tensors become f32. Sets general.file_type to `file_type` and
// general.quantization_version. Uses ctx.calib importances when present. One
// TensorChange per 2-D tensor into `report`.
Status ApplyTypePlan(ModelFile& model, const TypeChooser& choose, uint32_t file_type,
                     const CompressionContext& ctx, CompressionReport* report);

}  // namespace cratio
