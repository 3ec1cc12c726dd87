// Peak-FLOP probe for the roofline in `cratio bench`: register-resident chains of f32
// fused multiply-adds, enough independent chains to cover FMA latency on every port.
// One function per ISA (intrinsics live in kernels/<isa>/probe_fma.cc); the caller
// times them and runs one per thread.
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace cratio {

struct FmaProbe {
  Isa isa = Isa::kRef;
  // f32 FLOPs one iteration performs (an FMA counts as 2).
  int64_t flops_per_iteration = 0;
  // Runs `num_iterations` iterations; returns a value that depends on every accumulator,
  // so the work cannot be optimized away. Single-threaded, touches no memory.
  float (*run)(int64_t num_iterations) = nullptr;
};

// The probe for `isa` (the caller checks the CPU has it, e.g. via KernelTableFor).
FmaProbe FmaProbeFor(Isa isa);
// The AMX-BF16 tile probe, the compute limit of the AMX prefill route (isa kAvx512: the
// table it extends). The caller checks AmxEnabled().
FmaProbe AmxBf16TileProbe();

namespace kernels {
// 12 chains of zmm FMAs: 12 · 16 lanes · 2 = 384 FLOPs per iteration.
inline constexpr int64_t kFmaProbeAvx512Flops = 12 * 16 * 2;
float FmaChainsAvx512(int64_t num_iterations);  // kernels/avx512/probe_fma.cc
// 12 chains of ymm FMAs: 12 · 8 lanes · 2 = 192 FLOPs per iteration.
inline constexpr int64_t kFmaProbeAvx2Flops = 12 * 8 * 2;
float FmaChainsAvx2(int64_t num_iterations);  // kernels/avx2/probe_fma.cc
// 8 scalar multiply-add chains (no ISA flags): 8 · 2 = 16 FLOPs per iteration.
inline constexpr int64_t kFmaProbeRefFlops = 8 * 2;
float FmaChainsRef(int64_t num_iterations);  // kernels/ref/probe_fma.cc
// 4 tdpbf16ps of 16 × 16 × 32 multiply-adds: 4 · 16 · 16 · 32 · 2 = 65536 FLOPs per
// iteration; returns num_iterations / 8 (see kernels/amx/probe_amx.cc).
inline constexpr int64_t kTileProbeAmxBf16Flops = 4 * 16 * 16 * 32 * 2;
float TileChainsAmxBf16(int64_t num_iterations);  // kernels/amx/probe_amx.cc
}  // namespace kernels

}  // namespace cratio
