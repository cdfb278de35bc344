// What `runexp eval` and `runexp predict` share: the CHECKPOINT argument and
// the --images, --divide-by and --batch-size options, and loading a
// checkpoint with an images file prepared the way its run prepared its
// training data (checkpoint_preprocessing.h, checkpoint_data.h).
//
// Exit codes follow exit_codes.h: a missing, damaged or unusable checkpoint
// or data file is kExitUsage (2), nothing having been computed; a failure
// while computing is kExitRunFailed (1).
//
// Thread-safety: not synchronised; one command runs per process.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "checkpoint_preprocessing.h"
#include "idx_file.h"
#include "runexp/checkpoint.h"
#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::cli {

// The evaluator stage's default, so scoring a run's test set reproduces its
// recorded figures bit for bit (rows are computed a batch at a time).
inline constexpr int64_t kDefaultInferenceBatch = 1024;

struct CheckpointInputOptions {
  std::string checkpoint;
  std::string images;
  std::optional<double> divide_by;  // overrides the scaling derived from the run
  int64_t batch_size = kDefaultInferenceBatch;
};

// A CLI11 check for counts: "must be 1 or more, not 0" (CLI::PositiveNumber's
// message quotes DBL_MAX in full). Text that is not an integer is left to the
// conversion to report.
std::string AtLeastOne(const std::string& text);

// Adds CHECKPOINT, --images, --divide-by and --batch-size to `app`.
void AddCheckpointInputOptions(CLI::App* app, CheckpointInputOptions& options);

struct CheckpointInputs {
  TrainingCheckpoint checkpoint;  // checkpoint.model is set
  InputScaling scaling;
  Tensor x;  // float32 (N, model input_dim)
};

// Reads the checkpoint and the images (the first `read.limit` only, if set)
// and prepares them. Errors name the file at fault.
Result<CheckpointInputs> LoadCheckpointInputs(const CheckpointInputOptions& options,
                                              const idx::ReadOptions& read = {});

}  // namespace runexp::cli
