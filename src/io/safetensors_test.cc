// Tests for reading and writing safetensors files and Hugging Face model directories.
#include "io/safetensors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "io/hf_config.h"
#include "io/io_test_helpers.h"
#include "io/json_parse.h"
#include "numeric/half.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using testing::AsBytes;
using testing::SafetensorsBytes;
using testing::WriteBytes;

constexpr const char* kTinyLlamaConfig = R"({
  "architectures": ["LlamaForCausalLM"], "hidden_size": 8, "intermediate_size": 16,
  "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1,
  "vocab_size": 10, "max_position_embeddings": 64, "rms_norm_eps": 1e-05,
  "tie_word_embeddings": true })";

// Appends a tensor entry to `header` and its bytes to `data`.
void AddEntry(Json& header, std::string& data, const std::string& name, const char* dtype,
              std::vector<int64_t> shape, const std::string& bytes) {
  header[name] = Json{{"dtype", dtype}, {"shape", shape},
                      {"data_offsets", {data.size(), data.size() + bytes.size()}}};
  data += bytes;
}

std::vector<float> Iota(int n, float start) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

TEST(SafetensorsRead, SingleFileWithConfigMapsNamesDtypesAndMetadata) {
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/config.json", kTinyLlamaConfig);
  Json header;
  std::string data;
  header["__metadata__"] = Json{{"format", "pt"}};
  AddEntry(header, data, "model.embed_tokens.weight", "F32", {10, 8}, AsBytes(Iota(80, 0)));
  std::vector<uint16_t> q(64);
  for (int i = 0; i < 64; ++i) q[i] = F32ToBf16(0.5f * static_cast<float>(i));
  AddEntry(header, data, "model.layers.0.self_attn.q_proj.weight", "BF16", {8, 8}, AsBytes(q));
  std::vector<uint16_t> k(32);
  for (int i = 0; i < 32; ++i) k[i] = F32ToF16(-0.25f * static_cast<float>(i));
  AddEntry(header, data, "model.layers.0.self_attn.k_proj.weight", "F16", {4, 8}, AsBytes(k));
  AddEntry(header, data, "model.norm.weight", "F32", {8}, AsBytes(Iota(8, 100)));
  AddEntry(header, data, "model.layers.0.self_attn.rotary_emb.inv_freq", "F32", {2},
           AsBytes(Iota(2, 0)));
  WriteBytes(dir + "/model.safetensors", SafetensorsBytes(header.dump(), data));

  Result<ModelFile> m = ReadSafetensors(dir + "/model.safetensors");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->format, FileFormat::kSafetensors);
  ASSERT_EQ(m->tensors.size(), 4u);  // inv_freq is derived and dropped

  const TensorEntry* embd = m->FindTensor("token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->file_name, "model.embed_tokens.weight");
  EXPECT_EQ(embd->view.dtype, DType::kF32);
  EXPECT_EQ(embd->view.shape, (Shape{10, 8}));
  EXPECT_EQ(embd->view.as<float>()[79], 79.0f);

  const TensorEntry* wq = m->FindTensor("blk.0.attn_q.weight");
  ASSERT_NE(wq, nullptr);
  EXPECT_EQ(wq->view.dtype, DType::kBF16);
  EXPECT_EQ(Bf16ToF32(wq->view.as<uint16_t>()[9]), 4.5f);
  const TensorEntry* wk = m->FindTensor("blk.0.attn_k.weight");
  ASSERT_NE(wk, nullptr);
  EXPECT_EQ(wk->view.dtype, DType::kF16);
  EXPECT_EQ(wk->view.shape, (Shape{4, 8}));
  EXPECT_EQ(F16ToF32(wk->view.as<uint16_t>()[31]), -7.75f);
  const TensorEntry* norm = m->FindTensor("output_norm.weight");
  ASSERT_NE(norm, nullptr);
  EXPECT_EQ(norm->view.as<float>()[7], 107.0f);
  EXPECT_EQ(m->FindTensor("output.weight"), nullptr);  // tied

  EXPECT_EQ(m->metadata.GetString("general.architecture"), "llama");
  EXPECT_EQ(m->metadata.GetInt("llama.embedding_length"), 8);
  EXPECT_EQ(m->metadata.GetInt("llama.attention.head_count_kv"), 1);
  EXPECT_EQ(m->metadata.GetInt("llama.rope.dimension_count"), 4);
  EXPECT_EQ(m->metadata.GetString(kKeyRopeLayout), "half");
  EXPECT_EQ(m->metadata.GetBool(kKeyTiedEmbeddings), true);
}

