// Hostile and broken GGUF files, built byte by byte: each must give InvalidInput whose
// message names the path and the offending field or number, and nothing may crash or
// allocate what the file merely claims (this suite also runs under ASan).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <random>

#include "io/byte_reader.h"
#include "io/gguf.h"
#include "io/model_file.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

constexpr uint64_t kHuge = uint64_t{1} << 60;  // 1152921504606846976

// Little-endian byte builder.
struct Bytes {
  std::vector<uint8_t> b;
  template <typename T>
  Bytes& Put(T x) {
    const auto* p = reinterpret_cast<const uint8_t*>(&x);
    b.insert(b.end(), p, p + sizeof(T));
    return *this;
  }
  Bytes& U32(uint32_t x) { return Put(x); }
  Bytes& U64(uint64_t x) { return Put(x); }
  Bytes& Raw(std::string_view s) {
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
  Bytes& Str(std::string_view s) { return U64(s.size()).Raw(s); }
  Bytes& Append(const Bytes& o) {
    b.insert(b.end(), o.b.begin(), o.b.end());
    return *this;
  }
};

Bytes KvU32(std::string_view key, uint32_t v) { return Bytes().Str(key).U32(4).U32(v); }
Bytes KvStr(std::string_view key, std::string_view v) { return Bytes().Str(key).U32(8).Str(v); }
// An array of i32 values.
Bytes KvI32s(std::string_view key, std::vector<int32_t> v) {
  Bytes b;
  b.Str(key).U32(9).U32(5).U64(v.size());
  for (int32_t x : v) b.Put(x);
  return b;
}

struct TensorSpec {
  std::string name;
  std::vector<uint64_t> ne;  // innermost first, as stored
  uint32_t type = 0;         // f32
  uint64_t offset = 0;
};

// A whole file: header fields, raw metadata entries, tensor infos, padding to `alignment`
// and `data_bytes` bytes of data. Counts default to the real numbers.
struct FileSpec {
  std::string magic = "GGUF";
  uint32_t version = 3;
  std::optional<uint64_t> num_tensors, num_kvs;
  std::vector<Bytes> kvs;
  std::vector<TensorSpec> tensors;
  uint64_t alignment = 32;
  uint64_t data_bytes = 0;

  // Offsets where each structural part starts, filled by Build().
  std::vector<size_t> boundaries;
  size_t data_end = 0;

  std::vector<uint8_t> Build() {
    Bytes f;
    boundaries.clear();
    f.Raw(magic).U32(version);
    f.U64(num_tensors.value_or(tensors.size()));
    f.U64(num_kvs.value_or(kvs.size()));
    boundaries.push_back(f.b.size());
    for (const Bytes& kv : kvs) {
      f.Append(kv);
      boundaries.push_back(f.b.size());
    }
    for (const TensorSpec& t : tensors) {
      f.Str(t.name).U32(static_cast<uint32_t>(t.ne.size()));
      for (uint64_t d : t.ne) f.U64(d);
      f.U32(t.type).U64(t.offset);
      boundaries.push_back(f.b.size());
    }
    while (f.b.size() % alignment != 0) f.b.push_back(0);
    for (uint64_t i = 0; i < data_bytes; ++i) f.b.push_back(static_cast<uint8_t>(i * 7 + 1));
    data_end = f.b.size();
    return f.b;
  }
};

// Four metadata entries (one a 200-byte string, so that files cut after it still pass the
// header's count bounds) and two f32 tensors: "a" [2, 4] at 0 (32 bytes) and "b" [8] at 32.
FileSpec ValidSpec() {
  FileSpec s;
  s.kvs = {KvStr("general.architecture", "llama"), KvU32("test.count", 7),
           KvStr("test.pad", std::string(200, 'x')), KvI32s("test.list", {1, 2, 3})};
  s.tensors = {{"a", {4, 2}, 0, 0}, {"b", {8}, 0, 32}};
  s.data_bytes = 64;
  return s;
}

class GgufMalformed : public ::testing::Test {
 protected:
  void SetUp() override { path_ = testing::TempDir() + "/bad.gguf"; }

