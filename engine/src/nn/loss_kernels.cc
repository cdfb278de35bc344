#include "loss_kernels.h"

#include <cmath>

#include "activation_kernels.h"

namespace runexp::nn::internal {

namespace {

// Keras' backend.epsilon(): the clip bound of categorical cross-entropy.
constexpr double kEpsilon = 1e-7;

double CrossEntropyRow(const float* p, const float* y, int64_t cols) {
  // Keras renormalises p to sum to one, clips it to [eps, 1 - eps], then
  // takes -sum y log p. Computed in double: the loss is a metric only.
  double sum = 0.0;
  for (int64_t j = 0; j < cols; ++j) sum += p[j];
  double loss = 0.0;
  for (int64_t j = 0; j < cols; ++j) {
    if (y[j] == 0.0f) continue;  // 0·log(0) must not become NaN when p_j = 0
    double q = static_cast<double>(p[j]) / sum;
    q = q < kEpsilon ? kEpsilon : (q > 1.0 - kEpsilon ? 1.0 - kEpsilon : q);
    loss -= static_cast<double>(y[j]) * std::log(q);
  }
  return loss;
}

double SquaredErrorRow(const float* p, const float* y, int64_t cols) {
  double sum = 0.0;
  for (int64_t j = 0; j < cols; ++j) {
    const double d = static_cast<double>(p[j]) - static_cast<double>(y[j]);
    sum += d * d;
  }
  return sum / static_cast<double>(cols);
}

// dL/dA of the clipped, renormalised cross-entropy for one row, as TF
// differentiates it: clip passes the gradient only inside [eps, 1 - eps].
double ClippedCrossEntropyGrad(double q, float y) {
  return (q >= kEpsilon && q <= 1.0 - kEpsilon) ? -static_cast<double>(y) / q : 0.0;
}

void CrossEntropyGradRow(const float* p, const float* y, int64_t cols, double scale, float* g) {
  double sum = 0.0;
  for (int64_t j = 0; j < cols; ++j) sum += p[j];
  double dot = 0.0;  // sum_j (dL/dq_j) q_j: the renormalisation's share
  for (int64_t j = 0; j < cols; ++j) {
    const double q = static_cast<double>(p[j]) / sum;
    dot += ClippedCrossEntropyGrad(q, y[j]) * q;
  }
  for (int64_t j = 0; j < cols; ++j) {
    const double q = static_cast<double>(p[j]) / sum;
    g[j] = static_cast<float>((ClippedCrossEntropyGrad(q, y[j]) - dot) / sum * scale);
  }
}

}  // namespace

int64_t ArgMax(const float* values, int64_t n) {
  int64_t best = 0;
  for (int64_t j = 1; j < n; ++j) {
    if (values[j] > values[best]) best = j;
  }
  return best;
}

void LossRows(Loss loss, const OutputRows& rows, double* row_loss, uint8_t* row_correct) {
  for (int64_t r = 0; r < rows.rows; ++r) {
    const float* p = rows.outputs + r * rows.cols;
    const float* y = rows.targets + r * rows.cols;
    row_loss[r] = loss == Loss::kCategoricalCrossentropy ? CrossEntropyRow(p, y, rows.cols)
                                                         : SquaredErrorRow(p, y, rows.cols);
    row_correct[r] = ArgMax(p, rows.cols) == ArgMax(y, rows.cols) ? 1 : 0;
  }
}

void OutputGradientRows(Loss loss, Activation last, const OutputRows& rows, int64_t batch_rows,
                        float* grads) {
  const int64_t cols = rows.cols;
  const float inv_batch = 1.0f / static_cast<float>(batch_rows);
  if (loss == Loss::kCategoricalCrossentropy && last == Activation::kSoftmax) {
    // d/dz of -sum y log softmax(z) is p·sum(y) - y; with one-hot y, p - y.
    for (int64_t r = 0; r < rows.rows; ++r) {
      const float* __restrict p = rows.outputs + r * cols;
      const float* __restrict y = rows.targets + r * cols;
      float* __restrict g = grads + r * cols;
      float y_sum = 0.0f;
      for (int64_t j = 0; j < cols; ++j) y_sum += y[j];
      for (int64_t j = 0; j < cols; ++j) g[j] = (p[j] * y_sum - y[j]) * inv_batch;
    }
    return;
  }
  for (int64_t r = 0; r < rows.rows; ++r) {
    const float* p = rows.outputs + r * cols;
    const float* y = rows.targets + r * cols;
    float* g = grads + r * cols;
    if (loss == Loss::kCategoricalCrossentropy) {
      CrossEntropyGradRow(p, y, cols, 1.0 / static_cast<double>(batch_rows), g);
    } else {
      const float scale = 2.0f / static_cast<float>(cols) * inv_batch;
      for (int64_t j = 0; j < cols; ++j) g[j] = (p[j] - y[j]) * scale;
    }
  }
  ActivationBackwardRows(last, rows.outputs, grads, rows.rows, cols);
}

}  // namespace runexp::nn::internal
