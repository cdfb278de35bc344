#include "checkpoint/checkpoint_codec.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

#include <cstring>
#include <string>
#include <limits>
#include <map>
#include <mutex>
#include <utility>

#include "runexp/sha256.h"

namespace runexp {
namespace {

namespace pb = checkpoint;

void EncodeTensor(const Tensor& tensor, pb::FloatTensor* out) {
  for (int64_t dim : tensor.shape()) out->add_shape(dim);
  std::span<const float> values = tensor.values<float>();
  out->mutable_values()->Assign(values.begin(), values.end());
}

void EncodeStats(const nn::BatchStats& stats, pb::EpochStats* out) {
  out->set_loss_sum(stats.loss_sum);
  out->set_correct(stats.correct);
  out->set_samples(stats.samples);
}

nn::BatchStats DecodeStats(const pb::EpochStats& stats) {
  return nn::BatchStats{stats.loss_sum(), stats.correct(), stats.samples()};
}

// Decoding errors all read "FILE: what is wrong".
class Decoder {
 public:
  explicit Decoder(std::string_view file) : file_(file) {}

  Status Error(const std::string& what) const { return Status::Corruption(file_ + ": " + what); }

  // A tensor of exactly `shape`, whose value count matches it.
  Result<Tensor> DecodeTensor(const pb::FloatTensor& in, const Shape& shape, const std::string& what) const {
    Shape stored(in.shape().begin(), in.shape().end());
    if (stored != shape) {
      return Error(what + " has shape " + ShapeToString(stored) + ", expected " + ShapeToString(shape));
    }
    int64_t count = 1;
    for (int64_t dim : shape) count *= dim;
    if (in.values_size() != count) {
      return Error(what + " holds " + std::to_string(in.values_size()) + " values, its shape " +
                   ShapeToString(shape) + " needs " + std::to_string(count));
    }
    Tensor tensor(DType::kFloat32, shape);
    if (count > 0) std::memcpy(tensor.values<float>().data(), in.values().data(), count * sizeof(float));
    return tensor;
  }

  Result<nn::Mlp> DecodeModel(const pb::Model& in) const {
    if (in.layers_size() == 0) return Error("the model has no layers");
    nn::MlpSpec spec;
    spec.input_dim = in.layers(0).input_units();
    Result<nn::Loss> loss = nn::ParseLoss(in.loss());
    if (!loss.ok()) return Error("model: " + loss.status().message());
    spec.loss = *loss;
    int64_t fan_in = spec.input_dim;
    for (int i = 0; i < in.layers_size(); ++i) {
      const pb::DenseLayer& layer = in.layers(i);
      std::string name = "layer " + std::to_string(i);
      if (layer.input_units() != fan_in) {
        return Error(name + " takes " + std::to_string(layer.input_units()) + " inputs but the layer before gives " +
                     std::to_string(fan_in));
      }
      Result<nn::Activation> activation = nn::ParseActivation(layer.activation());
      if (!activation.ok()) return Error(name + ": " + activation.status().message());
      spec.layers.push_back({static_cast<int64_t>(layer.units()), *activation});
      fan_in = layer.units();
    }
    // The sizes are bounded (ValidateSpec), and every tensor is checked
    // against the values the file really holds before anything is
    // allocated: a file that claims a huge layer but carries few values is
    // refused without allocating what it claims.
    if (Status status = nn::ValidateSpec(spec); !status.ok()) return Error("model: " + status.message());
    std::vector<Tensor> parameters;
    for (int i = 0; i < in.layers_size(); ++i) {
      const pb::DenseLayer& layer = in.layers(i);
      const int64_t inputs = layer.input_units(), units = layer.units();
      std::string name = "layer " + std::to_string(i);
      Result<Tensor> weights = DecodeTensor(layer.weights(), Shape{inputs, units}, name + " weights");
      if (!weights.ok()) return weights.status();
      Result<Tensor> bias = DecodeTensor(layer.bias(), Shape{units}, name + " bias");
      if (!bias.ok()) return bias.status();
      parameters.push_back(std::move(weights).value());
      parameters.push_back(std::move(bias).value());
    }
    Result<nn::Mlp> model = nn::Mlp::Create(spec);
    if (!model.ok()) return Error("model: " + model.status().message());
    if (Status status = model->SetParameters(std::move(parameters)); !status.ok()) {
      return Error(status.message());
    }
    return model;
  }

