// Calibration statistics through the engine's activation observer.
#include "compress/calibration.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "base/progress.h"
#include "base/sha256.h"
#include "model/config.h"
#include "model/session.h"
#include "model/tensor_names.h"
#include "model/tokenizer_loader.h"
#include "model/weights.h"

namespace cratio {

Result<CalibrationData> CollectCalibration(const ModelFile& model, std::string_view text,
                                           const CalibrationOptions& options) {
  CRATIO_ASSIGN_OR_RETURN(const ModelConfig config, ModelConfig::FromModelFile(model));
  CRATIO_ASSIGN_OR_RETURN(const ModelWeights weights, ModelWeights::Load(model, config));
  CRATIO_ASSIGN_OR_RETURN(const std::unique_ptr<Tokenizer> tokenizer, LoadTokenizer(model));
  CRATIO_ASSIGN_OR_RETURN(const std::vector<int32_t> tokens, tokenizer->Encode(text, false));

  const int32_t bos = tokenizer->bos_id();
  int64_t n_ctx = options.max_ctx;
  if (config.context_length > 0) n_ctx = std::min(n_ctx, config.context_length);
  const int64_t body = bos >= 0 ? n_ctx - 1 : n_ctx;  // text tokens per chunk
  if (n_ctx < 2 || static_cast<int64_t>(tokens.size()) < 2) {
    return InvalidInput("calibration: the text has {} tokens and chunks hold {}; need at least 2",
                        tokens.size(), n_ctx);
  }
  // Whole chunks, plus a shorter last one (calibration, unlike perplexity, can use it).
  int64_t num_chunks = (static_cast<int64_t>(tokens.size()) + body - 1) / body;
  if (options.max_chunks > 0) num_chunks = std::min(num_chunks, options.max_chunks);

  CalibrationData out;
  out.text_bytes = static_cast<int64_t>(text.size());
  Sha256 sha;
  sha.Update(text.data(), text.size());
  out.text_sha256 = sha.FinishHex();

  const bool has_output = model.FindTensor("output.weight") != nullptr;
  SessionOptions so;
  so.n_ctx = n_ctx;
  so.max_batch = n_ctx;
  so.max_logits = n_ctx;  // the output projection sees only logit rows: ask for all
  so.pool = options.pool;
  // Every linear input, accumulated in double: x[rows, cols] -> sum_sq[cols].
  so.activation_observer = [&](int64_t layer, TensorRole role, const float* x, int64_t rows,
                               int64_t cols) {
    const std::string name = role == TensorRole::kOutput && !has_output
                                 ? std::string("token_embd.weight")
                                 : TensorName(role, layer);
    ActivationStats& st = out.by_tensor[name];
    if (st.sum_sq.empty()) st.sum_sq.assign(cols, 0.0);
    for (int64_t t = 0; t < rows; ++t) {
      const float* row = x + t * cols;
      for (int64_t c = 0; c < cols; ++c) st.sum_sq[c] += static_cast<double>(row[c]) * row[c];
    }
    st.num_tokens += rows;
  };
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Create(weights, so));

  ProgressBar progress("calibrate", num_chunks, "chunks");
  Batch batch(n_ctx);
  for (int64_t c = 0; c < num_chunks; ++c) {
    session->kv_cache().Clear();
    batch.Clear();
    const int64_t begin = c * body;
    const int64_t end = std::min<int64_t>(begin + body, static_cast<int64_t>(tokens.size()));
    int32_t pos = 0;
    if (bos >= 0) batch.Add(bos, pos++, 0, true);
    for (int64_t i = begin; i < end; ++i) batch.Add(tokens[i], pos++, 0, true);
    CRATIO_RETURN_IF_ERROR(session->Forward(batch));
    out.num_tokens += batch.size();
    progress.Update(c + 1);
  }
  progress.Finish();
  return out;
}

}  // namespace cratio
