#include "runexp/nn/optimizer.h"

#include <cmath>
#include <string>

#include "optimizer_kernels.h"
#include "sharding.h"

namespace runexp::nn {

namespace {

// Elements per task of an update: large enough to amortise task overhead,
// small enough that two threads share a 400k-parameter model evenly.
constexpr int64_t kUpdateChunk = 32768;

struct Chunk {
  std::size_t parameter;
  int64_t begin;
  int64_t end;
};

std::vector<Chunk> Chunks(const std::vector<Tensor>& parameters) {
  std::vector<Chunk> chunks;
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    const int64_t n = parameters[p].num_elements();
    for (int64_t begin = 0; begin < n; begin += kUpdateChunk) {
      chunks.push_back({p, begin, begin + kUpdateChunk < n ? begin + kUpdateChunk : n});
    }
  }
  return chunks;
}

bool InUnitInterval(float v) { return v >= 0.0f && v < 1.0f; }

std::size_t SlotCount(const OptimizerConfig& config) { return SlotKinds(config).size(); }

}  // namespace

std::string_view OptimizerName(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::kSgd: return "sgd";
    case OptimizerKind::kRmsprop: return "rmsprop";
    case OptimizerKind::kAdam: return "adam";
  }
  return "unknown";
}

Result<OptimizerKind> ParseOptimizer(std::string_view name) {
  for (OptimizerKind kind : {OptimizerKind::kSgd, OptimizerKind::kRmsprop, OptimizerKind::kAdam}) {
    if (OptimizerName(kind) == name) return kind;
  }
  return Status::InvalidArgument("unknown optimizer \"" + std::string(name) +
                                 "\" (expected one of: sgd, rmsprop, adam)");
}

OptimizerConfig OptimizerConfig::Sgd(float learning_rate, float momentum, bool nesterov) {
  OptimizerConfig config;
  config.kind = OptimizerKind::kSgd;
  config.learning_rate = learning_rate;
  config.momentum = momentum;
  config.nesterov = nesterov;
  return config;
}

OptimizerConfig OptimizerConfig::Rmsprop(float learning_rate, float rho, float epsilon) {
  OptimizerConfig config;
  config.kind = OptimizerKind::kRmsprop;
  config.learning_rate = learning_rate;
  config.rho = rho;
  config.epsilon = epsilon;
  return config;
}

OptimizerConfig OptimizerConfig::Adam(float learning_rate, float beta_1, float beta_2,
                                      float epsilon) {
  OptimizerConfig config;
  config.kind = OptimizerKind::kAdam;
  config.learning_rate = learning_rate;
  config.beta_1 = beta_1;
  config.beta_2 = beta_2;
  config.epsilon = epsilon;
  return config;
}

Status ValidateOptimizerConfig(const OptimizerConfig& config) {
  const std::string name(OptimizerName(config.kind));
  if (name == "unknown") return Status::InvalidArgument("optimizer: unknown kind");
  if (!(config.learning_rate >= 0.0f) || !std::isfinite(config.learning_rate)) {
    return Status::InvalidArgument(name + ": learning_rate must be finite and >= 0, got " +
                                   std::to_string(config.learning_rate));
  }
  for (const auto& [key, value] : Hyperparameters(config)) {
    const bool unit = key == "rho" || key == "momentum" || key == "beta_1" || key == "beta_2";
    if (unit && !InUnitInterval(static_cast<float>(value))) {
      return Status::InvalidArgument(name + ": " + key + " must be in [0, 1), got " +
                                     std::to_string(value));
    }
    if (key == "epsilon" && !(value >= 0.0 && std::isfinite(value))) {
      return Status::InvalidArgument(name + ": epsilon must be finite and >= 0, got " +
                                     std::to_string(value));
    }
  }
  return Status::OK();
}

