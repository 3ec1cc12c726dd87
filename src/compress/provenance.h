// Provenance of a compressed model: GGUF metadata keys recording how it was made (recipe,
// source and calibration fingerprints, cratio version). llama.cpp ignores unknown keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "io/metadata.h"

namespace cratio {

inline constexpr std::string_view kKeyCompressionRecipe = "cratio.compression.recipe";
inline constexpr std::string_view kKeyCompressionSourceSha256 = "cratio.compression.source_sha256";
inline constexpr std::string_view kKeyCompressionCalibSha256 = "cratio.compression.calib_sha256";
inline constexpr std::string_view kKeyCompressionCalibBytes = "cratio.compression.calib_bytes";
inline constexpr std::string_view kKeyCompressionVersion = "cratio.compression.version";

// Version of the compression code, bumped when a method's output changes.
inline constexpr std::string_view kCompressionVersion = "cratio-compress 1";

struct Provenance {
  std::string recipe;          // canonical steps joined by '+'
  std::string source_sha256;   // hex SHA-256 of the input file (or directory's files)
  std::string calib_sha256;    // hex SHA-256 of the calibration text; "" without --calib
  int64_t calib_bytes = 0;     // its size; 0 without --calib
  std::string version{kCompressionVersion};
};

// Sets the five keys (calib_sha256 "" and calib_bytes 0 when uncalibrated, so every
// output has the same keys).
void WriteProvenance(const Provenance& p, Metadata* md);
// nullopt when the recipe key is missing (not a cratio-compressed model).
std::optional<Provenance> ReadProvenance(const Metadata& md);

}  // namespace cratio
