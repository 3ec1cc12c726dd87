// CreateTokenizer: validates a TokenizerSpec and picks the algorithm by `model`.
#include "tokenizer/tokenizer.h"

#include "tokenizer/bpe_tokenizer.h"
#include "tokenizer/spm_tokenizer.h"
#include "tokenizer/vocab.h"

namespace cratio {

Result<std::unique_ptr<Tokenizer>> CreateTokenizer(TokenizerSpec spec) {
  CRATIO_RETURN_IF_ERROR(ValidateTokenizerSpec(&spec));
  if (spec.model == "llama") {
    return std::unique_ptr<Tokenizer>(new SpmTokenizer(std::move(spec)));
  }
  if (spec.model == "gpt2") return BpeTokenizer::Create(std::move(spec));
  return InvalidInput(
      "tokenizer: unknown tokenizer model '{}' (tokenizer.ggml.model); cratio "
      "knows 'llama' (SentencePiece BPE) and 'gpt2' (byte-level BPE)",
      spec.model);
}

}  // namespace cratio
