// Element-wise activation functions and their derivatives, on rows of a
// row-major matrix. Internal to runexp_nn.
//
// The backward pass needs only the activations A (not the pre-activations):
// relu' = [A > 0], sigmoid' = A(1 - A), tanh' = 1 - A², and softmax's
// Jacobian-vector product A ⊙ (dA - <dA, A>). Keeping only A halves the
// memory a training step touches.
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

}  // namespace runexp::nn::internal
