// SHA-256 (FIPS 180-4), for fingerprinting models (benchmarks, compression provenance).
// Portable C++ at a few hundred MB/s; where the CPU has the SHA extensions the kernels layer
// installs a block function that runs several times faster (SetSha256BlockFn).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffer_len_ = 0;
  uint64_t total_bytes_ = 0;
};

// Compresses `num_blocks` consecutive 64-byte blocks into `state` (FIPS 180-4 order:
// state[0] is a).
using Sha256BlockFn = void (*)(uint32_t state[8], const uint8_t* data, size_t num_blocks);
// Installs a faster block function for all threads (null: the portable one). Any function
// installed must give the portable one's results (tested); safe to call at any time.
void SetSha256BlockFn(Sha256BlockFn fn);
// The portable block function, and the 64 round constants K (for twins and tests).
void Sha256BlocksPortable(uint32_t state[8], const uint8_t* data, size_t num_blocks);
const std::array<uint32_t, 64>& Sha256RoundConstants();

// Hex SHA-256 of a file (mapped, read once), or of a directory's regular files in name
// order, concatenated. IoError when it cannot be read.
Result<std::string> Sha256OfPath(const std::string& path);
// Lower-case hex digest of `bytes`.
std::string Sha256OfBytes(std::string_view bytes);

}  // namespace cratio