TEST(SafetensorsRead, ShardedDirectoryFollowsTheIndex) {
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/config.json", kTinyLlamaConfig);
  Json h1, h2;
  std::string d1, d2;
  AddEntry(h1, d1, "model.embed_tokens.weight", "F32", {10, 8}, AsBytes(Iota(80, 1)));
  AddEntry(h2, d2, "model.norm.weight", "F32", {8}, AsBytes(Iota(8, 2)));
  AddEntry(h2, d2, "lm_head.weight", "F32", {10, 8}, AsBytes(Iota(80, 3)));
  WriteBytes(dir + "/model-00001-of-00002.safetensors", SafetensorsBytes(h1.dump(), d1));
  WriteBytes(dir + "/model-00002-of-00002.safetensors", SafetensorsBytes(h2.dump(), d2));
  WriteBytes(dir + "/model.safetensors.index.json", R"({"metadata": {"total_size": 672},
    "weight_map": {"model.embed_tokens.weight": "model-00001-of-00002.safetensors",
                   "model.norm.weight": "model-00002-of-00002.safetensors",
                   "lm_head.weight": "model-00002-of-00002.safetensors"}})");

  Result<ModelFile> m = ReadSafetensors(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->tensors.size(), 3u);
  EXPECT_EQ(m->mappings.size(), 2u);
  EXPECT_EQ(m->FindTensor("token_embd.weight")->view.as<float>()[0], 1.0f);
  EXPECT_EQ(m->FindTensor("output_norm.weight")->view.as<float>()[0], 2.0f);
  EXPECT_EQ(m->FindTensor("output.weight")->view.as<float>()[79], 82.0f);

  // An index entry pointing at a tensor the shard lacks is an error naming both.
  WriteBytes(dir + "/model.safetensors.index.json", R"({"weight_map": {
    "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
    "model.norm.weight": "model-00001-of-00002.safetensors"}})");
  m = ReadSafetensors(dir);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(m.status().message().find("'model.norm.weight'"), std::string::npos)
      << m.status().message();
}

TEST(SafetensorsRead, Qwen2BiasesGetLlamaCppNames) {
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/config.json", R"({"architectures": ["Qwen2ForCausalLM"],
    "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
    "num_attention_heads": 2, "num_key_value_heads": 2, "vocab_size": 10})");
  Json h;
  std::string d;
  AddEntry(h, d, "model.layers.0.self_attn.q_proj.bias", "F32", {8}, AsBytes(Iota(8, 0)));
  AddEntry(h, d, "model.layers.0.self_attn.k_proj.bias", "F32", {8}, AsBytes(Iota(8, 10)));
  AddEntry(h, d, "model.layers.0.self_attn.v_proj.bias", "F32", {8}, AsBytes(Iota(8, 20)));
  AddEntry(h, d, "model.layers.0.custom_gate", "F32", {1}, AsBytes(Iota(1, 0)));
  WriteBytes(dir + "/model.safetensors", SafetensorsBytes(h.dump(), d));
  Result<ModelFile> m = ReadSafetensors(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->metadata.GetString("general.architecture"), "qwen2");
  EXPECT_EQ(m->FindTensor("blk.0.attn_q.bias")->view.as<float>()[7], 7.0f);
  EXPECT_EQ(m->FindTensor("blk.0.attn_k.bias")->view.as<float>()[0], 10.0f);
  EXPECT_EQ(m->FindTensor("blk.0.attn_v.bias")->file_name, "model.layers.0.self_attn.v_proj.bias");
  EXPECT_NE(m->FindTensor("model.layers.0.custom_gate"), nullptr);  // unknown: kept as is
}

TEST(SafetensorsRead, MisalignedTensorIsCopiedToAlignedMemory) {
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/config.json", kTinyLlamaConfig);
  Json h;
  std::string d;
  AddEntry(h, d, "a", "I8", {3}, std::string("\x01\x02\x03", 3));
  AddEntry(h, d, "model.norm.weight", "F32", {8}, AsBytes(Iota(8, 5)));
  std::string text = h.dump();
  while ((8 + text.size()) % 8 != 0) text += ' ';
  WriteBytes(dir + "/model.safetensors", SafetensorsBytes(text, d));
  Result<ModelFile> m = ReadSafetensors(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  const TensorView& v = m->FindTensor("output_norm.weight")->view;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data) % alignof(float), 0u);
  EXPECT_EQ(v.as<float>()[3], 8.0f);
  EXPECT_EQ(m->FindTensor("a")->view.dtype, DType::kI8);
}

