// Recipe variants made on the fly: each recipe is applied to the base and written to its
// plan path. A file already there is reused only when its provenance says it was made by
// the same recipe from the same base (and calibration text); otherwise it is an error
// unless --force remakes it.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "pipeline/eval_context.h"
#include "report/result.h"

namespace cratio::pipeline {

struct MadeVariant {
  bool made = false;     // compressed in this run (false: reused or given)
  double seconds = 0.0;  // compression time when made
  std::vector<report::LayerError> layer_errors;  // per tensor, when known
  std::vector<std::string> notes;                // compressor remarks (fallbacks)
};

// One entry per plan variant, in order (given files get an empty entry).
Result<std::vector<MadeVariant>> MakeRecipeVariants(EvalContext& ctx, const std::string& base_sha);

// The recipe as the compressor spells it ("q8_0", "prune-structured:0.5+q4_0").
Result<std::string> CanonicalRecipe(const std::string& recipe);

}  // namespace cratio::pipeline
