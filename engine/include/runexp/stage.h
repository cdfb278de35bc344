// Stage: the code of one node of an experiment graph, and the context the
// engine gives it.
//
// Life of a stage (as in MediaPipe's calculators):
//   Open    once, when every value input has arrived;
//   Process once per packet on a stream input, in sequence order;
//   Close   once, after every input stream has ended.
// A stage with no stream inputs does all its work in Open. A stage is called
// from one thread at a time (the engine serialises its calls), but different
// stages run concurrently, so a stage shares nothing mutable with another
// except through packets. Returning a non-OK Status cancels the whole graph
// and fails the run with that message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "runexp/checkpoint.h"
#include "runexp/packet.h"
#include "runexp/param_value.h"
#include "runexp/status.h"

namespace runexp {

// One epoch's headline metrics, as they land in results.db's epoch_metrics.
struct EpochMetrics {
  int epoch = 0;  // 1-based
  std::optional<double> train_loss, train_accuracy;
  std::optional<double> test_loss, test_accuracy;
  double seconds = 0;
};

// Where a stage's measurements go (results.db). Thread-safe.
class MetricsSink {
 public:
  virtual ~MetricsSink() = default;
  virtual Status RecordEpoch(const EpochMetrics& metrics) = 0;
  // Any further metric, long format: (stage, name, epoch, step, value).
  virtual Status RecordMetric(std::string_view name, int epoch, int64_t step, double value) = 0;
};

// What the user sees and what the run's log file keeps. Thread-safe.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void Info(std::string_view line) = 0;   // terminal (unless --quiet) and log file
  virtual void Debug(std::string_view line) = 0;  // log file only
  // A transient progress line (a terminal shows it in place; logs skip it).
  virtual void Progress(std::string_view line) = 0;
};

class StageContext {
 public:
  virtual ~StageContext() = default;

  virtual const std::string& stage_id() const = 0;
  // Effective parameters: validated, defaults filled, paths made absolute.
  virtual const ParamValue::Table& params() const = 0;
  const ParamValue& param(std::string_view name) const { return params().at(std::string(name)); }

  // A value input's packet (available from Open on); empty if an optional
  // input was left unconnected.
  virtual const Packet& Input(std::string_view port) const = 0;

  // Sends a packet on an output port: once for a value port, any number of
  // times for a stream port (numbered in emission order).
  virtual Status Emit(std::string_view port, Packet packet) = 0;

  // A seed for the named random stream of this stage, derived from the
  // experiment seed, the stage id and `name` — never from time or threads.
  virtual uint64_t StreamSeed(std::string_view name) const = 0;

  virtual MetricsSink& metrics() = 0;
  virtual Logger& log() = 0;

  // The run's own folder (checkpoints, reports) and the folder of the experiment file.
  virtual const std::filesystem::path& run_dir() const = 0;

  // True once the run is being stopped (Ctrl-C, another stage failed):
  // long loops check it and return Status::Cancelled.
  virtual bool cancelled() const = 0;

  // Records a data file this stage read (path, SHA-256, size) with the run.
  virtual Status RecordInputFile(const std::filesystem::path& path) = 0;

  // Where a trainer saves its state, and finds it when the run is resumed
  // (runexp/checkpoint.h). One stage per run may save checkpoints.
  virtual CheckpointSink& checkpoints() = 0;
};

// The arithmetic behind StageContext::StreamSeed: SplitMix64 over the
// experiment seed and an FNV-1a hash of "stage_id/name". Fixed forever:
// changing it would change every recorded run's random numbers.
uint64_t DeriveStreamSeed(uint64_t experiment_seed, std::string_view stage_id,
                          std::string_view name);

class Stage {
 public:
  virtual ~Stage() = default;
  virtual Status Open(StageContext& ctx) { (void)ctx; return Status::OK(); }
  virtual Status Process(StageContext& ctx, std::string_view port, const Packet& packet) {
    (void)ctx; (void)port; (void)packet;
    return Status::OK();
  }
  virtual Status Close(StageContext& ctx) { (void)ctx; return Status::OK(); }
};

}  // namespace runexp
