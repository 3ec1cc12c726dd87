// Size and FLOP accounting of a model file: parameters (total, non-zero, by role),
// bytes and effective bits per weight by dtype, analytic FLOPs per token and a memory
// estimate at a given context length. Used by `cratio info` and the compression reports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/thread_pool.h"
#include "io/model_file.h"
#include "model/config.h"
#include "model/tensor_names.h"
#include "numeric/dtype.h"

namespace cratio {

struct GroupAccounting {
  RoleGroup group = RoleGroup::kOther;
  int64_t num_tensors = 0;
  int64_t params = 0;
  int64_t params_nonzero = 0;
  uint64_t size_bytes = 0;
};

struct DTypeAccounting {
  DType dtype = DType::kF32;
  int64_t num_tensors = 0;
  int64_t params = 0;
  uint64_t size_bytes = 0;
  // size_bytes * 8 / params: storage bits per element, block scales included.
  double bits_per_weight = 0.0;
};

struct ModelAccounting {
  int64_t num_tensors = 0;
  int64_t params_total = 0;    // sum of every tensor's element count
  int64_t params_nonzero = 0;  // elements whose (dequantized) value is not exactly 0
  std::vector<GroupAccounting> by_group;  // one entry per RoleGroup present, enum order
  std::vector<DTypeAccounting> by_dtype;  // one entry per dtype present, enum order
  uint64_t tensor_bytes = 0;              // sum of on-disk tensor bytes
  double bits_per_weight = 0.0;           // tensor_bytes * 8 / params_total

  // Analytic compute per generated token at context length `context_length`:
  // 2 * multiply-adds of every linear layer (Q/K/V/O, gate/up/down, output; both
  // factors of a low-rank pair) plus attention 2 * 2 * num_heads * head_dim * context
  // per layer (QK^T and AV). Norms, RoPE, softmax and SiLU are not counted (< 1 %).
  int64_t context_length = 0;
  int64_t linear_macs_per_token = 0;
  int64_t linear_macs_nonzero_per_token = 0;  // only MACs with a non-zero weight
  int64_t attention_flops_per_token = 0;
  int64_t flops_per_token = 0;          // 2 * linear_macs + attention
  int64_t flops_per_token_sparse = 0;   // 2 * linear_macs_nonzero + attention

  // Memory estimate for one sequence at `context_length`: weights as stored, an f32 KV
  // cache (2 * sum over layers of context * num_kv_heads * head_dim * 4 bytes), and the
  // f32 activation scratch of a single-token decode step.
  uint64_t weight_bytes = 0;
  uint64_t kv_cache_bytes = 0;
  uint64_t scratch_bytes = 0;
  uint64_t memory_bytes = 0;
};

struct AccountingOptions {
  // Context length N for FLOPs and KV cache; <= 0 means the model's context_length.
  int64_t context_length = 0;
  // Count exact zeros (dequantizes every row once); false leaves params_nonzero ==
  // params_total.
  bool count_nonzero = true;
  // Threads for the non-zero count; null runs on the calling thread.
  ThreadPool* pool = nullptr;
};

// Counts the exact zeros of a tensor of any dtype, streaming one row at a time.
Result<int64_t> CountNonZero(const TensorView& t, ThreadPool* pool = nullptr);

// `config` may be null (e.g. a vocab-only file): then only linear FLOPs from the
// tensors are counted and the KV cache is 0. Per-layer head counts come from the
// attn_q / attn_k tensor rows, so structurally pruned models are counted as they are.
Result<ModelAccounting> ComputeAccounting(const ModelFile& file, const ModelConfig* config,
                                          const AccountingOptions& options = {});

}  // namespace cratio
