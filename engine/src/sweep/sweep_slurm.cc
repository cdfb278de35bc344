#include "sweep/sweep_slurm.h"

#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "run/execute_run.h"
#include "sweep/run_outcome.h"
#include "sweep/sweep_folder.h"

namespace runexp::sweep {

namespace {

namespace fs = std::filesystem;

// {"model.epochs": 3} -> model.epochs: 3
std::string PointLabel(const std::string& assignments_json) {
  std::string label = assignments_json.size() >= 2 ? assignments_json.substr(1, assignments_json.size() - 2)
                                                   : assignments_json;
  std::string out;
  for (char c : label) {
    if (c != '"') out += c;
  }
  return out;
}

std::string Progress(const std::map<int64_t, std::string>& queued, size_t total) {
  size_t running = 0;
  for (const auto& [point, state] : queued) running += state == "RUNNING";
  return std::to_string(queued.size() - running) + " pending, " + std::to_string(running) + " running, " +
         std::to_string(total - queued.size()) + " of " + std::to_string(total) + " out of the queue";
}

}  // namespace

Result<store::MergeCounts> MergeSweepShards(store::RunStore& db, const fs::path& folder,
                                            const std::map<int64_t, std::string>& queued) {
  store::MergeCounts total;
  for (const auto& [point, shard] : ListShards(folder)) {
    if (queued.count(point)) continue;
    Result<store::MergeCounts> merged = db.MergeShard(shard.string());
    if (!merged.ok()) return merged.status();
    total.merged += merged->merged;
    total.unchanged += merged->unchanged;
    total.running += merged->running;
  }
  return total;
}

int SubmitSweepPoints(store::RunStore& db, const store::SweepRecord& sweep, const std::vector<PointToSubmit>& points,
                      const SlurmOptions& options, bool wait, const InterruptFlag& interrupt,
                      const std::function<void(const std::string&)>& say) {
  const fs::path folder = sweep.folder;
  Result<std::vector<store::SweepPoint>> recorded = db.ListSweepPoints(sweep.sweep_id);
  if (!recorded.ok()) return FailWith(kExitRunFailed, recorded.status().ToString());
  std::vector<int64_t> indexes;
  for (const PointToSubmit& point : points) {
    if (Status ok = WriteArgs(TaskArgsPath(folder, point.point), point.run_args); !ok.ok()) {
      return FailWith(kExitRunFailed, ok.ToString());
    }
    if (Status ok = EnsureShard(folder, sweep, (*recorded)[static_cast<size_t>(point.point)]); !ok.ok()) {
      return FailWith(kExitRunFailed, ok.ToString());
    }
    indexes.push_back(point.point);
  }
  if (!indexes.empty()) {
    Result<std::string> job = SubmitArray(folder, sweep.sweep_id, indexes, options);
    if (!job.ok()) return FailWith(kExitRunFailed, job.status().ToString());
    say("submitted job array " + *job + " (" + std::to_string(indexes.size()) + " task" +
        (indexes.size() == 1 ? "" : "s") + ", points " + ArraySpec(indexes) + "); shards in " +
        (folder / "shards").string());
  }
  if (!wait) {
    say("follow it with `runexp sweep status " + sweep.sweep_id + "`; `runexp merge --sweep " + sweep.sweep_id +
        "` folds finished points into " + db.path());
    return kExitOk;
  }
  return FollowSweep(db, sweep, interrupt, say);
}

int FollowSweep(store::RunStore& db, const store::SweepRecord& sweep, const InterruptFlag& interrupt,
                const std::function<void(const std::string&)>& say) {
  const fs::path folder = sweep.folder;
  Result<std::vector<store::SweepPoint>> recorded = db.ListSweepPoints(sweep.sweep_id);
  if (!recorded.ok()) return FailWith(kExitRunFailed, recorded.status().ToString());
  std::string last;
  for (;;) {
    Result<std::map<int64_t, std::string>> queued = QueuedPoints(folder);
    if (!queued.ok()) return FailWith(kExitRunFailed, queued.status().ToString());
    std::string progress = Progress(*queued, recorded->size());
    if (progress != last) say(progress);
    last = progress;
    if (queued->empty()) break;
    if (interrupt.raised()) {
      std::cerr << "runexp: stopped following sweep " << sweep.sweep_id << "; its tasks keep running on the "
                << "cluster (`runexp sweep status " << sweep.sweep_id << "`)\n";
      return kExitInterrupted;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  Result<store::MergeCounts> merged = MergeSweepShards(db, folder, {});
  if (!merged.ok()) return FailWith(kExitRunFailed, merged.status().ToString());
  say("merged " + std::to_string(merged->merged) + " run" + (merged->merged == 1 ? "" : "s") + " into " + db.path());
  Result<std::vector<store::SweepPoint>> final_points = db.ListSweepPoints(sweep.sweep_id);
  if (!final_points.ok()) return FailWith(kExitRunFailed, final_points.status().ToString());
  size_t completed = 0;
  for (const store::SweepPoint& point : *final_points) {
    completed += point.run_status == store::RunStatus::kCompleted;
    say("point " + std::to_string(point.point) + " [" + PointLabel(point.assignments_json) + "] " +
        (point.run_id ? RunOutcome(db, *point.run_id)
                      : "did not run (see " + PointLogPath(folder, point.point).string() + ")"));
  }
  say("sweep " + sweep.sweep_id + ": " + std::to_string(completed) + " of " + std::to_string(final_points->size()) +
      " points completed" +
      (completed < final_points->size() ? "; `runexp sweep resume " + sweep.sweep_id + "` resubmits the rest" : ""));
  return completed == final_points->size() ? kExitOk : kExitRunFailed;
}

int ResumeSweepOnSlurm(store::RunStore& db, const store::SweepRecord& sweep, bool wait,
                       const InterruptFlag& interrupt, const std::function<void(const std::string&)>& say) {
  const fs::path folder = sweep.folder;
  Result<SlurmOptions> options = ReadSubmittedOptions(folder);
  if (!options.ok()) {
    return FailWith(kExitUsage, "sweep " + sweep.sweep_id + " was not run on Slurm; run `runexp sweep " +
                                    sweep.experiment_file + "` with the same options again to continue it");
  }
  Result<std::map<int64_t, std::string>> queued = QueuedPoints(folder);
  if (!queued.ok()) return FailWith(kExitRunFailed, queued.status().ToString());
  Result<store::MergeCounts> merged = MergeSweepShards(db, folder, *queued);
  if (!merged.ok()) return FailWith(kExitRunFailed, merged.status().ToString());
  Result<std::vector<store::SweepPoint>> recorded = db.ListSweepPoints(sweep.sweep_id);
  if (!recorded.ok()) return FailWith(kExitRunFailed, recorded.status().ToString());
  std::vector<PointToSubmit> again;
  for (const store::SweepPoint& point : *recorded) {
    if (point.run_status == store::RunStatus::kCompleted || queued->count(point.point)) continue;
    Result<std::vector<std::string>> args = ReadArgs(TaskArgsPath(folder, point.point));
    if (!args.ok()) {
      // Never submitted (it reused a run that is gone now): the sweep's own
      // command plans it again.
      say("point " + std::to_string(point.point) + " was never submitted; run `runexp sweep " +
          sweep.experiment_file + " --executor slurm` with the sweep's options to run it");
      continue;
    }
    again.push_back({point.point, *args});
  }
  say("sweep " + sweep.sweep_id + ": " + std::to_string(recorded->size() - again.size() - queued->size()) +
      " points completed, " + std::to_string(queued->size()) + " queued, " + std::to_string(again.size()) +
      " to resubmit");
  if (again.empty() && !wait) return kExitOk;
  return SubmitSweepPoints(db, sweep, again, *options, wait, interrupt, say);
}

int PrintSweepStatus(store::RunStore& db, const store::SweepRecord& sweep) {
  const fs::path folder = sweep.folder;
  Result<std::map<int64_t, std::string>> queued = QueuedPoints(folder);
  if (!queued.ok()) return FailWith(kExitRunFailed, queued.status().ToString());
  Result<std::vector<store::SweepPoint>> recorded = db.ListSweepPoints(sweep.sweep_id);
  if (!recorded.ok()) return FailWith(kExitRunFailed, recorded.status().ToString());
  std::map<std::string, int> counts;
  std::cout << "sweep " << sweep.sweep_id << " of " << sweep.experiment << " (" << recorded->size() << " points)\n";
  for (const store::SweepPoint& point : *recorded) {
    std::string state = "not run";
    std::optional<std::string> run_id = point.run_id;
    if (auto found = queued->find(point.point); found != queued->end()) {
      state = found->second == "RUNNING" ? "running" : "pending";
    } else if (point.run_status) {
      state = std::string(store::RunStatusName(*point.run_status));
    }
    // A shard not merged yet knows more than results.db.
    const fs::path shard = ShardPath(folder, point.point);
    std::error_code error;
    if (state != "completed" && state != "pending" && fs::exists(shard, error)) {
      store::OpenOptions read_only;
      read_only.read_only = true;
      if (auto opened = store::RunStore::Open(shard.string(), read_only); opened.ok()) {
        auto points = (*opened)->ListSweepPoints(sweep.sweep_id);
        if (points.ok() && points->size() == 1 && points->front().run_status && state != "running") {
          const store::RunStatus status = *points->front().run_status;
          // `running` in a shard whose task has left the queue: the task died.
          state = status == store::RunStatus::kRunning ? "interrupted" : std::string(store::RunStatusName(status));
          run_id = points->front().run_id;
        }
      }
    }
    ++counts[state];
    std::cout << "  point " << point.point << "  " << state << "  " << PointLabel(point.assignments_json)
              << (run_id ? "  run " + *run_id : "") << (point.reused ? " (reused)" : "") << "\n";
  }
  std::string summary;
  for (const auto& [state, count] : counts) summary += (summary.empty() ? "" : ", ") + std::to_string(count) + " " + state;
  std::cout << summary << "\n";
  return kExitOk;
}

}  // namespace runexp::sweep
