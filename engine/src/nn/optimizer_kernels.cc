#include "optimizer_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "simd.h"

namespace runexp::nn::internal {

RUNEXP_NN_VECTOR_KERNEL
void SgdUpdate(float* __restrict w, const float* __restrict g, int64_t n, float lr) {
  for (int64_t i = 0; i < n; ++i) w[i] -= g[i] * lr;
}

RUNEXP_NN_VECTOR_KERNEL
void MomentumUpdate(float* __restrict w, float* __restrict velocity, const float* __restrict g,
                    int64_t n, float lr, float momentum, bool nesterov) {
  if (nesterov) {
    for (int64_t i = 0; i < n; ++i) {
      velocity[i] = velocity[i] * momentum - g[i] * lr;
      w[i] += velocity[i] * momentum - g[i] * lr;
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    velocity[i] = velocity[i] * momentum - g[i] * lr;
    w[i] += velocity[i];
  }
}

RUNEXP_NN_VECTOR_KERNEL
bool RmspropUpdate(float* __restrict w, float* __restrict ms, const float* __restrict g, int64_t n,
                   float lr, float rho, float epsilon) {
  const float one_minus_rho = 1.0f - rho;  // rounded in float, as Keras does
  // The square root and the division dominate this loop (they share the
  // core's one divider), and a third of the book's first-layer gradient is
  // exactly zero: inputs that are zero in the whole batch. (Training hands
  // whole zero rows over without values, which Optimizer only counts:
  // optimizer_zero_steps.cc. Zeros still arrive here through Apply and in
  // pieces not worth packing.) Where a group's
  // gradients are all ±0, lr·g is ±0 and so is (lr·g) / d, with the same
  // sign, for any d > 0 that is not NaN: w - lr·g is the formula's bits.
  // d = sqrt(ms) + epsilon > 0 when ms is in [+0, +inf] and epsilon > 0;
  // lr must be finite for lr·0 to be ±0. The tests read the bits (a
  // denormal gradient is not zero here, so it takes the formula, which
  // treats it as the arithmetic does), and are written as integer
  // reductions so that g++ vectorises them with the rest.
  const bool zero_groups_may_skip = std::isfinite(lr) && epsilon > 0.0f;
  constexpr uint32_t kPositiveInfinityBits = 0x7f800000u;
  // 256 values: a kernel row of 512 units is two groups, and the test costs
  // a few instructions per vector (per 16 values it was dearer than the
  // divisions it saved).
  constexpr int64_t kGroup = 256;
  uint32_t largest_ms_bits_of_all = 0;
  for (int64_t begin = 0; begin < n; begin += kGroup) {
    const int64_t end = std::min(n, begin + kGroup);
    uint32_t gradient_magnitude_bits = 0;
    uint32_t largest_ms_bits = 0;
    for (int64_t i = begin; i < end; ++i) {
      ms[i] = rho * ms[i] + one_minus_rho * (g[i] * g[i]);
      uint32_t g_bits, ms_bits;
      std::memcpy(&g_bits, g + i, sizeof g_bits);
      std::memcpy(&ms_bits, ms + i, sizeof ms_bits);
      gradient_magnitude_bits |= g_bits << 1;  // drops the sign: ±0 give 0
      largest_ms_bits = std::max(largest_ms_bits, ms_bits);  // a sign bit or NaN exceeds +inf
    }
    if (zero_groups_may_skip && gradient_magnitude_bits == 0 && largest_ms_bits <= kPositiveInfinityBits) {
      for (int64_t i = begin; i < end; ++i) w[i] -= lr * g[i];
    } else {
      for (int64_t i = begin; i < end; ++i) w[i] -= lr * g[i] / (std::sqrt(ms[i]) + epsilon);
    }
    largest_ms_bits_of_all = std::max(largest_ms_bits_of_all, largest_ms_bits);
  }
  return largest_ms_bits_of_all < kPositiveInfinityBits;
}

RUNEXP_NN_VECTOR_KERNEL
void RmspropDecay(float* __restrict ms, int64_t n, float rho, uint32_t steps) {
  for (uint32_t step = 0; step < steps; ++step) {
    uint32_t any_bits = 0;
    for (int64_t i = 0; i < n; ++i) {
      ms[i] = rho * ms[i];
      uint32_t bits;
      std::memcpy(&bits, ms + i, sizeof bits);
      any_bits |= bits;
    }
    // All +0: rho·(+0) is +0, so the remaining steps change nothing. (Mean
    // squares never fed a non-zero gradient stay at +0, and decayed ones
    // reach it once flushed or underflowed.)
    if (any_bits == 0) return;
  }
}

RUNEXP_NN_VECTOR_KERNEL
void AdamUpdate(float* __restrict w, float* __restrict m, float* __restrict v,
                const float* __restrict g, int64_t n, float lr_t, float beta_1, float beta_2,
                float epsilon) {
  const float one_minus_beta_1 = 1.0f - beta_1;
  const float one_minus_beta_2 = 1.0f - beta_2;
  for (int64_t i = 0; i < n; ++i) {
    m[i] += (g[i] - m[i]) * one_minus_beta_1;
    v[i] += (g[i] * g[i] - v[i]) * one_minus_beta_2;
    w[i] -= (m[i] * lr_t) / (std::sqrt(v[i]) + epsilon);
  }
}

}  // namespace runexp::nn::internal
