// MlpSpec: a multilayer perceptron described as data — input width, a list
// of dense layers {units, activation} and a loss. The names are the ones
// Keras and the checkpoint schema use ("relu", "categorical_crossentropy").
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "runexp/status.h"

namespace runexp::nn {

enum class Activation { kLinear, kRelu, kSigmoid, kTanh, kSoftmax };

enum class Loss {
  // Keras: mean over samples of -sum_j y_j log(clip(p_j, 1e-7, 1 - 1e-7)).
  kCategoricalCrossentropy,
  // Keras: mean over samples of mean_j (p_j - y_j)^2.
  kMeanSquaredError,
};

struct DenseSpec {
  int64_t units = 0;
  Activation activation = Activation::kLinear;
};

struct MlpSpec {
  int64_t input_dim = 0;
  std::vector<DenseSpec> layers;
  Loss loss = Loss::kCategoricalCrossentropy;
};

std::string_view ActivationName(Activation activation);  // "relu"
Result<Activation> ParseActivation(std::string_view name);
std::string_view LossName(Loss loss);                     // "mean_squared_error"
Result<Loss> ParseLoss(std::string_view name);

// InvalidArgument unless input_dim > 0, there is at least one layer and
// every layer has units > 0 (sizes are capped at 2^31 - 1 per dimension so
// parameter counts fit comfortably in int64).
Status ValidateSpec(const MlpSpec& spec);

}  // namespace runexp::nn
