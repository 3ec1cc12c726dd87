// Provenance metadata keys: writing and reading them back.
#include "compress/provenance.h"

namespace cratio {

void WriteProvenance(const Provenance& p, Metadata* md) {
  md->Set(std::string(kKeyCompressionRecipe), MetaValue::Str(p.recipe));
  md->Set(std::string(kKeyCompressionSourceSha256), MetaValue::Str(p.source_sha256));
  md->Set(std::string(kKeyCompressionCalibSha256), MetaValue::Str(p.calib_sha256));
  md->Set(std::string(kKeyCompressionCalibBytes), MetaValue::U64(static_cast<uint64_t>(p.calib_bytes)));
  md->Set(std::string(kKeyCompressionVersion), MetaValue::Str(p.version));
}

std::optional<Provenance> ReadProvenance(const Metadata& md) {
  std::optional<std::string> recipe = md.GetString(kKeyCompressionRecipe);
  if (!recipe) return std::nullopt;
  Provenance p;
  p.recipe = *recipe;
  p.source_sha256 = md.GetString(kKeyCompressionSourceSha256).value_or("");
  p.calib_sha256 = md.GetString(kKeyCompressionCalibSha256).value_or("");
  p.calib_bytes = md.GetInt(kKeyCompressionCalibBytes).value_or(0);
  p.version = md.GetString(kKeyCompressionVersion).value_or("");
  return p;
}

}  // namespace cratio
