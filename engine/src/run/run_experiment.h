// RunExperiment: `runexp run FILE.toml` from start to finish.
//
//   1. plugins: built-ins plus any plugin folders;
//   2. the experiment file validated (every error reported; nothing written);
//   3. results.db opened, dead runs reaped, write access proven;
//   4. a `running` row, the run's folder and its log file;
//   5. the flow graph run with --threads workers, a heartbeat meanwhile;
//   6. the row finalised: completed, failed (with the stage's message) or
//      interrupted (Ctrl-C) — never left `running`.
// Returns the process exit code (engine/cli/exit_codes.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/experiment_config.h"
#include "plugins/plugin_catalog.h"
#include "store/run_store.h"

namespace runexp {

struct RunOptions {
  std::filesystem::path experiment_file;
  std::vector<std::string> overrides;                 // --set KEY=VALUE
  std::optional<std::filesystem::path> results_path;  // --results (beats the file's setting)
  std::vector<std::filesystem::path> plugin_dirs;     // --plugin-dir
  int threads = 0;                                    // 0: every core
  bool quiet = false;
  std::optional<std::string> name;                    // --name
  std::string command_line;
  // Set by `runexp sweep` for its children: this run answers point
  // `sweep_point` of that sweep, whose recorded configuration hash it must match.
  std::optional<std::string> sweep_id;
  int64_t sweep_point = 0;
};

int RunExperiment(const RunOptions& options);

// The row a new run of `experiment` starts with: config, provenance, environment.
store::RunRecord NewRunRecord(const config::ExperimentConfig& experiment, int threads);

// Records the run's flattened parameters and the plugin libraries it uses.
Status RecordRunSetup(store::RunStore& db, const std::string& run_id, const config::ExperimentConfig& experiment,
                      const PluginCatalog& catalog);

}  // namespace runexp
