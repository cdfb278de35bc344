#include "run/resume_run.h"

#include <oneapi/tbb/info.h>

#include "run/execute_run.h"
#include "run/stored_run.h"
#include "store/run_store.h"

namespace runexp {

int ResumeRun(const ResumeOptions& options) {
  auto started = std::chrono::steady_clock::now();
  InterruptFlag interrupt;  // first, before any thread exists (interrupt.h)

  const std::filesystem::path results_path = std::filesystem::absolute(options.results_path);
  Result<OpenedRun> opened = OpenRecordedRun(results_path, options.run);
  if (!opened.ok()) return FailWith(kExitUsage, opened.status().message());
  store::RunStore& db = *opened->db;
  const store::RunDetails* run = &opened->details;
  const std::string* run_id = &run->run.run_id;
  const store::RunStatus status = run->run.status;
  if (status == store::RunStatus::kCompleted) {
    return FailWith(kExitUsage, "run " + *run_id + " is already completed; nothing to resume");
  }
  if (status == store::RunStatus::kRunning) {
    return FailWith(kExitUsage, "run " + *run_id + " is still running (pid " + std::to_string(run->run.pid) +
                                    " on " + run->run.host + "); stop it first");
  }

  PluginCatalog catalog;
  Result<config::ExperimentConfig> experiment = PrepareRerun(*run, options.plugin_dirs, catalog);
  if (!experiment.ok()) return FailWith(kExitUsage, "cannot resume: " + experiment.status().message());
  Result<std::optional<TrainingCheckpoint>> checkpoint = LoadLatestCheckpoint(*run, results_path.parent_path());
  if (!checkpoint.ok()) return FailWith(kExitUsage, "cannot resume run " + *run_id + ": " + checkpoint.status().message());
  if (*checkpoint && experiment->FindStage((*checkpoint)->provenance.stage) == nullptr) {
    return FailWith(kExitUsage, "cannot resume run " + *run_id + ": its checkpoint was saved by stage '" +
                                    (*checkpoint)->provenance.stage + "', which its configuration does not have");
  }
  if (Status s = db.CheckWritable(); !s.ok()) return FailWith(kExitUsage, s.ToString());

  const int64_t from_epoch = *checkpoint ? (*checkpoint)->epochs_completed : 0;
  if (Status s = db.ResumeRun(*run_id, from_epoch); !s.ok()) return FailWith(kExitUsage, s.ToString());

  RunExecution execution;
  execution.db = &db;
  execution.run_id = *run_id;
  execution.experiment = &*experiment;
  execution.results_path = results_path;
  execution.threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  execution.quiet = options.quiet;
  execution.interrupt = &interrupt;
  execution.resuming = true;
  execution.resume_from = std::move(checkpoint).value();
  execution.started = started;
  return ExecuteRun(std::move(execution));
}

}  // namespace runexp
