// Deterministic random Llama models of any shape, for tests and benchmarks, with a
// built-in byte-level SentencePiece vocabulary so every text can be tokenized. The same
// options and seed give bit-identical weights whatever the thread count: each row's
// values come from a counter-based generator keyed by (seed, tensor name, row).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/thread_pool.h"
#include "io/metadata.h"
#include "io/model_file.h"
#include "numeric/dtype.h"

namespace cratio {

struct MakeModelOptions {
  std::string name = "cratio-random";
  int64_t model_dim = 64;
  int64_t num_layers = 2;
  int64_t ffn_dim = 172;
  int64_t num_heads = 4;
  int64_t num_kv_heads = 2;
  int64_t vocab_size = 260;
  int64_t context_length = 256;
  float rms_norm_eps = 1e-5f;
  float rope_freq_base = 10000.0f;
  uint64_t seed = 0;
  // Type of the 2-D weights (embedding, linear layers, output); norms stay f32.
  DType dtype = DType::kF32;
  // When set, its `tokenizer.*` keys replace the built-in vocabulary and vocab_size is
  // taken from its token list. Not owned; must outlive MakeRandomModel.
  const Metadata* vocab_from = nullptr;
};

// Named shapes: "tiny" (< 1 MB), "small" (~17 MB f32), "110m" (Llama-2-110M shape),
// "1b" (TinyLlama-1.1B shape). Unknown names are InvalidInput listing the known ones.
Result<MakeModelOptions> PresetOptions(std::string_view preset);
inline constexpr std::string_view kPresetNames = "tiny, small, 110m, 1b";

// Checks positivity and divisibility of the shape; messages name the flag and numbers.
Status ValidateMakeModelOptions(const MakeModelOptions& options);

// The built-in vocabulary as llama.cpp `tokenizer.ggml.*` metadata: <unk>, <s>, </s>,
// the 256 byte tokens <0x00>..<0xFF>, then "▁", printable ASCII and letter n-grams
// (scored so longer, earlier pieces merge first) up to `vocab_size` (>= 259) entries.
Result<Metadata> BuiltinVocabMetadata(int64_t vocab_size);

// Builds the model in memory (tensors own their buffers; GGUF llama layout, i.e. Q/K
// rows in the adjacent RoPE layout). `pool` may be null (single thread).
Result<ModelFile> MakeRandomModel(const MakeModelOptions& options, ThreadPool* pool);

// Standard deviation of the generated values of each kind (documented for tests).
inline constexpr float kEmbeddingStd = 0.1f;
// Linear layers: N(0, 1/fan_in), i.e. std = 1/sqrt(cols), so activations keep their
// scale through every layer.
float LinearStd(int64_t fan_in);

}  // namespace cratio
