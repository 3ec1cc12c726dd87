// Tests for llama2.c checkpoints (v0 write/read, v1 read, size checks) and tokenizer.bin.
#include "io/llama2c.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "io/hf_names.h"
#include "io/io_test_helpers.h"
#include "io/llama2c_layout.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kDim = 8, kHidden = 12, kLayers = 2, kHeads = 2, kKvHeads = 1, kVocab = 7,
                  kSeqLen = 16;

ModelFile TinyLlama(bool with_output, DType dtype = DType::kF32) {
  ModelFile m;
  m.metadata.Set("general.architecture", MetaValue::Str("llama"));
  m.metadata.Set("llama.embedding_length", MetaValue::U32(kDim));
  m.metadata.Set("llama.block_count", MetaValue::U32(kLayers));
  m.metadata.Set("llama.feed_forward_length", MetaValue::U32(kHidden));
  m.metadata.Set("llama.attention.head_count", MetaValue::U32(kHeads));
  m.metadata.Set("llama.attention.head_count_kv", MetaValue::U32(kKvHeads));
  m.metadata.Set("llama.context_length", MetaValue::U32(kSeqLen));
  m.metadata.Set("llama.attention.layer_norm_rms_epsilon", MetaValue::F32(1e-5f));
  const int64_t kv_dim = kDim / kHeads * kKvHeads;
  uint32_t seed = 100;
  testing::AddRandomTensor(m, "token_embd.weight", dtype, Shape{kVocab, kDim}, seed++);
  for (int l = 0; l < kLayers; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    testing::AddRandomTensor(m, b + "attn_norm.weight", DType::kF32, Shape{kDim}, seed++);
    testing::AddRandomTensor(m, b + "attn_q.weight", dtype, Shape{kDim, kDim}, seed++);
    testing::AddRandomTensor(m, b + "attn_k.weight", dtype, Shape{kv_dim, kDim}, seed++);
    testing::AddRandomTensor(m, b + "attn_v.weight", dtype, Shape{kv_dim, kDim}, seed++);
    testing::AddRandomTensor(m, b + "attn_output.weight", dtype, Shape{kDim, kDim}, seed++);
    testing::AddRandomTensor(m, b + "ffn_norm.weight", DType::kF32, Shape{kDim}, seed++);
    testing::AddRandomTensor(m, b + "ffn_gate.weight", dtype, Shape{kHidden, kDim}, seed++);
    testing::AddRandomTensor(m, b + "ffn_down.weight", dtype, Shape{kDim, kHidden}, seed++);
    testing::AddRandomTensor(m, b + "ffn_up.weight", dtype, Shape{kHidden, kDim}, seed++);
  }
  testing::AddRandomTensor(m, "output_norm.weight", DType::kF32, Shape{kDim}, seed++);
  if (with_output) {
    testing::AddRandomTensor(m, "output.weight", dtype, Shape{kVocab, kDim}, seed++);
  }
  return m;
}

int32_t HeaderField(const std::string& bytes, int index) {
  int32_t v;
  std::memcpy(&v, bytes.data() + 4 * index, 4);
  return v;
}

