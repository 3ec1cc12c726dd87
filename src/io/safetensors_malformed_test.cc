// Malformed safetensors input: every lie a header can tell is InvalidInput with the file,
// the tensor or field, and the numbers in the message.
#include <gtest/gtest.h>

#include <random>

#include "io/io_test_helpers.h"
#include "io/safetensors.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using testing::SafetensorsBytes;
using testing::WriteBytes;

constexpr const char* kConfig = R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 8,
  "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
  "vocab_size": 10})";

// Writes `file_bytes` as model.safetensors (with a valid config.json) and reads it.
Status ReadBytesAsModel(const std::string& file_bytes, std::string* path) {
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/config.json", kConfig);
  *path = dir + "/model.safetensors";
  WriteBytes(*path, file_bytes);
  return ReadSafetensors(*path).status();
}

void ExpectInvalid(const std::string& file_bytes, std::initializer_list<const char*> parts) {
  std::string path;
  const Status s = ReadBytesAsModel(file_bytes, &path);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput) << s.message();
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  for (const char* p : parts) EXPECT_NE(s.message().find(p), std::string::npos) << s.message();
}

TEST(SafetensorsMalformed, FileShorterThanTheLengthField) {
  ExpectInvalid("abc", {"3 bytes", "8-byte"});
}

TEST(SafetensorsMalformed, HeaderLengthPastTheEnd) {
  std::string bytes = SafetensorsBytes("{}", "");
  bytes[0] = 100;  // claims a 100-byte header; 2 bytes follow
  ExpectInvalid(bytes, {"header length 100", "2 bytes"});
}

TEST(SafetensorsMalformed, HeaderLengthOverTheLimit) {
  std::string bytes = SafetensorsBytes("{}", "");
  bytes[4] = 1;  // 2^32 + 2
  ExpectInvalid(bytes, {"header length 4294967298", "limit"});
}

TEST(SafetensorsMalformed, BadJsonGivesTheBytePosition) {
  ExpectInvalid(SafetensorsBytes(R"({"a": {"dtype": "F32",, }})", ""), {"invalid JSON at byte 23"});
}

TEST(SafetensorsMalformed, HeaderThatIsNotAnObject) {
  ExpectInvalid(SafetensorsBytes("[1, 2]", ""), {"must be a JSON object"});
}

TEST(SafetensorsMalformed, DeeplyNestedJsonIsRejectedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  ExpectInvalid(SafetensorsBytes(R"({"__metadata__": )" + deep + "}", ""),
                {"nested deeper than 64"});
}

TEST(SafetensorsMalformed, DuplicateTensorName) {
  ExpectInvalid(SafetensorsBytes(R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                                     "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})",
                                 std::string(8, '\0')),
                {"'w' appears more than once"});
}

TEST(SafetensorsMalformed, UnknownDtypeNamesTheTensor) {
  ExpectInvalid(SafetensorsBytes(
                    R"({"model.norm.weight": {"dtype": "F8_E4M3", "shape": [4], "data_offsets": [0, 4]}})",
                    std::string(4, '\0')),
                {"'model.norm.weight'", "'F8_E4M3'"});
}

TEST(SafetensorsMalformed, SizeThatDisagreesWithTheShape) {
  ExpectInvalid(SafetensorsBytes(
                    R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})",
                    std::string(24, '\0')),
                {"'w'", "needs 24 bytes", "span 20"});
}

TEST(SafetensorsMalformed, OffsetsPastTheDataSection) {
  ExpectInvalid(SafetensorsBytes(
                    R"({"w": {"dtype": "F16", "shape": [8], "data_offsets": [8, 24]}})",
                    std::string(16, '\0')),
                {"'w'", "[8, 24]", "data section of 16 bytes"});
}

TEST(SafetensorsMalformed, OverlappingTensors) {
  ExpectInvalid(SafetensorsBytes(
                    R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                        "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}})",
                    std::string(16, '\0')),
                {"'a' [0, 16)", "'b' [8, 16)", "overlap"});
}

