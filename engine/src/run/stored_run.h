// StoredRun: a run recorded in results.db, read back so that `runexp resume`
// and `runexp verify` can run it again exactly — its effective configuration
// (re-validated, and refused if it no longer hashes to what was recorded),
// its input files (refused if any changed), and for a resume the checkpoint
// to continue from (refused if missing, damaged, or not this run's).
//
// Every check happens before anything is written, so a refusal leaves every
// run's records as they were.
//
// Thread-safety: stateless functions.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "config/experiment_config.h"
#include "plugins/plugin_catalog.h"
#include "runexp/checkpoint.h"
#include "store/records.h"
#include "store/run_store.h"

namespace runexp {

// results.db at `results_path` (reaping dead runs on the way) and the run
// `typed` names (an id or an unambiguous prefix) in it.
struct OpenedRun {
  std::unique_ptr<store::RunStore> db;
  store::RunDetails details;
};
Result<OpenedRun> OpenRecordedRun(const std::filesystem::path& results_path, const std::string& typed);

// Everything needed to run a recorded run again: its plugin folders (and
// `extra_plugin_dirs`) loaded into `catalog`, which must outlive the result;
// its configuration (LoadStoredConfig); its inputs unchanged (CheckRecordedInputs).
Result<config::ExperimentConfig> PrepareRerun(const store::RunDetails& run,
                                              const std::vector<std::filesystem::path>& extra_plugin_dirs,
                                              PluginCatalog& catalog);

// The plugin folders the recorded configuration names (absolute), to load
// into the catalog before LoadStoredConfig.
std::vector<std::filesystem::path> StoredPluginDirs(const store::RunRecord& run);

// The recorded effective configuration, validated against `catalog`.
// NotSupported if it no longer hashes to the recorded config_sha256 (this
// runexp would run something else than what was recorded).
Result<config::ExperimentConfig> LoadStoredConfig(const store::RunRecord& run, const PluginCatalog& catalog);

// Every recorded input file (data, plugin libraries, warm-start
// checkpoints) must still exist with its recorded SHA-256; InvalidArgument
// naming the first that does not.
Status CheckRecordedInputs(const store::RunDetails& run);

// The largest E such that epochs 1..E all have an epoch_metrics row.
int64_t LastContiguousEpoch(const std::vector<store::EpochMetrics>& epochs);

// The checkpoint a resume continues from: the newest one not pruned whose
// epoch is at most one past LastContiguousEpoch (the trainer may have run
// ahead of the evaluator, and resuming past a gap would skip epochs);
// nullptr when there is none (resume from the start).
const store::CheckpointRecord* ResumePoint(const store::RunDetails& run);

// ResumePoint's checkpoint, loaded and checked against its row (file
// SHA-256, weights SHA-256) and against the run (run id, config hash);
// nullopt when there is none. Corruption naming the file otherwise.
Result<std::optional<TrainingCheckpoint>> LoadLatestCheckpoint(const store::RunDetails& run,
                                                              const std::filesystem::path& results_dir);

}  // namespace runexp
