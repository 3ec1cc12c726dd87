// LoadModel: file → config → weights → tokenizer.
#include "model/loaded_model.h"

#include "model/tokenizer_loader.h"

namespace cratio {

Result<std::unique_ptr<LoadedModel>> LoadModel(const std::string& path, bool with_tokenizer) {
  auto m = std::make_unique<LoadedModel>();
  CRATIO_ASSIGN_OR_RETURN(m->file, ReadModelFile(path));
  auto config = ModelConfig::FromModelFile(m->file);
  if (!config.ok()) return config.status().WithPrefix(path);
  m->config = *config;
  auto weights = ModelWeights::Load(m->file, m->config);
  if (!weights.ok()) return weights.status().WithPrefix(path);
  m->weights = std::move(*weights);
  if (with_tokenizer) {
    CRATIO_ASSIGN_OR_RETURN(m->tokenizer, LoadTokenizer(m->file));  // already names the path
  }
  return m;
}

}  // namespace cratio