std::vector<std::pair<std::string, double>> Hyperparameters(const OptimizerConfig& config) {
  switch (config.kind) {
    case OptimizerKind::kSgd:
      return {{"learning_rate", config.learning_rate},
              {"momentum", config.momentum},
              {"nesterov", config.nesterov ? 1.0 : 0.0}};
    case OptimizerKind::kRmsprop:
      return {{"learning_rate", config.learning_rate}, {"rho", config.rho}, {"epsilon", config.epsilon}};
    case OptimizerKind::kAdam:
      return {{"learning_rate", config.learning_rate},
              {"beta_1", config.beta_1},
              {"beta_2", config.beta_2},
              {"epsilon", config.epsilon}};
  }
  return {};
}

std::vector<std::string_view> SlotKinds(const OptimizerConfig& config) {
  switch (config.kind) {
    case OptimizerKind::kSgd:
      if (config.momentum != 0.0f) return {"momentum"};
      return {};
    case OptimizerKind::kRmsprop: return {"rms"};
    case OptimizerKind::kAdam: return {"m", "v"};
  }
  return {};
}

Result<Optimizer> Optimizer::Create(OptimizerConfig config, const std::vector<Tensor>& parameters) {
  if (Status status = ValidateOptimizerConfig(config); !status.ok()) return status;
  OptimizerState state;
  std::vector<Shape> shapes;
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    if (parameters[p].dtype() != DType::kFloat32) {
      return Status::InvalidArgument("optimizer: parameter " + std::to_string(p) +
                                     " is " + std::string(DTypeName(parameters[p].dtype())) +
                                     ", expected float32");
    }
    shapes.push_back(parameters[p].shape());
  }
  for (std::size_t kind = 0; kind < SlotCount(config); ++kind) {
    for (const Shape& shape : shapes) state.slots.emplace_back(DType::kFloat32, shape);
  }
  Optimizer optimizer(config, std::move(state));
  optimizer.shapes_ = std::move(shapes);
  optimizer.ResetRowDebts();
  return optimizer;
}

Status Optimizer::SetState(OptimizerState state) {
  const std::size_t expected = SlotCount(config_) * shapes_.size();
  if (state.iterations < 0) {
    return Status::InvalidArgument(std::string(OptimizerName(config_.kind)) +
                                   " state: negative iteration count");
  }
  if (state.slots.size() != expected) {
    return Status::InvalidArgument(std::string(OptimizerName(config_.kind)) + " state: expected " +
                                   std::to_string(expected) + " slots, got " +
                                   std::to_string(state.slots.size()));
  }
  const std::vector<std::string_view> kinds = SlotKinds(config_);
  for (std::size_t i = 0; i < expected; ++i) {
    const Shape& shape = shapes_[i % shapes_.size()];
    if (state.slots[i].dtype() != DType::kFloat32 || state.slots[i].shape() != shape) {
      return Status::InvalidArgument(
          std::string(OptimizerName(config_.kind)) + " state: slot \"" +
          std::string(kinds[i / shapes_.size()]) + "\" of parameter " +
          std::to_string(i % shapes_.size()) + ": expected float32 " + ShapeToString(shape) +
          ", got " + std::string(DTypeName(state.slots[i].dtype())) + " " +
          ShapeToString(state.slots[i].shape()));
    }
  }
  state_ = std::move(state);
  ResetRowDebts();
  return Status::OK();
}

const OptimizerState& Optimizer::state() const {
  SettleAllRows();
  return state_;
}

Status Optimizer::CheckShapes(const std::vector<Tensor>& tensors, std::string_view what) const {
  if (tensors.size() != shapes_.size()) {
    return Status::InvalidArgument("optimizer: created for " + std::to_string(shapes_.size()) +
                                   " parameters, given " + std::to_string(tensors.size()) + " " +
                                   std::string(what));
  }
  for (std::size_t p = 0; p < shapes_.size(); ++p) {
    if (tensors[p].dtype() != DType::kFloat32 || tensors[p].shape() != shapes_[p]) {
      return Status::InvalidArgument(
          "optimizer: " + std::string(what) + " " + std::to_string(p) + ": expected float32 " +
          ShapeToString(shapes_[p]) + ", got " + std::string(DTypeName(tensors[p].dtype())) + " " +
          ShapeToString(tensors[p].shape()));
    }
  }
  return Status::OK();
}

