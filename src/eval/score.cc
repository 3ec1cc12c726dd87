// See score.h.
#include "eval/score.h"

#include <algorithm>

#include "base/timer.h"
#include "eval/scorers/generation.h"
#include "eval/scorers/rolling_perplexity.h"
#include "model/session.h"

namespace cratio {
namespace {

// KV cache budget when choosing how many sequences run side by side.
constexpr int64_t kKvBudgetBytes = int64_t{1} << 30;
constexpr int64_t kMaxAutoSeqs = 64;
constexpr int64_t kDefaultWindow = 2048;

int64_t KvBytesPerPosition(const ModelConfig& c) {
  return c.num_layers * c.num_kv_heads * c.head_dim * 2 * static_cast<int64_t>(sizeof(float));
}

// Sequences for a wave: what the task needs at least, more while the KV budget allows.
int64_t ChooseSeqs(const ModelConfig& config, int64_t n_ctx, int64_t min_seqs, int64_t want_seqs) {
  const int64_t per_seq = std::max<int64_t>(1, KvBytesPerPosition(config) * n_ctx);
  const int64_t fit = std::max<int64_t>(1, kKvBudgetBytes / per_seq);
  return std::max(min_seqs, std::min({want_seqs, fit, kMaxAutoSeqs}));
}

Result<std::unique_ptr<Session>> MakeSession(const LoadedModel& model, int64_t n_ctx, int64_t n_seq,
                                             const ScoreOptions& options) {
  SessionOptions so;
  so.n_ctx = n_ctx;
  so.n_seq = n_seq;
  so.max_batch = options.max_batch;
  so.num_threads = options.num_threads;
  so.kernels = options.kernels;
  return Session::Create(model.weights, so);
}

Status CheckFits(const LoadedModel& model, const std::string& path, int64_t needed,
                 const std::string& what) {
  const int64_t ctx = model.config.context_length;
  if (ctx > 0 && needed > ctx) {
    return InvalidInput("{}: {} needs {} tokens, the model's context length is {}", path, what,
                        needed, ctx);
  }
  return Status::Ok();
}

// Runs `score(begin, end)` over blocks of items — the shard's blocks when options.shard
// splits the run — reporting progress between blocks; *first_item: the first item scored.
template <typename Fn>
Status InBlocks(int64_t num_items, int64_t block, const ScoreOptions& options,
                int64_t* first_item, Fn score) {
  const UnitRange blocks = ShardUnits((num_items + block - 1) / block, options.shard);
  const int64_t first = std::min(num_items, blocks.begin * block);
  const int64_t last = std::min(num_items, blocks.end * block);
  *first_item = first;
  for (int64_t begin = first; begin < last; begin += block) {
    const int64_t end = std::min(last, begin + block);
    CRATIO_RETURN_IF_ERROR(score(begin, end));
    if (options.progress) options.progress(end - first, last - first);
  }
  return Status::Ok();
}

template <typename T>
std::vector<T> Slice(const std::vector<T>& v, int64_t begin, int64_t end) {
  return std::vector<T>(v.begin() + begin, v.begin() + end);
}

}  // namespace

double ModelScore::overhead_fraction() const {
  if (timing.model_ns <= 0) return 0.0;
  const int64_t own = prepare_ns + (timing.total_ns - timing.model_ns) + metrics_ns;
  return static_cast<double>(own) / static_cast<double>(timing.model_ns);
}

double ModelScore::items_per_s() const {
  const int64_t ns = prepare_ns + timing.total_ns + metrics_ns;
  return ns > 0 ? static_cast<double>(items.size()) * 1e9 / static_cast<double>(ns) : 0.0;
}

std::vector<std::string> TaskMetricNames(const Task& task) {
  if (!task.spec.metrics.empty()) return task.spec.metrics;
  switch (task.spec.scorer) {
    case ScorerKind::kMultipleChoice:
      return {"accuracy", "acc_norm"};
    case ScorerKind::kClassification:
      return {"accuracy", "macro_f1"};
    case ScorerKind::kGeneration:
      return {"exact_match"};
    case ScorerKind::kPerplexity:
      return {"perplexity", "bits_per_byte"};
  }
  return {};
}

Result<ModelScore> ScoreModel(const LoadedModel& model, const std::string& model_path,
                              const Task& task, const ScoreOptions& options) {
  if (!model.tokenizer) return InvalidInput("{}: the model has no tokenizer", model_path);
  const std::vector<std::string> names = TaskMetricNames(task);
  for (const std::string& name : names) {
    if (FindMetric(name) == nullptr) {
      std::string known;
      for (const std::string& m : MetricNames()) {
        if (!known.empty()) known += ", ";
        known += m;
      }
      return InvalidInput("task {}: unknown metric '{}' (known: {})", task.spec.name, name, known);
    }
  }
  const Tokenizer& tok = *model.tokenizer;
  ModelScore out;
  out.model_path = model_path;
  out.vocab_size = model.config.vocab_size;
  const std::vector<TaskItem>& items = task.items;
  const int64_t n = static_cast<int64_t>(items.size());
  out.items.reserve(items.size());
  auto append = [&out](Result<std::vector<ItemResult>> r) -> Status {
    if (!r.ok()) return r.status();
    for (ItemResult& it : *r) out.items.push_back(std::move(it));
    return Status::Ok();
  };
  std::unique_ptr<Session> session;
  switch (task.spec.scorer) {
    case ScorerKind::kMultipleChoice:
    case ScorerKind::kClassification: {
      const int64_t t0 = NowNs();
      CRATIO_ASSIGN_OR_RETURN(std::vector<PreparedChoiceItem> prepared,
                              PrepareChoiceItems(tok, items, model.config.context_length - 1));
      out.prepare_ns = NowNs() - t0;
      int64_t longest = 0, most_choices = 1;
      for (size_t i = 0; i < prepared.size(); ++i) {
        if (prepared[i].max_len() > longest) {
          longest = prepared[i].max_len();
          CRATIO_RETURN_IF_ERROR(CheckFits(model, model_path, longest, "item " + items[i].id));
        }
        most_choices = std::max<int64_t>(most_choices, prepared[i].choices.size());
      }
      const int64_t n_seq = options.n_seq > 0
                                ? options.n_seq
                                : ChooseSeqs(model.config, longest, most_choices, 8 * most_choices);
      CRATIO_ASSIGN_OR_RETURN(session, MakeSession(model, longest, n_seq, options));
      LoglikelihoodOptions lo;
      lo.share_prefix = options.share_prefix;
      CRATIO_RETURN_IF_ERROR(InBlocks(n, 4 * n_seq, options, &out.first_item, [&](int64_t b, int64_t e) {
        return append(
            ScoreChoiceItems(*session, Slice(items, b, e), Slice(prepared, b, e), lo, &out.timing));
      }));
      break;
    }
    case ScorerKind::kGeneration: {
      const int64_t t0 = NowNs();
      CRATIO_ASSIGN_OR_RETURN(std::vector<std::vector<int32_t>> prompts,
                              PreparePrompts(tok, items));
      out.prepare_ns = NowNs() - t0;
      int64_t longest = 0;
      for (size_t i = 0; i < prompts.size(); ++i) {
        if (static_cast<int64_t>(prompts[i].size()) > longest) {
          longest = static_cast<int64_t>(prompts[i].size());
          CRATIO_RETURN_IF_ERROR(CheckFits(model, model_path, longest + 1, "item " + items[i].id));
        }
      }
      int64_t n_ctx = longest + task.spec.generation.max_new_tokens;
      if (model.config.context_length > 0) n_ctx = std::min(n_ctx, model.config.context_length);
      const int64_t n_seq =
          options.n_seq > 0 ? options.n_seq : ChooseSeqs(model.config, n_ctx, 1, 16);
      CRATIO_ASSIGN_OR_RETURN(session, MakeSession(model, n_ctx, n_seq, options));
      CRATIO_RETURN_IF_ERROR(InBlocks(n, n_seq, options, &out.first_item, [&](int64_t b, int64_t e) {
        return append(ScoreGeneration(*session, tok, Slice(items, b, e), Slice(prompts, b, e),
                                      task.spec.generation, &out.timing));
      }));
      break;
    }
    case ScorerKind::kPerplexity: {
      const int64_t t0 = NowNs();
      CRATIO_ASSIGN_OR_RETURN(std::vector<PreparedDocument> docs, PrepareDocuments(tok, items));
      out.prepare_ns = NowNs() - t0;
      int64_t window = options.window > 0 ? options.window : kDefaultWindow;
      if (options.window <= 0 && model.config.context_length > 0) {
        window = std::min(window, model.config.context_length);
      }
      CRATIO_RETURN_IF_ERROR(CheckFits(model, model_path, window, "the perplexity window"));
      const int64_t n_seq = options.n_seq > 0 ? options.n_seq
                                              : ChooseSeqs(model.config, window, 1,
                                                           std::max<int64_t>(1, 2048 / window));
      CRATIO_ASSIGN_OR_RETURN(session, MakeSession(model, window, n_seq, options));
      CRATIO_RETURN_IF_ERROR(InBlocks(n, 8, options, &out.first_item, [&](int64_t b, int64_t e) {
        return append(ScoreDocuments(*session, tok.bos_id(), Slice(items, b, e), Slice(docs, b, e),
                                     window, &out.timing));
      }));
      break;
    }
  }
  out.num_threads = session->num_threads();
  out.n_seq = session->n_seq();
  out.n_ctx = session->n_ctx();
  if (!options.shard.split()) {
    CRATIO_RETURN_IF_ERROR(FinishModelScore(task, options.metric_options, &out));
  }
  return out;
}

Status FinishModelScore(const Task& task, const MetricOptions& options, ModelScore* score) {
  score->num_truncated_items = 0;
  for (const ItemResult& r : score->items) {
    score->num_truncated_items += r.num_truncated_tokens > 0;
  }
  const int64_t t0 = NowNs();
  auto metrics = ComputeMetrics(TaskMetricNames(task), score->items, options);
  if (!metrics.ok()) return metrics.status().WithPrefix("task " + task.spec.name);
  score->metrics = std::move(*metrics);
  score->metrics_ns = NowNs() - t0;
  return Status::Ok();
}

Result<std::vector<ModelScore>> ScoreModels(const std::vector<std::string>& model_paths,
                                            const Task& task, const ScoreOptions& options) {
  std::vector<ModelScore> out;
  for (const std::string& path : model_paths) {
    CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> model, LoadModel(path));
    CRATIO_ASSIGN_OR_RETURN(ModelScore s, ScoreModel(*model, path, task, options));
    out.push_back(std::move(s));
  }
  return out;
}

