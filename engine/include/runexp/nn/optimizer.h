// Optimizer: turns gradients into parameter updates, with Keras 2 semantics
// (tf.keras optimizer_v2 and the TF kernels behind it), and exposes its
// state so a checkpoint can save and restore it exactly.
//
//   sgd      momentum == 0: w -= lr·g
//            momentum > 0:  v = momentum·v - lr·g; w += v
//            nesterov:      v = momentum·v - lr·g; w += momentum·v - lr·g
//   rmsprop  ms = rho·ms + (1 - rho)·g²; w -= lr·g / (sqrt(ms) + epsilon)
//   adam     t = iterations + 1; lr_t = lr·sqrt(1 - beta_2^t) / (1 - beta_1^t)
//            m += (g - m)·(1 - beta_1); v += (g² - v)·(1 - beta_2)
//            w -= lr_t·m / (sqrt(v) + epsilon)
// All arithmetic is float32, in the order written (TF's order), so the
// results do not depend on how the work is split between threads.
//
// Denormals: flushed to zero (MXCSR FTZ + DAZ), as TensorFlow's CPU kernels
// do. Accumulators of rarely-non-zero gradients decay geometrically through
// the denormal range, where x86 arithmetic is ~45x slower (measured on the
// RMSprop update). The flags are set and restored around every piece of
// work, whichever thread runs it, so results stay thread-count independent
// and the application's threads keep their own settings (see mlp.h).
//
// State: `iterations` (updates applied) and the slots, one tensor per
// parameter per slot kind, laid out kind-major: all of the first kind in
// parameter order, then all of the second (Keras' own order):
//   sgd with momentum: "momentum";  rmsprop: "rms";  adam: "m", then "v".
// Plain SGD has no slots.
//
// Steps with a gradient of exactly +0 (UpdateRange without values: the
// first layer's kernel rows under inputs that are zero in a whole batch, a
// third of them on MNIST) cost RMSprop only ms = rho·ms on those rows: their
// weights do not move. The optimizer counts such steps per row of a 2-D
// parameter and applies them when the row is next updated or the state is
// read, instead of streaming the rows' weights and mean squares through
// memory every step: the same bits, one pass fewer (optimizer_zero_steps.cc).
//
// Thread-safety: not synchronised; one owner (state() too: it applies the
// counted steps). Apply parallelises internally with oneTBB over fixed
// chunks (element-wise, so any split gives the same bits).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::nn {

enum class OptimizerKind { kSgd, kRmsprop, kAdam };

std::string_view OptimizerName(OptimizerKind kind);  // "sgd", "rmsprop", "adam"
Result<OptimizerKind> ParseOptimizer(std::string_view name);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kRmsprop;
  float learning_rate = 0.001f;
  float rho = 0.9f;         // rmsprop
  float momentum = 0.0f;    // sgd
  bool nesterov = false;    // sgd
  float beta_1 = 0.9f;      // adam
  float beta_2 = 0.999f;    // adam
  float epsilon = 1e-7f;    // rmsprop, adam

  // Keras' defaults for each kind.
  static OptimizerConfig Sgd(float learning_rate = 0.01f, float momentum = 0.0f,
                             bool nesterov = false);
  static OptimizerConfig Rmsprop(float learning_rate = 0.001f, float rho = 0.9f,
                                 float epsilon = 1e-7f);
  static OptimizerConfig Adam(float learning_rate = 0.001f, float beta_1 = 0.9f,
                              float beta_2 = 0.999f, float epsilon = 1e-7f);
};

// InvalidArgument unless learning_rate >= 0 and finite, rho, momentum and
// the betas are in [0, 1), and epsilon >= 0.
Status ValidateOptimizerConfig(const OptimizerConfig& config);

// The hyperparameters that apply to config.kind, by Keras name
// ("learning_rate", "rho", "epsilon", ...; nesterov as 0 or 1): what a
// checkpoint records next to the state.
std::vector<std::pair<std::string, double>> Hyperparameters(const OptimizerConfig& config);

// Slot kinds in state order: {}, {"momentum"}, {"rms"} or {"m", "v"}.
std::vector<std::string_view> SlotKinds(const OptimizerConfig& config);

struct OptimizerState {
  int64_t iterations = 0;
  std::vector<Tensor> slots;
};

