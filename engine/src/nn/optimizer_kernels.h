// The element-wise update loops of the optimizers (formulas in
// optimizer.h). Internal to runexp_nn. Each loop is written so g++
// vectorises it (restrict pointers, no branches, sqrt without errno) and is
// compiled for AVX-512 and AVX2 as well (simd.h): the same bits, 16 wide.
//
// Thread-safety: each call touches only the ranges it is given.
#pragma once

#include <cstdint>

namespace runexp::nn::internal {

void SgdUpdate(float* w, const float* g, int64_t n, float lr);
void MomentumUpdate(float* w, float* velocity, const float* g, int64_t n, float lr, float momentum,
                    bool nesterov);
// Returns whether every updated mean square is finite and >= +0: only then
// does a later step with a gradient of exactly +0 leave w unchanged
// (Optimizer defers such steps, optimizer_zero_steps.cc).
bool RmspropUpdate(float* w, float* ms, const float* g, int64_t n, float lr, float rho,
                   float epsilon);
// `steps` RMSprop steps of mean squares whose gradient is +0: ms = rho·ms,
// `steps` times, which is what RmspropUpdate computes for them
// (rho·ms + (1 - rho)·(0·0) adds an exact +0).
void RmspropDecay(float* ms, int64_t n, float rho, uint32_t steps);
// `lr_t` is Adam's bias-corrected step size for this iteration.
void AdamUpdate(float* w, float* m, float* v, const float* g, int64_t n, float lr_t, float beta_1,
                float beta_2, float epsilon);

}  // namespace runexp::nn::internal
