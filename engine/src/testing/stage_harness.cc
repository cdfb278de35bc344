#include "runexp/testing/stage_harness.h"

#include <stdexcept>

namespace runexp::testing {

StageHarness::StageHarness(const PluginSpec& spec, ParamValue::Table params, uint64_t seed)
    : spec_(spec), stage_(spec.create()), stage_id_(spec.name), params_(std::move(params)),
      seed_(seed), run_dir_(std::filesystem::temp_directory_path()) {
  for (const ParamSpec& param : spec_.params) {
    if (!params_.contains(param.name) && param.default_value) {
      params_[param.name] = *param.default_value;
    }
  }
}

const Packet& StageHarness::Input(std::string_view port) const {
  static const Packet kEmpty;
  auto it = inputs_.find(port);
  return it == inputs_.end() ? kEmpty : it->second;
}

Status StageHarness::Emit(std::string_view port, Packet packet) {
  bool declared = false;
  for (const PortSpec& output : spec_.outputs) declared |= output.name == port;
  if (!declared) {
    return Status::Internal("emitted on undeclared port '" + std::string(port) + "'");
  }
  auto& packets = emitted_[std::string(port)];
  packets.push_back(packet.WithSequence(static_cast<int64_t>(packets.size())));
  return Status::OK();
}

uint64_t StageHarness::StreamSeed(std::string_view name) const {
  return DeriveStreamSeed(seed_, stage_id_, name);
}

Status StageHarness::RecordInputFile(const std::filesystem::path& path) {
  input_files_.push_back(path);
  return Status::OK();
}

Status StageHarness::RecordEpoch(const EpochMetrics& metrics) {
  epochs_.push_back(metrics);
  return Status::OK();
}

Status StageHarness::RecordMetric(std::string_view name, int epoch, int64_t step, double value) {
  log_lines_.push_back("metric " + std::string(name) + " epoch " + std::to_string(epoch) +
                       " step " + std::to_string(step) + " = " + std::to_string(value));
  return Status::OK();
}

}  // namespace runexp::testing
