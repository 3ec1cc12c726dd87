// Memory estimate and guards: hand-computed bytes for a tiny model, the refusal message,
// the context-length check and --max-memory parsing.
#include "model/memory_guard.h"

#include <gtest/gtest.h>

#include "model/tiny_model_testing.h"

namespace cratio {
namespace {

// BuildTinyModel's default: vocab 50, dim 64, 2 layers, 4 heads / 2 KV heads of 16,
// ffn 96, context 64, f32, untied output.
struct Tiny {
  ModelFile file = testing::BuildTinyModel(testing::TinyModelSpec{});
  ModelConfig config = ModelConfig::FromModelFile(file).value();
};

TEST(MemoryGuard, EstimateMatchesHandComputation) {
  Tiny t;
  Result<RunMemory> m = EstimateRunMemory(t.file, t.config, /*n_ctx=*/32, /*n_seq=*/3,
                                          /*batch_tokens=*/8);
  ASSERT_TRUE(m.ok()) << m.status().message();
  // Weights (floats): embd 50*64 + output 50*64 + output_norm 64 = 6464; per layer
  // norms 2*64 + Q 64*64 + K 32*64 + V 32*64 + O 64*64 + gate/up/down 3*96*64 = 30848.
  EXPECT_EQ(m->weight_bytes, (6464u + 2 * 30848u) * 4);  // 272640
  // KV: per position and layer K 32 + V 32 floats = 256 bytes; 2 layers * 32 positions
  // * 3 sequences.
  EXPECT_EQ(m->kv_cache_bytes, 256u * 2 * 32 * 3);  // 49152
  // Scratch per token: 4*64 + q 64 + k 32 + v 32 + 2*96 + heads 4 * ctx 32 + vocab 50 =
  // 754 floats; 8 tokens per batch.
  EXPECT_EQ(m->scratch_bytes, 754u * 4 * 8);  // 24128
  EXPECT_EQ(m->total_bytes, 272640u + 49152u + 24128u);
}

TEST(MemoryGuard, BatchIsCappedByThePositionsThereAre) {
  Tiny t;
  Result<RunMemory> m = EstimateRunMemory(t.file, t.config, /*n_ctx=*/4, 1, 512);
  ASSERT_TRUE(m.ok());
  // 4 positions: at most 4 tokens in a batch; per token 4*64+64+32+32+192+4*4+50 = 642.
  EXPECT_EQ(m->scratch_bytes, 642u * 4 * 4);
}

TEST(MemoryGuard, RefusalNamesNeededAndAllowedBytes) {
  RunMemory need{100, 20, 3, 123};
  EXPECT_TRUE(CheckRunMemory(need, 123, "generate 'm.gguf'").ok());
  Status s = CheckRunMemory(need, 122, "generate 'm.gguf'");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  for (const char* needle : {"generate 'm.gguf': needs 123 bytes", "weights 100", "KV cache 20",
                             "scratch 3", "--max-memory allows 122 bytes"}) {
    EXPECT_NE(s.message().find(needle), std::string::npos) << needle << " in " << s.message();
  }
}

TEST(MemoryGuard, ContextLongerThanTheModelsIsRefused) {
  Tiny t;  // context_length 64
  EXPECT_TRUE(CheckContextLength(t.config, 64, "generate").ok());
  Status s = CheckContextLength(t.config, 65, "generate");
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("context 65 is longer than the model's context length 64"),
            std::string::npos)
      << s.message();
  t.config.context_length = 0;  // unknown: nothing to check against
  EXPECT_TRUE(CheckContextLength(t.config, 1 << 20, "generate").ok());
}

TEST(MemoryGuard, ParsesSizesWithBinarySuffixes) {
  EXPECT_EQ(ParseMaxMemory("4096").value(), 4096u);
  EXPECT_EQ(ParseMaxMemory("2KB").value(), 2048u);
  EXPECT_EQ(ParseMaxMemory("512M").value(), 512u << 20);
  EXPECT_EQ(ParseMaxMemory("1.5G").value(), 3u << 29);  // 1.5 * 2^30
  EXPECT_EQ(ParseMaxMemory("8GiB").value(), uint64_t{8} << 30);
  EXPECT_EQ(ParseMaxMemory("1T").value(), uint64_t{1} << 40);
  EXPECT_GT(ParseMaxMemory("").value(), 0u);  // available RAM
  for (const char* bad : {"abc", "-1", "0", "5X", "1e30G", "G", "nan"}) {
    EXPECT_EQ(ParseMaxMemory(bad).status().code(), StatusCode::kInvalidInput) << bad;
  }
}

}  // namespace
}  // namespace cratio