  void Write(const std::vector<uint8_t>& bytes) {
    std::ofstream f(path_, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  }

  // Reads `bytes` and expects InvalidInput mentioning the path and every needle.
  void ExpectInvalid(const std::vector<uint8_t>& bytes, std::vector<std::string> needles) {
    Write(bytes);
    Result<ModelFile> mf = ReadGguf(path_);
    ASSERT_FALSE(mf.ok()) << "accepted a file that should fail with: " << needles[0];
    EXPECT_EQ(mf.status().code(), StatusCode::kInvalidInput) << mf.status().message();
    EXPECT_NE(mf.status().message().find(path_), std::string::npos) << mf.status().message();
    for (const std::string& n : needles) {
      EXPECT_NE(mf.status().message().find(n), std::string::npos)
          << "missing '" << n << "' in: " << mf.status().message();
    }
  }

  std::string path_;
};

TEST_F(GgufMalformed, TheBaselineFileIsValid) {
  FileSpec s = ValidSpec();
  Write(s.Build());
  Result<ModelFile> mf = ReadGguf(path_);
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  ASSERT_EQ(mf->tensors.size(), 2u);
  EXPECT_EQ(mf->tensors[0].view.shape, (Shape{2, 4}));
  EXPECT_EQ(mf->tensors[1].file_offset, mf->tensors[0].file_offset + 32);
  EXPECT_EQ(mf->metadata.GetInt("test.count"), 7);
}

TEST_F(GgufMalformed, EveryTruncationBeforeTheEndOfDataFails) {
  FileSpec s = ValidSpec();
  const std::vector<uint8_t> full = s.Build();
  for (size_t len = 0; len < s.data_end; ++len) {
    SCOPED_TRACE(len);
    ExpectInvalid(std::vector<uint8_t>(full.begin(), full.begin() + len), {"gguf"});
  }
}

TEST_F(GgufMalformed, TruncationAtEachStructuralBoundaryNamesTheMissingField) {
  FileSpec s = ValidSpec();
  const std::vector<uint8_t> full = s.Build();
  auto cut = [&](size_t n) { return std::vector<uint8_t>(full.begin(), full.begin() + n); };
  const std::vector<size_t>& at = s.boundaries;  // after header, 4 kvs, 2 tensor infos
  ASSERT_EQ(at.size(), 7u);
  ExpectInvalid(cut(2), {"header magic needs 4 bytes at offset 0, file has 2"});
  ExpectInvalid(cut(6), {"version needs 4 bytes at offset 4, file has 6"});
  // Too few bytes left for 4 entries and 2 tensor infos: the header's counts are refused.
  ExpectInvalid(cut(at[0]), {"metadata count 4 needs at least 13 bytes each at offset 24"});
  ExpectInvalid(cut(at[1] + 3), {"metadata count 4"});
  ExpectInvalid(cut(at[3] - 1), {"key 'test.pad' value string has length 200"});
  ExpectInvalid(cut(at[3] + 8 + 9 + 2), {"key 'test.list' value type needs 4 bytes"});
  // The array's length is checked against the bytes left before any element is read.
  ExpectInvalid(cut(at[4] - 2), {"key 'test.list' value is an array of 3 i32 elements"});
  ExpectInvalid(cut(at[4] + 3), {"tensor info 0 name string length needs 8 bytes"});
  ExpectInvalid(cut(at[5] - 3), {"tensor 'a' data offset needs 8 bytes"});
  ExpectInvalid(cut(at[6] - 20), {"tensor 'b' dims needs 8 bytes"});
  ExpectInvalid(cut(at[6]), {fmt::format("tensor 'a' needs 32 bytes at offset {}, file has {}",
                                         (at[6] + 31) / 32 * 32, at[6])});
  ExpectInvalid(cut(s.data_end - 1),
                {fmt::format("tensor 'b' needs 32 bytes at offset {}, file has {} (truncated?)",
                             s.data_end - 32, s.data_end - 1)});
}

TEST_F(GgufMalformed, EmptyFileFails) { ExpectInvalid({}, {"file has 0"}); }

TEST_F(GgufMalformed, WrongMagicShowsTheBytes) {
  FileSpec s = ValidSpec();
  s.magic = "GGML";
  ExpectInvalid(s.Build(), {"not a GGUF file", "47 47 4d 4c"});
}

TEST_F(GgufMalformed, VersionOneIsRejectedByName) {
  FileSpec s = ValidSpec();
  s.version = 1;
  ExpectInvalid(s.Build(), {"version 1 is not supported"});
}

TEST_F(GgufMalformed, BigEndianFileIsRejectedByName) {
  FileSpec s = ValidSpec();
  s.version = 0x03000000;  // version 3 written big-endian
  ExpectInvalid(s.Build(), {"big-endian", "0x03000000"});
}

TEST_F(GgufMalformed, UnknownVersionIsRejected) {
  FileSpec s = ValidSpec();
  s.version = 4;
  ExpectInvalid(s.Build(), {"unsupported GGUF version 4"});
}

TEST_F(GgufMalformed, VersionTwoIsAccepted) {
  FileSpec s = ValidSpec();
  s.version = 2;
  Write(s.Build());
  Result<ModelFile> mf = ReadGguf(path_);
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  EXPECT_EQ(mf->gguf_version, 2u);
}

TEST_F(GgufMalformed, AbsurdCountsFailBeforeAllocating) {
  FileSpec s = ValidSpec();
  s.num_tensors = kHuge;
  ExpectInvalid(s.Build(), {"tensor count 1152921504606846976"});
  s = ValidSpec();
  s.num_kvs = kHuge;
  ExpectInvalid(s.Build(), {"metadata count 1152921504606846976"});
  s = ValidSpec();
  s.num_tensors = s.num_kvs = ~uint64_t{0};
  ExpectInvalid(s.Build(), {"count 18446744073709551615"});
}

TEST_F(GgufMalformed, AbsurdStringLengthFailsBeforeAllocating) {
  FileSpec s = ValidSpec();
  s.kvs[1] = Bytes().U64(kHuge).Raw("test.count");
  ExpectInvalid(s.Build(), {"metadata entry 1 key string has length 1152921504606846976"});
  s = ValidSpec();
  s.kvs[0] = Bytes().Str("general.architecture").U32(8).U64(kHuge).Raw("llama");
  ExpectInvalid(s.Build(),
                {"key 'general.architecture' value string has length 1152921504606846976"});
  s = ValidSpec();
  s.kvs.push_back(Bytes().Str("tokens").U32(9).U32(8).U64(2).Str("x").U64(kHuge));
  ExpectInvalid(s.Build(), {"key 'tokens' element 1 value string has length 1152921504606846976"});
}

TEST_F(GgufMalformed, AbsurdArrayLengthFailsBeforeAllocating) {
  FileSpec s = ValidSpec();
  s.kvs.push_back(Bytes().Str("arr").U32(9).U32(6).U64(kHuge));
  ExpectInvalid(s.Build(), {"key 'arr'", "array of 1152921504606846976 f32 elements"});
  s = ValidSpec();
  s.kvs.push_back(Bytes().Str("nested").U32(9).U32(9).U64(kHuge));
  ExpectInvalid(s.Build(), {"key 'nested'", "1152921504606846976 array elements"});
}

TEST_F(GgufMalformed, DeeplyNestedArraysAreRefused) {
  FileSpec s = ValidSpec();
  Bytes kv;
  kv.Str("deep").U32(9);
  for (int i = 0; i < 20; ++i) kv.U32(9).U64(1);
  kv.U32(0).U64(0);
  s.kvs.push_back(kv);
  ExpectInvalid(s.Build(), {"key 'deep'", "nests arrays more than 16 deep"});
}

TEST_F(GgufMalformed, UnknownValueTypesAreRefused) {
  FileSpec s = ValidSpec();
  s.kvs.push_back(Bytes().Str("odd").U32(13).U32(0));
  ExpectInvalid(s.Build(), {"key 'odd' has unknown value type id 13"});
  s = ValidSpec();
  s.kvs.push_back(Bytes().Str("odd").U32(9).U32(77).U64(0));
  ExpectInvalid(s.Build(), {"key 'odd'", "unknown array element type id 77"});
}

TEST_F(GgufMalformed, BoolMustBeZeroOrOne) {
  FileSpec s = ValidSpec();
  s.kvs.push_back(Bytes().Str("flag").U32(7).Put<uint8_t>(2));
  ExpectInvalid(s.Build(), {"key 'flag'", "byte 2", "expected 0 or 1"});
}

TEST_F(GgufMalformed, DuplicateKeysAreRefused) {
  FileSpec s = ValidSpec();
  s.kvs.push_back(KvU32("test.count", 8));
  ExpectInvalid(s.Build(), {"duplicate metadata key 'test.count'", "entry 4"});
}

TEST_F(GgufMalformed, InvalidUtf8IsRefusedWithKeyAndOffset) {
  FileSpec s = ValidSpec();
  s.kvs[1] = KvU32("test.c\xc3\x28unt", 7);  // 0xc3 not followed by a continuation byte
  std::vector<uint8_t> b = s.Build();
  const size_t key_at = s.boundaries[1] + 8;
  ExpectInvalid(b, {"metadata entry 1 key string is not valid UTF-8",
                    fmt::format("byte 0xc3 at offset {}", key_at + 6)});

  s = ValidSpec();
  s.kvs[0] = KvStr("general.architecture", "lla\xed\xa0\x80");  // a UTF-16 surrogate
  b = s.Build();
  ExpectInvalid(b, {"key 'general.architecture' value string is not valid UTF-8", "byte 0xed"});

  s = ValidSpec();
  s.kvs.push_back(
      Bytes().Str("tokenizer.ggml.tokens").U32(9).U32(8).U64(2).Str("ok").Str("\xc0\xaf"));
  ExpectInvalid(s.Build(), {"key 'tokenizer.ggml.tokens' element 1 value string is not valid UTF-8",
                            "byte 0xc0"});

  s = ValidSpec();
  s.tensors[1].name = "b\xff";
  ExpectInvalid(s.Build(), {"tensor info 1 name string is not valid UTF-8", "byte 0xff"});
}

TEST_F(GgufMalformed, AlignmentMustBeANonzeroPowerOfTwo) {
  for (uint32_t a : {0u, 3u, 48u}) {
    FileSpec s = ValidSpec();
    s.kvs.push_back(KvU32("general.alignment", a));
    ExpectInvalid(s.Build(), {fmt::format("general.alignment is {}", a), "power of two"});
  }
  FileSpec s = ValidSpec();
  s.kvs.push_back(KvStr("general.alignment", "32"));
  ExpectInvalid(s.Build(), {"general.alignment has type string"});
  s = ValidSpec();
  s.kvs.push_back(Bytes().Str("general.alignment").U32(5).Put<int32_t>(-64));
  ExpectInvalid(s.Build(), {"general.alignment is -64"});
}

TEST_F(GgufMalformed, CustomAlignmentIsHonoured) {
  FileSpec s = ValidSpec();
  s.kvs.push_back(KvU32("general.alignment", 64));
  s.alignment = 64;
  s.tensors[1].offset = 64;
  s.data_bytes = 96;
  Write(s.Build());
  Result<ModelFile> mf = ReadGguf(path_);
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  EXPECT_EQ(mf->alignment, 64u);
  EXPECT_EQ(mf->tensors[0].file_offset % 64, 0u);
  EXPECT_EQ(mf->tensors[1].file_offset - mf->tensors[0].file_offset, 64u);
  // The same offsets under the default alignment of 32 would not be a valid file's
  // layout for tensor b at 32: check that 32-byte offsets are refused under 64.
  s.tensors[1].offset = 32;
  ExpectInvalid(s.Build(), {"tensor 'b' data offset 32", "not a multiple of the alignment 64"});
}

// general.alignment 1 lets a tensor start at any address; an f32 view must still be
// 4-byte aligned (reading it in place was undefined behaviour, found by fuzz_gguf), with
// the file's bytes and file offset unchanged.
TEST_F(GgufMalformed, TensorsOfAnOddAlignmentAreCopiedToAlignedMemory) {
  FileSpec s = ValidSpec();
  s.kvs.push_back(KvU32("general.alignment", 1));
  s.alignment = 1;
  s.tensors[1].offset = 33;  // a at [0, 32), b at [33, 65): one of them is misaligned
  s.data_bytes = 65;
  const std::vector<uint8_t> bytes = s.Build();
  Write(bytes);
  Result<ModelFile> mf = ReadGguf(path_);
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  ASSERT_EQ(mf->tensors.size(), 2u);
  EXPECT_EQ(mf->tensors[1].file_offset - mf->tensors[0].file_offset, 33u);
  for (const TensorEntry& t : mf->tensors) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.view.data) % alignof(float), 0u) << t.name;
    ASSERT_EQ(t.view.size_bytes, 32u);
    EXPECT_EQ(std::memcmp(t.view.data, bytes.data() + t.file_offset, 32), 0) << t.name;
  }
}