Status Optimizer::BeginStep(const std::vector<Tensor>& parameters) {
  if (Status status = CheckShapes(parameters, "parameters"); !status.ok()) return status;
  if (config_.kind == OptimizerKind::kAdam) {
    // Keras computes the bias correction in float32 from float powers.
    const float t = static_cast<float>(state_.iterations + 1);
    const float beta_1_power = std::pow(config_.beta_1, t);
    const float beta_2_power = std::pow(config_.beta_2, t);
    adam_lr_t_ = config_.learning_rate * (std::sqrt(1.0f - beta_2_power) / (1.0f - beta_1_power));
  }
  return Status::OK();
}

void Optimizer::UpdateRange(std::size_t index, int64_t begin, int64_t end, const Tensor& gradient,
                            Tensor& parameter) {
  UpdateRange(index, begin, end, gradient.values<float>().data() + begin, parameter);
}

void Optimizer::UpdateRange(std::size_t index, int64_t begin, int64_t end, const float* gradient_values,
                            Tensor& parameter) {
  // Apply's pieces already run flushed (ParallelFor); a caller of its own
  // gets the same bits, and the same speed on decayed accumulators.
  internal::ScopedFlushDenormals flush;
  if (gradient_values == nullptr) {
    UpdateZeroGradient(index, begin, end, parameter);
  } else if (DefersZeroSteps(index)) {
    UpdateRowsOfDeferringParameter(index, begin, end, gradient_values, parameter);
  } else {
    UpdateElements(index, begin, end, gradient_values, parameter);
  }
}

void Optimizer::UpdateElements(std::size_t index, int64_t begin, int64_t end, const float* gradient_values,
                               Tensor& parameter) {
  const OptimizerConfig& c = config_;
  const int64_t n = end - begin;
  float* w = parameter.values<float>().data() + begin;
  const float* g = gradient_values;
  auto slot = [&](std::size_t kind) {
    return state_.slots[kind * shapes_.size() + index].values<float>().data() + begin;
  };
  switch (c.kind) {
    case OptimizerKind::kSgd:
      if (c.momentum == 0.0f) {
        internal::SgdUpdate(w, g, n, c.learning_rate);
      } else {
        internal::MomentumUpdate(w, slot(0), g, n, c.learning_rate, c.momentum, c.nesterov);
      }
      return;
    case OptimizerKind::kRmsprop:
      internal::RmspropUpdate(w, slot(0), g, n, c.learning_rate, c.rho, c.epsilon);
      return;
    case OptimizerKind::kAdam:
      internal::AdamUpdate(w, slot(0), slot(1), g, n, adam_lr_t_, c.beta_1, c.beta_2, c.epsilon);
      return;
  }
}

Status Optimizer::Apply(const std::vector<Tensor>& gradients, std::vector<Tensor>* parameters) {
  if (Status status = CheckShapes(gradients, "gradients"); !status.ok()) return status;
  if (Status status = BeginStep(*parameters); !status.ok()) return status;
  // Chunks split rows, so the counted zero-gradient steps go first, and
  // afterwards no row is known finite until a whole-row update says so.
  SettleAllRows();
  const std::vector<Chunk> chunks = Chunks(*parameters);
  const Status status = internal::ParallelFor(static_cast<int64_t>(chunks.size()), [&](int64_t i) {
    const Chunk& chunk = chunks[static_cast<std::size_t>(i)];
    UpdateElements(chunk.parameter, chunk.begin, chunk.end,
                   gradients[chunk.parameter].values<float>().data() + chunk.begin, (*parameters)[chunk.parameter]);
    return Status::OK();
  });
  for (std::vector<RowDebt>& rows : row_debts_) {
    for (RowDebt& row : rows) row.finite = false;
  }
  if (!status.ok()) return status;
  EndStep();
  return Status::OK();
}

}  // namespace runexp::nn