TEST(Llama2c, WriteThenReadGivesTheSameTensorsAndConfig) {
  const std::string path = testing::TempDir() + "/model.bin";
  const ModelFile m = TinyLlama(/*with_output=*/true);
  ASSERT_TRUE(WriteLlama2c(path, m).ok());

  const std::string bytes = testing::ReadBytes(path);
  EXPECT_EQ(HeaderField(bytes, 0), kDim);
  EXPECT_EQ(HeaderField(bytes, 1), kHidden);
  EXPECT_EQ(HeaderField(bytes, 2), kLayers);
  EXPECT_EQ(HeaderField(bytes, 5), -kVocab);  // negative: wcls is stored
  EXPECT_EQ(HeaderField(bytes, 6), kSeqLen);
  // Header + weights + the two RoPE tables [seq_len, head_size / 2].
  const int64_t kv_dim = kDim / kHeads * kKvHeads;
  const int64_t floats = 2 * kVocab * kDim + kDim +
                         kLayers * (2 * kDim + 2 * kDim * kDim + 2 * kv_dim * kDim +
                                    3 * kHidden * kDim) +
                         2 * kSeqLen * (kDim / kHeads / 2);
  EXPECT_EQ(bytes.size(), 28u + 4u * floats);

  Result<ModelFile> back = ReadLlama2c(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->format, FileFormat::kLlama2c);
  ASSERT_EQ(back->tensors.size(), m.tensors.size());
  for (const TensorEntry& t : m.tensors) {
    const TensorEntry* r = back->FindTensor(t.name);
    ASSERT_NE(r, nullptr) << t.name;
    EXPECT_EQ(r->view.shape, t.view.shape) << t.name;
    EXPECT_EQ(testing::ViewBytes(r->view), testing::ViewBytes(t.view)) << t.name;
  }
  const Metadata& md = back->metadata;
  EXPECT_EQ(md.GetString("general.architecture"), "llama");
  EXPECT_EQ(md.GetInt("llama.embedding_length"), kDim);
  EXPECT_EQ(md.GetInt("llama.feed_forward_length"), kHidden);
  EXPECT_EQ(md.GetInt("llama.block_count"), kLayers);
  EXPECT_EQ(md.GetInt("llama.attention.head_count"), kHeads);
  EXPECT_EQ(md.GetInt("llama.attention.head_count_kv"), kKvHeads);
  EXPECT_EQ(md.GetInt("llama.context_length"), kSeqLen);
  EXPECT_EQ(md.GetInt("llama.rope.dimension_count"), kDim / kHeads);
  EXPECT_EQ(md.GetInt("llama.vocab_size"), kVocab);
  EXPECT_EQ(md.GetString(kKeyRopeLayout), "adjacent");

  // The RoPE tables hold cos / sin of pos * 10000^(-2i / head_size).
  const int64_t table_start = 28 + 4 * (kVocab * kDim + kDim +
                                        kLayers * (2 * kDim + 2 * kDim * kDim +
                                                   2 * kv_dim * kDim + 3 * kHidden * kDim));
  const int64_t half = kDim / kHeads / 2;
  float cos_3_1, sin_3_1;
  std::memcpy(&cos_3_1, bytes.data() + table_start + 4 * (3 * half + 1), 4);
  std::memcpy(&sin_3_1, bytes.data() + table_start + 4 * (kSeqLen * half + 3 * half + 1), 4);
  const double angle = 3.0 * std::pow(10000.0, -2.0 / (kDim / kHeads));
  EXPECT_FLOAT_EQ(cos_3_1, static_cast<float>(std::cos(angle)));
  EXPECT_FLOAT_EQ(sin_3_1, static_cast<float>(std::sin(angle)));
}

TEST(Llama2c, SharedClassifierHasPositiveVocabAndNoOutputTensor) {
  const std::string path = testing::TempDir() + "/shared.bin";
  ASSERT_TRUE(WriteLlama2c(path, TinyLlama(/*with_output=*/false)).ok());
  EXPECT_EQ(HeaderField(testing::ReadBytes(path), 5), kVocab);
  Result<ModelFile> back = ReadLlama2c(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->FindTensor("output.weight"), nullptr);
  EXPECT_NE(back->FindTensor("token_embd.weight"), nullptr);
}

