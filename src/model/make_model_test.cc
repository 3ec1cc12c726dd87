// Tests of the random model maker: determinism across seeds and thread counts, weight
// statistics, shapes and metadata, the built-in vocabulary, and a finite forward pass.
#include "model/make_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>

#include "model/config.h"
#include "model/session.h"
#include "model/weights.h"
#include "tokenizer/tokenizer.h"

namespace cratio {
namespace {

bool SameTensors(const ModelFile& a, const ModelFile& b) {
  if (a.tensors.size() != b.tensors.size()) return false;
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    const TensorView& x = a.tensors[i].view;
    const TensorView& y = b.tensors[i].view;
    if (a.tensors[i].name != b.tensors[i].name || x.dtype != y.dtype || x.shape != y.shape ||
        x.size_bytes != y.size_bytes || std::memcmp(x.data, y.data, x.size_bytes) != 0) {
      return false;
    }
  }
  return true;
}

const TensorView& Find(const ModelFile& m, const std::string& name) {
  const TensorEntry* e = m.FindTensor(name);
  EXPECT_NE(e, nullptr) << name;
  return e->view;
}

void MeanStd(const TensorView& v, double* mean, double* std) {
  const float* p = v.as<float>();
  const int64_t n = v.num_elements();
  double sum = 0, sum2 = 0;
  for (int64_t i = 0; i < n; ++i) sum += p[i], sum2 += double{p[i]} * p[i];
  *mean = sum / n;
  *std = std::sqrt(sum2 / n - *mean * *mean);
}

TEST(MakeModel, SameSeedGivesIdenticalWeightsWhateverTheThreadCount) {
  auto options = PresetOptions("tiny");
  ASSERT_TRUE(options.ok());
  options->seed = 42;
  ThreadPool three(3);
  auto a = MakeRandomModel(*options, nullptr);
  auto b = MakeRandomModel(*options, &three);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().message();
  EXPECT_TRUE(SameTensors(*a, *b));
  EXPECT_TRUE(a->metadata == b->metadata);
  options->seed = 43;
  auto c = MakeRandomModel(*options, nullptr);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(SameTensors(*a, *c));
}

TEST(MakeModel, WeightsHaveTheDocumentedScale) {
  MakeModelOptions o;
  o.model_dim = 256, o.ffn_dim = 512, o.num_heads = 8, o.num_kv_heads = 4, o.num_layers = 1;
  o.vocab_size = 1000, o.seed = 7;
  auto m = MakeRandomModel(o, nullptr);
  ASSERT_TRUE(m.ok()) << m.status().message();
  double mean, std;
  MeanStd(Find(*m, "blk.0.attn_q.weight"), &mean, &std);  // 65536 values, fan_in 256
  EXPECT_NEAR(mean, 0.0, 0.002);
  EXPECT_NEAR(std, 1.0 / 16.0, 0.0625 * 0.02);
  MeanStd(Find(*m, "blk.0.ffn_down.weight"), &mean, &std);  // fan_in 512
  EXPECT_NEAR(std, 1.0 / std::sqrt(512.0), 0.02 / std::sqrt(512.0));
  MeanStd(Find(*m, "token_embd.weight"), &mean, &std);
  EXPECT_NEAR(std, kEmbeddingStd, kEmbeddingStd * 0.02);
  // Gaussian shape: about 4.55 % of N(0,1) samples fall beyond 2 sigma.
  const TensorView& q = Find(*m, "blk.0.attn_q.weight");
  int64_t beyond = 0;
  for (int64_t i = 0; i < q.num_elements(); ++i) beyond += std::abs(q.as<float>()[i]) > 2.0 / 16;
  EXPECT_NEAR(static_cast<double>(beyond) / q.num_elements(), 0.0455, 0.003);
  const TensorView& norm = Find(*m, "blk.0.attn_norm.weight");
  EXPECT_EQ(norm.dtype, DType::kF32);
  for (int64_t i = 0; i < norm.num_elements(); ++i) ASSERT_EQ(norm.as<float>()[i], 1.0f);
}

TEST(MakeModel, WritesLlamaCppShapesAndMetadata) {
  MakeModelOptions o;  // tiny defaults
  o.dtype = DType::kF16;
  o.num_layers = 3;
  auto m = MakeRandomModel(o, nullptr);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->tensors.size(), 3u + 9 * 3);
  EXPECT_EQ(Find(*m, "blk.2.attn_k.weight").shape, (Shape{32, 64}));  // 2 KV heads of 16
  EXPECT_EQ(Find(*m, "blk.2.attn_k.weight").dtype, DType::kF16);
  EXPECT_EQ(Find(*m, "blk.1.ffn_down.weight").shape, (Shape{64, 172}));
  EXPECT_EQ(Find(*m, "output.weight").shape, (Shape{260, 64}));
  EXPECT_EQ(Find(*m, "output_norm.weight").dtype, DType::kF32);
  const Metadata& md = m->metadata;
  EXPECT_EQ(md.GetString("general.architecture"), "llama");
  EXPECT_EQ(md.GetInt("general.file_type"), 1);
  EXPECT_EQ(md.GetInt("llama.block_count"), 3);
  EXPECT_EQ(md.GetInt("llama.embedding_length"), 64);
  EXPECT_EQ(md.GetInt("llama.feed_forward_length"), 172);
  EXPECT_EQ(md.GetInt("llama.attention.head_count"), 4);
  EXPECT_EQ(md.GetInt("llama.attention.head_count_kv"), 2);
  EXPECT_EQ(md.GetInt("llama.rope.dimension_count"), 16);
  EXPECT_EQ(md.GetInt("llama.vocab_size"), 260);
  auto config = ModelConfig::FromModelFile(*m);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->num_layers, 3);
  EXPECT_EQ(config->head_dim, 16);
  EXPECT_FALSE(config->tied_output);
}