  Result<nn::OptimizerConfig> DecodeOptimizerConfig(const pb::OptimizerState& in) const {
    Result<nn::OptimizerKind> kind = nn::ParseOptimizer(in.name());
    if (!kind.ok()) return Error("optimizer: " + kind.status().message());
    nn::OptimizerConfig config;
    config.kind = *kind;
    std::map<std::string, double> given;
    for (const pb::Hyperparameter& h : in.hyperparameters()) given[h.name()] = h.value();
    // Every hyperparameter of this kind must be present, and nothing else.
    for (const auto& [name, unused] : nn::Hyperparameters(config)) {
      auto it = given.find(name);
      if (it == given.end()) return Error("optimizer " + in.name() + ": hyperparameter " + name + " is missing");
      float value = static_cast<float>(it->second);
      if (name == "learning_rate") config.learning_rate = value;
      else if (name == "rho") config.rho = value;
      else if (name == "epsilon") config.epsilon = value;
      else if (name == "momentum") config.momentum = value;
      else if (name == "nesterov") config.nesterov = it->second != 0.0;
      else if (name == "beta_1") config.beta_1 = value;
      else if (name == "beta_2") config.beta_2 = value;
      given.erase(it);
    }
    if (!given.empty()) {
      return Error("optimizer " + in.name() + ": unknown hyperparameter " + given.begin()->first);
    }
    if (Status status = nn::ValidateOptimizerConfig(config); !status.ok()) return Error(status.message());
    return config;
  }

  Result<nn::OptimizerState> DecodeOptimizerState(const pb::OptimizerState& in, const nn::OptimizerConfig& config,
                                                  const nn::Mlp& model) const {
    const std::vector<std::string_view> kinds = nn::SlotKinds(config);
    const std::vector<Tensor>& parameters = model.parameters();
    const std::size_t expected = kinds.size() * parameters.size();
    if (static_cast<std::size_t>(in.slots_size()) != expected) {
      return Error("optimizer " + in.name() + ": " + std::to_string(in.slots_size()) + " state slots, the model needs " +
                   std::to_string(expected));
    }
    nn::OptimizerState state;
    state.iterations = static_cast<int64_t>(in.iterations());
    for (int i = 0; i < in.slots_size(); ++i) {
      const std::size_t parameter = static_cast<std::size_t>(i) % parameters.size();
      std::string what = "optimizer slot " + std::string(kinds[static_cast<std::size_t>(i) / parameters.size()]) +
                         " of " + nn::Mlp::ParameterName(parameter);
      Result<Tensor> slot = DecodeTensor(in.slots(i), parameters[parameter].shape(), what);
      if (!slot.ok()) return slot.status();
      state.slots.push_back(std::move(slot).value());
    }
    return state;
  }