ModelFile TinyModel(bool with_output) {
  ModelFile m;
  m.metadata.Set("general.architecture", MetaValue::Str("llama"));
  m.metadata.Set("llama.embedding_length", MetaValue::U32(8));
  m.metadata.Set("llama.block_count", MetaValue::U32(1));
  m.metadata.Set("llama.feed_forward_length", MetaValue::U32(12));
  m.metadata.Set("llama.attention.head_count", MetaValue::U32(2));
  m.metadata.Set("llama.attention.head_count_kv", MetaValue::U32(1));
  m.metadata.Set("llama.attention.layer_norm_rms_epsilon", MetaValue::F32(1e-5f));
  m.metadata.Set("llama.context_length", MetaValue::U32(32));
  testing::AddRandomTensor(m, "token_embd.weight", DType::kF16, Shape{11, 8}, 1);
  testing::AddRandomTensor(m, "blk.0.attn_norm.weight", DType::kF32, Shape{8}, 2);
  testing::AddRandomTensor(m, "blk.0.attn_q.weight", DType::kBF16, Shape{8, 8}, 3);
  testing::AddRandomTensor(m, "blk.0.attn_k.weight", DType::kBF16, Shape{4, 8}, 4);
  testing::AddRandomTensor(m, "blk.0.attn_v.weight", DType::kF16, Shape{4, 8}, 5);
  testing::AddRandomTensor(m, "blk.0.attn_output.weight", DType::kF32, Shape{8, 8}, 6);
  testing::AddRandomTensor(m, "blk.0.ffn_norm.weight", DType::kF32, Shape{8}, 7);
  testing::AddRandomTensor(m, "blk.0.ffn_gate.weight", DType::kF16, Shape{12, 8}, 8);
  testing::AddRandomTensor(m, "blk.0.ffn_up.weight", DType::kF16, Shape{12, 8}, 9);
  testing::AddRandomTensor(m, "blk.0.ffn_down.weight", DType::kF16, Shape{8, 12}, 10);
  testing::AddRandomTensor(m, "output_norm.weight", DType::kF32, Shape{8}, 11);
  if (with_output) testing::AddRandomTensor(m, "output.weight", DType::kF16, Shape{11, 8}, 12);
  return m;
}

TEST(SafetensorsWrite, WriteThenReadIsBitExact) {
  const std::string dir = testing::TempDir() + "/out";
  const ModelFile m = TinyModel(/*with_output=*/true);
  ASSERT_TRUE(WriteSafetensors(dir, m).ok());
  ASSERT_TRUE(fs::exists(dir + "/config.json"));

  // The header is padded so the data section starts 8-byte aligned, and uses HF names.
  const std::string bytes = testing::ReadBytes(dir + "/model.safetensors");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  EXPECT_EQ((8 + n) % 8, 0u);
  EXPECT_NE(bytes.find("model.layers.0.mlp.down_proj.weight"), std::string::npos);

  Result<ModelFile> back = ReadSafetensors(dir);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->tensors.size(), m.tensors.size());
  for (const TensorEntry& t : m.tensors) {
    const TensorEntry* r = back->FindTensor(t.name);
    ASSERT_NE(r, nullptr) << t.name;
    EXPECT_EQ(r->view.dtype, t.view.dtype) << t.name;
    EXPECT_EQ(r->view.shape, t.view.shape) << t.name;
    EXPECT_EQ(testing::ViewBytes(r->view), testing::ViewBytes(t.view)) << t.name;
  }
  EXPECT_EQ(back->metadata.GetInt("llama.embedding_length"), 8);
  EXPECT_EQ(back->metadata.GetInt("llama.feed_forward_length"), 12);
  EXPECT_EQ(back->metadata.GetInt("llama.attention.head_count_kv"), 1);
  EXPECT_EQ(back->metadata.GetInt("llama.vocab_size"), 11);  // from token_embd
  EXPECT_EQ(back->metadata.GetInt("llama.context_length"), 32);
  EXPECT_EQ(back->metadata.GetBool(kKeyTiedEmbeddings), false);
  // A GGUF-style llama model (no layout key) is adjacent; the file records that.
  EXPECT_EQ(back->metadata.GetString(kKeyRopeLayout), "adjacent");

  Result<Json> config = ReadJsonFile(dir + "/config.json");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ((*config)["torch_dtype"], "float16");
  EXPECT_EQ((*config)["architectures"][0], "LlamaForCausalLM");
}

