// CheckpointKeeper: the run's side of CheckpointSink. It writes each
// checkpoint to RUN_DIR/checkpoints/epoch-NNNN.pb atomically, records it in
// results.db (path relative to the results folder, file and weight hashes),
// then applies keep_checkpoints (Prune): older files are deleted and their
// rows marked pruned — in that order, so a crash in between leaves a row
// that still points at a file, never a missing newest checkpoint.
//
// One stage per run may save; a second one is refused with both names.
// When resuming, the validated checkpoint to continue from is handed to the
// stage that saved it.
//
// Thread-safety: Save may be called from any thread; calls are serialised.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/experiment_config.h"
#include "runexp/checkpoint.h"
#include "store/run_store.h"

namespace runexp {

// "RUNID/checkpoints/epoch-0003.pb": where epoch's checkpoint goes,
// relative to the folder of results.db.
std::filesystem::path CheckpointRelativePath(const std::string& run_id, int64_t epoch);

class CheckpointKeeper {
 public:
  CheckpointKeeper(store::RunStore& db, std::string run_id, std::filesystem::path results_dir,
                   const config::ExperimentConfig& config,
                   std::optional<TrainingCheckpoint> resume_from);
  ~CheckpointKeeper();

  CheckpointSink& ForStage(const std::string& stage_id);

  // Applies keep_checkpoints: beyond the newest N, deletes the files and
  // marks the rows pruned — never the checkpoint a resume would start from
  // (stored_run.h ResumePoint) or a newer one. Done after every save, and
  // once more when the run has finished and every epoch is recorded.
  Status Prune();

 private:
  class StageSink;
  Status Save(const std::string& stage_id, const TrainingCheckpoint& checkpoint);
  Result<std::vector<CheckpointInput>> Inputs();

  store::RunStore& db_;
  const std::string run_id_;
  const std::filesystem::path results_dir_;
  const config::ExperimentConfig& config_;
  const std::optional<TrainingCheckpoint> resume_from_;
  std::mutex mu_;
  std::optional<std::string> saving_stage_;
  std::map<std::string, std::unique_ptr<StageSink>> sinks_;
};

}  // namespace runexp
