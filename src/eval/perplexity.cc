// Perplexity and base-model comparison over non-overlapping chunks (llama-perplexity's
// method; see perplexity.h), with both models run in lock-step on the same batches.
#include "eval/perplexity.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "base/timer.h"
#include "io/model_file.h"
#include "model/config.h"
#include "model/tokenizer_loader.h"
#include "model/weights.h"
#include "tokenizer/tokenizer.h"

namespace cratio {

Result<ChunkPlan> PlanChunks(int64_t num_tokens, int64_t ctx, int64_t max_chunks) {
  if (ctx < 4) {
    return InvalidInput("perplexity: --ctx {} is too small (at least 4: half the chunk is "
                        "context, the rest is scored)",
                        ctx);
  }
  if (num_tokens < 2 * ctx) {
    return InvalidInput("perplexity: the text tokenizes to {} tokens; --ctx {} needs at least "
                        "{} (2 × ctx, as llama-perplexity)",
                        num_tokens, ctx, 2 * ctx);
  }
  ChunkPlan plan;
  plan.ctx = ctx;
  plan.num_chunks = num_tokens / ctx;
  if (max_chunks > 0) plan.num_chunks = std::min(plan.num_chunks, max_chunks);
  plan.first_scored_pos = ctx / 2;
  plan.scored_per_chunk = ctx - 1 - plan.first_scored_pos;
  return plan;
}

namespace {

// Where a requested logits row came from.
struct RowSource {
  int64_t chunk = 0;  // global chunk index
  int64_t pos = 0;    // position in the chunk
};

Status CheckSession(const Session& s, const ChunkPlan& plan, const char* which) {
  if (s.n_ctx() < plan.ctx) {
    return InternalError("perplexity: {} session holds {} positions, chunks need {}", which,
                         s.n_ctx(), plan.ctx);
  }
  // A slice of a chunk that fits the batch must also fit the logit rows.
  if (s.max_logits() < std::min(s.max_batch(), s.n_seq() * plan.scored_per_chunk)) {
    return InternalError("perplexity: {} session has {} logit rows for batches of {}", which,
                         s.max_logits(), s.max_batch());
  }
  return Status::Ok();
}

}  // namespace

PerplexityReducer::PerplexityReducer(const ChunkPlan& plan, int64_t num_chunks, bool has_base,
                                     PerplexityProgressFn progress)
    : scored_per_chunk_(plan.scored_per_chunk),
      num_chunks_(num_chunks),
      has_base_(has_base),
      progress_(std::move(progress)) {
  ppl_after_chunk_.reserve(num_chunks);
}

void PerplexityReducer::Add(const PositionComparison& c) {
  if (has_base_) kl_acc_.Add(c);
  nll_acc_.Add(-c.log_p_model);
  ++num_added_;
  if (scored_per_chunk_ > 0 && num_added_ % scored_per_chunk_ == 0) {  // a chunk's last token
    const double ppl = nll_acc_.Finish().ppl;
    ppl_after_chunk_.push_back(ppl);
    if (progress_) progress_(static_cast<int64_t>(ppl_after_chunk_.size()), num_chunks_, ppl);
  }
}

void PerplexityReducer::Finish(PerplexityResult* result) const {
  result->model = nll_acc_.Finish();
  result->ppl_after_chunk = ppl_after_chunk_;
  if (has_base_) result->kl = kl_acc_.Finish();
}

Result<PerplexityResult> EvaluatePerplexity(const std::vector<int32_t>& tokens,
                                            const ChunkPlan& plan, int32_t bos_id,
                                            Session& model, Session* base, ThreadPool& pool,
                                            const PerplexityProgressFn& progress,
                                            const WorkShard& shard, const PositionSink& sink) {
  CRATIO_RETURN_IF_ERROR(CheckSession(model, plan, "model"));
  if (base != nullptr) {
    CRATIO_RETURN_IF_ERROR(CheckSession(*base, plan, "base"));
    if (base->vocab_size() != model.vocab_size() || base->n_seq() != model.n_seq() ||
        base->max_batch() != model.max_batch()) {
      return InternalError("perplexity: base and model sessions differ (vocab {} / {}, n_seq "
                           "{} / {}, max_batch {} / {})",
                           base->vocab_size(), model.vocab_size(), base->n_seq(),
                           model.n_seq(), base->max_batch(), model.max_batch());
    }
  }
  if (static_cast<int64_t>(tokens.size()) < plan.num_chunks * plan.ctx) {
    return InternalError("perplexity: plan needs {} tokens, have {}",
                         plan.num_chunks * plan.ctx, tokens.size());
  }

  const Stopwatch clock;
  const int64_t vocab = model.vocab_size();
  const int64_t ctx = plan.ctx;
  // Chunks per pass: one per sequence when whole chunks fit a batch, else one in slices.
  const int64_t chunks_per_pass =
      std::max<int64_t>(1, std::min(model.n_seq(), model.max_batch() / ctx));

  // This shard's passes (all of them in one process).
  const UnitRange passes =
      ShardUnits((plan.num_chunks + chunks_per_pass - 1) / chunks_per_pass, shard);
  const int64_t first_chunk = std::min(plan.num_chunks, passes.begin * chunks_per_pass);
  const int64_t end_chunk = std::min(plan.num_chunks, passes.end * chunks_per_pass);

  PerplexityResult result;
  result.num_text_tokens = static_cast<int64_t>(tokens.size());
  result.plan = plan;
  result.has_base = base != nullptr;

  PerplexityReducer reducer(plan, end_chunk - first_chunk, base != nullptr, progress);
  Batch batch(model.max_batch());
  std::vector<RowSource> rows;
  rows.reserve(model.max_logits());
  // [rows]: without a base only log_p_model is set.
  std::vector<PositionComparison> row_compare;

  // Scores the logits of the last Forward, then adds them in row (= token) order.
  auto score_rows = [&]() {
    const auto n = static_cast<int64_t>(rows.size());
    auto target_of = [&](int64_t r) { return tokens[rows[r].chunk * ctx + rows[r].pos + 1]; };
    row_compare.assign(n, PositionComparison{});
    pool.ParallelFor(n, 1, [&](int64_t b, int64_t e, int) {
      for (int64_t r = b; r < e; ++r) {
        if (base == nullptr) {
          row_compare[r].log_p_model = ScoreToken(model.logits(r), vocab, target_of(r)).log_prob;
        } else {
          row_compare[r] = ComparePosition(base->logits(r), model.logits(r), vocab, target_of(r));
        }
      }
    });
    for (int64_t r = 0; r < n; ++r) {
      if (sink) sink(row_compare[r]);
      reducer.Add(row_compare[r]);
    }
  };

  auto forward_both = [&]() -> Status {
    CRATIO_RETURN_IF_ERROR(model.Forward(batch));
    if (base != nullptr) CRATIO_RETURN_IF_ERROR(base->Forward(batch));
    score_rows();
    batch.Clear();
    rows.clear();
    return Status::Ok();
  };

  for (int64_t chunk0 = first_chunk; chunk0 < end_chunk; chunk0 += chunks_per_pass) {
    const int64_t num_seq = std::min(chunks_per_pass, plan.num_chunks - chunk0);
    model.kv_cache().Clear();
    if (base != nullptr) base->kv_cache().Clear();
    for (int64_t s = 0; s < num_seq; ++s) {
      const int64_t chunk = chunk0 + s;
      const int32_t* chunk_tokens = tokens.data() + chunk * ctx;
      for (int64_t p = 0; p < ctx; ++p) {
        if (batch.size() == model.max_batch()) CRATIO_RETURN_IF_ERROR(forward_both());
        const int32_t tok = (p == 0 && bos_id >= 0) ? bos_id : chunk_tokens[p];
        const bool scored = p >= plan.first_scored_pos && p < ctx - 1;
        batch.Add(tok, static_cast<int32_t>(p), static_cast<int32_t>(s), scored);
        if (scored) rows.push_back({chunk, p});
      }
    }
    if (!batch.empty()) CRATIO_RETURN_IF_ERROR(forward_both());
  }

  reducer.Finish(&result);
  result.eval_seconds = clock.ElapsedS();
  return result;
}

namespace {

// A model ready to run: the file (owning the mapped weights) and the weights sorted by role.
struct LoadedModel {
  std::string path;
  ModelFile file;
  ModelWeights weights;
  std::unique_ptr<Tokenizer> tokenizer;
};

Result<std::unique_ptr<LoadedModel>> LoadModel(const std::string& path) {
  auto m = std::make_unique<LoadedModel>();
  m->path = path;
  CRATIO_ASSIGN_OR_RETURN(m->file, ReadModelFile(path));
  CRATIO_ASSIGN_OR_RETURN(const ModelConfig config, ModelConfig::FromModelFile(m->file));
  CRATIO_ASSIGN_OR_RETURN(m->weights, ModelWeights::Load(m->file, config));
  CRATIO_ASSIGN_OR_RETURN(m->tokenizer, LoadTokenizer(m->file));
  return m;
}

// Base and model must score the same token ids: same vocabulary size and pieces.
Status CheckSameVocabulary(const LoadedModel& model, const LoadedModel& base) {
  const int64_t nm = model.weights.config().vocab_size;
  const int64_t nb = base.weights.config().vocab_size;
  if (nm != nb) {
    return InvalidInput("perplexity: model '{}' has a vocabulary of {} tokens, base '{}' has {}; "
                        "KL divergence needs the same vocabulary",
                        model.path, nm, base.path, nb);
  }
  const auto& tm = model.tokenizer->spec().tokens;
  const auto& tb = base.tokenizer->spec().tokens;
  const size_t n = std::min(tm.size(), tb.size());
  for (size_t i = 0; i < n; ++i) {
    if (tm[i] != tb[i]) {
      return InvalidInput("perplexity: model '{}' and base '{}' differ at token {} ('{}' vs "
                          "'{}'); KL divergence needs the same vocabulary",
                          model.path, base.path, i, tm[i], tb[i]);
    }
  }
  if (tm.size() != tb.size()) {
    return InvalidInput("perplexity: model '{}' lists {} tokenizer tokens, base '{}' lists {}",
                        model.path, tm.size(), base.path, tb.size());
  }
  return Status::Ok();
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("perplexity: cannot open text file '{}'", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return IoError("perplexity: error reading text file '{}'", path);
  return ss.str();
}

}  // namespace

Result<PerplexityResult> RunPerplexity(const std::string& model_path,
                                       const std::string& text_path,
                                       const std::string& base_path,
                                       const PerplexityOptions& options) {
  CRATIO_ASSIGN_OR_RETURN(const std::string text, ReadText(text_path));
  CRATIO_ASSIGN_OR_RETURN(auto model, LoadModel(model_path));
  std::unique_ptr<LoadedModel> base;
  if (!base_path.empty()) {
    CRATIO_ASSIGN_OR_RETURN(base, LoadModel(base_path));
    CRATIO_RETURN_IF_ERROR(CheckSameVocabulary(*model, *base));
  }

  // Like llama-perplexity: BOS once at the start (when the tokenizer adds one), no
  // special-token parsing of the text.
  auto tokens = model->tokenizer->Encode(text, /*add_special=*/true);
  if (!tokens.ok()) return tokens.status().WithPrefix(text_path);
  const int32_t bos_id = model->tokenizer->spec().add_bos ? model->tokenizer->bos_id() : -1;
  CRATIO_ASSIGN_OR_RETURN(const ChunkPlan plan,
                          PlanChunks(static_cast<int64_t>(tokens->size()), options.ctx,
                                     options.max_chunks));

  ThreadPool pool(options.num_threads);
  const int64_t max_batch_tokens = std::max<int64_t>(1, options.max_batch_tokens);
  SessionOptions so;
  so.n_ctx = plan.ctx;
  so.n_seq = plan.ctx <= max_batch_tokens
                 ? std::min(max_batch_tokens / plan.ctx, plan.num_chunks)
                 : 1;
  so.max_batch = plan.ctx <= max_batch_tokens ? so.n_seq * plan.ctx : max_batch_tokens;
  so.max_logits = std::min(so.max_batch, so.n_seq * plan.scored_per_chunk);
  so.pool = &pool;
  so.kernels = options.kernels;
  auto model_session = Session::Create(model->weights, so);
  if (!model_session.ok()) return model_session.status().WithPrefix(model_path);
  std::unique_ptr<Session> base_session;
  if (base) {
    auto s = Session::Create(base->weights, so);
    if (!s.ok()) return s.status().WithPrefix(base_path);
    base_session = std::move(s).value();
  }
  CRATIO_ASSIGN_OR_RETURN(
      PerplexityResult result,
      EvaluatePerplexity(*tokens, plan, bos_id, **model_session, base_session.get(), pool,
                         options.progress, options.shard, options.sink));
  result.num_threads = pool.num_threads();
  return result;
}

}  // namespace cratio
