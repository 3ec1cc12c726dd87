// Random Llama model generation: shapes, built-in vocabulary, counter-based weights.
#include "model/make_model.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <vector>

#include "model/convert.h"
#include "model/tensor_names.h"
#include "tokenizer/tokenizer.h"

namespace cratio {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t HashName(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// kNumBins + 1 standard-normal quantiles: q[i] = Phi^-1(i / kNumBins) for 0 < i < kNumBins,
// and q[0] = -q[kNumBins] = Phi^-1(1 / (4 * kNumBins)). Computed once by bisection on
// erfc in double precision, so every run (and thread) sees the same table.
const float* GaussianQuantiles() {
  constexpr int kNumBins = 1 << 16;
  static const std::vector<float> table = [] {
    std::vector<float> q(kNumBins + 1);
    auto quantile = [](double p) {  // Phi^-1(p) for p in (0, 0.5]
      double lo = -12.0, hi = 0.0;
      for (int it = 0; it < 64; ++it) {
        const double mid = 0.5 * (lo + hi);
        (0.5 * std::erfc(-mid / std::numbers::sqrt2) < p ? lo : hi) = mid;
      }
      return 0.5 * (lo + hi);
    };
    for (int i = 0; i <= kNumBins / 2; ++i) {
      const double p = i == 0 ? 0.25 / kNumBins : static_cast<double>(i) / kNumBins;
      const float v = static_cast<float>(quantile(p));
      q[i] = v;
      q[kNumBins - i] = -v;
    }
    q[kNumBins / 2] = 0.0f;
    return q;
  }();
  return table.data();
}

// A splitmix64 stream whose start depends only on (seed, tensor, row): rows can be
// generated in any order on any thread and come out the same.
class RowRng {
 public:
  RowRng(uint64_t seed, uint64_t tensor_key, int64_t row)
      : state_(SplitMix64(SplitMix64(seed ^ tensor_key) + static_cast<uint64_t>(row))) {}
  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ull;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Fills out[n] with N(0, std^2) samples, two per 64-bit draw (see GaussianQuantiles).
  void Gaussian(float* out, int64_t n, float std) {
    const float* q = GaussianQuantiles();
    for (int64_t i = 0; i < n; i += 2) {
      const uint64_t bits = Next();
      out[i] = std * FromBits(q, static_cast<uint32_t>(bits));
      if (i + 1 < n) out[i + 1] = std * FromBits(q, static_cast<uint32_t>(bits >> 32));
    }
  }

 private:
  // Inverse-CDF sampling: the top 16 bits pick a quantile bin, the low 16 interpolate
  // linearly inside it. The piecewise-linear inverse CDF matches N(0, 1) to < 1e-4 in
  // the body; tails are cut at |x| ~ 4.4 (probability 2^-16 per side).
  static float FromBits(const float* q, uint32_t bits) {
    const uint32_t bin = bits >> 16;
    const float frac = static_cast<float>(bits & 0xffff) * (1.0f / 65536.0f);
    return q[bin] + frac * (q[bin + 1] - q[bin]);
  }

 private:
  uint64_t state_;
};

struct TensorPlan {
  std::string name;
  Shape shape;
  DType dtype;
  enum Kind { kOnes, kEmbedding, kLinear } kind;
};

std::vector<TensorPlan> PlanTensors(const MakeModelOptions& o) {
  const int64_t head_dim = o.model_dim / o.num_heads;
  const int64_t q_dim = o.num_heads * head_dim;
  const int64_t kv_dim = o.num_kv_heads * head_dim;
  std::vector<TensorPlan> plan;
  plan.push_back({TensorName(TensorRole::kTokenEmbd), Shape{o.vocab_size, o.model_dim}, o.dtype,
                  TensorPlan::kEmbedding});
  for (int64_t l = 0; l < o.num_layers; ++l) {
    auto add = [&](TensorRole role, Shape shape, TensorPlan::Kind kind) {
      plan.push_back({TensorName(role, l), shape,
                      kind == TensorPlan::kOnes ? DType::kF32 : o.dtype, kind});
    };
    add(TensorRole::kAttnNorm, Shape{o.model_dim}, TensorPlan::kOnes);
    add(TensorRole::kAttnQ, Shape{q_dim, o.model_dim}, TensorPlan::kLinear);
    add(TensorRole::kAttnK, Shape{kv_dim, o.model_dim}, TensorPlan::kLinear);
    add(TensorRole::kAttnV, Shape{kv_dim, o.model_dim}, TensorPlan::kLinear);
    add(TensorRole::kAttnOutput, Shape{o.model_dim, q_dim}, TensorPlan::kLinear);
    add(TensorRole::kFfnNorm, Shape{o.model_dim}, TensorPlan::kOnes);
    add(TensorRole::kFfnGate, Shape{o.ffn_dim, o.model_dim}, TensorPlan::kLinear);
    add(TensorRole::kFfnUp, Shape{o.ffn_dim, o.model_dim}, TensorPlan::kLinear);
    add(TensorRole::kFfnDown, Shape{o.model_dim, o.ffn_dim}, TensorPlan::kLinear);
  }
  plan.push_back({TensorName(TensorRole::kOutputNorm), Shape{o.model_dim}, DType::kF32,
                  TensorPlan::kOnes});
  plan.push_back({TensorName(TensorRole::kOutput), Shape{o.vocab_size, o.model_dim}, o.dtype,
                  TensorPlan::kLinear});
  return plan;
}

void FillTensor(const TensorPlan& p, uint64_t seed, void* data, ThreadPool* pool) {
  const int64_t rows = p.shape.rows();
  const int64_t cols = p.shape.cols();
  const int64_t row_bytes = RowBytes(p.dtype, cols);
  const uint64_t key = HashName(p.name);
  const float std = p.kind == TensorPlan::kEmbedding ? kEmbeddingStd : LinearStd(cols);
  auto fill = [&](int64_t begin, int64_t end) {
    std::vector<float> row(cols);
    for (int64_t r = begin; r < end; ++r) {
      if (p.kind == TensorPlan::kOnes) {
        std::fill(row.begin(), row.end(), 1.0f);
      } else {
        RowRng rng(seed, key, r);
        rng.Gaussian(row.data(), cols, std);
      }
      StoreRowF32(row.data(), p.dtype, cols, static_cast<uint8_t*>(data) + r * row_bytes);
    }
  };
  if (pool == nullptr || pool->num_threads() <= 1 || rows * cols < (1 << 15)) {
    fill(0, rows);
  } else {
    pool->ParallelFor(rows, 1, [&](int64_t begin, int64_t end, int) { fill(begin, end); });
  }
}

// Lower-case letters by English frequency, after the word-start marker, so the first
// n-grams generated are the common ones.
constexpr std::string_view kSpace = "\xe2\x96\x81";  // U+2581
constexpr std::string_view kLetters = "etaoinshrdlucmfwypvbgkjqxz";

}  // namespace

float LinearStd(int64_t fan_in) { return 1.0f / std::sqrt(static_cast<float>(fan_in)); }

Result<MakeModelOptions> PresetOptions(std::string_view preset) {
  MakeModelOptions o;
  o.name = fmt::format("cratio-random-{}", preset);
  if (preset == "tiny") {
    o.model_dim = 64, o.num_layers = 2, o.ffn_dim = 172, o.num_heads = 4, o.num_kv_heads = 2;
    o.vocab_size = 260, o.context_length = 256;
  } else if (preset == "small") {
    o.model_dim = 256, o.num_layers = 4, o.ffn_dim = 768, o.num_heads = 8, o.num_kv_heads = 4;
    o.vocab_size = 2048, o.context_length = 512;
  } else if (preset == "110m") {
    o.model_dim = 768, o.num_layers = 12, o.ffn_dim = 2048, o.num_heads = 12,
    o.num_kv_heads = 12, o.vocab_size = 32000, o.context_length = 1024;
  } else if (preset == "1b") {
    o.model_dim = 2048, o.num_layers = 22, o.ffn_dim = 5632, o.num_heads = 32,
    o.num_kv_heads = 4, o.vocab_size = 32000, o.context_length = 2048;
  } else {
    return InvalidInput("make-model: unknown --preset '{}' (known: {})", preset, kPresetNames);
  }
  return o;
}

Status ValidateMakeModelOptions(const MakeModelOptions& o) {
  auto positive = [](std::string_view flag, int64_t v) -> Status {
    if (v <= 0) return InvalidInput("make-model: {} must be positive, got {}", flag, v);
    return Status::Ok();
  };
  CRATIO_RETURN_IF_ERROR(positive("--dim", o.model_dim));
  CRATIO_RETURN_IF_ERROR(positive("--layers", o.num_layers));
  CRATIO_RETURN_IF_ERROR(positive("--ffn", o.ffn_dim));
  CRATIO_RETURN_IF_ERROR(positive("--heads", o.num_heads));
  CRATIO_RETURN_IF_ERROR(positive("--kv-heads", o.num_kv_heads));
  CRATIO_RETURN_IF_ERROR(positive("--ctx", o.context_length));
  if (o.vocab_from == nullptr) CRATIO_RETURN_IF_ERROR(positive("--vocab", o.vocab_size));
  if (o.model_dim % o.num_heads != 0) {
    return InvalidInput("make-model: --dim {} is not a multiple of --heads {}", o.model_dim,
                        o.num_heads);
  }
  if ((o.model_dim / o.num_heads) % 2 != 0) {
    return InvalidInput("make-model: head_dim = --dim {} / --heads {} = {} must be even for RoPE",
                        o.model_dim, o.num_heads, o.model_dim / o.num_heads);
  }
  if (o.num_heads % o.num_kv_heads != 0) {
    return InvalidInput("make-model: --heads {} is not a multiple of --kv-heads {}", o.num_heads,
                        o.num_kv_heads);
  }
  const DTypeInfo& info = GetDTypeInfo(o.dtype);
  const bool plain = o.dtype == DType::kF32 || o.dtype == DType::kF16 || o.dtype == DType::kBF16;
  if (!plain && (!info.is_quantized || info.quantize_row == nullptr)) {
    return InvalidInput("make-model: --dtype {} cannot hold weights (use f32, f16, bf16 or a "
                        "quantized type)",
                        info.name);
  }
  for (int64_t cols : {o.model_dim, o.ffn_dim}) {
    if (!RowFitsBlocks(o.dtype, cols)) {
      return InvalidInput("make-model: --dtype {} needs rows that are multiples of {} elements, "
                          "got a row of {}",
                          info.name, info.block_size, cols);
    }
  }
  return Status::Ok();
}

Result<Metadata> BuiltinVocabMetadata(int64_t vocab_size) {
  constexpr int64_t kNumFixed = 3 + 256;
  if (vocab_size < kNumFixed) {
    return InvalidInput("make-model: --vocab {} is too small for the built-in byte-level "
                        "vocabulary (needs at least {}: <unk>, <s>, </s> and 256 byte tokens)",
                        vocab_size, kNumFixed);
  }
  std::vector<std::string> pieces;
  pieces.reserve(vocab_size);
  std::vector<int32_t> types;
  types.reserve(vocab_size);
  pieces.push_back("<unk>"), types.push_back(static_cast<int32_t>(TokenType::kUnknown));
  pieces.push_back("<s>"), types.push_back(static_cast<int32_t>(TokenType::kControl));
  pieces.push_back("</s>"), types.push_back(static_cast<int32_t>(TokenType::kControl));
  for (int b = 0; b < 256; ++b) {
    pieces.push_back(fmt::format("<0x{:02X}>", b));
    types.push_back(static_cast<int32_t>(TokenType::kByte));
  }
  // Normal pieces: single characters, then letter n-grams of growing length. Each
  // n-gram's (n-1)-prefix is already present, so SentencePiece BPE can reach it by
  // merging.
  std::vector<std::string> alphabet;
  alphabet.emplace_back(kSpace);
  for (char c : kLetters) alphabet.emplace_back(1, c);
  std::vector<std::string> normal = alphabet;
  for (char c = '!'; c <= '~'; ++c) {
    if (c >= 'a' && c <= 'z') continue;
    normal.emplace_back(1, c);
  }
  const size_t num_normal = static_cast<size_t>(vocab_size - kNumFixed);
  std::vector<std::string> level = alphabet;
  while (normal.size() < num_normal) {
    std::vector<std::string> next;
    for (const std::string& prefix : level) {
      for (char c : kLetters) next.push_back(prefix + c);
    }
    normal.insert(normal.end(), next.begin(), next.end());
    level = std::move(next);
  }
  normal.resize(vocab_size - kNumFixed);

  std::vector<MetaValue> tokens, scores, token_types;
  tokens.reserve(vocab_size), scores.reserve(vocab_size), token_types.reserve(vocab_size);
  for (size_t i = 0; i < pieces.size(); ++i) {
    tokens.push_back(MetaValue::Str(pieces[i]));
    scores.push_back(MetaValue::F32(0.0f));
    token_types.push_back(MetaValue::I32(types[i]));
  }
  // Scores fall with the index, as BPE merge ranks do: shorter pieces and more frequent
  // letters merge first.
  for (size_t i = 0; i < normal.size(); ++i) {
    tokens.push_back(MetaValue::Str(normal[i]));
    scores.push_back(MetaValue::F32(-static_cast<float>(i)));
    token_types.push_back(MetaValue::I32(static_cast<int32_t>(TokenType::kNormal)));
  }
  Metadata md;
  md.Set("tokenizer.ggml.model", MetaValue::Str("llama"));
  md.Set("tokenizer.ggml.tokens", MetaValue::Array(MetaType::kString, std::move(tokens)));
  md.Set("tokenizer.ggml.scores", MetaValue::Array(MetaType::kF32, std::move(scores)));
  md.Set("tokenizer.ggml.token_type", MetaValue::Array(MetaType::kI32, std::move(token_types)));
  md.Set("tokenizer.ggml.bos_token_id", MetaValue::U32(1));
  md.Set("tokenizer.ggml.eos_token_id", MetaValue::U32(2));
  md.Set("tokenizer.ggml.unknown_token_id", MetaValue::U32(0));
  md.Set("tokenizer.ggml.add_bos_token", MetaValue::Bool(true));
  md.Set("tokenizer.ggml.add_eos_token", MetaValue::Bool(false));
  return md;
}

Result<ModelFile> MakeRandomModel(const MakeModelOptions& options, ThreadPool* pool) {
  MakeModelOptions o = options;
  Metadata vocab;
  if (o.vocab_from != nullptr) {
    const MetaArray* tokens = o.vocab_from->GetArray("tokenizer.ggml.tokens");
    if (tokens == nullptr || tokens->items.empty()) {
      return InvalidInput("make-model: --vocab-from model has no tokenizer.ggml.tokens array");
    }
    o.vocab_size = static_cast<int64_t>(tokens->items.size());
    for (const auto& [key, value] : o.vocab_from->entries()) {
      if (key.rfind("tokenizer.", 0) == 0) vocab.Set(key, value);
    }
  } else {
    CRATIO_ASSIGN_OR_RETURN(vocab, BuiltinVocabMetadata(o.vocab_size));
  }
  CRATIO_RETURN_IF_ERROR(ValidateMakeModelOptions(o));
  const int64_t head_dim = o.model_dim / o.num_heads;

  ModelFile m;
  m.format = FileFormat::kGguf;
  Metadata& md = m.metadata;
  md.Set("general.architecture", MetaValue::Str("llama"));
  md.Set("general.name", MetaValue::Str(o.name));
  md.Set("general.file_type", MetaValue::U32(LlamaFileType(o.dtype)));
  md.Set("llama.context_length", MetaValue::U32(static_cast<uint32_t>(o.context_length)));
  md.Set("llama.embedding_length", MetaValue::U32(static_cast<uint32_t>(o.model_dim)));
  md.Set("llama.block_count", MetaValue::U32(static_cast<uint32_t>(o.num_layers)));
  md.Set("llama.feed_forward_length", MetaValue::U32(static_cast<uint32_t>(o.ffn_dim)));
  md.Set("llama.rope.dimension_count", MetaValue::U32(static_cast<uint32_t>(head_dim)));
  md.Set("llama.attention.head_count", MetaValue::U32(static_cast<uint32_t>(o.num_heads)));
  md.Set("llama.attention.head_count_kv", MetaValue::U32(static_cast<uint32_t>(o.num_kv_heads)));
  md.Set("llama.attention.layer_norm_rms_epsilon", MetaValue::F32(o.rms_norm_eps));
  md.Set("llama.rope.freq_base", MetaValue::F32(o.rope_freq_base));
  md.Set("llama.vocab_size", MetaValue::U32(static_cast<uint32_t>(o.vocab_size)));
  if (GetDTypeInfo(o.dtype).is_quantized) {
    md.Set("general.quantization_version", MetaValue::U32(2));
  }
  md.Set("cratio.make_model.seed", MetaValue::U64(o.seed));
  for (const auto& [key, value] : vocab.entries()) md.Set(key, value);

  for (const TensorPlan& p : PlanTensors(o)) {
    const uint64_t size_bytes = TensorBytes(p.dtype, p.shape);
    auto buffer = std::make_shared<AlignedBuffer>(size_bytes);
    FillTensor(p, o.seed, buffer->data(), pool);
    TensorEntry e;
    e.name = p.name;
    e.file_name = p.name;
    e.view = TensorView{p.dtype, p.shape, buffer->data(), size_bytes};
    m.tensors.push_back(std::move(e));
    m.owned.push_back(std::move(buffer));
  }
  return m;
}

}  // namespace cratio