bool SameVocabulary(const Tokenizer& a, const Tokenizer& b) {
  const TokenizerSpec& x = a.spec();
  const TokenizerSpec& y = b.spec();
  return x.model == y.model && x.pre == y.pre && x.tokens == y.tokens && x.merges == y.merges &&
         x.bos_id == y.bos_id && x.eos_id == y.eos_id && x.add_bos == y.add_bos &&
         x.add_space_prefix == y.add_space_prefix;
}

Result<ScoreComparison> CompareScores(const Task& task, const ModelScore& base,
                                      const ModelScore& variant, bool same_tokenizer,
                                      const PairedOptions& options) {
  ScoreComparison c;
  c.same_tokenizer = same_tokenizer;
  const std::vector<std::string> names = TaskMetricNames(task);
  c.metric = names.empty() ? "accuracy" : names.front();
  if (task.spec.scorer == ScorerKind::kPerplexity && !same_tokenizer) c.metric = "bits_per_byte";
  c.token_kl_reason =
      same_tokenizer
          ? "not computed by score: per-token KL divergence is `cratio perplexity --base`"
          : "not applicable: the tokenizers differ, so per-token distributions are over "
            "different vocabularies";
  PairedOptions po = options;
  po.metric = c.metric;
  auto paired = ComparePaired(base.items, variant.items, po);
  if (!paired.ok()) return paired.status().WithPrefix("task " + task.spec.name);
  c.paired = std::move(*paired);
  return c;
}

}  // namespace cratio
