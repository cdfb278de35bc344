// StageHarness: runs one stage in a test, without a graph — feed it input
// packets, call Open / Process / Close, and look at what it emitted and
// recorded. For plugin unit tests (in tree and out of tree).
//
// Parameters not given take their declared defaults (top level only: give
// nested tables in full). Not thread-safe; one harness per test.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runexp/plugin.h"

namespace runexp::testing {

class StageHarness : public StageContext, public MetricsSink, public Logger, public CheckpointSink {
 public:
  StageHarness(const PluginSpec& spec, ParamValue::Table params, uint64_t seed = 1);

  // Value inputs, available from Open.
  void SetInput(const std::string& port, Packet packet) { inputs_[port] = std::move(packet); }

  Status Open() { return stage_->Open(*this); }
  Status Process(const std::string& port, const Packet& packet) {
    return stage_->Process(*this, port, packet.WithSequence(next_sequence_[port]++));
  }
  Status Close() { return stage_->Close(*this); }

  // Everything emitted on `port`, in order.
  const std::vector<Packet>& Emitted(const std::string& port) { return emitted_[port]; }
  const std::vector<EpochMetrics>& epochs() const { return epochs_; }
  const std::vector<std::filesystem::path>& input_files() const { return input_files_; }
  const std::vector<std::string>& log_lines() const { return log_lines_; }
  void Cancel() { cancelled_ = true; }
  // Checkpoints: what the stage saved, and a state to hand it as if resuming.
  // By default a checkpoint is wanted after every epoch.
  const std::vector<TrainingCheckpoint>& saved_checkpoints() const { return saved_; }
  void SetResumeFrom(TrainingCheckpoint checkpoint) { resume_from_ = std::move(checkpoint); }
  void SetCheckpointEvery(int64_t epochs) { checkpoint_every_ = epochs; }

  // StageContext
  const std::string& stage_id() const override { return stage_id_; }
  const ParamValue::Table& params() const override { return params_; }
  const Packet& Input(std::string_view port) const override;
  Status Emit(std::string_view port, Packet packet) override;
  uint64_t StreamSeed(std::string_view name) const override;
  MetricsSink& metrics() override { return *this; }
  Logger& log() override { return *this; }
  const std::filesystem::path& run_dir() const override { return run_dir_; }
  bool cancelled() const override { return cancelled_; }
  Status RecordInputFile(const std::filesystem::path& path) override;
  CheckpointSink& checkpoints() override { return *this; }

  // CheckpointSink
  bool ShouldSave(int64_t epoch, int64_t total_epochs) const override {
    return epoch == total_epochs || (checkpoint_every_ > 0 && epoch % checkpoint_every_ == 0);
  }
  Status Save(const TrainingCheckpoint& checkpoint) override {
    saved_.push_back(checkpoint);
    return Status::OK();
  }
  const TrainingCheckpoint* ResumeFrom() const override { return resume_from_ ? &*resume_from_ : nullptr; }

  // MetricsSink
  Status RecordEpoch(const EpochMetrics& metrics) override;
  Status RecordMetric(std::string_view name, int epoch, int64_t step, double value) override;

  // Logger
  void Info(std::string_view line) override { log_lines_.emplace_back(line); }
  void Debug(std::string_view line) override { log_lines_.emplace_back(line); }
  void Progress(std::string_view) override {}

 private:
  const PluginSpec& spec_;
  std::unique_ptr<Stage> stage_;
  std::string stage_id_;
  ParamValue::Table params_;
  uint64_t seed_;
  std::filesystem::path run_dir_;
  bool cancelled_ = false;
  std::map<std::string, Packet, std::less<>> inputs_;
  std::map<std::string, std::vector<Packet>, std::less<>> emitted_;
  std::map<std::string, int64_t> next_sequence_;
  std::vector<EpochMetrics> epochs_;
  std::vector<std::filesystem::path> input_files_;
  std::vector<std::string> log_lines_;
  std::vector<TrainingCheckpoint> saved_;
  std::optional<TrainingCheckpoint> resume_from_;
  int64_t checkpoint_every_ = 1;
};

}  // namespace runexp::testing