TEST(Llama2c, HalfLayoutF16ModelIsDequantizedAndPermutedToAdjacent) {
  const std::string path = testing::TempDir() + "/half.bin";
  ModelFile m = TinyLlama(true, DType::kF16);
  m.metadata.Set(std::string(kKeyRopeLayout), MetaValue::Str("half"));
  ASSERT_TRUE(WriteLlama2c(path, m).ok());
  Result<ModelFile> back = ReadLlama2c(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  const TensorView& q_half = m.FindTensor("blk.1.attn_q.weight")->view;
  Result<Tensor> q_adj = PermuteQk(q_half, kHeads, QkPermutation::kHalfToAdjacent);
  ASSERT_TRUE(q_adj.ok());
  const TensorView& q_read = back->FindTensor("blk.1.attn_q.weight")->view;
  ASSERT_EQ(q_read.dtype, DType::kF32);
  for (int64_t i = 0; i < kDim * kDim; ++i) {
    EXPECT_EQ(q_read.as<float>()[i], F16ToF32(q_adj->as<uint16_t>()[i])) << i;
  }
  // V is not rotated: same order, only widened.
  const TensorView& v_read = back->FindTensor("blk.0.attn_v.weight")->view;
  const TensorView& v_src = m.FindTensor("blk.0.attn_v.weight")->view;
  EXPECT_EQ(v_read.as<float>()[5], F16ToF32(v_src.as<uint16_t>()[5]));
}

TEST(Llama2c, WriterRejectsModelsTheFormatCannotHold) {
  const std::string dir = testing::TempDir();
  ModelFile qwen = TinyLlama(true);
  qwen.metadata.Set("general.architecture", MetaValue::Str("qwen2"));
  Status s = WriteLlama2c(dir + "/q.bin", qwen);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("'qwen2'"), std::string::npos) << s.message();

  ModelFile pruned = TinyLlama(true);
  std::erase_if(pruned.tensors,
                [](const TensorEntry& t) { return t.name == "blk.1.ffn_gate.weight"; });
  testing::AddRandomTensor(pruned, "blk.1.ffn_gate.weight", DType::kF32, Shape{6, kDim}, 1);
  s = WriteLlama2c(dir + "/p.bin", pruned);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("'blk.1.ffn_gate.weight' has shape [6, 8]"), std::string::npos)
      << s.message();
  EXPECT_FALSE(fs::exists(dir + "/p.bin"));

  ModelFile base = TinyLlama(true);
  base.metadata.Set("llama.rope.freq_base", MetaValue::F32(500000.0f));
  s = WriteLlama2c(dir + "/b.bin", base);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("base 500000"), std::string::npos) << s.message();
}

TEST(Llama2c, TruncatedFileNamesExpectedAndActualSize) {
  const std::string path = testing::TempDir() + "/model.bin";
  ASSERT_TRUE(WriteLlama2c(path, TinyLlama(true)).ok());
  std::string bytes = testing::ReadBytes(path);
  const size_t full = bytes.size();
  bytes.resize(full - 4);
  testing::WriteBytes(path, bytes);
  Result<ModelFile> m = ReadLlama2c(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(m.status().message().find(fmt::format("needs {} bytes, file has {}", full, full - 4)),
            std::string::npos) << m.status().message();
  EXPECT_FALSE(LooksLikeLlama2c(path));
}

TEST(Llama2c, ReadModelFileRecognisesCheckpointsAndExplainsBadOnes) {
  const std::string path = testing::TempDir() + "/stories.bin";
  ASSERT_TRUE(WriteLlama2c(path, TinyLlama(true)).ok());
  Result<ModelFile> m = ReadModelFile(path);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->format, FileFormat::kLlama2c);
  EXPECT_EQ(m->FindTensor("blk.1.ffn_up.weight")->view.shape, (Shape{kHidden, kDim}));

  std::string bytes = testing::ReadBytes(path);
  bytes.resize(bytes.size() / 2);
  testing::WriteBytes(path, bytes);
  m = ReadModelFile(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(m.status().message().find("llama2.c"), std::string::npos) << m.status().message();
}

TEST(Llama2c, PytorchZipNamedBinIsNotTakenForACheckpoint) {
  const std::string path = testing::TempDir() + "/pytorch_model.bin";
  testing::WriteBytes(path, std::string("PK\x03\x04", 4) + std::string(60, '\0'));
  Result<ModelFile> m = ReadModelFile(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(m.status().message().find("unrecognised model file"), std::string::npos)
      << m.status().message();
}

TEST(Llama2c, ImplausibleHeaderIsRejectedBeforeAnyView) {
  const std::string path = testing::TempDir() + "/bad.bin";
  const int32_t header[7] = {8, 12, 2, 3, 1, 7, 16};  // 8 does not split into 3 heads
  testing::WriteBytes(path, std::string(reinterpret_cast<const char*>(header), sizeof(header)));
  Result<ModelFile> m = ReadLlama2c(path);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("dim 8 does not split into 3 heads"), std::string::npos)
      << m.status().message();
  const int32_t huge[7] = {1 << 30, 1 << 30, 1 << 30, 1, 1, 1 << 30, 1};
  testing::WriteBytes(path, std::string(reinterpret_cast<const char*>(huge), sizeof(huge)));
  m = ReadLlama2c(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  testing::WriteBytes(path, "abc");
  m = ReadLlama2c(path);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("dim needs 4 bytes at offset 0, file has 3"),
            std::string::npos) << m.status().message();
}

TEST(Llama2c, CorruptedHeadersNeverCrash) {
  const std::string path = testing::TempDir() + "/model.bin";
  ASSERT_TRUE(WriteLlama2c(path, TinyLlama(true)).ok());
  const std::string good = testing::ReadBytes(path);
  std::mt19937 rng(99);
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes = good;
    bytes[rng() % 28] = static_cast<char>(rng() & 0xff);
    if (trial % 3 == 0) bytes.resize(rng() % bytes.size());
    testing::WriteBytes(path, bytes);
    Result<ModelFile> m = ReadLlama2c(path);
    if (!m.ok()) {
      EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput) << m.status().message();
      continue;
    }
    // Whatever was accepted fits the file exactly.
    uint64_t end = 0;
    for (const TensorEntry& t : m->tensors) end = std::max(end, t.file_offset + t.view.size_bytes);
    EXPECT_LE(end, bytes.size());
  }
}

