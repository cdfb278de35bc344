// ModelSnapshot: what a trainer emits on its "model" stream after each epoch —
// the weights as they stand at the end of that epoch, with the epoch's
// training figures as Keras reports them. Consumers (the evaluator) score it
// while the trainer already runs the next epoch, so a snapshot owns an
// immutable copy of the model. Read-only once emitted; safe to share.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "runexp/nn/mlp.h"

namespace runexp {

struct ModelSnapshot {
  int64_t epoch = 0;         // 1-based
  int64_t total_epochs = 0;  // epochs the trainer will run in all
  int64_t steps = 0;         // optimizer updates in this epoch
  std::shared_ptr<const nn::Mlp> model;
  nn::BatchStats train;                      // mean over the epoch's batches (Keras)
  std::optional<nn::BatchStats> validation;  // the held-out split, after the epoch
  double seconds = 0;                        // the epoch's training time
};

// The port type name experiment files and `runexp plugins` show.
inline constexpr const char* kModelPortType = "model";

}  // namespace runexp
