// Element-wise activation functions and their derivatives, on rows of a
// row-major matrix. Internal to runexp_nn.
//
// The backward pass needs only the activations A (not the pre-activations):
// relu' = [A > 0], sigmoid' = A(1 - A), tanh' = 1 - A², and softmax's
// Jacobian-vector product A ⊙ (dA - <dA, A>). Keeping only A halves the
// memory a training step touches.
//
// The element-wise loops are also compiled for AVX-512 and AVX2 (simd.h),
// with the same bits.
//
// Thread-safety: pure functions of their arguments; disjoint rows may be
// processed concurrently.
#pragma once

#include <cstdint>

#include "runexp/nn/mlp_spec.h"

namespace runexp::nn::internal {

// In place: x·W in, activation(x·W + bias) out. `values` holds rows×cols.
// The bias is added after the product, in the order Keras' Dense uses.
void BiasActivateRows(Activation activation, const float* bias, float* values, int64_t rows,
                      int64_t cols);

// In place: dLoss/dA in, dLoss/dZ out, given the activations A.
void ActivationBackwardRows(Activation activation, const float* activations, float* grads,
                            int64_t rows, int64_t cols);

// out[i] += in[i] for n elements (adding a partial product; callers fix the
// order in which partials are added).
void AddInPlace(const float* in, float* out, int64_t n);

// sums[j] = the sum over rows of values[r][j], added in row order (a bias
// gradient: the column sums of a layer's deltas), rows `stride` floats apart.
void SumRows(const float* values, int64_t rows, int64_t cols, int64_t stride, float* sums);

}  // namespace runexp::nn::internal