 private:
  std::string file_;
};

}  // namespace

checkpoint::Checkpoint EncodeCheckpoint(const TrainingCheckpoint& c) {
  pb::Checkpoint out;
  out.set_schema_version(kCheckpointSchemaVersion);

  const CheckpointProvenance& p = c.provenance;
  pb::Provenance* provenance = out.mutable_provenance();
  provenance->set_run_id(p.run_id);
  provenance->set_experiment(p.experiment);
  provenance->set_config_sha256(p.config_sha256);
  for (const CheckpointInput& input : p.inputs) {
    pb::InputFile* file = provenance->add_inputs();
    file->set_stage(input.stage);
    file->set_path(input.path);
    file->set_sha256(input.sha256);
  }
  provenance->set_runexp_version(p.runexp_version);
  provenance->set_git_commit(p.git_commit);
  provenance->set_created_at(p.created_at);
  provenance->set_stage(p.stage);
  provenance->set_seed(p.seed);
  provenance->set_effective_config(p.effective_config);

  const nn::Mlp& model = *c.model;
  pb::Model* out_model = out.mutable_model();
  out_model->set_loss(std::string(nn::LossName(model.spec().loss)));
  for (int64_t i = 0; i < model.num_layers(); ++i) {
    pb::DenseLayer* layer = out_model->add_layers();
    const nn::DenseSpec& spec = model.spec().layers[static_cast<std::size_t>(i)];
    layer->set_input_units(static_cast<uint32_t>(model.layer_inputs(i)));
    layer->set_units(static_cast<uint32_t>(spec.units));
    layer->set_activation(std::string(nn::ActivationName(spec.activation)));
    EncodeTensor(model.parameters()[static_cast<std::size_t>(2 * i)], layer->mutable_weights());
    EncodeTensor(model.parameters()[static_cast<std::size_t>(2 * i + 1)], layer->mutable_bias());
  }

  pb::OptimizerState* optimizer = out.mutable_optimizer();
  optimizer->set_name(std::string(nn::OptimizerName(c.optimizer_config.kind)));
  for (const auto& [name, value] : nn::Hyperparameters(c.optimizer_config)) {
    pb::Hyperparameter* h = optimizer->add_hyperparameters();
    h->set_name(name);
    h->set_value(value);
  }
  optimizer->set_iterations(static_cast<uint64_t>(c.optimizer_state.iterations));
  for (const Tensor& slot : c.optimizer_state.slots) EncodeTensor(slot, optimizer->add_slots());

  pb::TrainingPosition* position = out.mutable_position();
  position->set_epochs_completed(static_cast<uint32_t>(c.epochs_completed));
  position->set_total_epochs(static_cast<uint32_t>(c.total_epochs));
  position->set_step(static_cast<uint64_t>(c.step));
  for (const NamedStream& stream : c.streams) {
    pb::RandomStream* out_stream = position->add_streams();
    out_stream->set_name(stream.name);
    auto state = stream.stream.SaveState();
    out_stream->set_state(reinterpret_cast<const char*>(state.data()), state.size());
  }
  EncodeStats(c.last_epoch_train, position->mutable_last_epoch_train());
  if (c.last_epoch_validation) EncodeStats(*c.last_epoch_validation, position->mutable_last_epoch_validation());
  position->set_last_epoch_seconds(c.last_epoch_seconds);
  return out;
}

Result<TrainingCheckpoint> DecodeCheckpoint(const checkpoint::Checkpoint& in, std::string_view file) {
  Decoder decoder(file);
  if (in.schema_version() != kCheckpointSchemaVersion) {
    return Status::NotSupported(std::string(file) + ": checkpoint schema_version " +
                                std::to_string(in.schema_version()) + "; this runexp reads version " +
                                std::to_string(kCheckpointSchemaVersion));
  }
  if (!in.has_model()) return decoder.Error("the checkpoint has no model");
  Result<nn::Mlp> model = decoder.DecodeModel(in.model());
  if (!model.ok()) return model.status();
  Result<nn::OptimizerConfig> config = decoder.DecodeOptimizerConfig(in.optimizer());
  if (!config.ok()) return config.status();
  Result<nn::OptimizerState> state = decoder.DecodeOptimizerState(in.optimizer(), *config, *model);
  if (!state.ok()) return state.status();

  TrainingCheckpoint out;
  out.model = std::make_shared<const nn::Mlp>(std::move(model).value());
  out.optimizer_config = *config;
  out.optimizer_state = std::move(state).value();

  const pb::TrainingPosition& position = in.position();
  out.epochs_completed = position.epochs_completed();
  out.total_epochs = position.total_epochs();
  out.step = static_cast<int64_t>(position.step());
  for (const pb::RandomStream& stream : position.streams()) {
    nn::RandomStream restored(0, stream.name());
    const auto* bytes = reinterpret_cast<const std::byte*>(stream.state().data());
    if (Status status = restored.RestoreState({bytes, stream.state().size()}); !status.ok()) {
      return decoder.Error("random stream \"" + stream.name() + "\": " + status.message());
    }
    out.streams.push_back({stream.name(), restored});
  }
  out.last_epoch_train = DecodeStats(position.last_epoch_train());
  if (position.has_last_epoch_validation()) out.last_epoch_validation = DecodeStats(position.last_epoch_validation());
  out.last_epoch_seconds = position.last_epoch_seconds();

  const pb::Provenance& p = in.provenance();
  CheckpointProvenance& provenance = out.provenance;
  provenance.run_id = p.run_id();
  provenance.experiment = p.experiment();
  provenance.stage = p.stage();
  provenance.config_sha256 = p.config_sha256();
  for (const pb::InputFile& input : p.inputs()) {
    provenance.inputs.push_back({input.stage(), input.path(), input.sha256()});
  }
  provenance.runexp_version = p.runexp_version();
  provenance.git_commit = p.git_commit();
  provenance.created_at = p.created_at();
  provenance.seed = p.seed();
  provenance.effective_config = p.effective_config();
  return out;
}

namespace {

// Field 15 (body_sha256), length-delimited: the tag byte, then the length.
constexpr unsigned char kBodyShaTag = (15 << 3) | 2;
constexpr std::size_t kBodyShaBytes = 32;
constexpr std::size_t kTrailerBytes = 2 + kBodyShaBytes;

int HexDigit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

std::string RawSha256(std::string_view bytes) {
  const std::string hex = Sha256Hex(bytes);
  std::string raw(kBodyShaBytes, '\0');
  for (std::size_t i = 0; i < kBodyShaBytes; ++i) {
    raw[i] = static_cast<char>(HexDigit(hex[2 * i]) * 16 + HexDigit(hex[2 * i + 1]));
  }
  return raw;
}

// protobuf logs its own complaint (e.g. invalid UTF-8) to stderr before
// failing a parse; our error already names the file, so keep the terminal
// to one clear line.
void SilenceProtobufLog() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(nullptr); });
}

}  // namespace