TEST_F(GgufMalformed, NDimsMustBeOneToFour) {
  FileSpec s = ValidSpec();
  s.tensors[0].ne = {};
  ExpectInvalid(s.Build(), {"tensor 'a' has n_dims 0", "expected 1..4"});
  s = ValidSpec();
  s.tensors[0].ne = {1, 1, 1, 1, 32};
  ExpectInvalid(s.Build(), {"tensor 'a' has n_dims 5"});
}

TEST_F(GgufMalformed, HugeDimsAndOverflowingProductsAreRefused) {
  FileSpec s = ValidSpec();
  s.tensors[0].ne = {4, (uint64_t{1} << 53) + 1};
  ExpectInvalid(s.Build(), {"tensor 'a' dim 1 is 9007199254740993", "2^53"});
  s = ValidSpec();
  s.tensors[0].ne = {uint64_t{1} << 40, uint64_t{1} << 40};
  ExpectInvalid(s.Build(), {"tensor 'a' dims overflow"});
  s = ValidSpec();
  s.tensors[0].ne = {uint64_t{1} << 31, uint64_t{1} << 31, 2, 2};
  ExpectInvalid(s.Build(), {"tensor 'a' dims overflow"});
  // Elements fit in int64, bytes do not: 2^61 f64 elements are 2^64 bytes.
  s = ValidSpec();
  s.tensors[0].ne = {uint64_t{1} << 31, uint64_t{1} << 30};
  s.tensors[0].type = 28;
  ExpectInvalid(s.Build(), {"tensor 'a' (f64", "byte size overflows 64 bits"});
  // 2^60 f64 elements are 2^63 bytes: representable, and far beyond the file.
  s = ValidSpec();
  s.tensors[0].ne = {uint64_t{1} << 31, uint64_t{1} << 29};
  s.tensors[0].type = 28;
  ExpectInvalid(s.Build(), {"tensor 'a' needs 9223372036854775808 bytes at offset"});
}

