// End-to-end: bad files and bad flags give exit code 2, one message on stderr naming the
// file / field / numbers, and leave no output file behind.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::Describe;
using testing::ReadWholeFile;
using testing::RunCli;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

size_t CountLines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// Exit 2, exactly one line on stderr containing every needle, nothing left at `out`.
void ExpectBadInput(const CliResult& r, std::initializer_list<std::string> needles,
                    const std::string& out = "") {
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_EQ(CountLines(r.err), 1u) << Describe(r);
  for (const std::string& n : needles) {
    EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "'\n" << Describe(r);
  }
  if (!out.empty()) {
    EXPECT_FALSE(fs::exists(out)) << out << " was left behind";
    // Nor a temporary file beside it.
    for (const auto& e : fs::directory_iterator(fs::path(out).parent_path())) {
      EXPECT_EQ(e.path().filename().string().find(fs::path(out).filename().string() + ".tmp"),
                std::string::npos)
          << e.path();
    }
  }
}

// A valid tiny GGUF written by make-model.
std::string MakeTiny(const std::string& dir) {
  const std::string path = dir + "/tiny.gguf";
  auto r = RunCli({"make-model", "-o", path});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return path;
}

TEST(CliBadInput, TruncatedGgufNamesTheFile) {
  const std::string dir = testing::TempDir();
  const std::string bytes = ReadWholeFile(MakeTiny(dir));
  const std::string bad = dir + "/truncated.gguf";
  WriteFile(bad, bytes.substr(0, bytes.size() / 2));
  ExpectBadInput(RunCli({"info", bad}), {"truncated.gguf"});
  ExpectBadInput(RunCli({"convert", bad, dir + "/out.gguf"}), {"truncated.gguf"},
                 dir + "/out.gguf");
  WriteFile(bad, bytes.substr(0, 100));  // inside the metadata
  ExpectBadInput(RunCli({"info", bad}), {"truncated.gguf"});
}

TEST(CliBadInput, WrongMagicNamesTheFile) {
  const std::string dir = testing::TempDir();
  std::string bytes = ReadWholeFile(MakeTiny(dir));
  bytes[0] = 'X';
  const std::string bad = dir + "/magic.gguf";
  WriteFile(bad, bytes);
  ExpectBadInput(RunCli({"info", bad}), {"magic.gguf"});
  ExpectBadInput(RunCli({"tokenize", bad, "--text", "hi"}), {"magic.gguf"});
}

TEST(CliBadInput, UnknownTensorDtypeInFileNamesTensorAndId) {
  const std::string dir = testing::TempDir();
  std::string bytes = ReadWholeFile(MakeTiny(dir));
  // Tensor info: name (u64 length + bytes), n_dims u32, dims u64 x n, type u32, offset u64.
  const std::string name = "token_embd.weight";
  const size_t at = bytes.find(name);
  ASSERT_NE(at, std::string::npos);
  uint32_t n_dims = 0;
  std::memcpy(&n_dims, bytes.data() + at + name.size(), 4);
  ASSERT_EQ(n_dims, 2u);
  const size_t type_at = at + name.size() + 4 + 8 * n_dims;
  const uint32_t bad_type = 99;
  std::memcpy(bytes.data() + type_at, &bad_type, 4);
  const std::string bad = dir + "/dtype.gguf";
  WriteFile(bad, bytes);
  ExpectBadInput(RunCli({"info", bad}), {"dtype.gguf", "token_embd.weight", "99"});
}

TEST(CliBadInput, MissingConfigJsonNamesTheDirectory) {
  const std::string dir = testing::TempDir();
  const std::string tiny = MakeTiny(dir);
  ASSERT_EQ(RunCli({"convert", tiny, dir + "/hf"}).exit_code, 0);
  fs::remove(dir + "/hf/config.json");
  ExpectBadInput(RunCli({"info", dir + "/hf"}), {"config.json"});
  ExpectBadInput(RunCli({"convert", dir + "/hf", dir + "/x.gguf"}), {"config.json"},
                 dir + "/x.gguf");
}

TEST(CliBadInput, NonexistentFile) {
  const std::string dir = testing::TempDir();
  ExpectBadInput(RunCli({"info", dir + "/nope.gguf"}), {"nope.gguf"});
  ExpectBadInput(RunCli({"convert", dir + "/nope.gguf", dir + "/o.gguf"}), {"nope.gguf"},
                 dir + "/o.gguf");
  ExpectBadInput(RunCli({"make-model", "--vocab-from", dir + "/nope.gguf", "-o", dir + "/o.gguf"}),
                 {"nope.gguf"}, dir + "/o.gguf");
  const std::string tiny = MakeTiny(dir);
  ExpectBadInput(RunCli({"tokenize", tiny, "--file", dir + "/nope.txt"}), {"nope.txt"});
}

TEST(CliBadInput, BadFlagValues) {
  const std::string dir = testing::TempDir();
  const std::string tiny = MakeTiny(dir);
  const std::string out = dir + "/out.gguf";
  ExpectBadInput(RunCli({"info", tiny, "--ctx", "-5"}), {"--ctx", "-5"});
  ExpectBadInput(RunCli({"make-model", "--preset", "huge", "-o", out}), {"'huge'", "tiny"}, out);
  ExpectBadInput(RunCli({"make-model", "--dtype", "q9_9", "-o", out}), {"'q9_9'"}, out);
  ExpectBadInput(RunCli({"make-model", "--dim", "64", "--heads", "5", "-o", out}),
                 {"--heads 5"}, out);
  ExpectBadInput(RunCli({"make-model", "--ctx", "-5", "-o", out}), {"--ctx", "-5"}, out);
  ExpectBadInput(RunCli({"make-model", "--dtype", "q4_0", "-o", out}), {"q4_0", "172"}, out);
  ExpectBadInput(RunCli({"convert", tiny, out, "--dtype", "q9_9"}), {"'q9_9'"}, out);
  ExpectBadInput(RunCli({"convert", tiny, dir + "/out.txt"}), {"out.txt"}, dir + "/out.txt");
  ExpectBadInput(RunCli({"convert", tiny, dir + "/hf", "--dtype", "q4_0"}), {"q4_0"},
                 dir + "/hf");
  ExpectBadInput(RunCli({"tokenize", tiny}), {"--text"});
  // Unknown flags are CLI11's usage errors: still exit 2.
  EXPECT_EQ(RunCli({"info", tiny, "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(RunCli({"make-model"}).exit_code, 2);  // -o is required
}

TEST(CliBadInput, OutputNeverOverwritesAnInputOrAnExistingFile) {
  const std::string dir = testing::TempDir();
  const std::string tiny = MakeTiny(dir);
  const std::string before = ReadWholeFile(tiny);
  ExpectBadInput(RunCli({"convert", tiny, tiny, "--force"}), {"tiny.gguf", "input"});
  ExpectBadInput(RunCli({"convert", tiny, dir + "/./tiny.gguf", "--force"}), {"input"});
  ExpectBadInput(RunCli({"make-model", "--vocab-from", tiny, "-o", tiny, "--force"}), {"input"});
  EXPECT_TRUE(ReadWholeFile(tiny) == before);
  const std::string other = dir + "/other.gguf";
  WriteFile(other, "keep me");
  ExpectBadInput(RunCli({"convert", tiny, other}), {"other.gguf", "--force"});
  EXPECT_EQ(ReadWholeFile(other), "keep me");
}

}  // namespace
}  // namespace cratio
