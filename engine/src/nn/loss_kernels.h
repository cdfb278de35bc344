// Losses on rows of the last layer's output: per-sample loss, argmax match,
// and the gradient with respect to the last layer's pre-activations.
// Internal to runexp_nn; the semantics are documented in mlp.h.
//
// Thread-safety: pure functions of their arguments; disjoint rows may be
// processed concurrently.
#pragma once

#include <cstdint>

#include "runexp/nn/mlp_spec.h"

namespace runexp::nn::internal {

struct OutputRows {
  const float* outputs;  // activations of the last layer, rows×cols
  const float* targets;  // rows×cols
  int64_t rows;
  int64_t cols;
};

// Per-row loss (Keras semantics) and whether argmax(output) == argmax(target).
void LossRows(Loss loss, const OutputRows& rows, double* row_loss, uint8_t* row_correct);

// dL/dZ of the last layer for these rows, where L is the MEAN loss over a
// batch of `batch_rows` rows: the fused p - y for softmax + cross-entropy,
// otherwise dL/dA followed by the activation's derivative.
void OutputGradientRows(Loss loss, Activation last, const OutputRows& rows, int64_t batch_rows,
                        float* grads);

// Index of the largest value; the lowest such index on ties (as tf.argmax).
int64_t ArgMax(const float* values, int64_t n);

}  // namespace runexp::nn::internal
