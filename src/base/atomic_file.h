// AtomicFileWriter: every output cratio writes goes to "<path>.tmp.<pid>" first and is
// renamed over `path` only after a successful flush + fsync, so a crash, a full disk or
// an error never leaves a half-written file under the real name.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "base/status.h"

namespace cratio {

class AtomicFileWriter {
 public:
  // Creates the temporary file next to `path`.
  static Result<AtomicFileWriter> Create(const std::string& path);
  AtomicFileWriter(AtomicFileWriter&& o) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();  // removes the temporary file unless Commit() succeeded

  Status Write(const void* data, size_t size_bytes);
  Status WriteZeros(size_t size_bytes);
  uint64_t bytes_written() const { return bytes_written_; }
  // Flushes and fsyncs the temporary file (a full disk shows here at the latest). A
  // caller writing several files flushes them all before committing any.
  Status Flush();
  // Flushes, fsyncs, and renames into place.
  Status Commit();

 private:
  AtomicFileWriter() = default;
  std::string path_, tmp_path_;
  std::FILE* f_ = nullptr;
  uint64_t bytes_written_ = 0;
  bool committed_ = false;
};

}  // namespace cratio
