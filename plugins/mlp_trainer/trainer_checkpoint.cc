#include "trainer_checkpoint.h"

#include <string>

namespace runexp {

namespace {

std::string Describe(const nn::DenseSpec& layer) {
  return "Dense(" + std::to_string(layer.units) + ", " + std::string(nn::ActivationName(layer.activation)) + ")";
}

}  // namespace

TrainingCheckpoint CaptureCheckpoint(const nn::Trainer& trainer, std::shared_ptr<const nn::Mlp> model,
                                     const nn::EpochMetrics& metrics, int64_t total_epochs, double seconds) {
  TrainingCheckpoint checkpoint;
  checkpoint.model = std::move(model);
  checkpoint.optimizer_config = trainer.optimizer().config();
  checkpoint.optimizer_state = trainer.optimizer().state();
  checkpoint.streams.push_back({std::string(kShuffleStreamName), trainer.shuffle_stream()});
  checkpoint.epochs_completed = trainer.epochs_completed();
  checkpoint.total_epochs = total_epochs;
  checkpoint.step = trainer.optimizer().iterations();
  checkpoint.last_epoch_train = metrics.train;
  checkpoint.last_epoch_validation = metrics.validation;
  checkpoint.last_epoch_seconds = seconds;
  return checkpoint;
}

Status CheckSameArchitecture(const nn::MlpSpec& configured, const nn::MlpSpec& saved, std::string_view source) {
  auto mismatch = [&](const std::string& what) {
    return Status::InvalidArgument(std::string(source) + ": the checkpoint's model does not match the configured one: " +
                                   what);
  };
  if (configured.input_dim != saved.input_dim) {
    return mismatch("it takes " + std::to_string(saved.input_dim) + " inputs, the data has " +
                    std::to_string(configured.input_dim));
  }
  if (configured.layers.size() != saved.layers.size()) {
    return mismatch("it has " + std::to_string(saved.layers.size()) + " layers, the configuration " +
                    std::to_string(configured.layers.size()));
  }
  for (std::size_t i = 0; i < configured.layers.size(); ++i) {
    const nn::DenseSpec& want = configured.layers[i];
    const nn::DenseSpec& got = saved.layers[i];
    if (want.units != got.units || want.activation != got.activation) {
      return mismatch("layer " + std::to_string(i) + " is " + Describe(got) + ", configured " + Describe(want));
    }
  }
  if (configured.loss != saved.loss) {
    return mismatch("its loss is " + std::string(nn::LossName(saved.loss)) + ", configured " +
                    std::string(nn::LossName(configured.loss)));
  }
  return Status::OK();
}

Status RestoreTrainer(const TrainingCheckpoint& checkpoint, nn::Trainer* trainer) {
  const std::string source = "checkpoint of epoch " + std::to_string(checkpoint.epochs_completed);
  if (Status status = CheckSameArchitecture(trainer->model().spec(), checkpoint.model->spec(), source); !status.ok()) {
    return status;
  }
  if (nn::Hyperparameters(checkpoint.optimizer_config) != nn::Hyperparameters(trainer->optimizer().config()) ||
      checkpoint.optimizer_config.kind != trainer->optimizer().config().kind) {
    return Status::InvalidArgument(source + ": its optimizer settings differ from the configured ones");
  }
  const nn::RandomStream* shuffle = checkpoint.FindStream(kShuffleStreamName);
  if (shuffle == nullptr) return Status::InvalidArgument(source + ": it has no \"shuffle\" random stream");
  if (Status status = trainer->mutable_model().SetParameters(checkpoint.model->parameters()); !status.ok()) {
    return status.WithContext(source);
  }
  if (Status status = trainer->mutable_optimizer().SetState(checkpoint.optimizer_state); !status.ok()) {
    return status.WithContext(source);
  }
  trainer->mutable_shuffle_stream() = *shuffle;
  trainer->set_epochs_completed(checkpoint.epochs_completed);
  return Status::OK();
}

Status WarmStartFrom(const std::filesystem::path& file, nn::Mlp* model) {
  Result<TrainingCheckpoint> checkpoint = ReadCheckpointFile(file);
  if (!checkpoint.ok()) return checkpoint.status().WithContext("init_from");
  if (Status status = CheckSameArchitecture(model->spec(), checkpoint->model->spec(), file.string()); !status.ok()) {
    return status.WithContext("init_from");
  }
  return model->SetParameters(checkpoint->model->parameters());
}

std::optional<ParamProblem> CheckInitFrom(const ParamValue::Table& params) {
  auto init_from = params.find("init_from");
  if (init_from == params.end() || init_from->second.as_string().empty()) return std::nullopt;
  const std::string file = init_from->second.as_string();
  Result<TrainingCheckpoint> checkpoint = ReadCheckpointFile(file);
  if (!checkpoint.ok()) return ParamProblem{"init_from", checkpoint.status().message()};
  nn::MlpSpec configured;
  configured.input_dim = checkpoint->model->input_dim();
  for (const ParamValue& layer : params.at("layers").as_array()) {
    Result<nn::Activation> activation = nn::ParseActivation(layer["activation"].as_string());
    if (!activation.ok()) return std::nullopt;  // reported by the parameter's own check
    configured.layers.push_back({layer["units"].as_integer(), *activation});
  }
  Result<nn::Loss> loss = nn::ParseLoss(params.at("loss").as_string());
  if (!loss.ok()) return std::nullopt;
  configured.loss = *loss;
  if (Status status = CheckSameArchitecture(configured, checkpoint->model->spec(), file); !status.ok()) {
    return ParamProblem{"init_from", status.message()};
  }
  return std::nullopt;
}

}  // namespace runexp
