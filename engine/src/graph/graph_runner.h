// GraphRunner: runs a GraphPlan as a oneTBB flow graph.
//
// Each stage becomes one serial function_node; every edge delivers
// (input port, packet) envelopes to it. A stage node buffers value packets
// until all have arrived (then Open), reorders stream packets by sequence
// number before Process (so scheduling never changes what a stage sees),
// and calls Close after every input stream has ended. Streams overlap: a
// consumer processes packet k while its producer computes k+1.
//
// The first failing stage cancels the graph; Run() returns its Status with
// the stage named. Run() blocks until every task has finished: never a hang
// on error, never a partial success reported as success.
// One GraphRunner runs one graph once; not reusable, not thread-safe itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

#include "graph/graph_plan.h"
#include "runexp/stage.h"
#include "runexp/status.h"

namespace runexp {

// What the runner needs from the run around it (the store, the log, the
// interrupt flag). Implemented by the run orchestration, and by tests.
struct RunServices {
  uint64_t seed = 0;
  std::filesystem::path run_dir;
  // Per-stage sinks; called once per stage before it starts.
  std::function<MetricsSink&(const std::string& stage_id)> metrics;
  Logger* logger = nullptr;
  std::function<Status(const std::string& stage_id, const std::filesystem::path& file)>
      record_input_file;
  // Per-stage checkpoint sinks; when unset, stages get one that keeps
  // nothing (ShouldSave is false, Save does nothing, nothing to resume).
  std::function<CheckpointSink&(const std::string& stage_id)> checkpoints;
  // Set asynchronously (e.g. by a SIGINT handler); stages see it as cancelled().
  const std::atomic<bool>* interrupt = nullptr;
};

class GraphRunner {
 public:
  GraphRunner(const GraphPlan& plan, RunServices services);
  ~GraphRunner();
  GraphRunner(const GraphRunner&) = delete;
  GraphRunner& operator=(const GraphRunner&) = delete;

  // Runs the graph to completion on the calling thread's task arena (bound
  // the worker count with tbb::global_control around the call).
  Status Run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace runexp
