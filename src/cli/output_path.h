// The one check every command that writes a model runs before doing any work: the files
// it is about to write must not be (or replace) any of its inputs, must not exist unless
// --force, and their directory must be writable. Writing itself goes through
// AtomicFileWriter (temporary file, fsync, rename), so a failure leaves nothing behind.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "io/model_file.h"

namespace cratio::cli {

// The files a model written to `out` in `format` occupies: the file itself, or for a
// safetensors output model.safetensors (or the named *.safetensors) plus config.json,
// tokenizer.json and tokenizer_config.json beside it.
std::vector<std::string> ModelOutputFiles(const std::string& out, FileFormat format);

// InvalidInput when any of ModelOutputFiles(out, format) is one of `inputs` — compared by
// device and inode, so another spelling of the path, a symlink or a hard link is caught;
// an input directory counts with every file in it — or exists and `force` is false.
// IoError when the directory the files go into exists but cannot be written to.
Status CheckModelOutput(const std::string& out, FileFormat format,
                        const std::vector<std::string>& inputs, bool force);

}  // namespace cratio::cli