TEST(MakeModel, PresetShapesMatchTheirModels) {
  auto tiny = PresetOptions("tiny");
  auto b1 = PresetOptions("1b");
  auto m110 = PresetOptions("110m");
  ASSERT_TRUE(tiny.ok() && b1.ok() && m110.ok());
  auto params = [](const MakeModelOptions& o) {
    const int64_t head_dim = o.model_dim / o.num_heads;
    const int64_t attn = 2 * o.model_dim * o.model_dim + 2 * o.num_kv_heads * head_dim * o.model_dim;
    return 2 * o.vocab_size * o.model_dim + o.model_dim +
           o.num_layers * (attn + 3 * o.ffn_dim * o.model_dim + 2 * o.model_dim);
  };
  // TinyLlama-1.1B has 1,100,048,384 parameters.
  EXPECT_EQ(params(*b1), 1100048384);
  EXPECT_EQ(b1->num_kv_heads, 4);
  EXPECT_EQ(m110->model_dim, 768);
  EXPECT_LT(params(*tiny) * 4, 1 << 20);
  auto m = MakeRandomModel(*tiny, nullptr);
  ASSERT_TRUE(m.ok());
  int64_t n = 0;
  for (const TensorEntry& e : m->tensors) n += e.view.num_elements();
  EXPECT_EQ(n, params(*tiny));
  auto bad = PresetOptions("huge");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(bad.status().message().find("'huge'"), std::string::npos);
}

TEST(MakeModel, RejectsShapesThatDoNotSplitIntoHeads) {
  MakeModelOptions o;
  o.num_heads = 5;  // 64 / 5
  Status s = ValidateMakeModelOptions(o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("--heads 5"), std::string::npos) << s.message();
  o = MakeModelOptions{};
  o.num_kv_heads = 3;
  EXPECT_NE(ValidateMakeModelOptions(o).message().find("--kv-heads 3"), std::string::npos);
  o = MakeModelOptions{};
  o.dtype = DType::kQ4_0;  // ffn 172 is not a multiple of 32
  s = ValidateMakeModelOptions(o);
  EXPECT_NE(s.message().find("172"), std::string::npos) << s.message();
  o = MakeModelOptions{};
  o.vocab_size = 100;
  EXPECT_EQ(MakeRandomModel(o, nullptr).status().code(), StatusCode::kInvalidInput);
}

