// Test-only helpers for the pruning and low-rank tests: a random model, logits of a fixed
// token sequence through the engine, and a GGUF round trip. Included only by *_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "io/gguf.h"
#include "io/model_file.h"
#include "model/config.h"
#include "model/make_model.h"
#include "model/session.h"
#include "model/weights.h"
#include "model/convert.h"
#include "testing/test_data.h"

namespace cratio::testing {

inline ModelFile RandomModel(uint64_t seed = 7, DType dtype = DType::kF32) {
  MakeModelOptions o;  // the "tiny" shape: dim 64, 2 layers, 4 heads / 2 KV, ffn 172
  o.seed = seed;
  o.dtype = dtype;
  Result<ModelFile> m = MakeRandomModel(o, nullptr);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(*m);
}

// logits[num_tokens, vocab] of a fixed token sequence; empty (and a test failure) when
// the model does not load or run.
inline std::vector<float> RunLogits(const ModelFile& model, int64_t num_tokens = 8) {
  Result<ModelConfig> config = ModelConfig::FromModelFile(model);
  EXPECT_TRUE(config.ok()) << config.status().message();
  if (!config.ok()) return {};
  Result<ModelWeights> weights = ModelWeights::Load(model, *config);
  EXPECT_TRUE(weights.ok()) << weights.status().message();
  if (!weights.ok()) return {};
  SessionOptions so;
  so.n_ctx = 64;
  so.num_threads = 1;
  auto session = Session::Create(*weights, so);
  EXPECT_TRUE(session.ok()) << session.status().message();
  if (!session.ok()) return {};
  Batch batch;
  for (int32_t p = 0; p < num_tokens; ++p) {
    batch.Add(static_cast<int32_t>((p * 37 + 1) % config->vocab_size), p, 0, true);
  }
  Status st = (*session)->Forward(batch);
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  std::vector<float> out;
  for (int64_t r = 0; r < num_tokens; ++r) {
    const float* l = (*session)->logits(r);
    out.insert(out.end(), l, l + config->vocab_size);
  }
  return out;
}

inline bool AllFinite(const std::vector<float>& v) {
  if (v.empty()) return false;
  for (float x : v) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

// Writes `model` as GGUF under `dir` and reads it back.
inline ModelFile GgufRoundTrip(const ModelFile& model, const std::string& dir) {
  const std::string path = dir + "/model.gguf";
  Status st = WriteGguf(path, model.metadata, model.tensors, model.alignment);
  EXPECT_TRUE(st.ok()) << st.message();
  Result<ModelFile> back = ReadGguf(path);
  EXPECT_TRUE(back.ok()) << back.status().message();
  return back.ok() ? std::move(*back) : ModelFile{};
}

inline std::vector<float> TensorF32(const ModelFile& model, const std::string& name) {
  const TensorEntry* e = model.FindTensor(name);
  EXPECT_NE(e, nullptr) << name;
  if (e == nullptr) return {};
  std::vector<float> out(static_cast<size_t>(e->view.num_elements()));
  for (int64_t r = 0; r < e->view.rows(); ++r) {
    LoadRowF32(e->view.row(r), e->view.dtype, e->view.cols(), out.data() + r * e->view.cols());
  }
  return out;
}

}  // namespace cratio::testing