TEST_F(GgufMalformed, UnknownTensorTypeIsRefusedWithNameAndId) {
  FileSpec s = ValidSpec();
  s.tensors[1].type = 99;
  ExpectInvalid(s.Build(), {"tensor 'b' has unknown or unsupported ggml type id 99"});
  s = ValidSpec();
  s.tensors[1].type = 16;  // IQ2_XXS: real in ggml, not supported by cratio
  ExpectInvalid(s.Build(), {"tensor 'b'", "type id 16"});
}

TEST_F(GgufMalformed, RowLengthMustBeWholeBlocks) {
  FileSpec s = ValidSpec();
  s.tensors[0].ne = {16, 2};
  s.tensors[0].type = 2;  // q4_0, 32 elements per block
  ExpectInvalid(s.Build(), {"tensor 'a'", "row length 16", "block size 32"});
}

TEST_F(GgufMalformed, OffsetPastTheEndIsRefused) {
  FileSpec s = ValidSpec();
  s.tensors[1].offset = uint64_t{1} << 40;
  ExpectInvalid(s.Build(), {"tensor 'b' needs 32 bytes at offset"});
  s = ValidSpec();
  s.tensors[1].offset = ~uint64_t{0} - 31;  // offset + size wraps around 2^64
  ExpectInvalid(s.Build(), {"tensor 'b'"});
}

