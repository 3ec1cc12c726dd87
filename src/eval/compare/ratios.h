// Compression ratios per size dimension: ratio = compressed / original (0.25) and
// factor = original / compressed (4.0×), both kept so reports can label each.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "eval/compare/estimate.h"

namespace cratio::compare {

enum class SizeDimension {
  kParamsTotal,
  kParamsNonzero,
  kFileBytes,
  kBitsPerWeight,
  kFlopsPerToken,
  kPeakMemory,
};
inline constexpr std::array<SizeDimension, 6> kAllSizeDimensions = {
    SizeDimension::kParamsTotal,   SizeDimension::kParamsNonzero,
    SizeDimension::kFileBytes,     SizeDimension::kBitsPerWeight,
    SizeDimension::kFlopsPerToken, SizeDimension::kPeakMemory};

// Stable key used in JSON, CSV and constraint names: "params_total", "params_nonzero",
// "file_bytes", "bits_per_weight", "flops_per_token", "peak_memory_bytes".
std::string_view SizeDimensionKey(SizeDimension d);
std::optional<SizeDimension> SizeDimensionFromKey(std::string_view key);

// The size figures of one model; NaN where unknown. Counts are doubles so that 7e9
// parameters and 4.5 bits per weight share one type.
struct SizeFigures {
  double params_total = kNaN;
  double params_nonzero = kNaN;
  double file_bytes = kNaN;
  double bits_per_weight = kNaN;
  double flops_per_token = kNaN;
  double peak_memory_bytes = kNaN;

  double Get(SizeDimension d) const;
};

struct RatioAndFactor {
  double ratio = kNaN;   // compressed / original; NaN when original <= 0 or unknown
  double factor = kNaN;  // original / compressed; NaN when compressed <= 0 or unknown
};
RatioAndFactor RatioOf(double original, double compressed);

struct DimensionRatio {
  SizeDimension dimension = SizeDimension::kFileBytes;
  double original = kNaN;
  double compressed = kNaN;
  double ratio = kNaN;
  double factor = kNaN;
};

// One entry per dimension in kAllSizeDimensions order (NaN ratios where unknown).
std::vector<DimensionRatio> CompressionRatios(const SizeFigures& original,
                                              const SizeFigures& compressed);

}  // namespace cratio::compare