TEST(SafetensorsWrite, TiedModelToFilePathWritesConfigBesideIt) {
  const std::string dir = testing::TempDir();
  ModelFile m = TinyModel(/*with_output=*/false);
  m.metadata.Set(std::string(kKeyRopeLayout), MetaValue::Str("half"));
  ASSERT_TRUE(WriteSafetensors(dir + "/tiny.safetensors", m).ok());
  ASSERT_TRUE(fs::exists(dir + "/config.json"));
  Result<ModelFile> back = ReadSafetensors(dir + "/tiny.safetensors");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->FindTensor("output.weight"), nullptr);
  EXPECT_EQ(back->metadata.GetBool(kKeyTiedEmbeddings), true);
  EXPECT_EQ(back->metadata.GetString(kKeyRopeLayout), "half");
}

TEST(SafetensorsWrite, QuantizedTensorIsRejectedWithItsNameAndAHint) {
  const std::string dir = testing::TempDir();
  ModelFile m = TinyModel(true);
  std::vector<uint8_t> q4(TensorBytes(DType::kQ4_0, Shape{8, 32}));
  testing::AddOwnedTensor(m, "blk.0.extra.weight", DType::kQ4_0, Shape{8, 32}, q4.data());
  Status s = WriteSafetensors(dir + "/out", m);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("'blk.0.extra.weight'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("--dtype"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(dir + "/out/model.safetensors"));
}

TEST(SafetensorsWrite, RealStories260KSurvivesGgufToHfLayoutAndBack) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  Result<ModelFile> gguf = ReadModelFile(testing::DataPath("models/stories260K.gguf"));
  ASSERT_TRUE(gguf.ok()) << gguf.status().message();
  const int64_t num_heads = *gguf->metadata.GetInt("llama.attention.head_count");
  const int64_t num_kv_heads = *gguf->metadata.GetInt("llama.attention.head_count_kv");
  auto heads_for = [&](const std::string& name) -> int64_t {
    if (name.find(".attn_q.") != std::string::npos) return num_heads;
    if (name.find(".attn_k.") != std::string::npos) return num_kv_heads;
    return 0;
  };

  // What `convert` does for GGUF llama -> safetensors: Q/K back to the HF half layout.
  ModelFile hf;
  hf.metadata = gguf->metadata;
  hf.metadata.Set(std::string(kKeyRopeLayout), MetaValue::Str("half"));
  hf.mappings = gguf->mappings;
  for (const TensorEntry& t : gguf->tensors) {
    if (const int64_t heads = heads_for(t.name)) {
      Result<Tensor> p = PermuteQk(t.view, heads, QkPermutation::kAdjacentToHalf);
      ASSERT_TRUE(p.ok());
      testing::AddOwnedTensor(hf, t.name, t.view.dtype, t.view.shape, p->data());
    } else {
      hf.tensors.push_back(t);
    }
  }
  const std::string dir = testing::TempDir() + "/stories260K-hf";
  ASSERT_TRUE(WriteSafetensors(dir, hf).ok());
  Result<ModelFile> back = ReadSafetensors(dir);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->metadata.GetString(kKeyRopeLayout), "half");
  for (const char* key : {"llama.embedding_length", "llama.feed_forward_length",
                          "llama.block_count", "llama.attention.head_count",
                          "llama.attention.head_count_kv", "llama.rope.dimension_count",
                          "llama.context_length"}) {
    EXPECT_EQ(back->metadata.GetInt(key), gguf->metadata.GetInt(key)) << key;
  }
  EXPECT_EQ(back->metadata.GetInt("llama.vocab_size"), 512);
  // The vocabulary travels as tokenizer.json: same tokens, types and special ids; scores
  // come back as merge ranks, in the same order as the original scores.
  for (const char* key : {"tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                          "tokenizer.ggml.unknown_token_id"}) {
    EXPECT_EQ(back->metadata.GetInt(key), gguf->metadata.GetInt(key)) << key;
  }
  EXPECT_EQ(back->metadata.GetString("tokenizer.ggml.model"), "llama");
  const MetaArray* tokens = gguf->metadata.GetArray("tokenizer.ggml.tokens");
  const MetaArray* types = gguf->metadata.GetArray("tokenizer.ggml.token_type");
  const MetaArray* scores = gguf->metadata.GetArray("tokenizer.ggml.scores");
  const MetaArray* tokens2 = back->metadata.GetArray("tokenizer.ggml.tokens");
  const MetaArray* types2 = back->metadata.GetArray("tokenizer.ggml.token_type");
  const MetaArray* scores2 = back->metadata.GetArray("tokenizer.ggml.scores");
  ASSERT_NE(tokens2, nullptr);
  ASSERT_EQ(tokens2->items.size(), tokens->items.size());
  for (size_t i = 0; i < tokens->items.size(); ++i) {
    EXPECT_EQ(tokens2->items[i], tokens->items[i]) << i;
    EXPECT_EQ(types2->items[i].AsInt(), types->items[i].AsInt()) << i;
  }
  // Every multi-character piece is made by some merge, so it outranks every single
  // character, which no merge makes.
  double min_multi = 0, max_single = -1e30;
  for (size_t i = 0; i < tokens->items.size(); ++i) {
    if (*types->items[i].AsInt() != 1) continue;
    const std::string& t = *tokens->items[i].AsString();
    const size_t num_chars = std::count_if(t.begin(), t.end(), [](char ch) {
      return (static_cast<uint8_t>(ch) & 0xC0) != 0x80;
    });
    const double sc = *scores2->items[i].AsDouble();
    if (num_chars > 1) min_multi = std::min(min_multi, sc);
    if (num_chars == 1) max_single = std::max(max_single, sc);
    for (size_t b = i + 1; b < tokens->items.size(); b += 7) {
      if (*types->items[b].AsInt() != 1) continue;
      if (*scores->items[i].AsDouble() > *scores->items[b].AsDouble()) {
        EXPECT_GE(sc, *scores2->items[b].AsDouble()) << i << " " << b;
      }
    }
  }
  EXPECT_GT(min_multi, max_single);
  ASSERT_EQ(back->tensors.size(), gguf->tensors.size());
  for (const TensorEntry& t : gguf->tensors) {
    const TensorEntry* r = back->FindTensor(t.name);
    ASSERT_NE(r, nullptr) << t.name;
    TensorView v = r->view;
    Tensor unpermuted;
    if (const int64_t heads = heads_for(t.name)) {
      Result<Tensor> p = PermuteQk(v, heads, QkPermutation::kHalfToAdjacent);
      ASSERT_TRUE(p.ok());
      unpermuted = std::move(*p);
      v = unpermuted.view();
    }
    EXPECT_EQ(testing::ViewBytes(v), testing::ViewBytes(t.view)) << t.name;
  }
}