TEST(Llama2c, ReadsVersion1Checkpoints) {
  // v1: magic, version, 7 ints, shared flag, zero padding to 256 bytes, then the norms,
  // the embedding, and each kind of matrix for all layers.
  Llama2cConfig c{kDim, kHidden, kLayers, kHeads, kKvHeads, kVocab, kSeqLen};
  std::string bytes(256, '\0');
  const uint32_t magic = llama2c::kMagicV1;
  const int32_t version = 1;
  std::memcpy(&bytes[0], &magic, 4);
  std::memcpy(&bytes[4], &version, 4);
  std::memcpy(&bytes[8], &c, sizeof(c));
  bytes[36] = 1;  // shared classifier
  const auto layout = llama2c::Layout(c, true, 1);
  const int64_t floats = llama2c::TotalFloats(layout, kLayers);
  std::vector<float> w(floats);
  for (int64_t i = 0; i < floats; ++i) w[i] = static_cast<float>(i);
  bytes += testing::AsBytes(w);
  const std::string path = testing::TempDir() + "/v1.bin";
  testing::WriteBytes(path, bytes);
  EXPECT_TRUE(LooksLikeLlama2c(path));

  Result<ModelFile> m = ReadLlama2c(path);
  ASSERT_TRUE(m.ok()) << m.status().message();
  // Order: attn_norm x2, ffn_norm x2, output_norm, token_embd, wq x2, ...
  EXPECT_EQ(m->FindTensor("blk.1.attn_norm.weight")->view.as<float>()[0], 8.0f);
  EXPECT_EQ(m->FindTensor("blk.0.ffn_norm.weight")->view.as<float>()[0], 16.0f);
  EXPECT_EQ(m->FindTensor("output_norm.weight")->view.as<float>()[0], 32.0f);
  EXPECT_EQ(m->FindTensor("token_embd.weight")->view.as<float>()[0], 40.0f);
  EXPECT_EQ(m->FindTensor("blk.0.attn_q.weight")->view.as<float>()[0], 40.0f + kVocab * kDim);
  EXPECT_EQ(m->FindTensor("blk.1.attn_q.weight")->view.as<float>()[0],
            40.0f + kVocab * kDim + kDim * kDim);
  EXPECT_EQ(m->FindTensor("output.weight"), nullptr);
  EXPECT_EQ(m->FindTensor("blk.1.ffn_up.weight")->view.as<float>()[kHidden * kDim - 1],
            static_cast<float>(floats - 1));
}

