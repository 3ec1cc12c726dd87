// Replays every saved fuzzer finding (tests/fuzz_regressions/<harness>/<file>) through the
// same entry point the harness drives (fuzz/fuzz_targets.h), in the normal build: each
// input once crashed, hung or over-allocated, and must now simply return.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "../fuzz/fuzz_targets.h"
#include "../fuzz/fuzz_targets_eval.h"
#include "testing/run_cli.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;
using Entry = void (*)(const uint8_t*, size_t);

const std::map<std::string, Entry>& Harnesses() {
  static const std::map<std::string, Entry> m = {
      {"gguf", &fuzz::FuzzGguf},
      {"safetensors", &fuzz::FuzzSafetensorsHeader},
      {"llama2c", &fuzz::FuzzLlama2c},
      {"llama2c_tokenizer", &fuzz::FuzzLlama2cTokenizer},
      {"tokenizer_json", &fuzz::FuzzTokenizerJson},
      {"tokenizer_encode", &fuzz::FuzzTokenizerEncode},
      {"eval_datasets", &fuzz::FuzzEvalDatasets},
      {"task_spec", &fuzz::FuzzTaskSpec},
  };
  return m;
}

const fs::path kRegressions = fs::path(CRATIO_SOURCE_DIR) / "tests" / "fuzz_regressions";

TEST(FuzzRegressions, EveryDirectoryNamesAHarness) {
  ASSERT_TRUE(fs::is_directory(kRegressions)) << kRegressions;
  for (const auto& dir : fs::directory_iterator(kRegressions)) {
    if (!dir.is_directory()) continue;
    EXPECT_TRUE(Harnesses().count(dir.path().filename().string())) << dir.path();
  }
}

TEST(FuzzRegressions, EverySavedInputReturns) {
  int replayed = 0;
  for (const auto& [name, entry] : Harnesses()) {
    const fs::path dir = kRegressions / name;
    if (!fs::is_directory(dir)) continue;
    for (const auto& f : fs::directory_iterator(dir)) {
      if (!f.is_regular_file() || f.path().filename() == "README.md") continue;
      SCOPED_TRACE(f.path().string());
      const std::string bytes = testing::ReadWholeFile(f.path().string());
      entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  std::printf("replayed %d saved fuzzer inputs\n", replayed);
}

// The seeds every harness starts from, run through the same entry points (cheap, and keeps
// the harness code compiled and working in the normal build).
TEST(FuzzRegressions, SmallHandMadeInputsReturn) {
  const std::string texts[] = {"", "GGUF", "{}", "[", std::string(64, '\xff'),
                               std::string("\x03\x00\x00\x00", 4) + "hello"};
  for (const auto& [name, entry] : Harnesses()) {
    for (const std::string& t : texts) {
      SCOPED_TRACE(name);
      entry(reinterpret_cast<const uint8_t*>(t.data()), t.size());
    }
  }
}

}  // namespace
}  // namespace cratio
