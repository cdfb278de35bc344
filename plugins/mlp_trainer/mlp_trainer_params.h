// The mlp_trainer's parameters: their declarations (what the TOML may say)
// and their translation into the nn library's settings.
#pragma once

#include <vector>

#include "runexp/nn/mlp_spec.h"
#include "runexp/nn/optimizer.h"
#include "runexp/nn/trainer.h"
#include "runexp/plugin.h"

namespace runexp {

std::vector<ParamSpec> TrainerParamSpecs();

struct TrainerSetup {
  nn::MlpSpec spec;
  nn::OptimizerConfig optimizer;
  nn::TrainOptions train;
};

// From the validated parameters and the data's widths.
Result<TrainerSetup> ReadTrainerParams(const StageContext& ctx, int64_t input_dim, int64_t output_dim);

}  // namespace runexp
