// Hugging Face config.json <-> llama.cpp metadata keys ("general.architecture",
// "llama.embedding_length", ...), for the llama (Llama 1/2/3, Mistral, TinyLlama) and
// qwen2 architectures.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "io/metadata.h"
#include "numeric/dtype.h"

namespace cratio {

// Extra keys cratio records for a config.json (not used by llama.cpp).
// True when config.json said tie_word_embeddings (the output matrix is the embedding).
inline constexpr std::string_view kKeyTiedEmbeddings = "cratio.tie_word_embeddings";

// Builds llama.cpp metadata from a parsed config.json. `source` (the file path) names the
// file in messages: "config.json '/m/config.json': field 'hidden_size' is missing".
// Llama-3 rope_scaling is recorded as <arch>.rope.scaling.{type, factor,
// original_context_length, low_freq_factor, high_freq_factor}.
Result<Metadata> MetadataFromHfConfig(const nlohmann::ordered_json& config,
                                      const std::string& source);
// Reads `path` (a config.json) and converts it as above.
Result<Metadata> ReadHfConfig(const std::string& path);

// The config.json (pretty-printed text) describing a model with this metadata.
// `tied` says whether the output matrix is the embedding (no lm_head tensor);
// `torch_dtype` is the dtype most weights are stored in. InvalidInput when a required
// key ("<arch>.embedding_length", ...) is missing.
Result<std::string> HfConfigFromMetadata(const Metadata& metadata, bool tied,
                                         DType torch_dtype);

}  // namespace cratio
