// Builds a tokenizer from a model file's metadata: the llama.cpp keys
// tokenizer.ggml.{model, pre, tokens, scores, token_type, merges, *_token_id, add_*}, with
// llama.cpp's defaults for keys a file leaves out.
#pragma once

#include <memory>

#include "base/status.h"
#include "io/metadata.h"
#include "io/model_file.h"
#include "tokenizer/tokenizer.h"

namespace cratio {

// Reads and checks the keys: required ones present, each of the type GGUF gives it,
// scores / token types as long as the token list, special ids inside the vocabulary
// (u32 0xFFFFFFFF or a negative id means "none", as converters write it). Messages name
// the key and the numbers. Defaults: "llama" adds BOS and a space prefix, ids BOS 1,
// EOS 2, unknown 0; "gpt2" adds BOS only for the Llama 3 pre-tokenizers.
Result<TokenizerSpec> TokenizerSpecFromMetadata(const Metadata& md);

// TokenizerSpecFromMetadata + CreateTokenizer; errors are prefixed with file.path.
Result<std::unique_ptr<Tokenizer>> LoadTokenizer(const ModelFile& file);

}  // namespace cratio
