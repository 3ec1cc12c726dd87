// Run-time AMX detection: cpuid leaf 7 (AMX-TILE / -BF16 / -INT8), XCR0 (the OS saves tile
// state) and, on Linux, the per-process permission that tile data needs before first use.
#include "kernels/amx_support.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#endif
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace cratio {
namespace {

#if defined(__x86_64__) && defined(__linux__)
// Linux x86 arch_prctl codes (asm/prctl.h) and the XSAVE feature number of tile data.
constexpr int kArchReqXcompPerm = 0x1023;
constexpr int kXfeatureXtileData = 18;

uint64_t ReadXcr0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

bool DetectAmx() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  const bool osxsave = (ecx >> 27) & 1;
  if (!osxsave) return false;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  const bool amx_bf16 = (edx >> 22) & 1, amx_tile = (edx >> 24) & 1, amx_int8 = (edx >> 25) & 1;
  if (!amx_tile || !amx_bf16 || !amx_int8) return false;
  const uint64_t xcr0 = ReadXcr0();
  if (((xcr0 >> 17) & 3) != 3) return false;  // XTILECFG and XTILEDATA
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtileData) == 0;
}
#else
bool DetectAmx() { return false; }
#endif

}  // namespace

bool AmxAvailable() {
  static const bool available = DetectAmx();
  return available;
}

bool AmxEnabled() {
  static const bool enabled = [] {
    const char* env = std::getenv("CRATIO_AMX");
    if (env != nullptr && std::strcmp(env, "0") == 0) return false;
    return AmxAvailable();
  }();
  return enabled;
}

}  // namespace cratio