TEST(SafetensorsDetect, ReadModelFileDispatchesDirectoriesAndFiles) {
  const std::string dir = testing::TempDir() + "/out";
  ASSERT_TRUE(WriteSafetensors(dir, TinyModel(true)).ok());
  for (const std::string& path : {dir, dir + "/model.safetensors"}) {
    Result<ModelFile> m = ReadModelFile(path);
    ASSERT_TRUE(m.ok()) << path << ": " << m.status().message();
    EXPECT_EQ(m->format, FileFormat::kSafetensors);
    EXPECT_NE(m->FindTensor("blk.0.ffn_down.weight"), nullptr);
  }
  // The same bytes under another name are still recognised by their header.
  fs::copy_file(dir + "/model.safetensors", dir + "/weights.data");
  Result<ModelFile> m = ReadModelFile(dir + "/weights.data");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->format, FileFormat::kSafetensors);
}

TEST(SafetensorsDetect, RecognisesHeadersDirectoriesAndExtensions) {
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/plain.bin", SafetensorsBytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", "abcd"));
  WriteBytes(dir + "/other.bin", "GGUF and more bytes");
  EXPECT_TRUE(LooksLikeSafetensors(dir));
  EXPECT_TRUE(LooksLikeSafetensors(dir + "/plain.bin"));
  EXPECT_FALSE(LooksLikeSafetensors(dir + "/other.bin"));
  EXPECT_FALSE(LooksLikeSafetensors(dir + "/missing.bin"));
}

}  // namespace
}  // namespace cratio
