#include "graph/stage_node.h"

#include "graph/graph_runner_core.h"

namespace runexp {

namespace {

// For runs that keep no checkpoints (graph tests, tools).
class NoCheckpoints : public CheckpointSink {
 public:
  bool ShouldSave(int64_t, int64_t) const override { return false; }
  Status Save(const TrainingCheckpoint&) override { return Status::OK(); }
  const TrainingCheckpoint* ResumeFrom() const override { return nullptr; }
};

CheckpointSink& SinkFor(const RunServices& services, const std::string& stage_id) {
  static NoCheckpoints none;
  return services.checkpoints ? services.checkpoints(stage_id) : none;
}

// The StageContext a stage sees: its parameters, its inputs, and the run's
// services, with emission routed through the graph.
class StageContextImpl : public StageContext {
 public:
  StageContextImpl(const PlannedStage& planned, GraphRunnerCore& core,
                   const std::map<std::string, Packet, std::less<>>& values)
      : planned_(planned), core_(core), values_(values),
        metrics_(&core.services().metrics(planned.id)),
        checkpoints_(&SinkFor(core.services(), planned.id)) {}

  const std::string& stage_id() const override { return planned_.id; }
  const ParamValue::Table& params() const override { return planned_.params; }

  const Packet& Input(std::string_view port) const override {
    static const Packet kEmpty;
    auto it = values_.find(port);
    return it == values_.end() ? kEmpty : it->second;
  }

  Status Emit(std::string_view port, Packet packet) override {
    return core_.Emit(planned_.id, port, std::move(packet));
  }

  uint64_t StreamSeed(std::string_view name) const override {
    return DeriveStreamSeed(core_.services().seed, planned_.id, name);
  }

  MetricsSink& metrics() override { return *metrics_; }
  CheckpointSink& checkpoints() override { return *checkpoints_; }
  Logger& log() override { return *core_.services().logger; }
  const std::filesystem::path& run_dir() const override { return core_.services().run_dir; }
  bool cancelled() const override { return core_.cancelled(); }

  Status RecordInputFile(const std::filesystem::path& path) override {
    const auto& record = core_.services().record_input_file;
    return record ? record(planned_.id, path) : Status::OK();
  }

 private:
  const PlannedStage& planned_;
  GraphRunnerCore& core_;
  const std::map<std::string, Packet, std::less<>>& values_;
  MetricsSink* metrics_;
  CheckpointSink* checkpoints_;
};

}  // namespace

StageNode::StageNode(const PlannedStage& planned, GraphRunnerCore& core)
    : planned_(planned), core_(core), stage_(planned.spec->create()) {
  context_ = std::make_unique<StageContextImpl>(planned_, core_, values_);
  for (const PortSpec& port : planned_.spec->inputs) {
    bool connected = false;
    for (const Connection& connection : planned_.inputs) {
      if (connection.input_port == port.name) connected = true;
    }
    if (port.kind == PortKind::kStream) {
      StreamState state;
      if (!connected) state.total = 0;  // an unconnected optional stream is empty
      streams_[port.name] = state;
    } else if (connected) {
      value_ports_.push_back(port.name);
    }
  }
}

bool StageNode::is_source() const { return planned_.inputs.empty(); }

bool StageNode::AllValuesArrived() const { return values_.size() == value_ports_.size(); }

Status StageNode::Receive(const Envelope& envelope) {
  switch (envelope.kind) {
    case Envelope::Kind::kStart:
      break;
    case Envelope::Kind::kPacket:
      if (streams_.contains(envelope.port)) {
        streams_.find(envelope.port)->second.waiting.emplace(envelope.packet.sequence(),
                                                             envelope.packet);
      } else {
        values_[envelope.port] = envelope.packet;
      }
      break;
    case Envelope::Kind::kEnd:
      streams_.find(envelope.port)->second.total = envelope.total;
      break;
  }
  if (Status status = OpenIfReady(); !status.ok()) return status;
  if (Status status = DeliverInOrder(); !status.ok()) return status;
  return CloseIfDone();
}

Status StageNode::OpenIfReady() {
  if (opened_ || !AllValuesArrived()) return Status::OK();
  opened_ = true;
  return stage_->Open(*context_);
}

Status StageNode::DeliverInOrder() {
  if (!opened_) return Status::OK();
  for (auto& [port, stream] : streams_) {
    for (auto it = stream.waiting.find(stream.next); it != stream.waiting.end();
         it = stream.waiting.find(stream.next)) {
      if (context_->cancelled()) return Status::Cancelled("run stopped");
      Packet packet = std::move(it->second);
      stream.waiting.erase(it);
      ++stream.next;
      if (Status status = stage_->Process(*context_, port, packet); !status.ok()) return status;
    }
  }
  return Status::OK();
}

Status StageNode::CloseIfDone() {
  if (!opened_ || finished_) return Status::OK();
  for (const auto& [port, stream] : streams_) {
    if (stream.total < 0 || stream.next < stream.total) return Status::OK();
  }
  finished_ = true;
  if (Status status = stage_->Close(*context_); !status.ok()) return status;
  return core_.FinishStage(planned_.id);
}

}  // namespace runexp
