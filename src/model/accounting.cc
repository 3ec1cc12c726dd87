// Size / FLOP / memory accounting over a ModelFile's tensor directory.
#include "model/accounting.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

namespace cratio {
namespace {

// Zero test on raw element bits: +0 and -0 both count as zero.
template <typename T>
int64_t CountNonZeroBits(const void* data, int64_t n, T magnitude_mask) {
  const T* p = static_cast<const T*>(data);
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) count += (p[i] & magnitude_mask) != 0;
  return count;
}

template <typename T>
int64_t CountNonZeroValues(const void* data, int64_t n) {
  const T* p = static_cast<const T*>(data);
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) count += p[i] != T{0};
  return count;
}

// Counts non-zeros of rows [begin, end); `row_f32` is scratch of cols floats.
int64_t CountRows(const TensorView& t, int64_t begin, int64_t end, std::vector<float>& row_f32) {
  const int64_t cols = t.cols();
  const int64_t row_bytes = t.row_bytes();
  const uint8_t* base = static_cast<const uint8_t*>(t.data);
  int64_t count = 0;
  for (int64_t r = begin; r < end; ++r) {
    const uint8_t* row = base + r * row_bytes;
    switch (t.dtype) {
      case DType::kF32: count += CountNonZeroBits<uint32_t>(row, cols, 0x7fffffffu); break;
      case DType::kF16:
      case DType::kBF16: count += CountNonZeroBits<uint16_t>(row, cols, uint16_t{0x7fff}); break;
      case DType::kF64:
        count += CountNonZeroBits<uint64_t>(row, cols, 0x7fffffffffffffffull);
        break;
      case DType::kI8: count += CountNonZeroValues<int8_t>(row, cols); break;
      case DType::kI16: count += CountNonZeroValues<int16_t>(row, cols); break;
      case DType::kI32: count += CountNonZeroValues<int32_t>(row, cols); break;
      default: {
        // Block-quantized: a weight is zero only if its dequantized value is.
        GetDTypeInfo(t.dtype).dequantize_row(row, row_f32.data(), cols);
        for (int64_t i = 0; i < cols; ++i) count += row_f32[i] != 0.0f;
      }
    }
  }
  return count;
}

struct LayerDims {
  int64_t q_rows = 0;  // num_heads * head_dim
  int64_t k_rows = 0;  // num_kv_heads * head_dim
  int64_t v_rows = 0;
  int64_t ffn_rows = 0;
};

// Output rows of a linear tensor: dense W[rows, cols] or the B factor [rows, rank].
std::optional<int64_t> LinearRows(const TensorEntry& e, const ParsedTensorName& p) {
  if (p.factor == "lr_a") return std::nullopt;
  if (e.view.shape.rank() < 1) return std::nullopt;
  return e.view.shape.dim(0);
}

}  // namespace

Result<int64_t> CountNonZero(const TensorView& t, ThreadPool* pool) {
  const DTypeInfo& info = GetDTypeInfo(t.dtype);
  const int64_t cols = t.cols();
  const int64_t rows = t.rows();
  if (!RowFitsBlocks(t.dtype, cols)) {
    return InvalidInput("tensor of shape {} has rows of {} elements, not a multiple of {}'s block "
                        "size {}",
                        t.shape.ToString(), cols, info.name, info.block_size);
  }
  if (info.is_quantized && info.dequantize_row == nullptr) {
    return InvalidInput("dtype {} has no dequantizer to count zeros", info.name);
  }
  if (t.num_elements() == 0) return int64_t{0};
  if (t.data == nullptr || t.size_bytes < static_cast<uint64_t>(rows) * t.row_bytes()) {
    return InvalidInput("tensor of shape {} ({}) holds {} bytes, needs {}", t.shape.ToString(),
                        info.name, t.size_bytes, static_cast<uint64_t>(rows) * t.row_bytes());
  }
  if (pool == nullptr || pool->num_threads() <= 1 || t.num_elements() < (1 << 16)) {
    std::vector<float> scratch(info.is_quantized ? cols : 0);
    return CountRows(t, 0, rows, scratch);
  }
  std::vector<int64_t> per_thread(pool->num_threads(), 0);
  pool->ParallelFor(rows, 1, [&](int64_t begin, int64_t end, int thread_idx) {
    std::vector<float> scratch(info.is_quantized ? cols : 0);
    per_thread[thread_idx] += CountRows(t, begin, end, scratch);
  });
  int64_t total = 0;
  for (int64_t c : per_thread) total += c;
  return total;
}

