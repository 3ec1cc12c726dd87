// Picks the FMA probe for an ISA.
#include "kernels/probe_fma.h"

namespace cratio {

FmaProbe FmaProbeFor(Isa isa) {
  switch (isa) {
    case Isa::kAvx512:
      return {isa, kernels::kFmaProbeAvx512Flops, &kernels::FmaChainsAvx512};
    case Isa::kAvx2:
      return {isa, kernels::kFmaProbeAvx2Flops, &kernels::FmaChainsAvx2};
    case Isa::kRef:
      break;
  }
  return {Isa::kRef, kernels::kFmaProbeRefFlops, &kernels::FmaChainsRef};
}

FmaProbe AmxBf16TileProbe() {
  return {Isa::kAvx512, kernels::kTileProbeAmxBf16Flops, &kernels::TileChainsAmxBf16};
}

}  // namespace cratio