TEST(Llama2cTokenizer, ReadsTheRealLlama2Vocabulary) {
  CRATIO_REQUIRE_DATA_FILE("tokenizer/llama2c/tokenizer.bin");
  Result<Metadata> m = ReadLlama2cTokenizer(testing::DataPath("tokenizer/llama2c/tokenizer.bin"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->GetString("tokenizer.ggml.model"), "llama");
  const MetaArray* tokens = m->GetArray("tokenizer.ggml.tokens");
  const MetaArray* scores = m->GetArray("tokenizer.ggml.scores");
  const MetaArray* types = m->GetArray("tokenizer.ggml.token_type");
  ASSERT_NE(tokens, nullptr);
  ASSERT_EQ(tokens->items.size(), 32000u);
  ASSERT_EQ(scores->items.size(), 32000u);
  ASSERT_EQ(types->items.size(), 32000u);
  auto token = [&](int i) { return *tokens->items[i].AsString(); };
  auto score = [&](int i) { return *scores->items[i].AsDouble(); };
  auto type = [&](int i) { return *types->items[i].AsInt(); };
  EXPECT_EQ(token(0), "<unk>");
  EXPECT_EQ(type(0), 2);
  EXPECT_EQ(token(1), "<s>");
  EXPECT_EQ(type(1), 3);
  EXPECT_EQ(token(2), "</s>");
  EXPECT_EQ(type(2), 3);
  EXPECT_EQ(token(13), "<0x0A>");
  EXPECT_EQ(type(13), 6);
  EXPECT_EQ(token(260), "\xe2\x96\x81t");  // "▁t"
  EXPECT_EQ(score(260), -1.0);
  EXPECT_EQ(type(260), 1);
  EXPECT_EQ(token(259), "\xe2\x96\x81\xe2\x96\x81");
  EXPECT_EQ(score(259), -1e9);
  EXPECT_EQ(token(29889), ".");
  EXPECT_EQ(score(29889), -29630.0);
  EXPECT_EQ(token(31999), "\xe7\xbb\x99");  // 给
  EXPECT_EQ(m->GetInt("tokenizer.ggml.bos_token_id"), 1);
  EXPECT_EQ(m->GetInt("tokenizer.ggml.eos_token_id"), 2);
  EXPECT_EQ(m->GetInt("tokenizer.ggml.unknown_token_id"), 0);
}

ModelFile WithVocab(ModelFile m) {
  std::vector<MetaValue> tokens, scores;
  const char* pieces[kVocab] = {"<unk>", "<s>", "</s>", "<0x0A>", "\xe2\x96\x81the", "a", "b"};
  for (int i = 0; i < kVocab; ++i) {
    tokens.push_back(MetaValue::Str(pieces[i]));
    scores.push_back(MetaValue::F32(-static_cast<float>(i)));
  }
  m.metadata.Set("tokenizer.ggml.tokens", MetaValue::Array(MetaType::kString, tokens));
  m.metadata.Set("tokenizer.ggml.scores", MetaValue::Array(MetaType::kF32, scores));
  return m;
}

TEST(Llama2cTokenizer, WrittenTokenizerIsFoundBesideTheModelAndReadsBack) {
  const std::string dir = testing::TempDir();
  ASSERT_TRUE(WriteLlama2c(dir + "/model.bin", WithVocab(TinyLlama(true)),
                           dir + "/tokenizer.bin").ok());
  // llama2.c's own spelling: spaces, and BOS / EOS wrapped in newlines.
  const std::string raw = testing::ReadBytes(dir + "/tokenizer.bin");
  EXPECT_NE(raw.find("\n<s>\n"), std::string::npos);
  EXPECT_NE(raw.find(" the"), std::string::npos);

  Result<ModelFile> m = ReadLlama2c(dir + "/model.bin");
  ASSERT_TRUE(m.ok()) << m.status().message();
  const MetaArray* tokens = m->metadata.GetArray("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  ASSERT_EQ(tokens->items.size(), static_cast<size_t>(kVocab));
  EXPECT_EQ(*tokens->items[4].AsString(), "\xe2\x96\x81the");
  EXPECT_EQ(*tokens->items[1].AsString(), "<s>");
  EXPECT_EQ(m->metadata.GetArray("tokenizer.ggml.scores")->items[6].AsDouble(), -6.0);
  EXPECT_EQ(m->metadata.GetArray("tokenizer.ggml.token_type")->items[3].AsInt(), 6);

  // An explicit tokenizer of the wrong size is an error naming both counts.
  CRATIO_REQUIRE_DATA_FILE("tokenizer/llama2c/tokenizer.bin");
  m = ReadLlama2c(dir + "/model.bin", testing::DataPath("tokenizer/llama2c/tokenizer.bin"));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("has 32000 tokens"), std::string::npos)
      << m.status().message();
  EXPECT_NE(m.status().message().find("vocab_size 7"), std::string::npos);
}

TEST(Llama2cTokenizer, RealStories260KRoundTripsWithItsVocabulary) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  Result<ModelFile> gguf = ReadModelFile(testing::DataPath("models/stories260K.gguf"));
  ASSERT_TRUE(gguf.ok()) << gguf.status().message();
  const std::string dir = testing::TempDir();
  // llama2.c names the 512-token vocabulary of this model tok512.bin.
  ASSERT_TRUE(WriteLlama2c(dir + "/stories260K.bin", *gguf, dir + "/tok512.bin").ok());
  Result<ModelFile> back = ReadModelFile(dir + "/stories260K.bin");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->format, FileFormat::kLlama2c);
  ASSERT_EQ(back->tensors.size(), gguf->tensors.size());
  for (const TensorEntry& t : gguf->tensors) {
    const TensorEntry* r = back->FindTensor(t.name);
    ASSERT_NE(r, nullptr) << t.name;
    EXPECT_EQ(r->view.shape, t.view.shape) << t.name;
    EXPECT_EQ(testing::ViewBytes(r->view), testing::ViewBytes(t.view)) << t.name;
  }
  for (const char* key : {"llama.embedding_length", "llama.feed_forward_length",
                          "llama.block_count", "llama.attention.head_count",
                          "llama.attention.head_count_kv", "llama.rope.dimension_count",
                          "llama.context_length", "tokenizer.ggml.bos_token_id",
                          "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id"}) {
    EXPECT_EQ(back->metadata.GetInt(key), gguf->metadata.GetInt(key)) << key;
  }
  // The vocabulary comes back exactly as llama.cpp's converter typed and scored it.
  for (const char* key : {"tokenizer.ggml.tokens", "tokenizer.ggml.scores",
                          "tokenizer.ggml.token_type"}) {
    const MetaArray* a = gguf->metadata.GetArray(key);
    const MetaArray* b = back->metadata.GetArray(key);
    ASSERT_NE(b, nullptr) << key;
    ASSERT_EQ(a->items.size(), b->items.size()) << key;
    for (size_t i = 0; i < a->items.size(); ++i) {
      EXPECT_EQ(a->items[i].AsString() ? *a->items[i].AsString() : "",
                b->items[i].AsString() ? *b->items[i].AsString() : "") << key << " " << i;
      EXPECT_EQ(a->items[i].AsDouble(), b->items[i].AsDouble()) << key << " " << i;
    }
  }
}

