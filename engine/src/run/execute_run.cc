#include "run/execute_run.h"

#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "graph/graph_runner.h"
#include "run/checkpoint_keeper.h"
#include "run/run_logger.h"
#include "run/stored_run.h"
#include "run/store_metrics_sink.h"
#include "runexp/sha256.h"

namespace runexp {

namespace {

// Refreshes the run's heartbeat until stopped, so other processes can tell a
// live run from a dead one.
class HeartbeatThread {
 public:
  HeartbeatThread(store::RunStore& store, std::string run_id)
      : thread_([this, &store, run_id] {
          std::unique_lock lock(mu_);
          while (!stop_) {
            if (cv_.wait_for(lock, std::chrono::seconds(5), [this] { return stop_; })) break;
            lock.unlock();
            (void)store.Heartbeat(run_id);  // a missed beat is harmless; the next one retries
            lock.lock();
          }
        }) {}
  ~HeartbeatThread() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

std::string FormatSeconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f s", seconds);
  return buffer;
}

Status CheckEpochsComplete(store::RunStore& db, const std::string& run_id) {
  Result<std::vector<store::EpochMetrics>> epochs = db.ListEpochs(run_id);
  if (!epochs.ok()) return epochs.status();
  const int64_t contiguous = LastContiguousEpoch(*epochs);
  const auto numbered = std::count_if(epochs->begin(), epochs->end(), [](const auto& e) { return e.epoch >= 1; });
  if (contiguous != numbered) {
    return Status::Internal("epoch " + std::to_string(contiguous + 1) +
                            " was never recorded although later ones were (a bug: please report it)");
  }
  return Status::OK();
}

}  // namespace

int FailWith(int code, const std::string& message) {
  std::cerr << "runexp: " << message << "\n";
  return code;
}

int ExecuteRun(RunExecution run) {
  store::RunStore& db = *run.db;
  const config::ExperimentConfig& experiment = *run.experiment;
  const std::string& run_id = run.run_id;
  const std::filesystem::path results_dir = run.results_path.parent_path();
  const std::filesystem::path run_dir = results_dir / run_id;
  RunLogger logger(stdout, run.quiet);
  auto finish_failed = [&](const Status& status) {
    (void)db.FinishRun(run_id, store::RunStatus::kFailed, status.ToString());
    return FailWith(kExitRunFailed, status.ToString());
  };
  std::error_code mkdir_error;
  std::filesystem::create_directories(run_dir, mkdir_error);
  if (mkdir_error) {
    return finish_failed(Status::IOError(run_dir.string() + ": cannot create run folder: " +
                                         mkdir_error.message()));
  }
  if (Status status = logger.OpenLogFile(run_dir / "run.log"); !status.ok()) return finish_failed(status);
  std::string how = "run " + run_id;
  if (run.resuming) {
    how = "resuming run " + run_id + (run.resume_from ? " after epoch " + std::to_string(run.resume_from->epochs_completed)
                                                      : " from the start (it has no checkpoint)");
  }
  logger.Info(how + " of " + experiment.name + " (seed " + std::to_string(experiment.seed) +
              (experiment.seed_was_drawn ? ", drawn at random" : "") + ", " + std::to_string(run.threads) +
              " threads)");
  logger.Debug("config " + experiment.config_sha256 + "\n" + experiment.effective_toml);

  std::map<std::string, std::unique_ptr<StoreMetricsSink>> sinks;
  for (const config::StageConfig& stage : experiment.stages) {
    sinks[stage.id] = std::make_unique<StoreMetricsSink>(db, run_id, stage.id);
  }
  CheckpointKeeper checkpoints(db, run_id, results_dir, experiment, std::move(run.resume_from));
  RunServices services;
  services.seed = static_cast<uint64_t>(experiment.seed);
  services.run_dir = run_dir;
  services.metrics = [&sinks](const std::string& stage_id) -> MetricsSink& { return *sinks.at(stage_id); };
  services.checkpoints = [&checkpoints](const std::string& stage_id) -> CheckpointSink& {
    return checkpoints.ForStage(stage_id);
  };
  services.logger = &logger;
  services.interrupt = &run.interrupt->flag();
  services.record_input_file = [&db, &run_id](const std::string& stage_id, const std::filesystem::path& file) {
    Result<std::string> sha256 = Sha256OfFile(file.string());
    if (!sha256.ok()) return sha256.status();
    std::error_code error;
    auto bytes = std::filesystem::file_size(file, error);
    store::InputRecord input{stage_id, file.string(), *sha256,
                             error ? std::nullopt : std::optional<int64_t>(static_cast<int64_t>(bytes))};
    return db.RecordInputs(run_id, std::span<const store::InputRecord>(&input, 1));
  };

  Status outcome;
  {
    HeartbeatThread heartbeat(db, run_id);
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(run.threads));
    GraphPlan plan = config::ToGraphPlan(experiment);
    outcome = GraphRunner(plan, services).Run();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.started).count();

  // The verdict, recorded before we say it.
  if (run.interrupt->raised()) {
    (void)db.FinishRun(run_id, store::RunStatus::kInterrupted,
                       "interrupted by signal " + std::to_string(run.interrupt->signal_number()));
    logger.Info("run " + run_id + " interrupted after " + FormatSeconds(seconds) + "; what it finished is in " +
                run.results_path.string() + " (runexp resume " + run_id + " continues it)");
    return kExitInterrupted;
  }
  if (!outcome.ok()) {
    Status recorded = db.FinishRun(run_id, store::RunStatus::kFailed, outcome.message());
    logger.Debug("failed: " + outcome.ToString());
    std::cerr << "runexp: run " << run_id << " failed: " << outcome.message() << "\n";
    if (!recorded.ok()) {  // e.g. the disk holding results.db is full
      std::cerr << "runexp: could not record the failure: " << recorded.message()
                << "; the next runexp command will mark the run interrupted\n";
    }
    return kExitRunFailed;
  }
  // Every epoch 1..N must be on record before the run may say completed.
  if (Status status = CheckEpochsComplete(db, run_id); !status.ok()) {
    (void)db.FinishRun(run_id, store::RunStatus::kFailed, status.message());
    return FailWith(kExitRunFailed, "run " + run_id + " failed: " + status.message());
  }
  if (Status status = checkpoints.Prune(); !status.ok()) {
    logger.Info("warning: pruning old checkpoints: " + status.ToString());
  }
  if (Status status = db.FinishRun(run_id, store::RunStatus::kCompleted); !status.ok()) {
    return FailWith(kExitRunFailed, status.ToString());
  }
  logger.Info("run " + run_id + " completed in " + FormatSeconds(seconds));
  logger.Info("results: " + run.results_path.string() + " (runexp show " + run_id + "); files: " +
              run_dir.string());
  return kExitOk;
}

}  // namespace runexp
