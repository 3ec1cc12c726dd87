// Test-only: a Session over the `tiny` preset model (make-model's random weights), for
// the scenario runners' unit tests. Included only by *_test.cc files.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "io/model_file.h"
#include "model/config.h"
#include "model/make_model.h"
#include "model/session.h"
#include "model/weights.h"

namespace cratio::testing {

struct BenchEngine {
  ModelFile file;
  ModelWeights weights;
  std::unique_ptr<Session> session;
};

// ffn 128 instead of the preset's 172 so q8_0 rows are whole blocks.
inline std::unique_ptr<BenchEngine> MakeBenchEngine(int64_t n_ctx, int64_t n_seq, int64_t max_batch,
                                                    uint64_t seed = 1, DType dtype = DType::kF32,
                                                    int num_threads = 1) {
  auto options = PresetOptions("tiny");
  EXPECT_TRUE(options.ok());
  options->seed = seed;
  options->dtype = dtype;
  options->ffn_dim = 128;
  auto e = std::make_unique<BenchEngine>();
  auto file = MakeRandomModel(*options, nullptr);
  EXPECT_TRUE(file.ok()) << file.status().message();
  e->file = std::move(file).value();
  auto config = ModelConfig::FromModelFile(e->file);
  EXPECT_TRUE(config.ok()) << config.status().message();
  auto weights = ModelWeights::Load(e->file, *config);
  EXPECT_TRUE(weights.ok()) << weights.status().message();
  e->weights = std::move(weights).value();
  SessionOptions so;
  so.n_ctx = n_ctx;
  so.n_seq = n_seq;
  so.max_batch = max_batch;
  so.max_logits = std::max<int64_t>(n_seq, 1);
  so.num_threads = num_threads;
  auto session = Session::Create(e->weights, so);
  EXPECT_TRUE(session.ok()) << session.status().message();
  e->session = std::move(session).value();
  return e;
}

}  // namespace cratio::testing