TEST(SafetensorsMalformed, OffsetsThatEndBeforeTheyBegin) {
  ExpectInvalid(SafetensorsBytes(
                    R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}})",
                    std::string(8, '\0')),
                {"'w'", "[8, 4]"});
}

TEST(SafetensorsMalformed, NegativeOrFractionalShape) {
  ExpectInvalid(SafetensorsBytes(
                    R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}})", ""),
                {"'w'", "shape [-1]"});
  ExpectInvalid(SafetensorsBytes(
                    R"({"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 0]}})", ""),
                {"'w'", "shape [1.5]"});
}

TEST(SafetensorsMalformed, TooManyDimensions) {
  ExpectInvalid(SafetensorsBytes(
                    R"({"w": {"dtype": "F32", "shape": [1,1,1,1,1], "data_offsets": [0, 4]}})",
                    std::string(4, '\0')),
                {"'w' has 5 dimensions"});
}

TEST(SafetensorsMalformed, HugeShapeDoesNotOverflow) {
  ExpectInvalid(SafetensorsBytes(
                    R"({"w": {"dtype": "F32", "shape": [1000000000000, 1000000000000], "data_offsets": [0, 4]}})",
                    std::string(4, '\0')),
                {"'w'", "2^50"});
}

TEST(SafetensorsMalformed, CorruptedHeaderBytesNeverCrashOrMisreport) {
  const std::string header =
      R"({"__metadata__": {"format": "pt"}, "model.norm.weight": {"dtype": "F32", "shape": [4], )"
      R"("data_offsets": [0, 16]}, "model.embed_tokens.weight": {"dtype": "BF16", "shape": [2, 4], )"
      R"("data_offsets": [16, 32]}})";
  const std::string good = SafetensorsBytes(header, std::string(32, '\x01'));
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/config.json", kConfig);
  std::mt19937 rng(1234);
  int num_ok = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes = good;
    const int num_flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < num_flips; ++f) {
      // Mostly inside the length field and the header, where the parser works.
      const size_t at = rng() % (8 + header.size() + 4);
      bytes[at] = static_cast<char>(rng() & 0xff);
    }
    WriteBytes(dir + "/model.safetensors", bytes);
    Result<ModelFile> m = ReadSafetensors(dir);
    if (m.ok()) {
      ++num_ok;
      for (const TensorEntry& t : m->tensors) {
        EXPECT_EQ(t.view.size_bytes, TensorBytes(t.view.dtype, t.view.shape)) << t.name;
      }
    } else {
      EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput) << m.status().message();
    }
  }
  EXPECT_LT(num_ok, 300);  // corruption was noticed at least sometimes
}

TEST(SafetensorsMalformed, MissingConfigJsonNamesTheDirectory) {
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/model.safetensors", SafetensorsBytes("{}", ""));
  Result<ModelFile> m = ReadSafetensors(dir);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(m.status().message().find("no config.json in directory '" + dir + "'"),
            std::string::npos) << m.status().message();
}

TEST(SafetensorsMalformed, MissingConfigFieldNamesConfigAndField) {
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/config.json", R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 8,
    "intermediate_size": 16, "num_attention_heads": 2, "vocab_size": 10})");
  WriteBytes(dir + "/model.safetensors", SafetensorsBytes("{}", ""));
  Result<ModelFile> m = ReadSafetensors(dir);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(m.status().message().find(dir + "/config.json"), std::string::npos);
  EXPECT_NE(m.status().message().find("'num_hidden_layers' is missing"), std::string::npos)
      << m.status().message();
}

TEST(SafetensorsMalformed, DirectoryWithoutSafetensorsFiles) {
  const std::string dir = testing::TempDir();
  WriteBytes(dir + "/config.json", kConfig);
  Result<ModelFile> m = ReadSafetensors(dir);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("holds no *.safetensors"), std::string::npos)
      << m.status().message();
}

}  // namespace
}  // namespace cratio