TEST_F(GgufMalformed, MisalignedOffsetIsRefused) {
  FileSpec s = ValidSpec();
  s.tensors[1].offset = 16;
  ExpectInvalid(s.Build(), {"tensor 'b' data offset 16", "alignment 32"});
}

TEST_F(GgufMalformed, OverlappingTensorsAreNamedBoth) {
  FileSpec s = ValidSpec();
  s.tensors[0].ne = {16, 1};  // a: 64 bytes at 0, b at 32
  s.data_bytes = 96;
  ExpectInvalid(s.Build(), {"tensors 'a'", "'b'", "[0, 64)", "[32, 64)", "overlap"});
}

TEST_F(GgufMalformed, DuplicateTensorNamesAreRefused) {
  FileSpec s = ValidSpec();
  s.tensors[1].name = "a";
  ExpectInvalid(s.Build(), {"duplicate tensor name 'a'"});
}

// A NaN / infinite scalar setting (epsilon, RoPE base) is refused by name: it would
// poison every computation downstream (issue 8). Array elements stay data.
TEST_F(GgufMalformed, NonFiniteFloatMetadataIsRefusedByKey) {
  FileSpec s = ValidSpec();
  s.kvs.push_back(Bytes().Str("eps").U32(6).Put(std::numeric_limits<float>::quiet_NaN()));
  ExpectInvalid(s.Build(), {"key 'eps' value is nan", "must be finite"});
  s = ValidSpec();
  s.kvs.push_back(Bytes().Str("base").U32(12).Put(-std::numeric_limits<double>::infinity()));
  ExpectInvalid(s.Build(), {"key 'base' value is -inf", "must be finite"});
}

