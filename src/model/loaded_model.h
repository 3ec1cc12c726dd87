// LoadedModel: everything needed to run a model file — the file itself (mmapped tensors),
// its config, the weights sorted by role and the tokenizer — loaded in one call.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "io/model_file.h"
#include "model/config.h"
#include "model/weights.h"
#include "tokenizer/tokenizer.h"

namespace cratio {

// Not movable: `weights` views the tensors of `file`, so keep it where LoadModel put it.
struct LoadedModel {
  ModelFile file;
  ModelConfig config;
  ModelWeights weights;
  std::unique_ptr<Tokenizer> tokenizer;  // null when loaded without one

  LoadedModel() = default;
  LoadedModel(const LoadedModel&) = delete;
  LoadedModel& operator=(const LoadedModel&) = delete;
};

// Reads any supported format; `with_tokenizer` also builds the tokenizer from the file's
// metadata (an error when it has none). Errors carry the path.
Result<std::unique_ptr<LoadedModel>> LoadModel(const std::string& path, bool with_tokenizer = true);

}  // namespace cratio
