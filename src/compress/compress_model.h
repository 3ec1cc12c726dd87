// The `cratio compress` driver: read a model, optionally calibrate on a text, apply the
// recipe's steps in order, record provenance, write the result atomically, and report.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "compress/compression_method.h"
#include "compress/provenance.h"
#include "numeric/dtype.h"

namespace cratio {

struct CompressOptions {
  std::string recipe;                 // "q4_k_m", "prune-structured:0.3+q4_k_m", ...
  std::string calib_path;             // calibration text; "" for none
  // --tensor-type PATTERN=TYPE (and --output-type / --embd-type as exact-name patterns).
  std::vector<std::pair<std::string, DType>> tensor_type_overrides;
  int num_threads = 0;                // 0: one per core
  bool force = false;                 // overwrite an existing output
  int64_t calib_ctx = 512;            // calibration chunk length (model context if smaller)
  int64_t calib_max_chunks = 0;       // 0: the whole text
};

struct CompressResult {
  CompressionReport report;
  Provenance provenance;
  double seconds = 0.0;
  int64_t calib_tokens = 0;
};

// Parses "PATTERN=TYPE" ("blk.*.ffn_down.weight=q6_k"); InvalidInput naming the flag.
Result<std::pair<std::string, DType>> ParseTensorTypeOverride(std::string_view text);

// Everything `cratio compress IN -o OUT` does. InvalidInput for a bad recipe, an output
// that exists (without force) or is an input, a missing calibration text, ... — checked
// before any work; nothing is left at `out_path` when it fails.
Result<CompressResult> CompressModel(const std::string& in_path, const std::string& out_path,
                                     const CompressOptions& options);

}  // namespace cratio
