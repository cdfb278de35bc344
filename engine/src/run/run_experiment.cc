#include "run/run_experiment.h"

#include <oneapi/tbb/info.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "config/loader.h"
#include "config/results_location.h"
#include "run/catalog_setup.h"
#include "run/environment.h"
#include "run/execute_run.h"
#include "run/interrupt.h"
#include "runexp/build_info.h"
#include "runexp/nn/gemm.h"
#include "store/run_store.h"

namespace runexp {

namespace {

std::vector<store::Param> ToStoreParams(const std::vector<config::FlatParam>& flat) {
  std::vector<store::Param> params;
  for (const config::FlatParam& p : flat) {
    store::Param param{p.key, p.value};
    try {
      if (p.type == "integer") param.value = static_cast<int64_t>(std::stoll(p.value));
      else if (p.type == "float") param.value = std::stod(p.value);
      else if (p.type == "boolean") param.value = p.value == "true";
    } catch (const std::exception&) {
      // nan/inf or out-of-range text: keep the text.
    }
    params.push_back(std::move(param));
  }
  return params;
}

// A sweep's point is planned once; if the experiment file changed since, the
// configuration this run would use is not the point's any more.
Status CheckSweepPoint(store::RunStore& db, const std::string& sweep_id, int64_t point,
                       const config::ExperimentConfig& experiment) {
  Result<std::vector<store::SweepPoint>> points = db.ListSweepPoints(sweep_id);
  if (!points.ok()) return points.status();
  auto found = std::find_if(points->begin(), points->end(),
                            [&](const store::SweepPoint& p) { return p.point == point; });
  if (found == points->end()) {
    return Status::NotFound(db.path() + ": sweep " + sweep_id + " has no point " + std::to_string(point));
  }
  if (found->config_sha256 != experiment.config_sha256) {
    return Status::InvalidArgument(experiment.file.string() + " has changed since sweep " + sweep_id +
                                   " was planned: point " + std::to_string(point) + " would now run another "
                                   "configuration (hash " + experiment.config_sha256.substr(0, 12) + "…, planned " +
                                   found->config_sha256.substr(0, 12) + "…)");
  }
  return Status::OK();
}

}  // namespace

Status RecordRunSetup(store::RunStore& db, const std::string& run_id, const config::ExperimentConfig& experiment,
                      const PluginCatalog& catalog) {
  if (Status status = db.RecordParams(run_id, ToStoreParams(experiment.flat_params)); !status.ok()) return status;
  std::vector<store::InputRecord> plugin_libraries;
  for (const config::StageConfig& stage : experiment.stages) {
    const PluginOrigin* origin = catalog.OriginOf(stage.plugin);
    if (origin != nullptr && !origin->library.empty()) {
      plugin_libraries.push_back({"plugin:" + stage.plugin, origin->library.string(), origin->sha256,
                                  static_cast<int64_t>(std::filesystem::file_size(origin->library))});
    }
  }
  return db.RecordInputs(run_id, plugin_libraries);
}

store::RunRecord NewRunRecord(const config::ExperimentConfig& experiment, int threads) {
  const BuildInfo& build = GetBuildInfo();
  store::RunRecord record;
  record.experiment = experiment.name;
  record.seed = experiment.seed;
  record.config_toml = experiment.effective_toml;
  record.config_sha256 = experiment.config_sha256;
  record.git_commit = build.git_commit;
  record.git_dirty = build.git_dirty;
  record.runexp_version = build.version;
  record.environment_json = CollectEnvironmentJson(nn::GemmLibraryVersion());
  record.working_dir = std::filesystem::current_path().string();
  record.threads = threads;
  return record;
}

int RunExperiment(const RunOptions& options) {
  auto started = std::chrono::steady_clock::now();
  // First, before any worker thread exists (see interrupt.h).
  InterruptFlag interrupt;

  // 1-2. Plugins and validation: nothing is written unless both succeed.
  PluginCatalog catalog;
  if (Status status = SetUpCatalog(catalog, options.plugin_dirs, options.experiment_file); !status.ok()) {
    return FailWith(kExitUsage, status.ToString());
  }
  config::LoadOptions load_options;
  load_options.overrides = options.overrides;
  load_options.check_results_writable = !options.results_path.has_value();
  load_options.sweep_table_allowed = options.sweep_id.has_value();
  config::CheckResult checked =
      config::CheckExperimentFile(options.experiment_file, catalog, load_options);
  if (!checked.ok()) {
    std::cerr << config::FormatConfigErrors(checked.errors);
    return kExitUsage;
  }
  const config::ExperimentConfig& experiment = checked.config;
  std::filesystem::path results_path =
      options.results_path ? std::filesystem::absolute(*options.results_path) : experiment.results_path;
  if (options.results_path) {
    if (Status status = config::CheckResultsLocationWritable(results_path); !status.ok()) {
      return FailWith(kExitUsage, status.message());
    }
  }

  // 3. The store: a damaged, newer, read-only or locked database stops us here.
  std::error_code folder_error;
  std::filesystem::create_directories(results_path.parent_path(), folder_error);
  if (folder_error) {
    return FailWith(kExitUsage, results_path.parent_path().string() + ": cannot create folder: " +
                                folder_error.message());
  }
  Result<std::unique_ptr<store::RunStore>> opened = store::RunStore::Open(results_path.string());
  if (!opened.ok()) return FailWith(kExitUsage, opened.status().ToString());
  store::RunStore& db = **opened;
  if (Status status = db.CheckWritable(); !status.ok()) return FailWith(kExitUsage, status.ToString());

  if (options.sweep_id) {
    if (Status status = CheckSweepPoint(db, *options.sweep_id, options.sweep_point, experiment); !status.ok()) {
      return FailWith(kExitUsage, status.ToString());
    }
  }

  int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  store::RunRecord record = NewRunRecord(experiment, threads);
  record.name = options.name;
  record.command_line = options.command_line;
  record.sweep_id = options.sweep_id;
  if (options.sweep_id) record.sweep_point = options.sweep_point;

  // 4. The run's row; then its folder, log and graph (execute_run.h).
  Result<std::string> begun = db.BeginRun(record);
  if (!begun.ok()) return FailWith(kExitRunFailed, begun.status().ToString());
  const std::string run_id = *begun;
  if (Status status = RecordRunSetup(db, run_id, experiment, catalog); !status.ok()) {
    (void)db.FinishRun(run_id, store::RunStatus::kFailed, status.ToString());
    return FailWith(kExitRunFailed, status.ToString());
  }
  RunExecution execution;
  execution.db = &db;
  execution.run_id = run_id;
  execution.experiment = &experiment;
  execution.results_path = results_path;
  execution.threads = threads;
  execution.quiet = options.quiet;
  execution.interrupt = &interrupt;
  execution.started = started;
  return ExecuteRun(std::move(execution));
}

}  // namespace runexp
