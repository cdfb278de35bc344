// Trainer: runs whole epochs of minibatch training, the way Keras' fit()
// does, and evaluates a model over a full data set.
//
// One epoch over x (N, D) and y (N, C), both float32:
//   1. validation_split > 0 holds out the LAST rows, before any shuffling
//      (Keras: split_at = floor(N·(1 - validation_split))); they are never
//      trained on;
//   2. with shuffle, the training rows are visited in a fresh permutation
//      drawn from the trainer's RandomStream (random.h), one per epoch;
//   3. consecutive batches of batch_size rows (the last one partial) each
//      get one forward/backward pass and one optimizer update.
// The epoch's training figures are per-sample means over the epoch, each
// sample scored with the weights before its batch's update — what Keras
// prints and stores in History (its running mean weights every batch by its
// size, so a partial last batch counts for what it holds). The validation
// figures are computed after the epoch's last update.
//
// The Trainer owns everything training mutates — the model, the optimizer
// and the shuffle stream — so a checkpoint is the Trainer's state:
// parameters, optimizer state, stream state and epochs_completed.
//
// Thread-safety: not synchronised; one owner. Work inside a step runs on
// oneTBB in the caller's arena and is bit-identical for any thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "runexp/nn/matrix_view.h"
#include "runexp/nn/mlp.h"
#include "runexp/nn/optimizer.h"
#include "runexp/nn/random.h"
#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::nn {

struct TrainOptions {
  int64_t batch_size = 128;
  bool shuffle = true;
  double validation_split = 0.0;  // in [0, 1)
};

struct EpochMetrics {
  int64_t epoch = 0;  // 1-based number of the epoch just completed
  int64_t steps = 0;  // optimizer updates made in this epoch
  BatchStats train;   // over the training rows, during the epoch
  std::optional<BatchStats> validation;  // over the held-out rows, after it
};

// Called after every optimizer step with the step number (1-based), the
// epoch's step count and the training figures so far. A non-OK status (e.g.
// Cancelled on Ctrl-C) ends the epoch there and is returned by RunEpoch;
// the model then holds the weights of the last completed step.
using StepObserver =
    std::function<Status(int64_t step, int64_t steps, const BatchStats& so_far)>;

// Loss and accuracy over every row of (x, y), batch_size rows at a time.
// Thread-count independent. A caller that evaluates again and again (once
// per epoch) passes its own workspace, so its buffers are allocated once.
Result<BatchStats> Evaluate(const Mlp& model, const Tensor& x, const Tensor& y,
                            int64_t batch_size = 128, MlpWorkspace* workspace = nullptr);
Result<BatchStats> Evaluate(const Mlp& model, MatrixView x, MatrixView y, int64_t batch_size,
                            MlpWorkspace* workspace = nullptr);

class Trainer {
 public:
  // InvalidArgument for a non-positive batch size, a validation_split
  // outside [0, 1), or an optimizer built for other parameter shapes.
  static Result<Trainer> Create(Mlp model, Optimizer optimizer, TrainOptions options,
                                RandomStream shuffle_stream);

  // One epoch (see above). InvalidArgument if x and y do not fit the model,
  // or if the split leaves no rows to train on (or none to validate on);
  // these are checked before any update. A failure after that (an internal
  // error) leaves the updates already made in place, possibly part of one
  // step's: each step applies the optimizer piece by piece as the gradients
  // are finished (Mlp::ComputeGradients' on_ready), with Apply's bits.
  Result<EpochMetrics> RunEpoch(const Tensor& x, const Tensor& y,
                                const StepObserver& observer = {});

  const Mlp& model() const { return model_; }
  Mlp& mutable_model() { return model_; }
  const Optimizer& optimizer() const { return optimizer_; }
  Optimizer& mutable_optimizer() { return optimizer_; }
  const RandomStream& shuffle_stream() const { return shuffle_stream_; }
  RandomStream& mutable_shuffle_stream() { return shuffle_stream_; }
  const TrainOptions& options() const { return options_; }

  int64_t epochs_completed() const { return epochs_completed_; }
  // For resuming from a checkpoint.
  void set_epochs_completed(int64_t epochs) { epochs_completed_ = epochs; }

 private:
  Trainer(Mlp model, Optimizer optimizer, TrainOptions options, RandomStream shuffle_stream);

  Mlp model_;
  Optimizer optimizer_;
  TrainOptions options_;
  RandomStream shuffle_stream_;
  int64_t epochs_completed_ = 0;

  // Reused across steps so that steady-state training allocates nothing.
  MlpWorkspace workspace_;
  std::vector<Tensor> gradients_;
};

}  // namespace runexp::nn
