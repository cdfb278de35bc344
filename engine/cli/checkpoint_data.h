// Raw IDX tensors turned into what a checkpoint's model takes: images into
// float32 rows scaled as the run's preprocessing did (checkpoint_preprocessing.h),
// class labels into one-hot rows as the one_hot stage does. Used by
// `runexp eval` and `runexp predict`.
//
// Every error is InvalidArgument naming the data file and what is wrong with
// it (shape, type, the first out-of-range label and its index): bad input
// a user can fix, reported before any model work starts.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "checkpoint_preprocessing.h"
#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::cli {

// Records (N, ...) of any numeric type → float32 (N, input_dim): each record
// flattened, each value x·scale + offset computed in float exactly as
// reshape_normalize computes it, so a model sees the bits it was trained on.
// Fails unless a record holds exactly `input_dim` values.
Result<Tensor> ImagesToModelInput(const Tensor& images, const InputScaling& scaling, int64_t input_dim,
                                  std::string_view file);

// Integer labels (N) → float32 (N, classes) with one 1 per row. Fails for
// float labels, a shape other than (N), or a label outside [0, classes).
Result<Tensor> LabelsToOneHot(const Tensor& labels, int64_t classes, std::string_view file);

// The predicted class of one row of outputs: the index of its largest value,
// ties going to the lowest index (as the model's accuracy counts them).
int64_t ArgMax(std::span<const float> row);

}  // namespace runexp::cli
