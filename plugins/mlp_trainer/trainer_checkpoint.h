// The mlp_trainer's checkpoints: what it saves after an epoch, how it
// continues from one (resume: everything restored, bit-identical from
// there on) and how it starts from one's weights (warm start: the weights
// only; fresh optimizer, shuffle stream and epoch count).
//
// Thread-safety: stateless functions; the trainer passed in must not be in use.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "runexp/checkpoint.h"
#include "runexp/nn/trainer.h"
#include "runexp/plugin_spec.h"

namespace runexp {

// The name of the trainer's shuffle stream inside a checkpoint.
inline constexpr std::string_view kShuffleStreamName = "shuffle";

// The trainer's state after the epoch `metrics` describes; `model` is the
// immutable copy of the trainer's model that the snapshot shares.
TrainingCheckpoint CaptureCheckpoint(const nn::Trainer& trainer, std::shared_ptr<const nn::Mlp> model,
                                     const nn::EpochMetrics& metrics, int64_t total_epochs, double seconds);

// InvalidArgument naming `source` and the first difference (input width,
// layer count, a layer's units or activation, the loss).
Status CheckSameArchitecture(const nn::MlpSpec& configured, const nn::MlpSpec& saved, std::string_view source);

// Puts the trainer exactly where the checkpoint left it: weights, optimizer
// state, shuffle stream, epochs completed. The optimizer and its
// hyperparameters must match the configured ones.
Status RestoreTrainer(const TrainingCheckpoint& checkpoint, nn::Trainer* trainer);

// Replaces the model's weights with the checkpoint file's (same
// architecture required).
Status WarmStartFrom(const std::filesystem::path& file, nn::Mlp* model);

// PluginSpec::check_params: an init_from checkpoint must be readable and
// match the configured layers and loss — found by `runexp check`, before any
// run is recorded. (The input width is the data's, checked when training starts.)
std::optional<ParamProblem> CheckInitFrom(const ParamValue::Table& params);

}  // namespace runexp
