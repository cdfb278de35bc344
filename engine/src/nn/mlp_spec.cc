#include "runexp/nn/mlp_spec.h"

#include <array>
#include <string>
#include <utility>

namespace runexp::nn {

namespace {

constexpr int64_t kMaxDim = (int64_t{1} << 31) - 1;

constexpr std::array<std::pair<Activation, std::string_view>, 5> kActivations{{
    {Activation::kLinear, "linear"},
    {Activation::kRelu, "relu"},
    {Activation::kSigmoid, "sigmoid"},
    {Activation::kTanh, "tanh"},
    {Activation::kSoftmax, "softmax"},
}};

constexpr std::array<std::pair<Loss, std::string_view>, 2> kLosses{{
    {Loss::kCategoricalCrossentropy, "categorical_crossentropy"},
    {Loss::kMeanSquaredError, "mean_squared_error"},
}};

template <typename Table>
std::string Choices(const Table& table) {
  std::string out;
  for (const auto& [value, name] : table) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string_view ActivationName(Activation activation) {
  for (const auto& [value, name] : kActivations) {
    if (value == activation) return name;
  }
  return "unknown";
}

Result<Activation> ParseActivation(std::string_view name) {
  for (const auto& [value, known] : kActivations) {
    if (known == name) return value;
  }
  return Status::InvalidArgument("unknown activation \"" + std::string(name) +
                                 "\" (expected one of: " + Choices(kActivations) + ")");
}

std::string_view LossName(Loss loss) {
  for (const auto& [value, name] : kLosses) {
    if (value == loss) return name;
  }
  return "unknown";
}

Result<Loss> ParseLoss(std::string_view name) {
  for (const auto& [value, known] : kLosses) {
    if (known == name) return value;
  }
  return Status::InvalidArgument("unknown loss \"" + std::string(name) +
                                 "\" (expected one of: " + Choices(kLosses) + ")");
}

Status ValidateSpec(const MlpSpec& spec) {
  if (spec.input_dim <= 0 || spec.input_dim > kMaxDim) {
    return Status::InvalidArgument("mlp: input_dim must be in [1, 2^31-1], got " +
                                   std::to_string(spec.input_dim));
  }
  if (spec.layers.empty()) return Status::InvalidArgument("mlp: at least one dense layer is required");
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    const int64_t units = spec.layers[i].units;
    if (units <= 0 || units > kMaxDim) {
      return Status::InvalidArgument("mlp: layer " + std::to_string(i) +
                                     ": units must be in [1, 2^31-1], got " + std::to_string(units));
    }
    if (ActivationName(spec.layers[i].activation) == "unknown") {
      return Status::InvalidArgument("mlp: layer " + std::to_string(i) + ": unknown activation");
    }
  }
  if (LossName(spec.loss) == "unknown") return Status::InvalidArgument("mlp: unknown loss");
  return Status::OK();
}

}  // namespace runexp::nn
