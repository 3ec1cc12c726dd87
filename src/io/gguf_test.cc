// GGUF round trips: synthetic files with every metadata type and every dtype, the real
// stories260K model and vocab files (bit-identical re-writes), the exact byte layout of a
// tiny file, writer argument checks, and ReadModelFile's dispatch.
#include "io/gguf.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

#include "io/model_file.h"
#include "numeric/dtype.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

std::vector<uint8_t> ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

void WriteAll(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Metadata holding every value type, arrays of each, an empty array, arrays of strings and
// arrays of arrays (including arrays of arrays of strings), and non-finite floats.
Metadata EveryTypeMetadata() {
  Metadata md;
  md.Set("general.architecture", MetaValue::Str("llama"));
  md.Set("t.u8", MetaValue::U8(250));
  md.Set("t.i8", MetaValue::I8(-128));
  md.Set("t.u16", MetaValue::U16(65000));
  md.Set("t.i16", MetaValue::I16(-30000));
  md.Set("t.u32", MetaValue::U32(4000000000u));
  md.Set("t.i32", MetaValue::I32(-2000000000));
  md.Set("t.f32", MetaValue::F32(1e-5f));
  md.Set("t.bool_true", MetaValue::Bool(true));
  md.Set("t.bool_false", MetaValue::Bool(false));
  md.Set("t.string", MetaValue::Str("héllo, 世界 🦙"));
  md.Set("t.empty_string", MetaValue::Str(""));
  md.Set("t.u64", MetaValue::U64(std::numeric_limits<uint64_t>::max()));
  md.Set("t.i64", MetaValue::I64(std::numeric_limits<int64_t>::min()));
  md.Set("t.f64", MetaValue::F64(-3.141592653589793));
  // Non-finite floats survive inside arrays (token scores); as scalar settings the reader
  // refuses them (GgufMalformed.NonFiniteFloatMetadataIsRefusedByKey).
  md.Set("t.arr_f32_nonfinite",
         MetaValue::Array(MetaType::kF32, {MetaValue::F32(std::numeric_limits<float>::quiet_NaN()),
                                           MetaValue::F32(-INFINITY)}));
  md.Set("t.arr_f64_nan",
         MetaValue::Array(MetaType::kF64, {MetaValue::F64(std::numeric_limits<double>::quiet_NaN())}));
  md.Set("t.arr_u8", MetaValue::Array(MetaType::kU8, {MetaValue::U8(0), MetaValue::U8(255)}));
  md.Set("t.arr_i8", MetaValue::Array(MetaType::kI8, {MetaValue::I8(-1)}));
  md.Set("t.arr_u16", MetaValue::Array(MetaType::kU16, {MetaValue::U16(7)}));
  md.Set("t.arr_i16", MetaValue::Array(MetaType::kI16, {MetaValue::I16(-7)}));
  md.Set("t.arr_u32", MetaValue::Array(MetaType::kU32, {MetaValue::U32(1), MetaValue::U32(2)}));
  md.Set("t.arr_i32", MetaValue::Array(MetaType::kI32, {MetaValue::I32(-1), MetaValue::I32(3)}));
  md.Set("t.arr_f32",
         MetaValue::Array(MetaType::kF32, {MetaValue::F32(0.5f), MetaValue::F32(-0.0f)}));
  md.Set("t.arr_bool",
         MetaValue::Array(MetaType::kBool, {MetaValue::Bool(true), MetaValue::Bool(false)}));
  md.Set("t.arr_string",
         MetaValue::Array(MetaType::kString,
                          {MetaValue::Str("<s>"), MetaValue::Str(""), MetaValue::Str("▁the")}));
  md.Set("t.arr_u64", MetaValue::Array(MetaType::kU64, {MetaValue::U64(1)}));
  md.Set("t.arr_i64", MetaValue::Array(MetaType::kI64, {MetaValue::I64(-1)}));
  md.Set("t.arr_f64", MetaValue::Array(MetaType::kF64, {MetaValue::F64(1e300)}));
  md.Set("t.arr_empty", MetaValue::Array(MetaType::kF32, {}));
  auto ints = [](int32_t a, int32_t b) {
    return MetaValue::Array(MetaType::kI32, {MetaValue::I32(a), MetaValue::I32(b)});
  };
  md.Set("t.arr_arr", MetaValue::Array(MetaType::kArray, {ints(1, 2), ints(3, 4),
                                                          MetaValue::Array(MetaType::kU8, {})}));
  md.Set("t.arr_arr_str",
         MetaValue::Array(MetaType::kArray,
                          {MetaValue::Array(MetaType::kString, {MetaValue::Str("a b")}),
                           MetaValue::Array(MetaType::kArray, {ints(5, 6)})}));
  return md;
}

// Tensors of every dtype in the table (shape [3, 2 blocks]) plus ranks 1, 3 and 4 and an
// empty tensor; the data are random bytes (fixed seed), which is all an I/O test needs.
struct SyntheticTensors {
  std::vector<std::vector<uint8_t>> storage;
  std::vector<TensorEntry> entries;

  void Add(const std::string& name, DType dtype, Shape shape, std::mt19937* rng) {
    std::vector<uint8_t> bytes(TensorBytes(dtype, shape));
    for (uint8_t& b : bytes) b = static_cast<uint8_t>((*rng)());
    storage.push_back(std::move(bytes));
    TensorEntry e;
    e.name = e.file_name = name;
    e.view = TensorView{dtype, shape, storage.back().data(), storage.back().size()};
    entries.push_back(std::move(e));
  }
};

SyntheticTensors EveryDTypeTensors() {
  SyntheticTensors t;
  t.storage.reserve(64);  // views point into storage: no reallocation
  std::mt19937 rng(1234);
  for (const DTypeInfo& info : AllDTypes()) {
    t.Add(fmt::format("blk.0.{}.weight", info.name), info.dtype, Shape{3, 2 * info.block_size},
          &rng);
  }
  t.Add("vec", DType::kF32, Shape{7}, &rng);
  t.Add("cube", DType::kF16, Shape{2, 3, 5}, &rng);
  t.Add("hyper", DType::kQ8_0, Shape{2, 1, 3, 64}, &rng);
  t.Add("empty", DType::kF32, Shape{0, 4}, &rng);
  t.Add("after_empty", DType::kBF16, Shape{1, 3}, &rng);
  return t;
}

void ExpectSameTensors(const std::vector<TensorEntry>& want, const ModelFile& got,
                       uint64_t alignment) {
  ASSERT_EQ(got.tensors.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const TensorEntry& w = want[i];
    const TensorEntry& g = got.tensors[i];
    SCOPED_TRACE(w.name);
    EXPECT_EQ(g.name, w.name);
    EXPECT_EQ(g.file_name, w.name);
    EXPECT_EQ(g.view.dtype, w.view.dtype);
    EXPECT_EQ(g.view.shape, w.view.shape);
    ASSERT_EQ(g.view.size_bytes, w.view.size_bytes);
    EXPECT_EQ(g.file_offset % alignment, 0u);
    if (w.view.size_bytes > 0) {
      EXPECT_EQ(std::memcmp(g.view.data, w.view.data, w.view.size_bytes), 0);
    }
  }
}

class GgufRoundTrip : public ::testing::TestWithParam<uint64_t> {};

TEST_P(GgufRoundTrip, EveryValueTypeAndDTypeReadsBackAndRewritesBitIdentically) {
  const uint64_t alignment = GetParam();
  const std::string dir = testing::TempDir();
  const Metadata md = EveryTypeMetadata();
  const SyntheticTensors tensors = EveryDTypeTensors();
  const std::string a = dir + "/a.gguf";
  ASSERT_TRUE(WriteGguf(a, md, tensors.entries, alignment).ok());

  Result<ModelFile> mf = ReadGguf(a);
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  EXPECT_EQ(mf->format, FileFormat::kGguf);
  EXPECT_EQ(mf->gguf_version, 3u);
  EXPECT_EQ(mf->alignment, alignment);
  EXPECT_EQ(mf->path, a);
  Metadata want = md;
  if (alignment != kGgufDefaultAlignment) {
    // The writer records a non-default alignment as the last key, as u32.
    want.Set(std::string(kKeyGeneralAlignment), MetaValue::U32(static_cast<uint32_t>(alignment)));
  }
  EXPECT_TRUE(mf->metadata == want);
  ExpectSameTensors(tensors.entries, *mf, alignment);

  const std::string b = dir + "/b.gguf";
  ASSERT_TRUE(WriteGguf(b, mf->metadata, mf->tensors, mf->alignment).ok());
  EXPECT_EQ(ReadAll(a), ReadAll(b));
  EXPECT_EQ(ReadAll(a).size() % alignment, 0u);
}

INSTANTIATE_TEST_SUITE_P(Alignments, GgufRoundTrip, ::testing::Values(32, 64, 1, 4096));

TEST(GgufWrite, ProducesTheSpecifiedByteLayout) {
  const std::string dir = testing::TempDir();
  Metadata md;
  md.Set("general.architecture", MetaValue::Str("x"));
  const float data[2] = {1.0f, -2.0f};
  TensorEntry t;
  t.name = "t";
  t.view = TensorView{DType::kF32, Shape{2}, data, sizeof(data)};
  ASSERT_TRUE(WriteGguf(dir + "/m.gguf", md, {t}).ok());

  std::vector<uint8_t> want;
  auto put = [&want](const void* p, size_t n) {
    want.insert(want.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  };
  auto u32 = [&put](uint32_t x) { put(&x, 4); };
  auto u64 = [&put](uint64_t x) { put(&x, 8); };
  put("GGUF", 4);
  u32(3);  // version
  u64(1);  // tensors
  u64(1);  // metadata entries
  u64(20);
  put("general.architecture", 20);
  u32(8);  // string
  u64(1);
  put("x", 1);
  u64(1);
  put("t", 1);
  u32(1);  // n_dims
  u64(2);  // ne[0]
  u32(0);  // f32
  u64(0);  // offset
  ASSERT_EQ(want.size(), 98u);
  want.resize(128, 0);  // padding to 32
  put(data, sizeof(data));
  want.resize(160, 0);  // the last tensor is padded too
  EXPECT_EQ(ReadAll(dir + "/m.gguf"), want);
}

TEST(GgufWrite, FileWithoutTensorsEndsAfterMetadata) {
  const std::string dir = testing::TempDir();
  Metadata md;
  md.Set("k", MetaValue::U8(1));
  ASSERT_TRUE(WriteGguf(dir + "/m.gguf", md, {}).ok());
  EXPECT_EQ(ReadAll(dir + "/m.gguf").size(), 24u + 8 + 1 + 4 + 1);
  Result<ModelFile> mf = ReadGguf(dir + "/m.gguf");
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  EXPECT_TRUE(mf->tensors.empty());
  EXPECT_EQ(mf->metadata.GetInt("k"), 1);
}

TEST(GgufWrite, KeepsTheTypeOfAnExistingAlignmentKeyAndUpdatesItsValue) {
  const std::string dir = testing::TempDir();
  Metadata md;
  md.Set("general.alignment", MetaValue::I64(32));
  md.Set("after", MetaValue::U8(1));
  const uint8_t data[64] = {1, 2, 3};
  TensorEntry t;
  t.name = "t";
  t.view = TensorView{DType::kI8, Shape{64}, data, sizeof(data)};
  ASSERT_TRUE(WriteGguf(dir + "/m.gguf", md, {t}, 128).ok());
  Result<ModelFile> mf = ReadGguf(dir + "/m.gguf");
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  EXPECT_EQ(mf->alignment, 128u);
  ASSERT_EQ(mf->metadata.size(), 2u);
  EXPECT_EQ(mf->metadata.entries()[0].first, "general.alignment");
  EXPECT_EQ(mf->metadata.entries()[0].second, MetaValue::I64(128));
  EXPECT_EQ(mf->tensors[0].file_offset % 128, 0u);
}

TEST(GgufWrite, RejectsBadArgumentsWithoutCreatingTheFile) {
  const std::string dir = testing::TempDir();
  const std::string path = dir + "/m.gguf";
  const float data[4] = {};
  TensorEntry t;
  t.name = "t";
  t.view = TensorView{DType::kF32, Shape{4}, data, sizeof(data)};
  Metadata md;

  auto expect_invalid = [&](const Metadata& m, const std::vector<TensorEntry>& ts, uint64_t al,
                            const std::string& needle) {
    Status s = WriteGguf(path, m, ts, al);
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput) << needle;
    EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
    EXPECT_FALSE(std::filesystem::exists(path));
  };
  expect_invalid(md, {t}, 0, "alignment 0");
  expect_invalid(md, {t}, 48, "alignment 48");
  expect_invalid(md, {t, t}, 32, "duplicate tensor name 't'");

  TensorEntry wrong_size = t;
  wrong_size.view.size_bytes = 12;
  expect_invalid(md, {wrong_size}, 32, "has 12 bytes of data, expected 16");
  TensorEntry bad_row = t;
  bad_row.view = TensorView{DType::kQ4_0, Shape{1, 16}, data, 9};
  expect_invalid(md, {bad_row}, 32, "row length 16");
  TensorEntry long_name = t;
  long_name.name = std::string(64, 'n');
  expect_invalid(md, {long_name}, 32, "name is 64 bytes");
  TensorEntry scalar = t;
  scalar.view.shape = Shape{};
  expect_invalid(md, {scalar}, 32, "rank 0");

  Metadata too_big;
  too_big.Set("k", MetaValue{MetaType::kU8, uint64_t{300}});
  expect_invalid(too_big, {}, 32, "value 300 does not fit type u8");
  Metadata mixed;
  mixed.Set("k", MetaValue::Array(MetaType::kU32, {MetaValue::U32(1), MetaValue::I32(2)}));
  expect_invalid(mixed, {}, 32, "array of u32 holds a i32 at element 1");
  Metadata bad_utf8;
  bad_utf8.Set("k", MetaValue::Str("ok\xff"));
  expect_invalid(bad_utf8, {}, 32, "not valid UTF-8 (byte 2)");
  Metadata string_alignment;
  string_alignment.Set("general.alignment", MetaValue::Str("32"));
  expect_invalid(string_alignment, {}, 32, "expected an integer");
}

TEST(GgufRead, Stories260KHasTheDocumentedStructure) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  const std::string path = testing::DataPath("models/stories260K.gguf");
  Result<ModelFile> mf = ReadGguf(path);
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  EXPECT_EQ(mf->gguf_version, 3u);
  EXPECT_EQ(mf->alignment, 32u);
  EXPECT_EQ(mf->tensors.size(), 48u);
  EXPECT_EQ(mf->metadata.GetString("general.architecture"), "llama");
  EXPECT_EQ(mf->metadata.GetInt("llama.embedding_length"), 64);
  EXPECT_EQ(mf->metadata.GetInt("llama.block_count"), 5);
  EXPECT_EQ(mf->metadata.GetInt("llama.feed_forward_length"), 172);
  EXPECT_EQ(mf->metadata.GetInt("llama.attention.head_count"), 8);
  EXPECT_EQ(mf->metadata.GetInt("llama.attention.head_count_kv"), 4);
  EXPECT_NEAR(*mf->metadata.GetDouble("llama.attention.layer_norm_rms_epsilon"), 1e-5, 1e-12);
  const MetaArray* tokens = mf->metadata.GetArray("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  ASSERT_EQ(tokens->items.size(), 512u);
  EXPECT_EQ(*tokens->items[0].AsString(), "<unk>");
  EXPECT_EQ(*tokens->items[1].AsString(), "<s>");
  EXPECT_EQ(*tokens->items[3].AsString(), "<0x00>");

  const TensorEntry* embd = mf->FindTensor("token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->view.dtype, DType::kF32);
  EXPECT_EQ(embd->view.shape, (Shape{512, 64}));
  const TensorEntry* ffn = mf->FindTensor("blk.4.ffn_down.weight");
  ASSERT_NE(ffn, nullptr);
  EXPECT_EQ(ffn->view.shape, (Shape{64, 172}));
  const TensorEntry* norm = mf->FindTensor("blk.0.attn_norm.weight");
  ASSERT_NE(norm, nullptr);
  EXPECT_EQ(norm->view.shape, (Shape{64}));
  // Norm weights of a trained model are finite and mostly near 1.
  for (int64_t i = 0; i < 64; ++i) EXPECT_TRUE(std::isfinite(norm->view.as<float>()[i]));
  EXPECT_EQ(mf->FindTensor("no.such.tensor"), nullptr);
  uint64_t total = 0;
  for (const TensorEntry& t : mf->tensors) total += t.view.size_bytes;
  EXPECT_EQ(mf->TotalTensorBytes(), total);
  EXPECT_GT(total, 4u * 250000);  // ~260K f32 parameters
}

class GgufRealFile : public ::testing::TestWithParam<const char*> {};

TEST_P(GgufRealFile, RewritesBitIdentically) {
  CRATIO_REQUIRE_DATA_FILE(GetParam());
  const std::string path = testing::DataPath(GetParam());
  Result<ModelFile> mf = ReadGguf(path);
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  const std::string out = testing::TempDir() + "/copy.gguf";
  Status s = WriteGguf(out, mf->metadata, mf->tensors, mf->alignment);
  ASSERT_TRUE(s.ok()) << s.message();
  const std::vector<uint8_t> original = ReadAll(path);
  const std::vector<uint8_t> copy = ReadAll(out);
  ASSERT_EQ(copy.size(), original.size());
  EXPECT_TRUE(copy == original);
}

INSTANTIATE_TEST_SUITE_P(SharedData, GgufRealFile,
                         ::testing::Values("models/stories260K.gguf",
                                           "tokenizer/ggml-vocab-llama-spm.gguf",
                                           "tokenizer/ggml-vocab-gpt-2.gguf"));

TEST(ReadModelFile, DispatchesGgufByContentNotName) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  const std::string path = testing::TempDir() + "/model.bin";
  WriteAll(path, ReadAll(testing::DataPath("models/stories260K.gguf")));
  Result<ModelFile> mf = ReadModelFile(path);
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  EXPECT_EQ(mf->format, FileFormat::kGguf);
  EXPECT_EQ(mf->tensors.size(), 48u);
}

TEST(ReadModelFile, UnknownContentNamesThePathAndTheFirstBytes) {
  const std::string path = testing::TempDir() + "/junk.gguf";
  WriteAll(path, {'P', 'K', 3, 4, 0xff});
  Result<ModelFile> mf = ReadModelFile(path);
  ASSERT_FALSE(mf.ok());
  EXPECT_EQ(mf.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(mf.status().message().find(path), std::string::npos);
  EXPECT_NE(mf.status().message().find("50 4b 03 04 ff"), std::string::npos)
      << mf.status().message();
}

TEST(ReadModelFile, MissingFileIsAnIoError) {
  const std::string path = testing::TempDir() + "/absent.gguf";
  Result<ModelFile> mf = ReadModelFile(path);
  ASSERT_FALSE(mf.ok());
  EXPECT_EQ(mf.status().code(), StatusCode::kIoError);
  EXPECT_NE(mf.status().message().find(path), std::string::npos);
}

TEST(FileFormatName, NamesEachFormat) {
  EXPECT_EQ(FileFormatName(FileFormat::kGguf), "gguf");
  EXPECT_EQ(FileFormatName(FileFormat::kSafetensors), "safetensors");
  EXPECT_EQ(FileFormatName(FileFormat::kLlama2c), "llama2c");
}

}  // namespace
}  // namespace cratio
