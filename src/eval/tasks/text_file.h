// Reading a dataset file whole: plain, or bzip2-compressed (".bz2", decompressed by the
// `bzip2` program through a pipe, so cratio links no compression library).
#pragma once

#include <string>

#include "base/status.h"

namespace cratio {

// The file's bytes; a name ending in ".bz2" is decompressed; "builtin:NAME" is data
// compiled into the binary (builtin_data.h). IoError names the path when
// it cannot be read or bzip2 fails (a truncated archive, bzip2 missing).
Result<std::string> ReadTextFile(const std::string& path);

}  // namespace cratio
