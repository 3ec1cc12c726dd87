// SHA-256 block function on the x86 SHA extensions (compiled with -msha -msse4.1), a twin of
// base's portable Sha256BlocksPortable (tested to give identical digests). The extensions
// keep the eight state words as two vectors, ABEF and CDGH; each sha256rnds2 performs two
// rounds, and sha256msg1 / sha256msg2 compute the message schedule four words at a time.
#include "kernels/sha/sha256_ni.h"

#include <immintrin.h>

#include "base/sha256.h"

namespace cratio::kernels {

void Sha256BlocksShaNi(uint32_t state[8], const uint8_t* data, size_t num_blocks) {
  const uint32_t* k = Sha256RoundConstants().data();
  // Bytes of each 32-bit word reversed: message words are big-endian.
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);

  // [a b c d], [e f g h] (lane 0 first) -> ABEF = [f e b a], CDGH = [h g d c].
  __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
  __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
  const __m128i cdab = _mm_shuffle_epi32(abcd, 0xB1);  // [b a d c]
  const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);  // [h g f e]
  __m128i abef = _mm_alignr_epi8(cdab, hgfe, 8);       // [f e b a]
  __m128i cdgh = _mm_blend_epi16(hgfe, cdab, 0xF0);    // [h g d c]

  for (size_t block = 0; block < num_blocks; ++block, data += 64) {
    const __m128i abef_in = abef;
    const __m128i cdgh_in = cdgh;
    __m128i w[4];  // the schedule words of the last four groups, w[g % 4] for group g
    for (int g = 0; g < 16; ++g) {
      __m128i& cur = w[g % 4];
      if (g < 4) {
        cur = _mm_shuffle_epi8(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * g)), byte_swap);
      } else {
        // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16] for t = 4g .. 4g+3:
        // msg1 gives W[t-16] + σ0(W[t-15]); W[t-7] is words 1..3 of group g-2 and word 0
        // of group g-1; msg2 adds σ1 of the two previous words (including new ones).
        const __m128i prev1 = w[(g + 3) % 4];
        const __m128i prev2 = w[(g + 2) % 4];
        __m128i t = _mm_sha256msg1_epu32(cur, w[(g + 1) % 4]);
        t = _mm_add_epi32(t, _mm_alignr_epi8(prev1, prev2, 4));
        cur = _mm_sha256msg2_epu32(t, prev1);
      }
      __m128i wk = _mm_add_epi32(cur, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k + 4 * g)));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
      wk = _mm_shuffle_epi32(wk, 0x0E);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
  }

  // Back to [a b c d], [e f g h].
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);  // [a b e f]
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);  // [g h c d]
  abcd = _mm_blend_epi16(feba, dchg, 0xF0);            // [a b c d]
  efgh = _mm_alignr_epi8(dchg, feba, 8);               // [e f g h]
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), abcd);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), efgh);
}

}  // namespace cratio::kernels
