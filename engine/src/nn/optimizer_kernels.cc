#include "optimizer_kernels.h"

#include <cmath>

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
void RmspropUpdate(float* __restrict w, float* __restrict ms, const float* __restrict g, int64_t n,
                   float lr, float rho, float epsilon) {
  const float one_minus_rho = 1.0f - rho;  // rounded in float, as Keras does
  for (int64_t i = 0; i < n; ++i) {
    ms[i] = rho * ms[i] + one_minus_rho * (g[i] * g[i]);
    w[i] -= lr * g[i] / (std::sqrt(ms[i]) + epsilon);
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
