// Tests of whole-model conversion: identity GGUF round trips, GGUF <-> safetensors with the
// Q/K permutation undone, llama2.c, re-typing with block-size fallbacks, output checks.
#include "model/convert.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/gguf.h"
#include "io/hf_names.h"
#include "model/make_model.h"
#include "model/tensor_names.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;

// Offset of the first differing byte of two files (-1 when identical), so a failure
// prints a number instead of megabytes.
int64_t FirstDifference(const std::string& path_a, const std::string& path_b);

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t FirstDifference(const std::string& path_a, const std::string& path_b) {
  const std::string a = FileBytes(path_a);
  const std::string b = FileBytes(path_b);
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<int64_t>(i);
  }
  return a.size() == b.size() ? -1 : static_cast<int64_t>(n);
}

bool SameBytes(const TensorView& a, const TensorView& b) {
  return a.dtype == b.dtype && a.shape == b.shape && a.size_bytes == b.size_bytes &&
         std::memcmp(a.data, b.data, a.size_bytes) == 0;
}

// Every tensor of `a` is in `b` under the same name, with identical bytes.
void ExpectSameTensors(const ModelFile& a, const ModelFile& b) {
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const TensorEntry& e : a.tensors) {
    const TensorEntry* other = b.FindTensor(e.name);
    ASSERT_NE(other, nullptr) << e.name;
    EXPECT_TRUE(SameBytes(e.view, other->view)) << e.name;
  }
}

ModelFile TinyModel(DType dtype, uint64_t seed = 1) {
  MakeModelOptions o;
  o.dtype = dtype;
  o.seed = seed;
  o.ffn_dim = 96;  // a multiple of 32, so block types fit every row
  auto m = MakeRandomModel(o, nullptr);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(m).value();
}

TEST(Convert, GgufToGgufIdentityReReadsBitIdentically) {
  const std::string dir = testing::TempDir();
  const ModelFile model = TinyModel(DType::kF16);
  ASSERT_TRUE(WriteGguf(dir + "/a.gguf", model.metadata, model.tensors).ok());
  auto a = ReadModelFile(dir + "/a.gguf");
  ASSERT_TRUE(a.ok()) << a.status().message();
  auto report = ConvertModel(*a, dir + "/b.gguf", {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->num_retyped, 0);
  EXPECT_EQ(report->num_permuted, 0);
  auto b = ReadModelFile(dir + "/b.gguf");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_TRUE(a->metadata == b->metadata);
  ExpectSameTensors(*a, *b);
  EXPECT_EQ(FirstDifference(dir + "/a.gguf", dir + "/b.gguf"), -1);
}

TEST(Convert, Stories260KGgufIdentityIsByteIdentical) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  const std::string src = testing::DataPath("models/stories260K.gguf");
  const std::string dir = testing::TempDir();
  auto in = ReadModelFile(src);
  ASSERT_TRUE(in.ok()) << in.status().message();
  ASSERT_TRUE(ConvertModel(*in, dir + "/copy.gguf", {}).ok());
  EXPECT_EQ(FirstDifference(src, dir + "/copy.gguf"), -1);
}

// GGUF llama (adjacent) -> safetensors (half) -> GGUF: every tensor comes back bit for
// bit, and the safetensors Q/K are the documented permutation of the GGUF rows.
void CheckSafetensorsRoundTrip(const ModelFile& original, const std::string& st_path) {
  const std::string dir = fs::path(st_path).parent_path().string();
  auto report = ConvertModel(original, st_path, {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->num_permuted, 2 * 2);  // Q and K of both layers
  auto st = ReadModelFile(st_path);
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->format, FileFormat::kSafetensors);
  EXPECT_EQ(st->metadata.GetString(kKeyRopeLayout), "half");

  const TensorEntry* q = original.FindTensor("blk.1.attn_q.weight");
  const TensorEntry* st_q = st->FindTensor("blk.1.attn_q.weight");
  ASSERT_TRUE(q && st_q);
  auto expected_q = PermuteQk(q->view, 4, QkPermutation::kAdjacentToHalf);
  ASSERT_TRUE(expected_q.ok());
  EXPECT_TRUE(SameBytes(expected_q->view(), st_q->view));
  EXPECT_FALSE(SameBytes(q->view, st_q->view));
  for (const char* name : {"blk.0.attn_v.weight", "blk.1.ffn_down.weight", "token_embd.weight",
                           "output_norm.weight"}) {
    EXPECT_TRUE(SameBytes(original.FindTensor(name)->view, st->FindTensor(name)->view)) << name;
  }

  auto back = ConvertModel(*st, dir + "/back.gguf", {});
  ASSERT_TRUE(back.ok()) << back.status().message();
  auto g = ReadModelFile(dir + "/back.gguf");
  ASSERT_TRUE(g.ok()) << g.status().message();
  ExpectSameTensors(original, *g);
  EXPECT_FALSE(g->metadata.Contains(kKeyRopeLayout));
  EXPECT_EQ(g->metadata.GetInt("llama.attention.head_count"), 4);
  EXPECT_EQ(g->metadata.GetInt("llama.attention.head_count_kv"), 2);
}

TEST(Convert, SafetensorsDirectoryRoundTripPreservesF32F16Bf16BitExactly) {
  for (DType dtype : {DType::kF32, DType::kF16, DType::kBF16}) {
    SCOPED_TRACE(std::string(DTypeName(dtype)));
    const std::string dir = testing::TempDir();
    CheckSafetensorsRoundTrip(TinyModel(dtype), dir + "/hf");
    EXPECT_TRUE(fs::exists(dir + "/hf/model.safetensors"));
    EXPECT_TRUE(fs::exists(dir + "/hf/config.json"));
  }
}

