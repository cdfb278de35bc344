#include "run/checkpoint_keeper.h"

#include <algorithm>
#include <cstdio>
#include <system_error>

#include "checkpoint/atomic_file.h"
#include "checkpoint/checkpoint_codec.h"
#include "runexp/build_info.h"
#include "run/stored_run.h"
#include "runexp/sha256.h"
#include "store/timestamps.h"

namespace runexp {

namespace fs = std::filesystem;

fs::path CheckpointRelativePath(const std::string& run_id, int64_t epoch) {
  char name[32];
  std::snprintf(name, sizeof(name), "epoch-%04lld.pb", static_cast<long long>(epoch));
  return fs::path(run_id) / "checkpoints" / name;
}

class CheckpointKeeper::StageSink : public CheckpointSink {
 public:
  StageSink(CheckpointKeeper& keeper, std::string stage_id) : keeper_(keeper), stage_id_(std::move(stage_id)) {}

  bool ShouldSave(int64_t epoch, int64_t total_epochs) const override {
    const int64_t every = keeper_.config_.checkpoint_every;
    return epoch == total_epochs || (every > 0 && epoch % every == 0);
  }
  Status Save(const TrainingCheckpoint& checkpoint) override { return keeper_.Save(stage_id_, checkpoint); }
  const TrainingCheckpoint* ResumeFrom() const override {
    const auto& from = keeper_.resume_from_;
    return from && from->provenance.stage == stage_id_ ? &*from : nullptr;
  }

 private:
  CheckpointKeeper& keeper_;
  std::string stage_id_;
};

CheckpointKeeper::CheckpointKeeper(store::RunStore& db, std::string run_id, fs::path results_dir,
                                   const config::ExperimentConfig& config,
                                   std::optional<TrainingCheckpoint> resume_from)
    : db_(db),
      run_id_(std::move(run_id)),
      results_dir_(std::move(results_dir)),
      config_(config),
      resume_from_(std::move(resume_from)) {
  if (resume_from_) saving_stage_ = resume_from_->provenance.stage;
}

CheckpointKeeper::~CheckpointKeeper() = default;

CheckpointSink& CheckpointKeeper::ForStage(const std::string& stage_id) {
  std::lock_guard lock(mu_);
  std::unique_ptr<StageSink>& sink = sinks_[stage_id];
  if (!sink) sink = std::make_unique<StageSink>(*this, stage_id);
  return *sink;
}

Result<std::vector<CheckpointInput>> CheckpointKeeper::Inputs() {
  Result<store::RunDetails> details = db_.GetRun(run_id_);
  if (!details.ok()) return details.status();
  std::vector<CheckpointInput> inputs;
  for (const store::InputRecord& input : details->inputs) {
    inputs.push_back({input.stage, input.path, input.sha256.value_or("")});
  }
  return inputs;
}

Status CheckpointKeeper::Save(const std::string& stage_id, const TrainingCheckpoint& checkpoint) {
  std::lock_guard lock(mu_);
  if (saving_stage_ && *saving_stage_ != stage_id) {
    return Status::InvalidArgument("stage '" + stage_id + "' saves checkpoints, but stage '" + *saving_stage_ +
                                   "' already does; one stage per run may");
  }
  saving_stage_ = stage_id;

  TrainingCheckpoint complete = checkpoint;
  CheckpointProvenance& p = complete.provenance;
  p.run_id = run_id_;
  p.experiment = config_.name;
  p.stage = stage_id;
  p.config_sha256 = config_.config_sha256;
  Result<std::vector<CheckpointInput>> inputs = Inputs();
  if (!inputs.ok()) return inputs.status();
  p.inputs = std::move(inputs).value();
  p.runexp_version = GetBuildInfo().version;
  p.git_commit = GetBuildInfo().git_commit;
  p.created_at = store::NowTimestamp();
  p.seed = config_.seed;
  p.effective_config = config_.effective_toml;

  const fs::path relative = CheckpointRelativePath(run_id_, complete.epochs_completed);
  const fs::path file = results_dir_ / relative;
  std::error_code error;
  fs::create_directories(file.parent_path(), error);
  if (error) return Status::IOError(file.parent_path().string() + ": cannot create folder: " + error.message());
  const std::string bytes = SerializeCheckpoint(complete);
  if (Status status = WriteFileAtomically(file, bytes); !status.ok()) {
    return status.WithContext("saving the checkpoint of epoch " + std::to_string(complete.epochs_completed));
  }
  store::CheckpointRecord record;
  record.epoch = complete.epochs_completed;
  record.path = relative.string();
  record.sha256 = Sha256Hex(bytes);
  record.weights_sha256 = WeightsSha256(*complete.model);
  record.bytes = static_cast<int64_t>(bytes.size());
  if (Status status = db_.RecordCheckpoint(run_id_, record); !status.ok()) return status;
  return Prune();
}

Status CheckpointKeeper::Prune() {
  if (config_.keep_checkpoints <= 0) return Status::OK();
  Result<store::RunDetails> details = db_.GetRun(run_id_);
  if (!details.ok()) return details.status();
  // Never the checkpoint a resume would need now, nor any newer one: while
  // the evaluator lags behind the trainer, that is older than the newest N.
  const store::CheckpointRecord* needed = ResumePoint(*details);
  std::vector<const store::CheckpointRecord*> kept;
  for (const store::CheckpointRecord& c : details->checkpoints) {
    if (!c.pruned) kept.push_back(&c);
  }
  std::sort(kept.begin(), kept.end(), [](auto* a, auto* b) { return a->epoch > b->epoch; });
  for (std::size_t i = static_cast<std::size_t>(config_.keep_checkpoints); i < kept.size(); ++i) {
    if (needed != nullptr && kept[i]->epoch >= needed->epoch) continue;
    std::error_code error;
    fs::remove(results_dir_ / kept[i]->path, error);
    if (error) return Status::IOError((results_dir_ / kept[i]->path).string() + ": cannot delete: " + error.message());
    if (Status status = db_.MarkCheckpointPruned(run_id_, kept[i]->epoch); !status.ok()) return status;
  }
  return Status::OK();
}

}  // namespace runexp
