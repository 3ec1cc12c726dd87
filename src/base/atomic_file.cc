// AtomicFileWriter: temp file + fsync + rename.
#include "base/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace cratio {

Result<AtomicFileWriter> AtomicFileWriter::Create(const std::string& path) {
  AtomicFileWriter w;
  w.path_ = path;
  w.tmp_path_ = path + ".tmp." + std::to_string(::getpid());
  w.f_ = std::fopen(w.tmp_path_.c_str(), "wb");
  if (!w.f_) return IoError("{}: cannot create: {}", path, std::strerror(errno));
  return w;
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& o) noexcept
    : path_(std::move(o.path_)),
      tmp_path_(std::move(o.tmp_path_)),
      f_(std::exchange(o.f_, nullptr)),
      bytes_written_(o.bytes_written_),
      committed_(std::exchange(o.committed_, true)) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (f_) std::fclose(f_);
  if (!committed_ && !tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

Status AtomicFileWriter::Write(const void* data, size_t size_bytes) {
  if (size_bytes == 0) return Status::Ok();
  if (std::fwrite(data, 1, size_bytes, f_) != size_bytes) {
    return IoError("{}: write failed after {} bytes: {}", path_, bytes_written_,
                   std::strerror(errno));
  }
  bytes_written_ += size_bytes;
  return Status::Ok();
}

Status AtomicFileWriter::WriteZeros(size_t size_bytes) {
  static const char kZeros[4096] = {};
  while (size_bytes > 0) {
    size_t n = size_bytes < sizeof(kZeros) ? size_bytes : sizeof(kZeros);
    CRATIO_RETURN_IF_ERROR(Write(kZeros, n));
    size_bytes -= n;
  }
  return Status::Ok();
}

Status AtomicFileWriter::Flush() {
  if (std::fflush(f_) != 0 || ::fsync(::fileno(f_)) != 0) {
    return IoError("{}: flush failed after {} bytes: {}", path_, bytes_written_,
                   std::strerror(errno));
  }
  return Status::Ok();
}

Status AtomicFileWriter::Commit() {
  CRATIO_RETURN_IF_ERROR(Flush());
  if (std::fclose(f_) != 0) {
    f_ = nullptr;
    return IoError("{}: close failed: {}", path_, std::strerror(errno));
  }
  f_ = nullptr;
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    return IoError("{}: cannot rename into place: {}", path_, std::strerror(errno));
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace cratio
