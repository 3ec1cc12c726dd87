// Scale searches for the reference quantizers (see quant_search.h). Float expressions are
// written in the order the published ggml reference evaluates them, so that a tie or a
// last-bit difference resolves the same way and our files match llama.cpp's.
#include "numeric/quant_search.h"

#include <algorithm>
#include <atomic>
#include <cmath>

namespace cratio::quant {
namespace {

inline int Clamp(int v, int lo, int hi) { return std::min(hi, std::max(lo, v)); }

std::atomic<const SearchKernels*> g_search_kernels{nullptr};

}  // namespace

void SetSearchKernels(const SearchKernels* kernels) {
  g_search_kernels.store(kernels, std::memory_order_release);
}

void AffineScaleSearchBatch(int count, int n, int nmax, const float* x, const float* weights,
                            const AffineSearch& search, uint8_t* levels, float* scales,
                            float* mins) {
  const SearchKernels* fast = g_search_kernels.load(std::memory_order_acquire);
  if (fast != nullptr && fast->affine != nullptr && n <= 32) {
    fast->affine(count, n, nmax, x, weights, search, levels, scales, mins);
    return;
  }
  uint8_t scratch[256];
  for (int g = 0; g < count; ++g) {
    scales[g] = AffineScaleSearch(n, nmax, x + g * n, weights + g * n, search, levels + g * n,
                                  scratch, &mins[g]);
  }
}

void SymmetricScaleSearchBatch(int count, int n, int nmax, const float* x, const float* weights,
                               int8_t* levels, float* scales) {
  const SearchKernels* fast = g_search_kernels.load(std::memory_order_acquire);
  if (fast != nullptr && fast->symmetric != nullptr && n <= 32) {
    fast->symmetric(count, n, nmax, x, weights, levels, scales);
    return;
  }
  for (int g = 0; g < count; ++g) {
    scales[g] = SymmetricScaleSearch(n, nmax, x + g * n, weights ? weights + g * n : nullptr,
                                     levels + g * n);
  }
}

float SymmetricScaleSearch(int n, int nmax, const float* x, const float* weights, int8_t* levels) {
  float max_abs = 0.0f;
  float max_signed = 0.0f;  // the element of largest magnitude, with its sign
  for (int i = 0; i < n; ++i) {
    const float a = std::fabs(x[i]);
    if (a > max_abs) {
      max_abs = a;
      max_signed = x[i];
    }
  }
  if (max_abs < kGroupMaxEps) {
    std::memset(levels, 0, static_cast<size_t>(n));
    return 0.0f;
  }
  // Unweighted groups weigh each element by x^2: large elements dominate the fit.
  auto weight = [&](int i) { return weights ? weights[i] : x[i] * x[i]; };

  // The largest-magnitude element maps to -nmax (the extra negative level of a signed
  // range), so its sign decides which end of the range is used.
  float inv_scale = static_cast<float>(-nmax) / max_signed;
  float sum_xl = 0.0f;
  float sum_ll = 0.0f;
  for (int i = 0; i < n; ++i) {
    const int l = Clamp(NearestInt(inv_scale * x[i]), -nmax, nmax - 1);
    levels[i] = static_cast<int8_t>(l);
    const float w = weight(i);
    sum_xl += w * x[i] * static_cast<float>(l);
    sum_ll += w * static_cast<float>(l) * static_cast<float>(l);
  }
  // For fixed levels the best scale is sum_xl / sum_ll and the error it removes is
  // sum_xl^2 / sum_ll: compare candidates by that without dividing.
  float scale = sum_ll != 0.0f ? sum_xl / sum_ll : 0.0f;
  float best = scale * sum_xl;
  for (int step = -9; step <= 9; ++step) {
    if (step == 0) continue;
    inv_scale = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(step)) / max_signed;
    sum_xl = 0.0f;
    sum_ll = 0.0f;
    for (int i = 0; i < n; ++i) {
      const int l = Clamp(NearestInt(inv_scale * x[i]), -nmax, nmax - 1);
      const float w = weight(i);
      sum_xl += w * x[i] * static_cast<float>(l);
      sum_ll += w * static_cast<float>(l) * static_cast<float>(l);
    }
    if (sum_ll > 0.0f && sum_xl * sum_xl > best * sum_ll) {
      for (int i = 0; i < n; ++i) {
        levels[i] = static_cast<int8_t>(Clamp(NearestInt(inv_scale * x[i]), -nmax, nmax - 1));
      }
      scale = sum_xl / sum_ll;
      best = scale * sum_xl;
    }
  }
  return scale;
}

