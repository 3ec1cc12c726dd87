// Roofline limits of token rates (see roofline_limit.h).
#include "bench/roofline_limit.h"

#include <algorithm>

namespace cratio {

TokenRateLimit DecodeLimit(const MachineLimits& m, const PerTokenWork& w, double batch) {
  TokenRateLimit bw, fl;
  if (m.read_bytes_per_s > 0 && w.weight_bytes > 0) {
    bw = {batch * m.read_bytes_per_s / static_cast<double>(w.weight_bytes), "bandwidth"};
  }
  if (m.peak_flops_per_s > 0 && w.linear_flops > 0) {
    fl = {m.peak_flops_per_s / w.linear_flops, "compute"};
  }
  if (bw.tok_per_s == 0) return fl;
  if (fl.tok_per_s == 0) return bw;
  return bw.tok_per_s <= fl.tok_per_s ? bw : fl;
}

TokenRateLimit PrefillLimit(const MachineLimits& m, const PerTokenWork& w) {
  if (m.peak_flops_per_s > 0 && w.linear_flops > 0) {
    return {m.peak_flops_per_s / w.linear_flops, "compute"};
  }
  return {};
}

double PercentOfLimit(double tok_per_s, const TokenRateLimit& limit) {
  return limit.tok_per_s > 0 ? 100.0 * tok_per_s / limit.tok_per_s : 0.0;
}

double IdealRequestMs(const MachineLimits& m, const PerTokenWork& w, double prompt_tokens,
                      double gen_tokens, double batch) {
  const TokenRateLimit pre = PrefillLimit(m, w), dec = DecodeLimit(m, w, batch);
  if (pre.tok_per_s <= 0 || dec.tok_per_s <= 0) return 0.0;
  const double decode_tokens = batch * std::max(0.0, gen_tokens - 1.0);
  return 1000.0 * (batch * prompt_tokens / pre.tok_per_s + decode_tokens / dec.tok_per_s);
}

double PercentOfIdeal(double ideal_ms, double measured_ms) {
  return ideal_ms > 0 && measured_ms > 0 ? 100.0 * ideal_ms / measured_ms : 0.0;
}

}  // namespace cratio
