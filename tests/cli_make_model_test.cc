// End-to-end: `cratio make-model` determinism, formats, presets, --vocab-from, and
// `cratio tokenize` on the models it writes.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
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

TEST(CliMakeModel, SameSeedWritesByteIdenticalFilesWhateverTheThreads) {
  const std::string dir = testing::TempDir();
  auto a = RunCli({"make-model", "--preset", "tiny", "--seed", "5", "-t", "1", "-o", dir + "/a.gguf"});
  auto b = RunCli({"make-model", "--preset", "tiny", "--seed", "5", "-t", "2", "-o", dir + "/b.gguf"});
  auto c = RunCli({"make-model", "--preset", "tiny", "--seed", "6", "-o", dir + "/c.gguf"});
  ASSERT_EQ(a.exit_code, 0) << Describe(a);
  ASSERT_EQ(b.exit_code, 0) << Describe(b);
  ASSERT_EQ(c.exit_code, 0) << Describe(c);
  const std::string bytes_a = ReadWholeFile(dir + "/a.gguf");
  EXPECT_TRUE(bytes_a == ReadWholeFile(dir + "/b.gguf"));
  EXPECT_FALSE(bytes_a == ReadWholeFile(dir + "/c.gguf"));
  EXPECT_LT(bytes_a.size(), 1u << 20);  // tiny: under 1 MB
  EXPECT_NE(a.out.find("wrote"), std::string::npos);
}

TEST(CliMakeModel, RefusesToOverwriteWithoutForce) {
  const std::string dir = testing::TempDir();
  const std::string out = dir + "/m.gguf";
  ASSERT_EQ(RunCli({"make-model", "--seed", "1", "-o", out}).exit_code, 0);
  const std::string before = ReadWholeFile(out);
  auto again = RunCli({"make-model", "--seed", "2", "-o", out});
  EXPECT_EQ(again.exit_code, 2) << Describe(again);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_TRUE(ReadWholeFile(out) == before);
  auto forced = RunCli({"make-model", "--seed", "2", "-o", out, "--force"});
  EXPECT_EQ(forced.exit_code, 0) << Describe(forced);
  EXPECT_FALSE(ReadWholeFile(out) == before);
}

TEST(CliMakeModel, SafetensorsOutputHoldsTheSameModelAsGguf) {
  const std::string dir = testing::TempDir();
  ASSERT_EQ(RunCli({"make-model", "--seed", "9", "--dtype", "bf16", "-o", dir + "/m.gguf"}).exit_code, 0);
  auto st = RunCli({"make-model", "--seed", "9", "--dtype", "bf16", "--format", "safetensors",
                    "-o", dir + "/hf"});
  ASSERT_EQ(st.exit_code, 0) << Describe(st);
  EXPECT_TRUE(fs::exists(dir + "/hf/model.safetensors"));
  EXPECT_TRUE(fs::exists(dir + "/hf/config.json"));
  // Back to GGUF: the Q/K permutation is undone and every tensor matches bit for bit.
  auto back = RunCli({"convert", dir + "/hf", dir + "/back.gguf"});
  ASSERT_EQ(back.exit_code, 0) << Describe(back);
  auto a = ReadModelFile(dir + "/m.gguf");
  auto b = ReadModelFile(dir + "/back.gguf");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->tensors.size(), b->tensors.size());
  for (const TensorEntry& e : a->tensors) {
    const TensorEntry* o = b->FindTensor(e.name);
    ASSERT_NE(o, nullptr) << e.name;
    ASSERT_EQ(o->view.dtype, e.view.dtype) << e.name;
    ASSERT_EQ(e.view.size_bytes, o->view.size_bytes) << e.name;
    EXPECT_EQ(std::memcmp(e.view.data, o->view.data, e.view.size_bytes), 0) << e.name;
  }
}

TEST(CliMakeModel, CustomShapeAndQuantizedDtype) {
  const std::string dir = testing::TempDir();
  auto r = RunCli({"make-model", "--dim", "128", "--layers", "3", "--ffn", "256", "--heads", "4",
                   "--kv-heads", "1", "--vocab", "300", "--ctx", "64", "--dtype", "q4_0", "-o",
                   dir + "/m.gguf"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  auto info = RunCli({"info", dir + "/m.gguf", "--json"});
  ASSERT_EQ(info.exit_code, 0) << Describe(info);
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["config"]["model_dim"].get<int64_t>(), 128);
  EXPECT_EQ(j["config"]["num_layers"].get<int64_t>(), 3);
  EXPECT_EQ(j["config"]["num_kv_heads"].get<int64_t>(), 1);
  EXPECT_EQ(j["config"]["vocab_size"].get<int64_t>(), 300);
  EXPECT_EQ(j["config"]["context_length"].get<int64_t>(), 64);
  EXPECT_DOUBLE_EQ(j["bytes_by_dtype"]["q4_0"]["bits_per_weight"].get<double>(), 4.5);
}

TEST(CliMakeModel, VocabFromCopiesTheTokenizer) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  const std::string src = testing::DataPath("models/stories260K.gguf");
  const std::string dir = testing::TempDir();
  auto r = RunCli({"make-model", "--vocab-from", src, "-o", dir + "/m.gguf"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  auto made = RunCli({"tokenize", dir + "/m.gguf", "--text", "Once upon a time", "--ids"});
  auto orig = RunCli({"tokenize", src, "--text", "Once upon a time", "--ids"});
  ASSERT_EQ(made.exit_code, 0) << Describe(made);
  ASSERT_EQ(orig.exit_code, 0) << Describe(orig);
  EXPECT_EQ(made.out, orig.out);
  auto m = ReadModelFile(dir + "/m.gguf");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->FindTensor("token_embd.weight")->view.shape, (Shape{512, 64}));
}

TEST(CliTokenize, PrintsIdsAndPieces) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  const std::string src = testing::DataPath("models/stories260K.gguf");
  auto ids = RunCli({"tokenize", src, "--text", "Once upon a time", "--ids"});
  ASSERT_EQ(ids.exit_code, 0) << Describe(ids);
  EXPECT_EQ(ids.out.rfind("1 ", 0), 0u) << ids.out;  // BOS first
  auto no_bos = RunCli({"tokenize", src, "--text", "Once upon a time", "--ids", "--no-bos"});
  ASSERT_EQ(no_bos.exit_code, 0);
  EXPECT_EQ("1 " + no_bos.out, ids.out);
  auto pairs = RunCli({"tokenize", src, "--text", "Once upon a time", "--no-bos"});
  ASSERT_EQ(pairs.exit_code, 0) << Describe(pairs);
  EXPECT_NE(pairs.out.find("'\xe2\x96\x81"), std::string::npos) << pairs.out;  // "▁" pieces
  const std::string dir = testing::TempDir();
  const std::string text_file = dir + "/t.txt";
  std::ofstream(text_file) << "Once upon a time";
  auto from_file = RunCli({"tokenize", src, "--file", text_file, "--ids"});
  ASSERT_EQ(from_file.exit_code, 0) << Describe(from_file);
  EXPECT_EQ(from_file.out, ids.out);
}

TEST(CliTokenize, BuiltinVocabularyHandlesAnyBytes) {
  const std::string dir = testing::TempDir();
  ASSERT_EQ(RunCli({"make-model", "-o", dir + "/m.gguf"}).exit_code, 0);
  auto r = RunCli({"tokenize", dir + "/m.gguf", "--text", "naïve 日本", "--no-bos"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("<0xC3>"), std::string::npos) << r.out;  // byte fallback for ï
}

}  // namespace
}  // namespace cratio
