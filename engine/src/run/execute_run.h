// ExecuteRun: what `run`, `resume` and `verify` share once the run's row is
// `running` — its folder and log, the flow graph with its services (metrics,
// checkpoints, input recording), a heartbeat meanwhile, and the verdict:
// completed, failed (with the stage's message) or interrupted (Ctrl-C),
// never left `running`.
//
// Thread-safety: one call per process at a time (it owns the signal handling
// the InterruptFlag set up).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "config/experiment_config.h"
#include "run/interrupt.h"
#include "runexp/checkpoint.h"
#include "store/run_store.h"

namespace runexp {

inline constexpr int kExitOk = 0, kExitRunFailed = 1, kExitUsage = 2, kExitInterrupted = 130;

struct RunExecution {
  store::RunStore* db = nullptr;
  std::string run_id;
  const config::ExperimentConfig* experiment = nullptr;
  std::filesystem::path results_path;  // absolute; the run's folder sits beside it
  int threads = 1;
  bool quiet = false;
  InterruptFlag* interrupt = nullptr;
  bool resuming = false;                          // runexp resume
  std::optional<TrainingCheckpoint> resume_from;  // resuming: continue from here (none: from the start)
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Returns the process exit code.
int ExecuteRun(RunExecution run);

// "runexp: MESSAGE" on stderr; returns `code`.
int FailWith(int code, const std::string& message);

}  // namespace runexp
