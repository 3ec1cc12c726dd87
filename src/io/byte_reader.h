// ByteReader: a bounds-checked little-endian cursor over bytes read from a file (usually a
// MappedFile). Every read checks the bytes that remain first, so a reader built on it can
// never run off the end; failures name the context, the field, the offset and the size.
// Also FindInvalidUtf8, shared by the readers that must validate strings from files.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "base/check.h"
#include "base/status.h"

namespace cratio {

static_assert(std::endian::native == std::endian::little,
              "file readers assume a little-endian host");

class ByteReader {
 public:
  // `data` (size_bytes long) must outlive the reader. `context` prefixes every message,
  // e.g. "model.gguf: gguf".
  ByteReader(const uint8_t* data, uint64_t size_bytes, std::string context)
      : data_(data), size_(size_bytes), context_(std::move(context)) {}

  uint64_t offset() const { return pos_; }
  uint64_t size() const { return size_; }
  uint64_t remaining() const { return size_ - pos_; }
  const std::string& context() const { return context_; }
  // Pointer to the byte at the cursor (valid while offset() < size()).
  const uint8_t* cursor() const { return data_ + pos_; }
  const uint8_t* data() const { return data_; }

  // Moves the cursor; `offset` must be within the data (an internal invariant: callers
  // check file-supplied offsets against size() first).
  void Seek(uint64_t offset) {
    CRATIO_CHECK(offset <= size_);
    pos_ = offset;
  }

  // Reads one little-endian value of a trivially copyable type, or fails with
  // "<context>: <what> needs N bytes at offset O, file has S (truncated?)".
  template <typename T>
  Status Read(T* out, std::string_view what) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (remaining() < sizeof(T)) return Truncated(sizeof(T), what);
    std::memcpy(out, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::Ok();
  }

  // Returns a view of the next `n` bytes and advances past them.
  Status ReadBytes(uint64_t n, const uint8_t** out, std::string_view what) {
    if (remaining() < n) return Truncated(n, what);
    *out = data_ + pos_;
    pos_ += n;
    return Status::Ok();
  }

  Status Skip(uint64_t n, std::string_view what) {
    if (remaining() < n) return Truncated(n, what);
    pos_ += n;
    return Status::Ok();
  }

  // The standard "ran out of bytes" error for a field needing `needed_bytes` at the cursor.
  Status Truncated(uint64_t needed_bytes, std::string_view what) const {
    return InvalidInput("{}: {} needs {} bytes at offset {}, file has {} (truncated?)", context_,
                        what, needed_bytes, pos_, size_);
  }

 private:
  const uint8_t* data_;
  uint64_t size_;
  uint64_t pos_ = 0;
  std::string context_;
};

// Index of the first byte of the first malformed UTF-8 sequence in s[0, n), or nullopt if
// all of it is valid UTF-8 (RFC 3629: no overlong forms, no surrogates, max U+10FFFF).
inline std::optional<uint64_t> FindInvalidUtf8(const uint8_t* s, uint64_t n) {
  uint64_t i = 0;
  while (i < n) {
    const uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    uint64_t len = 0;
    uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;  // overlong
      if (b == 0xED) hi = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;  // overlong
      if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;  // stray continuation byte, 0xC0/0xC1 or 0xF5..0xFF
    }
    if (n - i < len) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (uint64_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::nullopt;
}

}  // namespace cratio
