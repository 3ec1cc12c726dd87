// RoPE frequency tables and rotation.
#include "ops/rope.h"

#include <cmath>
#include <numbers>

#include "base/check.h"

namespace cratio {
namespace {

// Rotation pairs of one head: adjacent (2i, 2i+1) or split (i, i + rope_dim/2).
void RotateHead(float* x, const float* cos_v, const float* sin_v, int64_t half,
                RopeLayout layout) {
  if (layout == RopeLayout::kAdjacent) {
    for (int64_t i = 0; i < half; ++i) {
      const float a = x[2 * i], b = x[2 * i + 1];
      x[2 * i] = a * cos_v[i] - b * sin_v[i];
      x[2 * i + 1] = a * sin_v[i] + b * cos_v[i];
    }
  } else {
    for (int64_t i = 0; i < half; ++i) {
      const float a = x[i], b = x[i + half];
      x[i] = a * cos_v[i] - b * sin_v[i];
      x[i + half] = a * sin_v[i] + b * cos_v[i];
    }
  }
}

}  // namespace

RopeTable MakeRopeTable(int64_t rope_dim, RopeLayout layout, float freq_base,
                        const float* freq_factors, const RopeScaling& scaling) {
  CRATIO_CHECK(rope_dim > 0 && rope_dim % 2 == 0);
  RopeTable t;
  t.rope_dim = rope_dim;
  t.layout = layout;
  const int64_t half = rope_dim / 2;
  t.inv_freq.resize(half);
  for (int64_t i = 0; i < half; ++i) {
    double inv = std::pow(static_cast<double>(freq_base),
                          -2.0 * static_cast<double>(i) / static_cast<double>(rope_dim));
    if (freq_factors != nullptr) {
      inv /= static_cast<double>(freq_factors[i]);
    } else if (scaling.factor > 0.0f) {
      // Wavelengths shorter than original_context / high_freq_factor stay; longer than
      // original_context / low_freq_factor are stretched by `factor`; between, a blend.
      const double wavelen = 2.0 * std::numbers::pi / inv;
      const double ctx = static_cast<double>(scaling.original_context);
      const double low_wavelen = ctx / scaling.low_freq_factor;
      const double high_wavelen = ctx / scaling.high_freq_factor;
      if (wavelen > low_wavelen) {
        inv /= scaling.factor;
      } else if (wavelen >= high_wavelen) {
        const double smooth = (ctx / wavelen - scaling.low_freq_factor) /
                              (scaling.high_freq_factor - scaling.low_freq_factor);
        inv = (1.0 - smooth) * inv / scaling.factor + smooth * inv;
      }
    }
    t.inv_freq[i] = inv;
  }
  return t;
}

void RopeCosSin(const RopeTable& rope, const int32_t* positions, int64_t num_tokens,
                float* cos_sin) {
  const int64_t half = rope.rope_dim / 2;
  for (int64_t t = 0; t < num_tokens; ++t) {
    const double pos = static_cast<double>(positions[t]);
    float* c = cos_sin + t * rope.rope_dim;
    for (int64_t i = 0; i < half; ++i) {
      const double angle = pos * rope.inv_freq[i];
      c[i] = static_cast<float>(std::cos(angle));
      c[half + i] = static_cast<float>(std::sin(angle));
    }
  }
}

void ApplyRope(OpContext& ctx, const RopeTable& rope, const float* cos_sin, float* q,
               int64_t q_stride, int64_t num_q_heads, float* k, int64_t k_stride,
               int64_t num_k_heads, int64_t head_dim, int64_t num_tokens) {
  CRATIO_CHECK(rope.rope_dim <= head_dim);
  // The arguments travel as one struct so the std::function below fits its inline
  // storage (no allocation per call).
  struct Job {
    const RopeTable* rope;
    const float* cos_sin;
    float* q;
    int64_t q_stride, num_q_heads;
    float* k;
    int64_t k_stride, num_k_heads, head_dim;
  } job{&rope, cos_sin, q, q_stride, num_q_heads, k, k_stride, num_k_heads, head_dim};
  auto work = [&job](int64_t begin, int64_t end, int) {
    const int64_t dim = job.rope->rope_dim;
    const int64_t half = dim / 2;
    const RopeLayout layout = job.rope->layout;
    for (int64_t t = begin; t < end; ++t) {
      const float* cos_v = job.cos_sin + t * dim;
      const float* sin_v = cos_v + half;
      float* q_row = job.q + t * job.q_stride;
      for (int64_t h = 0; h < job.num_q_heads; ++h) {
        RotateHead(q_row + h * job.head_dim, cos_v, sin_v, half, layout);
      }
      if (job.k == nullptr) continue;
      float* k_row = job.k + t * job.k_stride;
      for (int64_t h = 0; h < job.num_k_heads; ++h) {
        RotateHead(k_row + h * job.head_dim, cos_v, sin_v, half, layout);
      }
    }
  };
  // A few tokens are cheaper on this thread than a pool round trip.
  constexpr int64_t kGrainTokens = 16;
  if (num_tokens <= kGrainTokens) {
    work(0, num_tokens, 0);
  } else {
    ctx.pool().ParallelFor(num_tokens, kGrainTokens, work);
  }
}

}  // namespace cratio
