// SHA-256 (FIPS 180-4), for fingerprinting the model a benchmark ran on. Portable C++;
// a few hundred MB/s, so a multi-GB model hashes in seconds.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/status.h"

namespace cratio {

class Sha256 {
 public:
  Sha256();
  // Feeds `size` bytes; may be called any number of times.
  void Update(const void* data, size_t size);
  // The digest of everything fed so far; the object must not be updated afterwards.
  std::array<uint8_t, 32> Finish();
  // Lower-case hex of Finish().
  std::string FinishHex();

 private:
  void Compress(const uint8_t* block);  // one 64-byte block

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffer_len_ = 0;
  uint64_t total_bytes_ = 0;
};

// Hex SHA-256 of a file (mapped, read once), or of a directory's regular files in name
// order, concatenated. IoError when it cannot be read.
Result<std::string> Sha256OfPath(const std::string& path);

}  // namespace cratio