class Optimizer {
 public:
  // Slots start at zero, shaped like `parameters`. InvalidArgument for a bad
  // config or a parameter that is not float32.
  static Result<Optimizer> Create(OptimizerConfig config, const std::vector<Tensor>& parameters);

  const OptimizerConfig& config() const { return config_; }
  int64_t iterations() const { return state_.iterations; }
  // Exact: applies the zero-gradient steps still counted (header comment).
  // Not during a step (between BeginStep and EndStep).
  const OptimizerState& state() const;

  // Restores a saved state: InvalidArgument, naming the slot, unless the
  // slot count and every shape match.
  Status SetState(OptimizerState state);

  // One update of every parameter from its gradient; iterations += 1.
  // InvalidArgument (and nothing changed) if the shapes do not match.
  Status Apply(const std::vector<Tensor>& gradients, std::vector<Tensor>* parameters);

  // The same update taken piece by piece, for a caller that finishes
  // gradients piece by piece and wants each piece applied while it is still
  // in cache (Trainer does, through Mlp::ComputeGradients' on_ready hook):
  // BeginStep, then UpdateRange exactly once for every element of every
  // parameter — concurrently from any threads for disjoint ranges — then
  // EndStep. The bits are those of Apply, which is this with fixed chunks.
  // Ranges given concurrently must not share a row of a 2-D parameter: a
  // range that covers part of a row may apply the whole row's counted steps.
  // BeginStep: InvalidArgument (nothing changed) if the shapes do not match.
  Status BeginStep(const std::vector<Tensor>& parameters);
  // Elements [begin, end) of parameter `index`. The caller guarantees that
  // BeginStep succeeded and that `gradient` and `parameter` are that
  // parameter's shape: this is the hot path and checks nothing. Runs with
  // denormals flushed, like Apply, whichever thread calls it.
  void UpdateRange(std::size_t index, int64_t begin, int64_t end, const Tensor& gradient,
                   Tensor& parameter);
  // The same with the range's gradient given as `gradient_values` (end -
  // begin floats), wherever they are (Mlp::ComputeGradients' on_ready), or
  // as nullptr when it is exactly +0 throughout.
  void UpdateRange(std::size_t index, int64_t begin, int64_t end, const float* gradient_values,
                   Tensor& parameter);
  void EndStep() { ++state_.iterations; }

  // OK if `tensors` match, in count, dtype and shape, the parameters this
  // optimizer was created for; InvalidArgument naming the first mismatch.
  Status CheckShapes(const std::vector<Tensor>& tensors, std::string_view what) const;

 private:
  // RMSprop's zero-gradient steps not yet applied to one row of a 2-D
  // parameter (optimizer_zero_steps.cc).
  struct RowDebt {
    uint32_t owed_steps = 0;  // ms = rho·ms still to apply this many times
    // Its mean squares were all finite and >= +0 after its last update, so a
    // zero-gradient step leaves its weights as they are (with NaN, a
    // negative value or +inf and rho = 0, the formula changes them).
    bool finite = true;
  };

  Optimizer(OptimizerConfig config, OptimizerState state) : config_(config), state_(std::move(state)) {}

  // The formula on elements [begin, end), with `gradient_values` given.
  void UpdateElements(std::size_t index, int64_t begin, int64_t end, const float* gradient_values,
                      Tensor& parameter);
  // optimizer_zero_steps.cc: counting zero-gradient steps and applying them.
  bool DefersZeroSteps(std::size_t index) const { return !row_debts_[index].empty(); }
  void ResetRowDebts();
  void UpdateZeroGradient(std::size_t index, int64_t begin, int64_t end, Tensor& parameter);
  void UpdateRowsOfDeferringParameter(std::size_t index, int64_t begin, int64_t end,
                                      const float* gradient_values, Tensor& parameter);
  void SettleRows(std::size_t index, int64_t first_row, int64_t end_row) const;
  void SettleAllRows() const;

  OptimizerConfig config_;
  // mutable: state() applies the counted steps, which changes how the state
  // is held, not its value.
  mutable OptimizerState state_;
  std::vector<Shape> shapes_;  // of the parameters this optimizer was created for
  float adam_lr_t_ = 0.0f;     // this step's bias-corrected step size, set by BeginStep
  // Per parameter, per row; empty where steps are never deferred (not
  // RMSprop, not 2-D, or epsilon = 0, where 0 / sqrt(+0) is NaN).
  mutable std::vector<std::vector<RowDebt>> row_debts_;
};

}  // namespace runexp::nn
