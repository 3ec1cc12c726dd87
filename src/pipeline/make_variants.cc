// Makes or reuses recipe variants.
#include "pipeline/make_variants.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "base/sha256.h"
#include "compress/compress_model.h"
#include "compress/compression_method.h"
#include "compress/provenance.h"
#include "io/model_file.h"

namespace cratio::pipeline {
namespace {

using nlohmann::json;

std::string EncodeMade(const MadeVariant& m) {
  json errors = json::array();
  for (const report::LayerError& e : m.layer_errors) {
    errors.push_back({{"tensor", e.tensor}, {"relative_error", e.relative_error}});
  }
  return json{{"seconds", m.seconds}, {"layer_errors", errors}, {"notes", m.notes}}.dump();
}

MadeVariant DecodeMade(const std::string& text) {
  MadeVariant m;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return m;
  m.seconds = j.value("seconds", 0.0);
  if (j.contains("layer_errors") && j["layer_errors"].is_array()) {
    for (const json& e : j["layer_errors"]) {
      m.layer_errors.push_back({e.value("tensor", ""), e.value("relative_error", 0.0)});
    }
  }
  if (j.contains("notes") && j["notes"].is_array()) {
    for (const json& n : j["notes"]) {
      if (n.is_string()) m.notes.push_back(n.get<std::string>());
    }
  }
  return m;
}

// Why an existing file cannot stand for the recipe ("" when it can).
Result<std::string> Mismatch(const std::string& path, const std::string& canonical,
                             const std::string& base_sha, const std::string& calib_sha) {
  CRATIO_ASSIGN_OR_RETURN(const ModelFile file, ReadModelFile(path));
  const std::optional<Provenance> p = ReadProvenance(file.metadata);
  if (!p) return std::string("it has no cratio compression provenance");
  if (p->recipe != canonical) {
    return fmt::format("it was made by recipe '{}', not '{}'", p->recipe, canonical);
  }
  if (p->source_sha256 != base_sha) {
    return fmt::format("it was made from a model with sha256 {}, not the base ({})",
                       p->source_sha256.substr(0, 12), base_sha.substr(0, 12));
  }
  if (p->calib_sha256 != calib_sha) {
    return fmt::format("it was made with calibration text sha256 '{}', not '{}'",
                       p->calib_sha256.substr(0, 12), calib_sha.substr(0, 12));
  }
  return std::string();
}

}  // namespace

Result<std::string> CanonicalRecipe(const std::string& recipe) {
  CRATIO_ASSIGN_OR_RETURN(const auto steps, ParseRecipe(recipe));
  std::string canonical;
  for (const auto& step : steps) {
    if (!canonical.empty()) canonical += '+';
    canonical += step->spec();
  }
  return canonical;
}

Result<std::vector<MadeVariant>> MakeRecipeVariants(EvalContext& ctx, const std::string& base_sha) {
  const EvalPlan& plan = ctx.plan();
  std::string calib_sha;
  if (!plan.calib_path.empty()) {
    CRATIO_ASSIGN_OR_RETURN(calib_sha, Sha256OfPath(plan.calib_path));
  }
  std::vector<MadeVariant> out(plan.variants.size());
  for (size_t i = 0; i < plan.variants.size(); ++i) {
    const VariantSpec& v = plan.variants[i];
    if (v.recipe.empty()) continue;
    CRATIO_ASSIGN_OR_RETURN(const std::string canonical, CanonicalRecipe(v.recipe));
    const std::string unit = "compress/" + v.name;
    std::error_code ec;
    if (std::filesystem::exists(v.path, ec)) {
      CRATIO_ASSIGN_OR_RETURN(const std::string why, Mismatch(v.path, canonical, base_sha, calib_sha));
      if (why.empty()) {
        CRATIO_ASSIGN_OR_RETURN(const std::optional<std::string> stored, ctx.Peek(unit));
        if (stored) {
          out[i] = DecodeMade(*stored);
          ctx.NoteResumed();
        }
        ctx.Log(fmt::format("variant {}: reusing {} (made by '{}' from this base)", v.name, v.path,
                            canonical));
        continue;
      }
      if (!ctx.options().force) {
        return InvalidInput("variant '{}': '{}' exists but {}; remove it or pass --force to "
                            "remake it",
                            v.name, v.path, why);
      }
    }
    std::filesystem::create_directories(std::filesystem::path(v.path).parent_path(), ec);
    ctx.Log(fmt::format("variant {}: compressing the base with '{}'", v.name, canonical));
    CompressOptions co;
    co.recipe = v.recipe;
    co.calib_path = plan.calib_path;
    co.num_threads = plan.threads;
    co.force = true;  // an existing file was either checked above or --force was given
    auto made = CompressModel(plan.base_path, v.path, co);
    if (!made.ok()) return made.status().WithPrefix(fmt::format("variant '{}'", v.name));
    MadeVariant& m = out[i];
    m.made = true;
    m.seconds = made->seconds;
    for (const TensorChange& t : made->report.tensors) m.layer_errors.push_back({t.name, t.rel_error});
    m.notes = made->report.notes;
    CRATIO_RETURN_IF_ERROR(ctx.Store(unit, EncodeMade(m)));
    ctx.Log(fmt::format("variant {}: wrote {} in {:.1f} s", v.name, v.path, m.seconds));
  }
  return out;
}

}  // namespace cratio::pipeline
