// Resource guards for the commands that run a model (generate, perplexity): the memory a
// run needs — one estimate, from ComputeAccounting — against a limit (--max-memory,
// default the RAM available now), and the context asked for against the model's own.
// Both fail before anything large is allocated, with the numbers in the message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "io/model_file.h"
#include "model/config.h"

namespace cratio {

// What one run of a model needs, in bytes. Weights count in full (mmapped pages are
// read on every token); the KV cache is f32 for every position of every sequence; the
// scratch is ComputeAccounting's single-token scratch (activations, attention scores
// over the context, one row of logits) times the tokens of one forward batch.
struct RunMemory {
  uint64_t weight_bytes = 0;
  uint64_t kv_cache_bytes = 0;
  uint64_t scratch_bytes = 0;
  uint64_t total_bytes = 0;
};

// `n_ctx` positions for each of `n_seq` sequences, forward batches of `batch_tokens`.
Result<RunMemory> EstimateRunMemory(const ModelFile& file, const ModelConfig& config,
                                    int64_t n_ctx, int64_t n_seq = 1,
                                    int64_t batch_tokens = 512);

// MemAvailable from /proc/meminfo (the RAM the kernel can hand out without swapping);
// falls back to the physical RAM when the file cannot be read.
uint64_t AvailableMemoryBytes();

// ResourceExhausted when `need.total_bytes` exceeds `max_memory_bytes`:
// "<what>: needs 5368709120 bytes (5.00 GiB: weights ..., KV cache ..., scratch ...) but
// --max-memory allows 4294967296 bytes (4.00 GiB)".
Status CheckRunMemory(const RunMemory& need, uint64_t max_memory_bytes, std::string_view what);

// InvalidInput when `n_ctx` exceeds the model's context_length (when the model gives
// one): positions past it were never trained and RoPE scaling does not cover them.
Status CheckContextLength(const ModelConfig& config, int64_t n_ctx, std::string_view what);

// Parses a --max-memory value: bytes, or a number with a binary suffix K, M, G, T
// (optionally followed by "iB" or "B"): "512M", "1.5G", "8GiB". Empty: AvailableMemoryBytes().
Result<uint64_t> ParseMaxMemory(std::string_view text);

}  // namespace cratio
