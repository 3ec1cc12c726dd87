// Compression ratios and factors per size dimension.
#include "eval/compare/ratios.h"

namespace cratio::compare {

std::string_view SizeDimensionKey(SizeDimension d) {
  switch (d) {
    case SizeDimension::kParamsTotal: return "params_total";
    case SizeDimension::kParamsNonzero: return "params_nonzero";
    case SizeDimension::kFileBytes: return "file_bytes";
    case SizeDimension::kBitsPerWeight: return "bits_per_weight";
    case SizeDimension::kFlopsPerToken: return "flops_per_token";
    case SizeDimension::kPeakMemory: return "peak_memory_bytes";
  }
  return "unknown";
}

std::optional<SizeDimension> SizeDimensionFromKey(std::string_view key) {
  for (SizeDimension d : kAllSizeDimensions) {
    if (SizeDimensionKey(d) == key) return d;
  }
  return std::nullopt;
}

double SizeFigures::Get(SizeDimension d) const {
  switch (d) {
    case SizeDimension::kParamsTotal: return params_total;
    case SizeDimension::kParamsNonzero: return params_nonzero;
    case SizeDimension::kFileBytes: return file_bytes;
    case SizeDimension::kBitsPerWeight: return bits_per_weight;
    case SizeDimension::kFlopsPerToken: return flops_per_token;
    case SizeDimension::kPeakMemory: return peak_memory_bytes;
  }
  return kNaN;
}

RatioAndFactor RatioOf(double original, double compressed) {
  RatioAndFactor r;
  if (std::isnan(original) || std::isnan(compressed)) return r;
  if (original > 0) r.ratio = compressed / original;
  if (compressed > 0) r.factor = original / compressed;
  return r;
}

std::vector<DimensionRatio> CompressionRatios(const SizeFigures& original,
                                              const SizeFigures& compressed) {
  std::vector<DimensionRatio> out;
  out.reserve(kAllSizeDimensions.size());
  for (SizeDimension d : kAllSizeDimensions) {
    DimensionRatio r;
    r.dimension = d;
    r.original = original.Get(d);
    r.compressed = compressed.Get(d);
    const RatioAndFactor rf = RatioOf(r.original, r.compressed);
    r.ratio = rf.ratio;
    r.factor = rf.factor;
    out.push_back(r);
  }
  return out;
}

}  // namespace cratio::compare