TEST_F(GgufMalformed, NonFiniteFloatsInsideArraysAreData) {
  FileSpec s = ValidSpec();
  s.kvs.push_back(Bytes().Str("scores").U32(9).U32(6).U64(2).Put(1.5f).Put(
      -std::numeric_limits<float>::infinity()));
  Write(s.Build());
  Result<ModelFile> mf = ReadGguf(path_);
  ASSERT_TRUE(mf.ok()) << mf.status().message();
  const MetaArray* a = mf->metadata.GetArray("scores");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items.size(), 2u);
  EXPECT_EQ(*a->items[1].AsDouble(), -std::numeric_limits<double>::infinity());
}

TEST_F(GgufMalformed, ReadModelFilePassesGgufErrorsThrough) {
  FileSpec s = ValidSpec();
  s.tensors[1].type = 99;
  Write(s.Build());
  Result<ModelFile> mf = ReadModelFile(path_);
  ASSERT_FALSE(mf.ok());
  EXPECT_EQ(mf.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(mf.status().message().find(path_), std::string::npos);
  EXPECT_NE(mf.status().message().find("type id 99"), std::string::npos);
}

// Random byte flips and truncations of a valid file (fixed seed): every result is either a
// file that reads or InvalidInput — never a crash, a hang or another error class.
TEST_F(GgufMalformed, RandomCorruptionsNeverCrash) {
  FileSpec s = ValidSpec();
  s.kvs.push_back(
      Bytes().Str("tokens").U32(9).U32(8).U64(3).Str("<s>").Str("a").Str("\xe4\xb8\x96"));
  const std::vector<uint8_t> full = s.Build();
  std::mt19937 rng(42);
  int num_ok = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> b = full;
    const int num_flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < num_flips; ++k) {
      const size_t at = rng() % b.size();
      switch (rng() % 3) {
        case 0:
          b[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 1:
          b[at] = static_cast<uint8_t>(rng());
          break;
        default:
          b[at] = (rng() % 2) ? 0xff : 0x00;
          break;
      }
    }
    if (rng() % 8 == 0) b.resize(rng() % b.size());
    Write(b);
    Result<ModelFile> mf = ReadGguf(path_);
    if (mf.ok()) {
      ++num_ok;
      for (const TensorEntry& t : mf->tensors) {
        ASSERT_LE(t.file_offset + t.view.size_bytes, b.size());
      }
    } else {
      ASSERT_EQ(mf.status().code(), StatusCode::kInvalidInput) << mf.status().message();
      ASSERT_NE(mf.status().message().find(path_), std::string::npos) << mf.status().message();
    }
  }
  // Flips inside tensor data leave a valid file, so some must succeed.
  EXPECT_GT(num_ok, 0);
}

