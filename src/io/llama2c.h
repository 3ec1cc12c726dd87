// llama2.c checkpoints (karpathy/llama2.c): the legacy v0 `.bin` (7 int32 Config header,
// then float32 weights, each kind stacked over all layers) and v1 (magic "ak42", version 1,
// 256-byte header), plus the `tokenizer.bin` vocabulary. llama2.c rotates adjacent pairs
// (i, i+1) in RoPE, so its Q/K rows are in the "adjacent" layout. See docs/FORMATS.md.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "io/metadata.h"
#include "io/model_file.h"

namespace cratio {

// The v0 Config header, as stored.
struct Llama2cConfig {
  int32_t dim = 0;         // model_dim
  int32_t hidden_dim = 0;  // ffn_dim
  int32_t n_layers = 0;
  int32_t n_heads = 0;
  int32_t n_kv_heads = 0;
  int32_t vocab_size = 0;  // negative in v0: the classifier (wcls) is stored separately
  int32_t seq_len = 0;
};

// Reads a llama2.c checkpoint. Sizes are checked against the file before anything is
// mapped into views; weights become llama.cpp names ("blk.0.attn_q.weight", ...) as views
// into the mmapped file. `tokenizer_path`: a tokenizer.bin to attach; when empty,
// "tokenizer.bin" (or "tok<vocab>.bin") beside the checkpoint is used if its vocabulary
// size matches. Metadata: llama keys, eps 1e-5, freq base 10000, "cratio.rope.layout" =
// "adjacent".
Result<ModelFile> ReadLlama2c(const std::string& path, const std::string& tokenizer_path = "");

// True when `path` starts with the v1 magic, or is a `.bin` file whose v0 header gives
// sizes that match the file exactly.
bool LooksLikeLlama2c(const std::string& path);

// Reads a llama2.c tokenizer.bin (int32 max_token_length, then per token: float32 score,
// int32 length, bytes) into tokenizer.ggml.* metadata: model "llama", tokens with "▁" for
// spaces, scores, token types (<unk> unknown, <s> / </s> control, <0xNN> byte).
Result<Metadata> ReadLlama2cTokenizer(const std::string& path);

// Writes a v0 float32 checkpoint (every tensor dequantized to f32; Q/K rows permuted to the
// adjacent layout when the model is in the half layout). InvalidInput when the model does
// not fit the format: not the llama architecture, biases, layers of different sizes, or
// a missing tensor. `tokenizer_path`, when non-empty, also writes the vocabulary there as
// tokenizer.bin (needs tokenizer.ggml.tokens and scores in the metadata).
Status WriteLlama2c(const std::string& path, const ModelFile& model,
                    const std::string& tokenizer_path = "");

}  // namespace cratio
