// AlignedBuffer: an owning, move-only, 64-byte aligned byte buffer (one cache line,
// one AVX-512 register), for weights, activations and scratch.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sys/mman.h>
#include <utility>

namespace cratio {

class AlignedBuffer {
 public:
  static constexpr size_t kAlignment = 64;
  // From this size on a buffer is aligned to, and rounded up to, transparent huge pages.
  static constexpr size_t kHugePage = size_t{2} << 20;
  static constexpr size_t kHugeMinBytes = size_t{8} << 20;

  AlignedBuffer() = default;
  // Allocates `size_bytes` (zero-filled). Throws std::bad_alloc on failure.
  explicit AlignedBuffer(size_t size_bytes) : AlignedBuffer(size_bytes, kUninitialized) {
    if (data_) std::memset(data_, 0, RoundUp(size_bytes, kAlignment));
  }
  // Allocates without zero-filling, for a buffer the caller overwrites whole at once.
  struct Uninitialized {};
  static constexpr Uninitialized kUninitialized{};
  AlignedBuffer(size_t size_bytes, Uninitialized) : size_(size_bytes) {
    if (size_bytes == 0) return;
    const size_t align = size_bytes >= kHugeMinBytes ? kHugePage : kAlignment;
    data_ = static_cast<std::byte*>(std::aligned_alloc(align, RoundUp(size_bytes, align)));
    if (!data_) throw std::bad_alloc();
    // Large buffers (regrouped weights, the bandwidth probe's) are read in long streams,
    // which run faster on 2 MiB pages than on 4 KiB ones (docs/PERFORMANCE.md). A hint
    // only (THP may be off or memory fragmented); made before the first touch, so that the
    // page faults can take huge pages.
#ifdef MADV_HUGEPAGE
    if (align == kHugePage) ::madvise(data_, RoundUp(size_bytes, align), MADV_HUGEPAGE);
#endif
  }
  ~AlignedBuffer() { std::free(data_); }
  AlignedBuffer(AlignedBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
    if (this != &o) {
      std::free(data_);
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  std::byte* data() { return data_; }
  const std::byte* data() const { return data_; }
  template <typename T> T* as() { return reinterpret_cast<T*>(data_); }
  template <typename T> const T* as() const { return reinterpret_cast<const T*>(data_); }
  size_t size() const { return size_; }

 private:
  static size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

  std::byte* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace cratio
