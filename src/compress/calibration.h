// Calibration: runs the model over a text and gathers, for every linear layer, the sum of
// squared inputs per input channel (the importance-matrix idea: a weight column that meets
// large activations matters more). Feeds importance-weighted quantization and
// activation-aware methods (Wanda, low-rank).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "base/thread_pool.h"
#include "compress/compression_method.h"
#include "io/model_file.h"

namespace cratio {

struct CalibrationOptions {
  int64_t max_ctx = 512;     // chunk length: this, or the model's context if smaller
  int64_t max_chunks = 0;    // 0: every whole chunk of the text
  ThreadPool* pool = nullptr;  // may be null (one thread per core)
};

// Tokenizes `text` with the model's tokenizer, runs it in independent chunks (each starts
// with BOS when the vocabulary has one) and returns Σx² per input channel of every linear
// weight, keyed by tensor name (a tied embedding gets the output projection's statistics).
// InvalidInput when the text is shorter than two tokens or the model cannot run.
Result<CalibrationData> CollectCalibration(const ModelFile& model, std::string_view text,
                                           const CalibrationOptions& options);

}  // namespace cratio
