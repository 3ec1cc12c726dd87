// End-to-end: `cratio info` (text and JSON) and `cratio info --system` through the binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/model_file.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using testing::Describe;
using testing::RunCli;

TEST(CliInfo, JsonParameterCountsAndSizesMatchTheFile) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  const std::string path = testing::DataPath("models/stories260K.gguf");
  auto r = RunCli({"info", path, "--json", "--ctx", "100"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const auto j = nlohmann::json::parse(r.out);
  auto file = ReadModelFile(path);
  ASSERT_TRUE(file.ok());
  int64_t elements = 0;
  for (const TensorEntry& e : file->tensors) elements += e.view.num_elements();
  EXPECT_EQ(j["params_total"].get<int64_t>(), elements);
  EXPECT_EQ(j["num_tensors"].get<int64_t>(), 48);
  EXPECT_EQ(j["file_bytes"].get<uint64_t>(), std::filesystem::file_size(path));
  EXPECT_EQ(j["tensor_bytes"].get<uint64_t>(), static_cast<uint64_t>(elements) * 4);
  EXPECT_DOUBLE_EQ(j["bits_per_weight"].get<double>(), 32.0);
  EXPECT_EQ(j["bytes_by_dtype"]["f32"]["params"].get<int64_t>(), elements);
  EXPECT_EQ(j["config"]["num_layers"].get<int64_t>(), 5);
  EXPECT_EQ(j["config"]["num_kv_heads"].get<int64_t>(), 4);
  EXPECT_EQ(j["config"]["rope_layout"].get<std::string>(), "adjacent");
  EXPECT_EQ(j["tokenizer"]["vocab_size"].get<int64_t>(), 512);
  // At N = 100: 2 * MACs + 5 layers * 2 * 2 * (8 heads * 8) * 100.
  EXPECT_EQ(j["context_length"].get<int64_t>(), 100);
  EXPECT_EQ(j["flops_per_token"].get<int64_t>(),
            2 * j["linear_macs_per_token"].get<int64_t>() + 5 * 4 * 64 * 100);
  EXPECT_EQ(j["kv_cache_bytes"].get<uint64_t>(), 5u * 100 * 2 * 32 * 4);
  int64_t by_role = 0;
  for (const auto& [role, g] : j["params_by_role"].items()) by_role += g["params"].get<int64_t>();
  EXPECT_EQ(by_role, elements);
  EXPECT_EQ(j["memory_bytes"].get<uint64_t>(),
            j["weight_bytes"].get<uint64_t>() + j["kv_cache_bytes"].get<uint64_t>() +
                j["scratch_bytes"].get<uint64_t>());
}

TEST(CliInfo, TextReportNamesEverySection) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  auto r = RunCli({"info", testing::DataPath("models/stories260K.gguf")});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  for (const char* needle : {"architecture   llama", "292800", "bits/weight", "FLOPs/token",
                             "KV cache", "rope layout adjacent", "tokenizer      llama, 512 tokens",
                             "attention", "ffn", "f32"}) {
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
  }
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliInfo, QuantizedModelReportsEffectiveBitsPerWeight) {
  const std::string dir = testing::TempDir();
  auto made = RunCli({"make-model", "--preset", "small", "--dtype", "q8_0", "-o",
                      dir + "/q.gguf"});
  ASSERT_EQ(made.exit_code, 0) << Describe(made);
  auto r = RunCli({"info", dir + "/q.gguf", "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(j["bytes_by_dtype"]["q8_0"]["bits_per_weight"].get<double>(), 8.5);
  EXPECT_EQ(j["file_type"].get<int64_t>(), 7);
  // Norms stay f32, so the overall figure is a little above 8.5.
  EXPECT_GT(j["bits_per_weight"].get<double>(), 8.5);
  EXPECT_LT(j["bits_per_weight"].get<double>(), 8.6);
}

TEST(CliInfo, SystemDescribesCpuAndKernelIsa) {
  auto r = RunCli({"info", "--system", "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const auto j = nlohmann::json::parse(r.out);
  const std::string isa = j["kernel_isa"].get<std::string>();
  EXPECT_TRUE(isa == "ref" || isa == "avx2" || isa == "avx512") << isa;
  EXPECT_GE(j["num_logical_cores"].get<int>(), 1);
  EXPECT_GT(j["memory_bytes"].get<uint64_t>(), 0u);
  auto text = RunCli({"info", "--system"});
  ASSERT_EQ(text.exit_code, 0) << Describe(text);
  EXPECT_NE(text.out.find("kernel isa"), std::string::npos);
}

TEST(CliInfo, ForcedReferenceIsaIsReported) {
  ::setenv("CRATIO_ISA", "ref", 1);
  auto r = RunCli({"info", "--system", "--json"});
  ::unsetenv("CRATIO_ISA");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(nlohmann::json::parse(r.out)["kernel_isa"].get<std::string>(), "ref");
}

}  // namespace
}  // namespace cratio