std::string SerializeCheckpoint(const TrainingCheckpoint& checkpoint) {
  pb::Checkpoint message = EncodeCheckpoint(checkpoint);
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  // Appending a field to a serialised message is valid protobuf: the trailer
  // is body_sha256 over everything before it.
  std::string digest = RawSha256(bytes);
  bytes.push_back(static_cast<char>(kBodyShaTag));
  bytes.push_back(static_cast<char>(kBodyShaBytes));
  bytes += digest;
  return bytes;
}

Result<TrainingCheckpoint> ParseCheckpoint(std::string_view bytes, std::string_view file) {
  SilenceProtobufLog();
  pb::Checkpoint message;
  if (bytes.empty()) return Status::Corruption(std::string(file) + ": empty file, not a checkpoint");
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return Status::Corruption(std::string(file) + ": " + std::to_string(bytes.size()) +
                              " bytes, larger than any checkpoint can be (2 GiB)");
  }
  // ParseFromArray fails on truncation and malformed wire data; it never
  // allocates beyond what the bytes themselves hold.
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Corruption(std::string(file) + ": not a readable checkpoint (truncated or damaged protobuf, " +
                              std::to_string(bytes.size()) + " bytes)");
  }
  // The version first: a future layout may end differently.
  if (message.schema_version() != kCheckpointSchemaVersion) return DecodeCheckpoint(message, file);
  const bool has_trailer = bytes.size() >= kTrailerBytes &&
                           static_cast<unsigned char>(bytes[bytes.size() - kTrailerBytes]) == kBodyShaTag &&
                           static_cast<unsigned char>(bytes[bytes.size() - kTrailerBytes + 1]) == kBodyShaBytes &&
                           message.body_sha256().size() == kBodyShaBytes;
  if (!has_trailer) {
    return Status::Corruption(std::string(file) + ": the checkpoint does not end with its body_sha256 field "
                              "(truncated, or not written by runexp)");
  }
  if (RawSha256(bytes.substr(0, bytes.size() - kTrailerBytes)) != message.body_sha256()) {
    return Status::Corruption(std::string(file) + ": body_sha256 does not match the file's contents (damaged)");
  }
  return DecodeCheckpoint(message, file);
}

}  // namespace runexp
