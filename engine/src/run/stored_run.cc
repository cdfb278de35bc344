#include "run/stored_run.h"

#include <algorithm>

#include "config/loader.h"
#include "run/catalog_setup.h"
#include "runexp/sha256.h"

namespace runexp {

namespace fs = std::filesystem;

namespace {

// Every path in an effective configuration is absolute; the root folder
// only gives errors a name to point at.
fs::path PseudoFile(const store::RunRecord& run) {
  return fs::path("/") / ("effective-config-of-run-" + run.run_id + ".toml");
}

}  // namespace

Result<OpenedRun> OpenRecordedRun(const fs::path& results_path, const std::string& typed) {
  Result<std::unique_ptr<store::RunStore>> db = store::RunStore::Open(fs::absolute(results_path).string());
  if (!db.ok()) return db.status();
  Result<std::string> run_id = (*db)->ResolveRunId(typed);
  if (!run_id.ok()) return run_id.status();
  Result<store::RunDetails> details = (*db)->GetRun(*run_id);
  if (!details.ok()) return details.status();
  return OpenedRun{std::move(db).value(), std::move(details).value()};
}

Result<config::ExperimentConfig> PrepareRerun(const store::RunDetails& run, const std::vector<fs::path>& extra_plugin_dirs,
                                              PluginCatalog& catalog) {
  std::vector<fs::path> plugin_dirs = extra_plugin_dirs;
  for (const fs::path& dir : StoredPluginDirs(run.run)) plugin_dirs.push_back(dir);
  if (Status status = SetUpCatalog(catalog, plugin_dirs, std::nullopt); !status.ok()) return status;
  Result<config::ExperimentConfig> experiment = LoadStoredConfig(run.run, catalog);
  if (!experiment.ok()) return experiment.status();
  if (Status status = CheckRecordedInputs(run); !status.ok()) return status;
  return experiment;
}

std::vector<fs::path> StoredPluginDirs(const store::RunRecord& run) {
  return config::PeekPluginDirsInText(run.config_toml, PseudoFile(run));
}

Result<config::ExperimentConfig> LoadStoredConfig(const store::RunRecord& run, const PluginCatalog& catalog) {
  const fs::path pseudo_file = PseudoFile(run);
  config::LoadOptions options;
  options.check_results_writable = false;
  config::CheckResult checked = config::CheckExperimentText(run.config_toml, pseudo_file, catalog, options);
  if (!checked.ok()) {
    return checked.status().WithContext("the recorded configuration of run " + run.run_id + " is no longer valid");
  }
  if (checked.config.config_sha256 != run.config_sha256) {
    return Status::NotSupported("run " + run.run_id + ": its recorded configuration now hashes to " +
                                checked.config.config_sha256.substr(0, 12) + "…, not the recorded " +
                                run.config_sha256.substr(0, 12) +
                                "… (a plugin's parameters changed since); it cannot be run again exactly");
  }
  return std::move(checked.config);
}

Status CheckRecordedInputs(const store::RunDetails& run) {
  for (const store::InputRecord& input : run.inputs) {
    if (!input.sha256) continue;
    std::error_code error;
    if (!fs::exists(input.path, error)) {
      return Status::InvalidArgument("input " + input.path + " (stage " + input.stage + ") of run " +
                                     run.run.run_id + " no longer exists");
    }
    Result<std::string> sha256 = Sha256OfFile(input.path);
    if (!sha256.ok()) return sha256.status();
    if (*sha256 != *input.sha256) {
      return Status::InvalidArgument("input " + input.path + " (stage " + input.stage + ") has changed since run " +
                                     run.run.run_id + ": its SHA-256 is now " + sha256->substr(0, 12) +
                                     "…, recorded " + input.sha256->substr(0, 12) + "…");
    }
  }
  return Status::OK();
}

int64_t LastContiguousEpoch(const std::vector<store::EpochMetrics>& epochs) {
  std::vector<int64_t> recorded;
  for (const store::EpochMetrics& e : epochs) {
    if (e.epoch >= 1) recorded.push_back(e.epoch);
  }
  std::sort(recorded.begin(), recorded.end());
  int64_t last = 0;
  for (int64_t epoch : recorded) {
    if (epoch != last + 1) break;
    last = epoch;
  }
  return last;
}

const store::CheckpointRecord* ResumePoint(const store::RunDetails& run) {
  // The trainer may run ahead of the stages that score its snapshots, so a
  // run can hold checkpoints of epochs nobody recorded. Resuming from one of
  // those would skip the epochs in between: take the newest checkpoint at
  // most one past the last epoch recorded without a gap (that epoch itself
  // is reported again when resuming).
  const int64_t limit = LastContiguousEpoch(run.epochs) + 1;
  const store::CheckpointRecord* point = nullptr;
  for (const store::CheckpointRecord& c : run.checkpoints) {
    if (!c.pruned && c.epoch <= limit && (point == nullptr || c.epoch > point->epoch)) point = &c;
  }
  return point;
}

Result<std::optional<TrainingCheckpoint>> LoadLatestCheckpoint(const store::RunDetails& run,
                                                              const fs::path& results_dir) {
  const store::CheckpointRecord* latest = ResumePoint(run);
  if (latest == nullptr) return std::optional<TrainingCheckpoint>();
  const fs::path file = results_dir / latest->path;
  const std::string name = file.string();
  if (latest->sha256) {
    Result<std::string> sha256 = Sha256OfFile(name);
    if (!sha256.ok()) {
      return Status::Corruption(name + ": the checkpoint of epoch " + std::to_string(latest->epoch) +
                                " cannot be read: " + sha256.status().message());
    }
    if (*sha256 != *latest->sha256) {
      return Status::Corruption(name + ": the file's SHA-256 " + sha256->substr(0, 12) +
                                "… differs from the one recorded when it was written (" +
                                latest->sha256->substr(0, 12) + "…): damaged or replaced");
    }
  }
  Result<TrainingCheckpoint> checkpoint = ReadCheckpointFile(file);
  if (!checkpoint.ok()) return checkpoint.status();
  const CheckpointProvenance& p = checkpoint->provenance;
  if (p.run_id != run.run.run_id) {
    return Status::Corruption(name + ": it belongs to run " + p.run_id + ", not " + run.run.run_id);
  }
  if (p.config_sha256 != run.run.config_sha256) {
    return Status::Corruption(name + ": made with configuration " + p.config_sha256.substr(0, 12) + "…, run " +
                              run.run.run_id + " has " + run.run.config_sha256.substr(0, 12) + "…");
  }
  if (checkpoint->epochs_completed != latest->epoch) {
    return Status::Corruption(name + ": it holds epoch " + std::to_string(checkpoint->epochs_completed) +
                              ", recorded as epoch " + std::to_string(latest->epoch));
  }
  if (latest->weights_sha256 && WeightsSha256(*checkpoint->model) != *latest->weights_sha256) {
    return Status::Corruption(name + ": its weights differ from those recorded when it was written");
  }
  return std::optional<TrainingCheckpoint>(std::move(checkpoint).value());
}

}  // namespace runexp
