#include "run/run_experiment.h"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "config/loader.h"
#include "config/results_location.h"
#include "graph/graph_runner.h"
#include "run/catalog_setup.h"
#include "run/environment.h"
#include "run/interrupt.h"
#include "run/run_logger.h"
#include "run/store_metrics_sink.h"
#include "runexp/build_info.h"
#include "runexp/nn/gemm.h"
#include "runexp/sha256.h"
#include "store/run_store.h"

namespace runexp {

namespace {

constexpr int kExitOk = 0, kExitRunFailed = 1, kExitUsage = 2, kExitInterrupted = 130;

int Fail(int code, const std::string& message) {
  std::cerr << "runexp: " << message << "\n";
  return code;
}

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

std::string FormatSeconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f s", seconds);
  return buffer;
}

}  // namespace

int RunExperiment(const RunOptions& options) {
  auto started = std::chrono::steady_clock::now();
  // First, before any worker thread exists (see interrupt.h).
  InterruptFlag interrupt;

  // 1-2. Plugins and validation: nothing is written unless both succeed.
  PluginCatalog catalog;
  if (Status status = SetUpCatalog(catalog, options.plugin_dirs, options.experiment_file); !status.ok()) {
    return Fail(kExitUsage, status.ToString());
  }
  config::LoadOptions load_options;
  load_options.overrides = options.overrides;
  load_options.check_results_writable = !options.results_path.has_value();
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
      return Fail(kExitUsage, status.message());
    }
  }

  // 3. The store: a damaged, newer, read-only or locked database stops us here.
  std::error_code folder_error;
  std::filesystem::create_directories(results_path.parent_path(), folder_error);
  if (folder_error) {
    return Fail(kExitUsage, results_path.parent_path().string() + ": cannot create folder: " +
                                folder_error.message());
  }
  Result<std::unique_ptr<store::RunStore>> opened = store::RunStore::Open(results_path.string());
  if (!opened.ok()) return Fail(kExitUsage, opened.status().ToString());
  store::RunStore& db = **opened;
  if (Status status = db.CheckWritable(); !status.ok()) return Fail(kExitUsage, status.ToString());

  int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  const BuildInfo& build = GetBuildInfo();
  store::RunRecord record;
  record.name = options.name;
  record.experiment = experiment.name;
  record.seed = experiment.seed;
  record.config_toml = experiment.effective_toml;
  record.config_sha256 = experiment.config_sha256;
  record.git_commit = build.git_commit;
  record.git_dirty = build.git_dirty;
  record.runexp_version = build.version;
  record.environment_json = CollectEnvironmentJson(nn::GemmLibraryVersion());
  record.command_line = options.command_line;
  record.working_dir = std::filesystem::current_path().string();
  record.threads = threads;

  // 4. The run's row, folder and log.
  Result<std::string> begun = db.BeginRun(record);
  if (!begun.ok()) return Fail(kExitRunFailed, begun.status().ToString());
  const std::string run_id = *begun;
  std::filesystem::path run_dir = results_path.parent_path() / run_id;
  RunLogger logger(stdout, options.quiet);
  auto finish_failed = [&](const Status& status) {
    (void)db.FinishRun(run_id, store::RunStatus::kFailed, status.ToString());
    return Fail(kExitRunFailed, status.ToString());
  };
  std::error_code mkdir_error;
  std::filesystem::create_directories(run_dir, mkdir_error);
  if (mkdir_error) {
    return finish_failed(Status::IOError(run_dir.string() + ": cannot create run folder: " +
                                         mkdir_error.message()));
  }
  if (Status status = logger.OpenLogFile(run_dir / "run.log"); !status.ok()) return finish_failed(status);
  logger.Info("run " + run_id + " of " + experiment.name + " (seed " + std::to_string(experiment.seed) +
              (experiment.seed_was_drawn ? ", drawn at random" : "") + ", " + std::to_string(threads) +
              " threads)");
  logger.Debug("config " + experiment.config_sha256 + "\n" + experiment.effective_toml);
  if (Status status = db.RecordParams(run_id, ToStoreParams(experiment.flat_params)); !status.ok()) {
    return finish_failed(status);
  }
  std::vector<store::InputRecord> plugin_libraries;
  for (const config::StageConfig& stage : experiment.stages) {
    const PluginOrigin* origin = catalog.OriginOf(stage.plugin);
    if (origin != nullptr && !origin->library.empty()) {
      plugin_libraries.push_back({"plugin:" + stage.plugin, origin->library.string(), origin->sha256,
                                  static_cast<int64_t>(std::filesystem::file_size(origin->library))});
    }
  }
  if (Status status = db.RecordInputs(run_id, plugin_libraries); !status.ok()) return finish_failed(status);

  // 5. The graph.
  std::map<std::string, std::unique_ptr<StoreMetricsSink>> sinks;
  for (const config::StageConfig& stage : experiment.stages) {
    sinks[stage.id] = std::make_unique<StoreMetricsSink>(db, run_id, stage.id);
  }
  RunServices services;
  services.seed = static_cast<uint64_t>(experiment.seed);
  services.run_dir = run_dir;
  services.metrics = [&sinks](const std::string& stage_id) -> MetricsSink& { return *sinks.at(stage_id); };
  services.logger = &logger;
  services.interrupt = &interrupt.flag();
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
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
    GraphPlan plan = config::ToGraphPlan(experiment);
    outcome = GraphRunner(plan, services).Run();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // 6. The verdict, recorded before we say it.
  if (interrupt.raised()) {
    (void)db.FinishRun(run_id, store::RunStatus::kInterrupted, "interrupted by signal " +
                                                                  std::to_string(interrupt.signal_number()));
    logger.Info("run " + run_id + " interrupted after " + FormatSeconds(seconds) +
                "; what it finished is in " + results_path.string());
    return kExitInterrupted;
  }
  if (!outcome.ok()) {
    (void)db.FinishRun(run_id, store::RunStatus::kFailed, outcome.message());
    logger.Debug("failed: " + outcome.ToString());
    std::cerr << "runexp: run " << run_id << " failed: " << outcome.message() << "\n";
    return kExitRunFailed;
  }
  if (Status status = db.FinishRun(run_id, store::RunStatus::kCompleted); !status.ok()) {
    return Fail(kExitRunFailed, status.ToString());
  }
  logger.Info("run " + run_id + " completed in " + FormatSeconds(seconds));
  logger.Info("results: " + results_path.string() + " (runexp show " + run_id + "); files: " +
              run_dir.string());
  return kExitOk;
}

}  // namespace runexp
