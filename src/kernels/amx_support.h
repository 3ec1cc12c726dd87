// Whether this process may run AMX tile instructions. Compiled without ISA flags: it only
// asks the CPU (cpuid, xgetbv) and the OS, so it is safe to call on any x86-64 machine.
#pragma once

namespace cratio {

// True when the CPU has AMX-TILE, AMX-BF16 and AMX-INT8, the OS enables the tile state
// (XCR0 bits 17 and 18) and Linux granted this process the tile data permission
// (arch_prctl ARCH_REQ_XCOMP_PERM, asked once, thread-safe). False elsewhere.
bool AmxAvailable();

// AmxAvailable() unless the environment says CRATIO_AMX=0 (to measure or test the AVX-512
// prefill kernels on an AMX machine). Read once.
bool AmxEnabled();

}  // namespace cratio