Result<ModelAccounting> ComputeAccounting(const ModelFile& file, const ModelConfig* config,
                                          const AccountingOptions& options) {
  ModelAccounting acc;
  acc.num_tensors = static_cast<int64_t>(file.tensors.size());
  acc.context_length = options.context_length > 0 ? options.context_length
                       : config != nullptr        ? config->context_length
                                                  : 0;
  if (acc.context_length < 0) {
    return InvalidInput("context length must be positive, got {}", acc.context_length);
  }
  std::map<RoleGroup, GroupAccounting> groups;
  std::map<uint32_t, DTypeAccounting> dtypes;
  std::map<int64_t, LayerDims> layers;
  bool has_output = false;
  const TensorEntry* token_embd = nullptr;
  int64_t token_embd_nonzero = 0;

  for (const TensorEntry& e : file.tensors) {
    const TensorView& v = e.view;
    const int64_t n = v.num_elements();
    int64_t nonzero = n;
    if (options.count_nonzero) {
      auto counted = CountNonZero(v, options.pool);
      if (!counted.ok()) return counted.status().WithPrefix(fmt::format("tensor '{}'", e.name));
      nonzero = *counted;
    }
    acc.params_total += n;
    acc.params_nonzero += nonzero;
    acc.tensor_bytes += v.size_bytes;

    DTypeAccounting& d = dtypes[static_cast<uint32_t>(v.dtype)];
    d.dtype = v.dtype;
    d.num_tensors += 1;
    d.params += n;
    d.size_bytes += v.size_bytes;

    const std::optional<ParsedTensorName> parsed = ParseTensorName(e.name);
    const RoleGroup group = parsed ? GroupOf(parsed->role) : RoleGroup::kOther;
    GroupAccounting& g = groups[group];
    g.group = group;
    g.num_tensors += 1;
    g.params += n;
    g.params_nonzero += nonzero;
    g.size_bytes += v.size_bytes;

    if (!parsed) continue;
    if (parsed->role == TensorRole::kTokenEmbd) {
      token_embd = &e;
      token_embd_nonzero = nonzero;
    }
    if (parsed->role == TensorRole::kOutput) has_output = true;
    if (IsLinear(parsed->role)) {
      // A linear layer performs one multiply-add per weight per token (low-rank
      // factors included: each factor is a linear layer of its own).
      acc.linear_macs_per_token += n;
      acc.linear_macs_nonzero_per_token += nonzero;
    }
    if (parsed->layer_idx >= 0) {
      LayerDims& dims = layers[parsed->layer_idx];
      const std::optional<int64_t> rows = IsLinear(parsed->role) ? LinearRows(e, *parsed)
                                                                 : std::nullopt;
      if (rows) {
        switch (parsed->role) {
          case TensorRole::kAttnQ: dims.q_rows = *rows; break;
          case TensorRole::kAttnK: dims.k_rows = *rows; break;
          case TensorRole::kAttnV: dims.v_rows = *rows; break;
          case TensorRole::kFfnUp: dims.ffn_rows = *rows; break;
          default: break;
        }
      }
    }
  }
  // Tied output: the embedding matrix doubles as the classifier.
  if (!has_output && token_embd != nullptr) {
    acc.linear_macs_per_token += token_embd->view.num_elements();
    acc.linear_macs_nonzero_per_token += token_embd_nonzero;
  }

  for (auto& [_, g] : groups) acc.by_group.push_back(g);
  for (auto& [_, d] : dtypes) {
    d.bits_per_weight = d.params > 0 ? 8.0 * static_cast<double>(d.size_bytes) / d.params : 0.0;
    acc.by_dtype.push_back(d);
  }
  acc.bits_per_weight =
      acc.params_total > 0 ? 8.0 * static_cast<double>(acc.tensor_bytes) / acc.params_total : 0.0;

  const int64_t ctx = acc.context_length;
  int64_t max_q = 0, max_k = 0, max_v = 0, max_ffn = 0;
  for (const auto& [_, dims] : layers) {
    // QK^T: q_rows * ctx MACs; AV: the same again (value head dim == head_dim).
    acc.attention_flops_per_token += 2 * 2 * dims.q_rows * ctx;
    acc.kv_cache_bytes += static_cast<uint64_t>(ctx) * (dims.k_rows + dims.v_rows) * sizeof(float);
    max_q = std::max(max_q, dims.q_rows);
    max_k = std::max(max_k, dims.k_rows);
    max_v = std::max(max_v, dims.v_rows);
    max_ffn = std::max(max_ffn, dims.ffn_rows);
  }
  if (config == nullptr) {
    acc.attention_flops_per_token = 0;
    acc.kv_cache_bytes = 0;
  }
  acc.flops_per_token = 2 * acc.linear_macs_per_token + acc.attention_flops_per_token;
  acc.flops_per_token_sparse =
      2 * acc.linear_macs_nonzero_per_token + acc.attention_flops_per_token;

  int64_t model_dim = config != nullptr ? config->model_dim : 0;
  int64_t vocab_size = config != nullptr ? config->vocab_size : 0;
  if (token_embd != nullptr && token_embd->view.shape.rank() == 2) {
    vocab_size = token_embd->view.shape.dim(0);
    model_dim = token_embd->view.shape.dim(1);
  }
  int64_t max_heads = 0;
  if (config != nullptr && config->head_dim > 0) max_heads = max_q / config->head_dim;
  // Decode-step activations: residual, normed input, attention output and one spare of
  // model_dim; q, k, v; gate and up of ffn_dim; one row of attention scores per head;
  // the logits.
  const int64_t scratch_floats = 4 * model_dim + max_q + max_k + max_v + 2 * max_ffn +
                                 (config != nullptr ? max_heads * ctx : 0) + vocab_size;
  acc.scratch_bytes = static_cast<uint64_t>(scratch_floats) * sizeof(float);
  acc.weight_bytes = acc.tensor_bytes;
  acc.memory_bytes = acc.weight_bytes + acc.kv_cache_bytes + acc.scratch_bytes;
  return acc;
}

}  // namespace cratio
