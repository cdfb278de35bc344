#include "activation_kernels.h"

#include <cmath>

#include "simd.h"

namespace runexp::nn::internal {

namespace {

void Relu(float* __restrict v, int64_t n) {
  // A select rather than std::max so the loop vectorises without -ffast-math.
  for (int64_t i = 0; i < n; ++i) v[i] = v[i] > 0.0f ? v[i] : 0.0f;
}

void Sigmoid(float* __restrict v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    // exp of a non-positive argument only: no overflow for large |z|.
    const float z = v[i];
    if (z >= 0.0f) {
      v[i] = 1.0f / (1.0f + std::exp(-z));
    } else {
      const float e = std::exp(z);
      v[i] = e / (1.0f + e);
    }
  }
}

void Tanh(float* __restrict v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) v[i] = std::tanh(v[i]);
}

void SoftmaxRows(float* values, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    float* __restrict v = values + r * cols;
    float max = v[0];
    for (int64_t j = 1; j < cols; ++j) max = v[j] > max ? v[j] : max;
    float sum = 0.0f;
    for (int64_t j = 0; j < cols; ++j) {
      v[j] = std::exp(v[j] - max);
      sum += v[j];
    }
    const float inv = 1.0f / sum;
    for (int64_t j = 0; j < cols; ++j) v[j] *= inv;
  }
}

}  // namespace

RUNEXP_NN_VECTOR_KERNEL
void BiasActivateRows(Activation activation, const float* __restrict bias, float* values,
                      int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    float* __restrict v = values + r * cols;
    for (int64_t j = 0; j < cols; ++j) v[j] += bias[j];
    switch (activation) {
      case Activation::kLinear: break;
      case Activation::kRelu: Relu(v, cols); break;
      case Activation::kSigmoid: Sigmoid(v, cols); break;
      case Activation::kTanh: Tanh(v, cols); break;
      case Activation::kSoftmax: SoftmaxRows(v, 1, cols); break;
    }
  }
}

RUNEXP_NN_VECTOR_KERNEL
void ActivationBackwardRows(Activation activation, const float* __restrict a,
                            float* __restrict g, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  switch (activation) {
    case Activation::kLinear:
      return;
    case Activation::kRelu:
      for (int64_t i = 0; i < n; ++i) g[i] = a[i] > 0.0f ? g[i] : 0.0f;
      return;
    case Activation::kSigmoid:
      for (int64_t i = 0; i < n; ++i) g[i] *= a[i] * (1.0f - a[i]);
      return;
    case Activation::kTanh:
      for (int64_t i = 0; i < n; ++i) g[i] *= 1.0f - a[i] * a[i];
      return;
    case Activation::kSoftmax:
      for (int64_t r = 0; r < rows; ++r) {
        const float* ar = a + r * cols;
        float* gr = g + r * cols;
        float dot = 0.0f;
        for (int64_t j = 0; j < cols; ++j) dot += gr[j] * ar[j];
        for (int64_t j = 0; j < cols; ++j) gr[j] = ar[j] * (gr[j] - dot);
      }
      return;
  }
}

RUNEXP_NN_VECTOR_KERNEL
void AddInPlace(const float* __restrict in, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] += in[i];
}

RUNEXP_NN_VECTOR_KERNEL
void SumRows(const float* __restrict values, int64_t rows, int64_t cols, int64_t stride,
             float* __restrict sums) {
  for (int64_t j = 0; j < cols; ++j) sums[j] = 0.0f;
  for (int64_t r = 0; r < rows; ++r) {
    const float* __restrict v = values + r * stride;
    for (int64_t j = 0; j < cols; ++j) sums[j] += v[j];
  }
}

}  // namespace runexp::nn::internal
