#include "run/verify_run.h"

#include <oneapi/tbb/info.h>

#include <iostream>

#include "run/execute_run.h"
#include "run/run_experiment.h"
#include "run/stored_run.h"
#include "run/verify_comparison.h"
#include "store/run_store.h"

namespace runexp {

namespace {

Result<RunFigures> Figures(store::RunStore& db, const std::string& run_id) {
  RunFigures figures;
  figures.run_id = run_id;
  Result<store::RunDetails> details = db.GetRun(run_id);
  if (!details.ok()) return details.status();
  figures.epochs = details->epochs;
  Result<std::vector<store::MetricPoint>> metrics = db.ListMetrics(run_id);
  if (!metrics.ok()) return metrics.status();
  figures.metrics = std::move(metrics).value();
  int64_t last = -1;
  for (const store::CheckpointRecord& c : details->checkpoints) {
    if (c.epoch > last) {
      last = c.epoch;
      figures.final_weights_sha256 = c.weights_sha256;
    }
  }
  Result<std::vector<std::pair<std::string, std::string>>> environment = db.EnvironmentEntries(run_id);
  if (!environment.ok()) return environment.status();
  figures.environment = std::move(environment).value();
  return figures;
}

}  // namespace

int VerifyRun(const VerifyOptions& options) {
  auto started = std::chrono::steady_clock::now();
  InterruptFlag interrupt;  // first, before any thread exists (interrupt.h)

  const std::filesystem::path results_path = std::filesystem::absolute(options.results_path);
  Result<OpenedRun> opened = OpenRecordedRun(results_path, options.run);
  if (!opened.ok()) return FailWith(kExitUsage, opened.status().message());
  store::RunStore& db = *opened->db;
  const store::RunDetails* parent = &opened->details;
  const std::string* parent_id = &parent->run.run_id;
  if (parent->run.status != store::RunStatus::kCompleted) {
    return FailWith(kExitUsage, "run " + *parent_id + " is " + std::string(store::RunStatusName(parent->run.status)) +
                                    "; only a completed run can be verified (runexp resume finishes it)");
  }

  PluginCatalog catalog;
  Result<config::ExperimentConfig> experiment = PrepareRerun(*parent, options.plugin_dirs, catalog);
  if (!experiment.ok()) return FailWith(kExitUsage, "cannot verify: " + experiment.status().message());
  if (Status s = db.CheckWritable(); !s.ok()) return FailWith(kExitUsage, s.ToString());

  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  store::RunRecord record = NewRunRecord(*experiment, threads);
  record.name = parent->run.name;
  record.parent_run_id = *parent_id;
  record.command_line = options.command_line;
  Result<std::string> run_id = db.BeginRun(record);
  if (!run_id.ok()) return FailWith(kExitRunFailed, run_id.status().ToString());
  if (Status s = RecordRunSetup(db, *run_id, *experiment, catalog); !s.ok()) {
    (void)db.FinishRun(*run_id, store::RunStatus::kFailed, s.ToString());
    return FailWith(kExitRunFailed, s.ToString());
  }
  if (!options.quiet) std::cout << "verifying run " << *parent_id << " by running it again as " << *run_id << "\n";

  RunExecution execution;
  execution.db = &db;
  execution.run_id = *run_id;
  execution.experiment = &*experiment;
  execution.results_path = results_path;
  execution.threads = threads;
  execution.quiet = options.quiet;
  execution.interrupt = &interrupt;
  execution.started = started;
  if (int code = ExecuteRun(std::move(execution)); code != kExitOk) return code;

  Result<RunFigures> recorded = Figures(db, *parent_id);
  if (!recorded.ok()) return FailWith(kExitRunFailed, recorded.status().ToString());
  Result<RunFigures> again = Figures(db, *run_id);
  if (!again.ok()) return FailWith(kExitRunFailed, again.status().ToString());
  VerifyVerdict verdict = CompareForVerify(*recorded, *again);
  if (Status s = db.Tag(*run_id, "verify", verdict.reproduced ? "reproduced" : "differs"); !s.ok()) {
    std::cerr << "runexp: warning: could not tag run " << *run_id << ": " << s.message() << "\n";
  }
  std::cout << verdict.summary << "\n";
  if (!verdict.environment_diff.empty()) {
    std::cout << "the recorded environments differ:\n";
    for (const std::string& line : verdict.environment_diff) std::cout << "  " << line << "\n";
  }
  return verdict.reproduced ? kExitOk : kExitRunFailed;
}

}  // namespace runexp
