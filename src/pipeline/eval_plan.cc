// Plan helpers: names, labels and checks.
#include "pipeline/eval_plan.h"

#include <filesystem>
#include <set>

namespace cratio::pipeline {

NamedValue SplitNamed(const std::string& text) {
  const size_t eq = text.find('=');
  // "lowrank:ratio=0.5" has an '=' inside a recipe step: a name never contains ':'.
  if (eq == std::string::npos || text.substr(0, eq).find(':') != std::string::npos) {
    return {"", text};
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

std::string RecipeLabel(const std::string& recipe) {
  std::string out;
  for (char c : recipe) out += (c == ':' || c == '=' || c == ',' || c == '/') ? '-' : c;
  return out;
}

std::string FileStem(const std::string& path) {
  std::filesystem::path p(path);
  while (!p.empty() && p.filename().empty()) p = p.parent_path();  // "dir/" → "dir"
  return p.stem().string();
}

Status ValidatePlan(const EvalPlan& plan) {
  if (plan.base_path.empty()) return InvalidInput("eval: --base MODEL is required");
  if (plan.variants.empty()) {
    return InvalidInput("eval: nothing to compare: give at least one --variant MODEL or "
                        "--recipe RECIPE");
  }
  std::set<std::string> names;
  for (const VariantSpec& v : plan.variants) {
    if (v.name.empty()) return InvalidInput("eval: a variant has an empty name");
    if (v.name == "base") {
      return InvalidInput("eval: variant name 'base' is reserved for the base model");
    }
    if (v.name.find_first_of("/\\") != std::string::npos) {
      return InvalidInput("eval: variant name '{}' contains a path separator", v.name);
    }
    if (!names.insert(v.name).second) {
      return InvalidInput("eval: two variants are named '{}'; name them with NAME=MODEL or "
                          "NAME=RECIPE",
                          v.name);
    }
    if (v.path.empty()) return InvalidInput("eval: variant '{}' has no file", v.name);
  }
  if (plan.tasks.empty() && plan.ppl_text.empty()) {
    return InvalidInput("eval: no quality measure: give --tasks and/or --ppl-text");
  }
  if (plan.limit < 0) return InvalidInput("eval: --limit is {}, expected >= 0", plan.limit);
  if (plan.shots < -1) return InvalidInput("eval: --shots is {}, expected >= 0", plan.shots);
  if (plan.ppl_ctx < 4) return InvalidInput("eval: --ctx is {}, expected >= 4", plan.ppl_ctx);
  if (plan.ppl_chunks < 0) {
    return InvalidInput("eval: --chunks is {}, expected >= 0", plan.ppl_chunks);
  }
  if (plan.item_block < 1) {
    return InvalidInput("eval: item block is {}, expected >= 1", plan.item_block);
  }
  if (plan.threads < 0) return InvalidInput("eval: --threads is {}, expected >= 0", plan.threads);
  const BenchSettings& b = plan.bench;
  if (b.enabled) {
    if (b.prompt_tokens < 1 || b.gen_tokens < 1) {
      return InvalidInput("eval: --bench prompt and generation lengths must be >= 1, got "
                          "p{} g{}",
                          b.prompt_tokens, b.gen_tokens);
    }
    if (b.min_iters < 1) {
      return InvalidInput("eval: --bench-iters is {}, expected >= 1", b.min_iters);
    }
    if (!(b.max_time_s > 0)) {
      return InvalidInput("eval: --bench-max-time is {}, expected > 0", b.max_time_s);
    }
  }
  return Status::Ok();
}

}  // namespace cratio::pipeline
