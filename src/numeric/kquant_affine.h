// The fit shared by q4_k and q5_k (internal to src/numeric): a super-block of 256 as eight
// sub-blocks of 32, each x ≈ d * scale_j * q - dmin * min_j with 6-bit scale_j, min_j and
// q in [0, nmax]. The codecs differ only in how they pack q.
#pragma once

#include <cstdint>

namespace cratio::kquant {

struct AffineSuperBlock {
  uint16_t d;          // f16 super-scale of the sub-block scales
  uint16_t dmin;       // f16 super-scale of the sub-block mins
  uint8_t scales[12];  // packed 6-bit (scale, min) pairs, see k_scales.h
};

// Plain reference fit (importance null) or importance-weighted fit (importance: [256]).
// levels: [256] out, each in [0, nmax], already re-derived against the stored scales.
void FitAffineSuperBlock(const float* x, const float* importance, int nmax, AffineSuperBlock* out,
                         uint8_t* levels);

}  // namespace cratio::kquant
