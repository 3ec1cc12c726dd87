// Recipes: steps joined by '+' ("prune-structured:0.3+q4_k_m"), each parsed by CreateMethod.
#include <string>

#include "compress/compression_method.h"

namespace cratio {

Result<std::vector<std::unique_ptr<CompressionMethod>>> ParseRecipe(std::string_view recipe) {
  if (recipe.empty()) {
    // CreateMethod's message for an empty step lists the known methods.
    return InvalidInput("empty recipe: give one or more methods joined by '+', e.g. q4_k_m or "
                        "prune-structured:0.3+q4_k_m; {}",
                        CreateMethod("").status().message());
  }
  std::vector<std::unique_ptr<CompressionMethod>> steps;
  size_t begin = 0;
  while (true) {
    const size_t plus = recipe.find('+', begin);
    const std::string_view step =
        recipe.substr(begin, plus == std::string_view::npos ? std::string_view::npos : plus - begin);
    if (step.empty()) {
      return InvalidInput("recipe '{}': empty step at character {} (steps are joined by a single "
                          "'+')",
                          recipe, begin);
    }
    CRATIO_ASSIGN_OR_RETURN(auto method, CreateMethod(step));
    steps.push_back(std::move(method));
    if (plus == std::string_view::npos) break;
    begin = plus + 1;
  }
  return steps;
}

}  // namespace cratio
