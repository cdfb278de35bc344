// How the inputs of a checkpoint's model were prepared, so `runexp eval` and
// `runexp predict` can prepare raw IDX images the same way.
//
// A checkpoint carries the effective TOML of the run that made it and the id
// of the trainer stage that saved it. The model was fitted to what reached
// that stage's `x` port; the only chain this file can reproduce is
//
//   idx_reader  ->  reshape_normalize  ->  <trainer>.x
//
// where reshape_normalize computed every value as x·scale + offset, with
// scale and offset formed once in double precision and rounded to float
// (plugins/reshape_normalize/README.md). Any other producer (another plugin,
// a second transform) means the preprocessing cannot be derived: the error
// says which stage is in the way, and the user can state the scaling with
// `--divide-by X` instead.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "runexp/status.h"

namespace runexp::cli {

struct InputScaling {
  float scale = 1.0f;
  float offset = 0.0f;
  // For people: "divide_by = 255 (stage train_x)" or "--divide-by 255".
  std::string description;
};

// The scaling of `reshape_normalize`'s "divide": scale = 1 / divide_by,
// rounded to float as the stage does. InvalidArgument unless divide_by is a
// finite number > 0 (a flag value: `what` names it in the message).
Result<InputScaling> ScalingFromDivideBy(double divide_by, std::string_view what);

// Follows `trainer_stage`'s x input back through `effective_config` (see
// above). `checkpoint_file` names the source in every message. NotSupported
// (mentioning --divide-by) when the chain is not idx_reader ->
// reshape_normalize -> trainer; InvalidArgument for a config that cannot be
// parsed or lacks the stages it names.
Result<InputScaling> DeriveInputScaling(std::string_view effective_config,
                                        std::string_view trainer_stage,
                                        std::string_view checkpoint_file);

}  // namespace runexp::cli