float SymmetricLevelRefine(int n, int nmax, const float* x, int8_t* levels) {
  float max_abs = 0.0f;
  float max_signed = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float a = std::fabs(x[i]);
    if (a > max_abs) {
      max_abs = a;
      max_signed = x[i];
    }
  }
  if (max_abs < kGroupMaxEps) {
    std::memset(levels, 0, static_cast<size_t>(n));
    return 0.0f;
  }
  const float inv_scale = static_cast<float>(-nmax) / max_signed;
  float sum_xl = 0.0f;
  float sum_ll = 0.0f;
  for (int i = 0; i < n; ++i) {
    const int l = Clamp(NearestInt(inv_scale * x[i]), -nmax, nmax - 1);
    levels[i] = static_cast<int8_t>(l);
    const float w = x[i] * x[i];
    sum_xl += w * x[i] * static_cast<float>(l);
    sum_ll += w * static_cast<float>(l) * static_cast<float>(l);
  }
  // Coordinate descent: move one level to its best value given the others, keep the move if
  // the fitted error sum_xl^2 / sum_ll improves.
  for (int pass = 0; pass < 5; ++pass) {
    int num_changed = 0;
    for (int i = 0; i < n; ++i) {
      const float w = x[i] * x[i];
      const float li = static_cast<float>(levels[i]);
      float slx = sum_xl - w * x[i] * li;
      if (slx > 0.0f) {
        float sl2 = sum_ll - w * li * li;
        const int new_l = Clamp(NearestInt(x[i] * sl2 / slx), -nmax, nmax - 1);
        if (new_l != levels[i]) {
          const float nl = static_cast<float>(new_l);
          slx += w * x[i] * nl;
          sl2 += w * nl * nl;
          if (sl2 > 0.0f && slx * slx * sum_ll > sum_xl * sum_xl * sl2) {
            levels[i] = static_cast<int8_t>(new_l);
            sum_xl = slx;
            sum_ll = sl2;
            ++num_changed;
          }
        }
      }
    }
    if (num_changed == 0) break;
  }
  return sum_ll > 0.0f ? sum_xl / sum_ll : 0.0f;
}

float AffineScaleSearch(int n, int nmax, const float* x, const float* weights,
                        const AffineSearch& search, uint8_t* levels, uint8_t* scratch,
                        float* min_out) {
  // `offset` is the additive term (<= 0): x ≈ scale * l + offset.
  float offset = x[0];
  float hi = x[0];
  float sum_w = weights[0];
  float sum_x = sum_w * x[0];
  for (int i = 1; i < n; ++i) {
    offset = std::min(offset, x[i]);
    hi = std::max(hi, x[i]);
    sum_w += weights[i];
    sum_x += weights[i] * x[i];
  }
  if (offset > 0.0f) offset = 0.0f;
  if (hi <= offset) {
    std::memset(levels, 0, static_cast<size_t>(n));
    *min_out = -offset;
    return 0.0f;
  }
  auto error_of = [&](float diff) { return search.use_abs_error ? std::fabs(diff) : diff * diff; };

  float inv_scale = static_cast<float>(nmax) / (hi - offset);
  float scale = 1.0f / inv_scale;
  float best_error = 0.0f;
  for (int i = 0; i < n; ++i) {
    const int l = Clamp(NearestInt(inv_scale * (x[i] - offset)), 0, nmax);
    levels[i] = static_cast<uint8_t>(l);
    best_error += weights[i] * error_of(scale * static_cast<float>(l) + offset - x[i]);
  }
  if (search.num_steps < 1) {
    *min_out = -offset;
    return scale;
  }
  for (int step = 0; step <= search.num_steps; ++step) {
    // The range uses the best offset so far (ggml's search does the same).
    inv_scale =
        (search.rmin + search.rdelta * static_cast<float>(step) + static_cast<float>(nmax)) /
        (hi - offset);
    float sum_l = 0.0f;
    float sum_l2 = 0.0f;
    float sum_xl = 0.0f;
    for (int i = 0; i < n; ++i) {
      // Clamp before rounding: with the offset near `hi` the product may be huge or inf.
      const float v = inv_scale * (x[i] - offset);
      const int l = v > 0.0f ? NearestInt(std::min(v, static_cast<float>(nmax))) : 0;
      scratch[i] = static_cast<uint8_t>(l);
      const float w = weights[i];
      const float lf = static_cast<float>(l);
      sum_l += w * lf;
      sum_l2 += w * lf * lf;
      sum_xl += w * lf * x[i];
    }
    // Weighted least squares for (scale, offset) given these levels.
    const float det = sum_w * sum_l2 - sum_l * sum_l;
    if (det > 0.0f) {
      float this_scale = (sum_w * sum_xl - sum_x * sum_l) / det;
      float this_offset = (sum_l2 * sum_x - sum_l * sum_xl) / det;
      if (this_offset > 0.0f) {  // blocks can only subtract a min
        this_offset = 0.0f;
        this_scale = sum_xl / sum_l2;
      }
      float err = 0.0f;
      for (int i = 0; i < n; ++i) {
        err +=
            weights[i] * error_of(this_scale * static_cast<float>(scratch[i]) + this_offset - x[i]);
      }
      if (err < best_error) {
        std::memcpy(levels, scratch, static_cast<size_t>(n));
        best_error = err;
        scale = this_scale;
        offset = this_offset;
      }
    }
  }
  *min_out = -offset;
  return scale;
}

