// MappedFile: a read-only mmap of a whole file. Tensor views over model weights point
// into it, so it must outlive them (hold it in a shared_ptr next to the views).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace cratio {

class MappedFile {
 public:
  // Maps `path` read-only. Empty files map to size() == 0, data() == nullptr.
  static Result<std::shared_ptr<MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Drops this process's resident pages wholly inside [p, p + n) (madvise DONTNEED; the
  // mapping is read-only, so a later read faults them back in from the file). For data
  // copied elsewhere; ranges outside the mapping are ignored.
  void ReleasePages(const void* p, uint64_t n) const;

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  std::string path_;
};

}  // namespace cratio