TEST(Convert, SingleSafetensorsFileRoundTrip) {
  const std::string dir = testing::TempDir();
  CheckSafetensorsRoundTrip(TinyModel(DType::kF32), dir + "/model.safetensors");
}

TEST(Convert, Llama2cRoundTripKeepsF32Weights) {
  const std::string dir = testing::TempDir();
  const ModelFile model = TinyModel(DType::kF32);
  auto report = ConvertModel(model, dir + "/model.bin", {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  auto back = ReadModelFile(dir + "/model.bin");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->format, FileFormat::kLlama2c);
  for (const TensorEntry& e : model.tensors) {
    const TensorEntry* o = back->FindTensor(e.name);
    ASSERT_NE(o, nullptr) << e.name;
    EXPECT_TRUE(SameBytes(e.view, o->view)) << e.name;
  }
}

TEST(Convert, RetypesTwoDimensionalWeightsAndFallsBackWhereBlocksDoNotFit) {
  MakeModelOptions o;  // ffn 172: rows of ffn_down are not a multiple of 32
  auto model = MakeRandomModel(o, nullptr);
  ASSERT_TRUE(model.ok());
  ConvertOptions options;
  options.dtype = DType::kQ8_0;
  ConvertReport report;
  auto out = PrepareForFormat(*model, FileFormat::kGguf, options, &report);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->FindTensor("blk.0.attn_q.weight")->view.dtype, DType::kQ8_0);
  EXPECT_EQ(out->FindTensor("blk.0.ffn_up.weight")->view.dtype, DType::kQ8_0);
  EXPECT_EQ(out->FindTensor("blk.0.ffn_down.weight")->view.dtype, DType::kF16);
  EXPECT_EQ(out->FindTensor("blk.0.ffn_norm.weight")->view.dtype, DType::kF32);
  ASSERT_EQ(report.fallbacks.size(), 2u);  // ffn_down of both layers
  EXPECT_NE(report.fallbacks[0].find("blk.0.ffn_down.weight"), std::string::npos);
  EXPECT_NE(report.fallbacks[0].find("172"), std::string::npos);
  EXPECT_EQ(out->metadata.GetInt("general.file_type"), 7);  // MOSTLY_Q8_0
  // The q8_0 rows decode close to the originals (reference quantizer, 8 bits).
  const TensorView& src = model->FindTensor("blk.0.attn_q.weight")->view;
  const TensorView& q = out->FindTensor("blk.0.attn_q.weight")->view;
  std::vector<float> row(64);
  LoadRowF32(q.row(5), q.dtype, 64, row.data());
  for (int i = 0; i < 64; ++i) {
    EXPECT_NEAR(row[i], src.as<float>()[5 * 64 + i], 0.01) << i;
  }
  // Writing and re-reading gives the same re-typed bytes.
  const std::string dir = testing::TempDir();
  ASSERT_TRUE(WriteModelFile(*out, dir + "/q.gguf", FileFormat::kGguf).ok());
  auto back = ReadModelFile(dir + "/q.gguf");
  ASSERT_TRUE(back.ok());
  ExpectSameTensors(*out, *back);
}

TEST(Convert, SafetensorsRefusesQuantizedDtype) {
  const ModelFile model = TinyModel(DType::kF32);
  ConvertOptions options;
  options.dtype = DType::kQ4_0;
  auto out = PrepareForFormat(model, FileFormat::kSafetensors, options, nullptr);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(out.status().message().find("q4_0"), std::string::npos);
}

TEST(Convert, OutputFormatFollowsTheName) {
  const std::string dir = testing::TempDir();
  EXPECT_EQ(*OutputFormatFromPath("x.gguf"), FileFormat::kGguf);
  EXPECT_EQ(*OutputFormatFromPath("x.safetensors"), FileFormat::kSafetensors);
  EXPECT_EQ(*OutputFormatFromPath("x.bin"), FileFormat::kLlama2c);
  EXPECT_EQ(*OutputFormatFromPath(dir), FileFormat::kSafetensors);
  EXPECT_EQ(*OutputFormatFromPath(dir + "/new_model_dir"), FileFormat::kSafetensors);
  auto bad = OutputFormatFromPath("x.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("x.txt"), std::string::npos);
}

TEST(Convert, CheckOutputPathRefusesInputsAndExistingFiles) {
  const std::string dir = testing::TempDir();
  const std::string in = dir + "/in.gguf";
  std::ofstream(in) << "x";
  EXPECT_EQ(CheckOutputPath(in, {in}, /*force=*/true).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(CheckOutputPath(dir + "/./in.gguf", {in}, true).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(CheckOutputPath(dir, {in}, true).code(), StatusCode::kInvalidInput);
  const std::string other = dir + "/other.gguf";
  std::ofstream(other) << "y";
  Status s = CheckOutputPath(other, {in}, /*force=*/false);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("--force"), std::string::npos);
  EXPECT_TRUE(CheckOutputPath(other, {in}, /*force=*/true).ok());
  EXPECT_TRUE(CheckOutputPath(dir + "/fresh.gguf", {in}, false).ok());
}

TEST(Convert, LlamaFileTypesMatchLlamaCpp) {
  EXPECT_EQ(LlamaFileType(DType::kF32), 0u);
  EXPECT_EQ(LlamaFileType(DType::kF16), 1u);
  EXPECT_EQ(LlamaFileType(DType::kQ4_0), 2u);
  EXPECT_EQ(LlamaFileType(DType::kQ8_0), 7u);
  EXPECT_EQ(LlamaFileType(DType::kQ4_K), 14u);
  EXPECT_EQ(LlamaFileType(DType::kQ6_K), 18u);
  EXPECT_EQ(LlamaFileType(DType::kBF16), 32u);
}

}  // namespace
}  // namespace cratio