TEST(MakeModel, BuiltinVocabularyTokenizesAnyTextAndRoundTrips) {
  auto md = BuiltinVocabMetadata(32000);
  ASSERT_TRUE(md.ok()) << md.status().message();
  const MetaArray* tokens = md->GetArray("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  ASSERT_EQ(tokens->items.size(), 32000u);
  std::set<std::string> unique;
  TokenizerSpec spec;
  spec.model = "llama";
  for (const MetaValue& v : tokens->items) {
    unique.insert(*v.AsString());
    spec.tokens.push_back(*v.AsString());
  }
  EXPECT_EQ(unique.size(), 32000u);  // no duplicate pieces
  EXPECT_EQ(spec.tokens[0], "<unk>");
  EXPECT_EQ(spec.tokens[1], "<s>");
  EXPECT_EQ(spec.tokens[3 + 0x41], "<0x41>");
  for (const MetaValue& v : md->GetArray("tokenizer.ggml.scores")->items) {
    spec.scores.push_back(static_cast<float>(*v.AsDouble()));
  }
  for (const MetaValue& v : md->GetArray("tokenizer.ggml.token_type")->items) {
    spec.token_types.push_back(static_cast<int32_t>(*v.AsInt()));
  }
  spec.unk_id = 0, spec.bos_id = 1, spec.eos_id = 2;
  auto tok = CreateTokenizer(spec);
  ASSERT_TRUE(tok.ok()) << tok.status().message();
  const std::string text = "the cat sat on the mat. Ünïcödé 日本 ✓";
  auto ids = (*tok)->Encode(text, /*add_special=*/true);
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  EXPECT_EQ((*ids)[0], 1);
  EXPECT_EQ((*tok)->Decode(*ids), text);
  // Common words merge into multi-letter pieces: "▁the" is one token, and the 22
  // characters below take at most 2 tokens per word.
  auto words = (*tok)->Encode("the cat sat on the mat", /*add_special=*/false);
  ASSERT_TRUE(words.ok());
  EXPECT_LE(words->size(), 12u);
  auto the = (*tok)->Encode("the", false);
  ASSERT_TRUE(the.ok());
  ASSERT_EQ(the->size(), 1u);
  EXPECT_EQ(spec.tokens[(*the)[0]], "\xe2\x96\x81the");
  EXPECT_FALSE(BuiltinVocabMetadata(258).ok());
}

TEST(MakeModel, VocabFromCopiesTokenizerAndVocabSize) {
  auto other = BuiltinVocabMetadata(300);
  ASSERT_TRUE(other.ok());
  MakeModelOptions o;
  o.vocab_from = &*other;
  auto m = MakeRandomModel(o, nullptr);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(Find(*m, "token_embd.weight").shape, (Shape{300, 64}));
  EXPECT_EQ(m->metadata.GetInt("llama.vocab_size"), 300);
  EXPECT_TRUE(*m->metadata.Find("tokenizer.ggml.tokens") == *other->Find("tokenizer.ggml.tokens"));
}

TEST(MakeModel, RandomModelForwardGivesFiniteLogitsWithSpread) {
  MakeModelOptions o;
  o.num_layers = 4;
  o.seed = 3;
  auto m = MakeRandomModel(o, nullptr);
  ASSERT_TRUE(m.ok());
  auto config = ModelConfig::FromModelFile(*m);
  ASSERT_TRUE(config.ok()) << config.status().message();
  auto weights = ModelWeights::Load(*m, *config);
  ASSERT_TRUE(weights.ok()) << weights.status().message();
  SessionOptions so;
  so.n_ctx = 32;
  so.num_threads = 1;
  auto session = Session::Create(*weights, so);
  ASSERT_TRUE(session.ok()) << session.status().message();
  Batch batch;
  const int32_t tokens[] = {1, 100, 200, 7, 259, 42, 3, 150};
  for (int32_t p = 0; p < 8; ++p) batch.Add(tokens[p], p, 0, /*want_logits=*/true);
  ASSERT_TRUE((*session)->Forward(batch).ok());
  for (int64_t row = 0; row < 8; ++row) {
    const float* logits = (*session)->logits(row);
    double sum = 0, sum2 = 0;
    for (int64_t v = 0; v < o.vocab_size; ++v) {
      ASSERT_TRUE(std::isfinite(logits[v]));
      sum += logits[v], sum2 += double{logits[v]} * logits[v];
    }
    const double mean = sum / o.vocab_size;
    const double std = std::sqrt(sum2 / o.vocab_size - mean * mean);
    // Output weights of std 1/sqrt(dim) on a unit-RMS state: logits of std about 1.
    EXPECT_GT(std, 0.3) << "row " << row;
    EXPECT_LT(std, 5.0) << "row " << row;
  }
}

}  // namespace
}  // namespace cratio
