// End-to-end: no data loss and resource guards (issue 8). `-o` never replaces an input
// (however the path is spelled) nor an existing file without --force; a read-only
// directory and a full filesystem give exit 2 with the reason and leave nothing behind;
// generate / perplexity refuse a run that would not fit --max-memory or the model's
// context, naming the numbers.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::Describe;
using testing::RunCli;

std::string MakeTiny(const std::string& path) {
  const CliResult r = RunCli({"make-model", "-o", path});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return path;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

void ExpectExit2With(const CliResult& r, std::initializer_list<std::string> needles) {
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  for (const std::string& n : needles) {
    EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "'\n" << Describe(r);
  }
}

TEST(OutputSafety, OutputThatIsTheInputUnderAnotherNameIsRefusedEvenWithForce) {
  const std::string dir = testing::TempDir();
  const std::string in = MakeTiny(dir + "/in.gguf");
  fs::create_symlink(in, dir + "/alias.gguf");
  fs::create_hard_link(in, dir + "/hard.gguf");
  const std::uintmax_t size = fs::file_size(in);
  for (const std::string& out : {dir + "/alias.gguf", dir + "/hard.gguf", dir + "/./in.gguf"}) {
    ExpectExit2With(RunCli({"convert", in, out, "--force"}), {"is the input"});
    ExpectExit2With(RunCli({"compress", in, "-o", out, "-m", "q8_0", "--force"}),
                    {"is the input"});
  }
  EXPECT_EQ(fs::file_size(in), size);
}

TEST(OutputSafety, ExistingOutputNeedsForce) {
  const std::string dir = testing::TempDir();
  const std::string in = MakeTiny(dir + "/in.gguf");
  std::ofstream(dir + "/taken.gguf") << "keep me";
  ExpectExit2With(RunCli({"convert", in, dir + "/taken.gguf"}), {"already exists", "--force"});
  ExpectExit2With(RunCli({"make-model", "-o", dir + "/taken.gguf"}), {"already exists"});
  EXPECT_EQ(testing::ReadWholeFile(dir + "/taken.gguf"), "keep me");
  const CliResult r = RunCli({"convert", in, dir + "/taken.gguf", "--force"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(fs::file_size(dir + "/taken.gguf"), fs::file_size(in));
}

TEST(OutputSafety, SafetensorsOutputBesideTheInputsConfigIsRefused) {
  // Writing hf/other.safetensors would also write hf/config.json, the input's own file.
  const std::string dir = testing::TempDir();
  const std::string in = MakeTiny(dir + "/in.gguf");
  ASSERT_EQ(RunCli({"convert", in, dir + "/hf"}).exit_code, 0);
  const std::string config = testing::ReadWholeFile(dir + "/hf/config.json");
  ExpectExit2With(RunCli({"convert", dir + "/hf", dir + "/hf/other.safetensors", "--force"}),
                  {"config.json", "is the input"});
  ExpectExit2With(RunCli({"convert", in, dir + "/hf/other.safetensors"}),
                  {"config.json", "already exists"});
  EXPECT_EQ(testing::ReadWholeFile(dir + "/hf/config.json"), config);
  EXPECT_FALSE(fs::exists(dir + "/hf/other.safetensors"));
}

// A small tmpfs mounted for the test (needs root); unmounted at the end.
class ScratchMount {
 public:
  ScratchMount(const std::string& dir, const std::string& options) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~ScratchMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

TEST(OutputSafety, ReadOnlyDirectoryIsReportedBeforeAnyWork) {
  const std::string dir = testing::TempDir();
  const std::string in = MakeTiny(dir + "/in.gguf");
  const std::string ro = dir + "/ro";
  ScratchMount mount(ro, "size=1m");
  if (mount.mounted()) {
    ASSERT_EQ(::mount(nullptr, ro.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0);
  } else if (::geteuid() != 0) {
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);  // 0500
  } else {
    GTEST_SKIP() << "root without mount permission: cannot make a read-only directory";
  }
  for (const std::string& out : {ro + "/out.gguf", ro + "/out.bin", ro + "/hf"}) {
    ExpectExit2With(RunCli({"convert", in, out}), {out, "cannot write into directory"});
  }
  ExpectExit2With(RunCli({"make-model", "-o", ro + "/m.gguf"}), {"cannot write into directory"});
  ExpectExit2With(RunCli({"compress", in, "-o", ro + "/q.gguf", "-m", "q8_0"}),
                  {"cannot write into directory"});
  EXPECT_TRUE(ListDir(ro).empty());
}

TEST(OutputSafety, FullFilesystemIsReportedAndLeavesNothingBehind) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
  const std::string dir = testing::TempDir();
  // make-model's default tiny model is ~ 300 KB; the filesystem holds 64 KiB.
  const std::string in = MakeTiny(dir + "/in.gguf");
  ASSERT_GT(fs::file_size(in), 200000u);
  const std::string full = dir + "/full";
  ScratchMount mount(full, "size=64k");
  if (!mount.mounted()) GTEST_SKIP() << "cannot mount tmpfs here";
  for (const std::string& out : {full + "/out.gguf", full + "/out.bin", full + "/hf"}) {
    SCOPED_TRACE(out);
    ExpectExit2With(RunCli({"convert", in, out}), {out, "No space left on device"});
    // Not the output, not its temporary, and for safetensors none of the side files.
    std::vector<std::string> left;
    for (const auto& e : fs::recursive_directory_iterator(full)) {
      if (e.is_regular_file()) left.push_back(e.path().string());
    }
    EXPECT_TRUE(left.empty()) << left.size() << " file(s) left, first: " << left.front();
  }
  ExpectExit2With(RunCli({"compress", in, "-o", full + "/q.gguf", "-m", "q8_0"}),
                  {"No space left on device"});
  ExpectExit2With(RunCli({"make-model", "-o", full + "/m.gguf"}), {"No space left on device"});
  for (const auto& e : fs::recursive_directory_iterator(full)) {
    EXPECT_FALSE(e.is_regular_file()) << e.path() << " left behind";
  }
}

TEST(ResourceGuards, GenerateRefusesARunThatDoesNotFitMaxMemory) {
  const std::string dir = testing::TempDir();
  const std::string in = MakeTiny(dir + "/in.gguf");
  const CliResult r = RunCli({"generate", in, "-p", "hi", "-n", "4", "--max-memory", "100K"});
  ExpectExit2With(r, {"generate '" + in + "': needs", "--max-memory allows 102400 bytes"});
  const CliResult ok = RunCli({"generate", in, "-p", "hi", "-n", "4", "--max-memory", "1G"});
  EXPECT_EQ(ok.exit_code, 0) << Describe(ok);
  ExpectExit2With(RunCli({"generate", in, "--max-memory", "lots"}), {"--max-memory 'lots'"});
}

TEST(ResourceGuards, ContextLongerThanTheModelsIsRefused) {
  const std::string dir = testing::TempDir();
  const std::string in = MakeTiny(dir + "/in.gguf");  // tiny preset: context 256
  ExpectExit2With(RunCli({"generate", in, "-p", "hi", "-n", "1", "--ctx", "257"}),
                  {"context 257 is longer than the model's context length 256"});
  std::ofstream(dir + "/text.txt") << "Once upon a time there was a little model.";
  ExpectExit2With(RunCli({"perplexity", in, "--text", dir + "/text.txt", "--ctx", "1024"}),
                  {"context 1024 is longer than the model's context length 256"});
  ExpectExit2With(RunCli({"perplexity", in, "--text", dir + "/text.txt", "--ctx", "16",
                          "--max-memory", "64K"}),
                  {"perplexity '" + in + "': needs", "allows 65536 bytes"});
}

}  // namespace
}  // namespace cratio
