// End-to-end: `cratio convert` between GGUF, safetensors and llama2.c on stories260K, with
// and without re-typing; converted models must generate the same text.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/model_file.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;
using testing::Describe;
using testing::ReadWholeFile;
using testing::RunCli;

constexpr const char* kStories = "models/stories260K.gguf";

void ExpectSameTensors(const std::string& a_path, const std::string& b_path) {
  auto a = ReadModelFile(a_path);
  auto b = ReadModelFile(b_path);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_EQ(a->tensors.size(), b->tensors.size());
  for (const TensorEntry& e : a->tensors) {
    const TensorEntry* o = b->FindTensor(e.name);
    ASSERT_NE(o, nullptr) << e.name;
    ASSERT_EQ(e.view.dtype, o->view.dtype) << e.name;
    ASSERT_EQ(e.view.shape, o->view.shape) << e.name;
    EXPECT_EQ(std::memcmp(e.view.data, o->view.data, e.view.size_bytes), 0) << e.name;
  }
}

// True when this build of the binary has the `generate` command (the engine's).
bool HasGenerate() { return RunCli({"--help"}).out.find("\n  generate ") != std::string::npos; }

std::string Greedy(const std::string& model) {
  auto r = RunCli({"generate", model, "-p", "Once upon a time", "-n", "24", "--temp", "0", "-t", "1"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return r.out;
}

TEST(CliConvert, GgufIdentityIsByteIdentical) {
  CRATIO_REQUIRE_DATA_FILE(kStories);
  const std::string src = testing::DataPath(kStories);
  const std::string dir = testing::TempDir();
  auto r = RunCli({"convert", src, dir + "/copy.gguf"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(ReadWholeFile(src) == ReadWholeFile(dir + "/copy.gguf"));
}

TEST(CliConvert, SafetensorsRoundTripIsBitExactAndGeneratesTheSameText) {
  CRATIO_REQUIRE_DATA_FILE(kStories);
  const std::string src = testing::DataPath(kStories);
  const std::string dir = testing::TempDir();
  auto to_st = RunCli({"convert", src, dir + "/hf"});
  ASSERT_EQ(to_st.exit_code, 0) << Describe(to_st);
  EXPECT_NE(to_st.out.find("10 Q/K permuted"), std::string::npos) << to_st.out;
  auto back = RunCli({"convert", dir + "/hf", dir + "/back.gguf"});
  ASSERT_EQ(back.exit_code, 0) << Describe(back);
  ExpectSameTensors(src, dir + "/back.gguf");
  // The safetensors directory runs in the half-split RoPE layout and must agree.
  if (!HasGenerate()) GTEST_SKIP() << "this cratio binary has no `generate` command";
  const std::string expected = Greedy(src);
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(Greedy(dir + "/hf"), expected);
  EXPECT_EQ(Greedy(dir + "/back.gguf"), expected);
}

TEST(CliConvert, Llama2cRoundTrip) {
  CRATIO_REQUIRE_DATA_FILE(kStories);
  const std::string src = testing::DataPath(kStories);
  const std::string dir = testing::TempDir();
  auto r = RunCli({"convert", src, dir + "/model.bin"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  auto back = ReadModelFile(dir + "/model.bin");
  ASSERT_TRUE(back.ok()) << back.status().message();
  auto orig = ReadModelFile(src);
  ASSERT_TRUE(orig.ok());
  for (const TensorEntry& e : orig->tensors) {
    const TensorEntry* o = back->FindTensor(e.name);
    ASSERT_NE(o, nullptr) << e.name;
    EXPECT_EQ(std::memcmp(e.view.data, o->view.data, e.view.size_bytes), 0) << e.name;
  }
}

TEST(CliConvert, RetypingReportsFallbacksAndStaysCloseInOutput) {
  CRATIO_REQUIRE_DATA_FILE(kStories);
  const std::string src = testing::DataPath(kStories);
  const std::string dir = testing::TempDir();
  auto r = RunCli({"convert", src, dir + "/q8.gguf", "--dtype", "q8_0"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  // ffn_down rows have 172 elements, not a multiple of q8_0's 32: five fall back to f16.
  size_t fallbacks = 0;
  for (size_t pos = 0; (pos = r.out.find("fallback: blk.", pos)) != std::string::npos; ++pos) {
    ++fallbacks;
  }
  EXPECT_EQ(fallbacks, 5u) << r.out;
  EXPECT_NE(r.out.find("ffn_down.weight: rows of 172"), std::string::npos) << r.out;
  auto info = RunCli({"info", dir + "/q8.gguf", "--json"});
  ASSERT_EQ(info.exit_code, 0) << Describe(info);
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["file_type"].get<int64_t>(), 7);
  EXPECT_EQ(j["bytes_by_dtype"]["f16"]["num_tensors"].get<int64_t>(), 5);
  EXPECT_EQ(j["bytes_by_dtype"]["f32"]["num_tensors"].get<int64_t>(), 11);  // norms
  EXPECT_LT(fs::file_size(dir + "/q8.gguf"), fs::file_size(src) / 2);
  // 8-bit weights: greedy text from a q8_0 stories260K still starts like the original.
  if (!HasGenerate()) GTEST_SKIP() << "this cratio binary has no `generate` command";
  const std::string original = Greedy(src);
  const std::string quantized = Greedy(dir + "/q8.gguf");
  EXPECT_EQ(quantized.substr(0, 20), original.substr(0, 20));
}

}  // namespace
}  // namespace cratio
