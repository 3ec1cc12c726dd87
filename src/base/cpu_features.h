// CPU feature detection (cpuid), read once. Kernel dispatch and `info --system` use it.
#pragma once

#include <cstdint>
#include <string>

namespace cratio {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512dq = false;
  bool avx512vl = false;
  bool avx512vnni = false;
  bool avx512bf16 = false;
  bool avxvnni = false;
  bool sha = false;  // SHA extensions (with the SSSE3 / SSE4.1 they need)
  std::string model_name;  // e.g. "Intel(R) Xeon(R) Processor"

  // All AVX2 + FMA + F16C.
  bool HasAvx2Path() const { return avx2 && fma && f16c; }
  // AVX-512 F/BW/DQ/VL plus the AVX2 path.
  bool HasAvx512Path() const { return HasAvx2Path() && avx512f && avx512bw && avx512dq && avx512vl; }
  // Space-separated list of the features above that are present.
  std::string ToString() const;
};

const CpuFeatures& GetCpuFeatures();

// Physical memory in bytes (0 if unknown) and logical cores.
uint64_t TotalMemoryBytes();
int NumLogicalCores();

}  // namespace cratio