float PositiveScaleSearch(int n, int nmax, const float* x, const float* weights, uint8_t* levels) {
  float hi = 0.0f;
  for (int i = 0; i < n; ++i) hi = std::max(hi, x[i]);
  if (hi < kGroupMaxEps) {
    std::memset(levels, 0, static_cast<size_t>(n));
    return 0.0f;
  }
  const float fmax = static_cast<float>(nmax);
  float inv_scale = fmax / hi;
  float scale = 1.0f / inv_scale;
  float best_mse = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float diff =
        x[i] - scale * static_cast<float>(Clamp(NearestInt(inv_scale * x[i]), 0, nmax));
    best_mse += weights[i] * diff * diff;
  }
  for (int step = -4; step <= 4; ++step) {
    if (step == 0) continue;
    const float inv_try = (0.1f * static_cast<float>(step) + fmax) / hi;
    const float scale_try = 1.0f / inv_try;
    float mse = 0.0f;
    for (int i = 0; i < n; ++i) {
      const int l = Clamp(NearestInt(inv_try * x[i]), 0, nmax);
      const float diff = x[i] - scale_try * static_cast<float>(l);
      mse += weights[i] * diff * diff;
    }
    if (mse < best_mse) {
      best_mse = mse;
      inv_scale = inv_try;
    }
  }
  float sum_xl = 0.0f;
  float sum_ll = 0.0f;
  for (int i = 0; i < n; ++i) {
    const int l = Clamp(NearestInt(inv_scale * x[i]), 0, nmax);
    levels[i] = static_cast<uint8_t>(l);
    const float lf = static_cast<float>(l);
    sum_xl += weights[i] * x[i] * lf;
    sum_ll += weights[i] * lf * lf;
  }
  for (int pass = 0; pass < 5; ++pass) {
    int num_changed = 0;
    for (int i = 0; i < n; ++i) {
      const float w = weights[i];
      const float li = static_cast<float>(levels[i]);
      float slx = sum_xl - w * x[i] * li;
      float sl2 = sum_ll - w * li * li;
      if (slx > 0.0f && sl2 > 0.0f) {
        const int new_l = Clamp(NearestInt(x[i] * sl2 / slx), 0, nmax);
        if (new_l != levels[i]) {
          const float nl = static_cast<float>(new_l);
          slx += w * x[i] * nl;
          sl2 += w * nl * nl;
          if (slx * slx * sum_ll > sum_xl * sum_xl * sl2) {
            levels[i] = static_cast<uint8_t>(new_l);
            sum_xl = slx;
            sum_ll = sl2;
            ++num_changed;
          }
        }
      }
    }
    if (num_changed == 0) break;
  }
  return sum_ll > 0.0f ? sum_xl / sum_ll : 0.0f;
}

}  // namespace cratio::quant
