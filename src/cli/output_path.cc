// CheckModelOutput: every output file against every input, by inode.
#include "cli/output_path.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "model/convert.h"

namespace cratio::cli {
namespace {

namespace fs = std::filesystem;

// `inputs` with each directory replaced by the regular files directly inside it.
std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const std::string& in : inputs) {
    if (in.empty()) continue;
    out.push_back(in);
    std::error_code ec;
    if (!fs::is_directory(in, ec)) continue;
    for (const auto& e : fs::directory_iterator(in, ec)) {
      if (e.is_regular_file(ec)) out.push_back(e.path().string());
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> ModelOutputFiles(const std::string& out, FileFormat format) {
  if (format != FileFormat::kSafetensors) return {out};
  const bool named_file = fs::path(out).extension() == ".safetensors";
  fs::path dir = named_file ? fs::path(out).parent_path() : fs::path(out);
  if (dir.empty()) dir = ".";
  return {named_file ? out : (dir / "model.safetensors").string(), (dir / "config.json").string(),
          (dir / "tokenizer.json").string(), (dir / "tokenizer_config.json").string()};
}

Status CheckModelOutput(const std::string& out, FileFormat format,
                        const std::vector<std::string>& inputs, bool force) {
  const std::vector<std::string> expanded = ExpandInputs(inputs);
  // The path as given (a directory output holding an input, an existing directory).
  CRATIO_RETURN_IF_ERROR(CheckOutputPath(out, expanded, force));
  for (const std::string& file : ModelOutputFiles(out, format)) {
    if (file == out) continue;
    Status s = CheckOutputPath(file, expanded, force);
    if (!s.ok()) {
      return InvalidInput("output '{}' would write '{}': {}", out, file, s.message());
    }
  }
  // Fail now, not after minutes of work, when the files cannot be created.
  std::error_code ec;
  fs::path dir = fs::path(ModelOutputFiles(out, format).front()).parent_path();
  if (dir.empty()) dir = ".";
  while (!dir.empty() && !fs::exists(dir, ec) && dir.has_parent_path() && dir != dir.parent_path()) {
    dir = dir.parent_path();  // safetensors creates missing directories: check the nearest
  }
  if (fs::is_directory(dir, ec) && ::access(dir.c_str(), W_OK) != 0) {
    return IoError("output '{}': cannot write into directory '{}': {}", out, dir.string(),
                   std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace cratio::cli