TEST(Llama2cTokenizer, CorruptTokenLengthIsReported) {
  const std::string path = testing::TempDir() + "/tok.bin";
  std::string bytes;
  const int32_t max_len = 4, len = 99;
  const float score = 0;
  bytes.append(reinterpret_cast<const char*>(&max_len), 4);
  bytes.append(reinterpret_cast<const char*>(&score), 4);
  bytes.append(reinterpret_cast<const char*>(&len), 4);
  testing::WriteBytes(path, bytes);
  Result<Metadata> m = ReadLlama2cTokenizer(path);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("token 0 has length 99"), std::string::npos)
      << m.status().message();
}

// A piece that is not UTF-8 could never be written to GGUF (whose reader refuses it).
TEST(Llama2cTokenizer, InvalidUtf8PieceIsReportedWithItsOffset) {
  const std::string path = testing::TempDir() + "/tok.bin";
  std::string bytes;
  const int32_t max_len = 4, len_a = 1, len_b = 2;
  const float score = 0;
  bytes.append(reinterpret_cast<const char*>(&max_len), 4);
  bytes.append(reinterpret_cast<const char*>(&score), 4);
  bytes.append(reinterpret_cast<const char*>(&len_a), 4);
  bytes += "a";  // token 0 ends at offset 4 + 8 + 1 = 13
  bytes.append(reinterpret_cast<const char*>(&score), 4);
  bytes.append(reinterpret_cast<const char*>(&len_b), 4);
  bytes += "\xc3\x28";  // a 2-byte lead followed by a non-continuation byte, at offset 21
  testing::WriteBytes(path, bytes);
  Result<Metadata> m = ReadLlama2cTokenizer(path);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("token 1 is not valid UTF-8: byte 0xc3 at offset 21"),
            std::string::npos)
      << m.status().message();
}

}  // namespace
}  // namespace cratio