// The same on the real model: corruptions of its metadata and tensor infos (the vocab's
// string arrays, float arrays and 48 tensor infos).
TEST_F(GgufMalformed, RandomCorruptionsOfARealModelNeverCrash) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  std::ifstream f(testing::DataPath("models/stories260K.gguf"), std::ios::binary);
  const std::vector<uint8_t> full(std::istreambuf_iterator<char>(f), {});
  Write(full);
  Result<ModelFile> original = ReadGguf(path_);
  ASSERT_TRUE(original.ok()) << original.status().message();
  const uint64_t header_bytes = original->tensors[0].file_offset;
  std::mt19937 rng(7);
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<uint8_t> b = full;
    for (int k = 0; k < 3; ++k) b[rng() % header_bytes] = static_cast<uint8_t>(rng());
    Write(b);
    Result<ModelFile> mf = ReadGguf(path_);
    if (!mf.ok()) {
      ASSERT_EQ(mf.status().code(), StatusCode::kInvalidInput) << mf.status().message();
    }
  }
}

TEST(FindInvalidUtf8, AcceptsValidUtf8AndLocatesTheFirstBadSequence) {
  auto find = [](std::string_view s) {
    return FindInvalidUtf8(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  EXPECT_EQ(find(""), std::nullopt);
  EXPECT_EQ(find("plain ascii"), std::nullopt);
  EXPECT_EQ(find("\xc3\xa9\xe4\xb8\x96\xf0\x9f\xa6\x99"), std::nullopt);  // é 世 🦙
  EXPECT_EQ(find("\xf4\x8f\xbf\xbf"), std::nullopt);                      // U+10FFFF
  EXPECT_EQ(find("ab\xf4\x90\x80\x80"), 2u);                              // U+110000
  EXPECT_EQ(find("a\xe0\x80\x80"), 1u);                                   // overlong
  EXPECT_EQ(find("a\xc1\xbf"), 1u);                                       // overlong
  EXPECT_EQ(find("ok\xed\xa0\x80"), 2u);                                  // surrogate
  EXPECT_EQ(find("x\x80"), 1u);                                           // stray continuation
  EXPECT_EQ(find("xyz\xe4\xb8"), 3u);                                     // cut at the end
  EXPECT_EQ(find("\xe4\xb8\x41"), 0u);                                    // bad continuation
}

TEST(ByteReader, RefusesReadsPastTheEndAndLeavesTheCursor) {
  const uint8_t data[6] = {1, 0, 0, 0, 0xff, 0xee};
  ByteReader r(data, sizeof(data), "f.bin: test");
  uint32_t x = 0;
  ASSERT_TRUE(r.Read(&x, "count").ok());
  EXPECT_EQ(x, 1u);
  uint64_t y = 0;
  Status s = r.Read(&y, "size");
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(s.message(), "f.bin: test: size needs 8 bytes at offset 4, file has 6 (truncated?)");
  EXPECT_EQ(r.offset(), 4u);
  const uint8_t* p = nullptr;
  EXPECT_FALSE(r.ReadBytes(3, &p, "tail").ok());
  ASSERT_TRUE(r.ReadBytes(2, &p, "tail").ok());
  EXPECT_EQ(p[1], 0xee);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_FALSE(r.Skip(1, "more").ok());
}

}  // namespace
}  // namespace cratio
