#include "sweep/sweep_runner.h"

#include <oneapi/tbb/info.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "config/loader.h"
#include "config/results_location.h"
#include "run/catalog_setup.h"
#include "run/execute_run.h"
#include "run/interrupt.h"
#include "store/run_id.h"
#include "store/run_store.h"
#include "sweep/local_points.h"
#include "sweep/node_text.h"
#include "sweep/point_decision.h"
#include "sweep/point_jobs.h"
#include "sweep/run_outcome.h"
#include "sweep/sweep_folder.h"
#include "sweep/sweep_slurm.h"

namespace runexp::sweep {

namespace {

namespace fs = std::filesystem;

// The sweep's row: found by its specification, or recorded now.
Result<store::SweepRecord> FindOrCreateSweep(store::RunStore& db, const SweepPlan& plan, const fs::path& results_path,
                                             const SweepOptions& options, bool& created) {
  Result<std::optional<store::SweepRecord>> found = db.FindSweepBySpec(plan.spec_sha256);
  if (!found.ok()) return found.status();
  if (*found) {
    created = false;
    return **found;
  }
  store::SweepRecord sweep;
  sweep.sweep_id = store::NewRunId(store::Clock::now());
  sweep.experiment = plan.experiment;
  sweep.spec_sha256 = plan.spec_sha256;
  sweep.mode = plan.mode;
  config::Node keys;
  keys.kind = config::Node::Kind::kArray;
  for (const std::string& key : plan.keys) {
    config::Node text;
    text.kind = config::Node::Kind::kString;
    text.text = key;
    keys.items.push_back(std::move(text));
  }
  sweep.keys_json = NodeJson(keys);
  sweep.experiment_file = plan.experiment_file.string();
  sweep.command_line = options.command_line;
  sweep.folder = (results_path.parent_path() / "sweeps" / sweep.sweep_id).string();
  std::vector<store::SweepPoint> points;
  for (const PlannedPoint& point : plan.points) {
    points.push_back(store::SweepPoint{point.index, AssignmentsJson(point.values), point.config.config_sha256,
                                       std::nullopt, false, std::nullopt});
  }
  Result<std::string> id = db.CreateSweep(sweep, points);
  if (!id.ok()) {
    // Another `runexp sweep` of the same file may have recorded it meanwhile.
    Result<std::optional<store::SweepRecord>> again = db.FindSweepBySpec(plan.spec_sha256);
    if (again.ok() && *again) {
      created = false;
      return **again;
    }
    return id.status();
  }
  created = true;
  return db.GetSweep(*id);
}

// `runexp run` of one point, without --results and --threads (which differ
// between a local child and a Slurm task).
std::vector<std::string> RunArguments(const SweepPlan& plan, const store::SweepRecord& sweep, int64_t point,
                                      const SweepOptions& options) {
  std::vector<std::string> args = {"run", plan.experiment_file.string()};
  for (const std::string& value : plan.PointOverrides(point)) {
    args.push_back("--set");
    args.push_back(value);
  }
  args.insert(args.end(), {"--sweep", sweep.sweep_id, "--sweep-point", std::to_string(point), "--name",
                           AssignmentsText(plan.points[static_cast<size_t>(point)].values), "-q"});
  for (const fs::path& dir : options.plugin_dirs) args.insert(args.end(), {"--plugin-dir", dir.string()});
  return args;
}

std::vector<std::string> LocalRunArguments(const SweepPlan& plan, const store::SweepRecord& sweep, int64_t point,
                                           const fs::path& results_path, int threads, const SweepOptions& options) {
  std::vector<std::string> args = RunArguments(plan, sweep, point, options);
  args.insert(args.end(), {"--results", results_path.string(), "--threads", std::to_string(threads)});
  return args;
}

std::vector<std::string> ResumeArguments(const std::string& run_id, const fs::path& results_path, int threads,
                                         const SweepOptions& options) {
  std::vector<std::string> args = {"resume", run_id, "--results", results_path.string(), "--threads",
                                   std::to_string(threads), "-q"};
  for (const fs::path& dir : options.plugin_dirs) args.insert(args.end(), {"--plugin-dir", dir.string()});
  return args;
}

void PrintPlan(const SweepPlan& plan) {
  for (const PlannedPoint& point : plan.points) {
    std::cout << "point " << point.index << ": " << AssignmentsText(point.values) << "  (config "
              << point.config.config_sha256.substr(0, 12) << ")\n";
  }
}

}  // namespace

int RunSweep(const SweepOptions& options) {
  // First, before any thread exists (see interrupt.h).
  InterruptFlag interrupt;
  auto say = [&](const std::string& line) {
    if (!options.quiet) std::cout << line << std::endl;
  };

  PluginCatalog catalog;
  if (Status status = SetUpCatalog(catalog, options.plugin_dirs, options.request.experiment_file); !status.ok()) {
    return FailWith(kExitUsage, status.ToString());
  }
  SweepRequest request = options.request;
  request.check_results_writable = !options.results_path.has_value();
  SweepCheck check = PlanSweep(request, catalog);
  if (!check.ok()) {
    std::cerr << config::FormatConfigErrors(check.errors);
    return kExitUsage;
  }
  const SweepPlan& plan = check.plan;
  if (plan.drawn_seed && std::find(plan.keys.begin(), plan.keys.end(), "experiment.seed") == plan.keys.end()) {
    std::cerr << "runexp: note: " << options.request.experiment_file.string() << " sets no seed; every point uses "
              << *plan.drawn_seed << ". Running the file again draws another seed, so it is another sweep: "
              << "write `seed = " << *plan.drawn_seed << "` in [experiment] to be able to continue this one.\n";
  }
  if (options.dry_run) {
    PrintPlan(plan);
    say(std::to_string(plan.points.size()) + " points, all valid; nothing was run (--dry-run)");
    return kExitOk;
  }

  const fs::path results_path = options.results_path ? fs::absolute(*options.results_path) : plan.results_path;
  if (options.results_path) {
    if (Status status = config::CheckResultsLocationWritable(results_path); !status.ok()) {
      return FailWith(kExitUsage, status.message());
    }
  }
  std::error_code folder_error;
  fs::create_directories(results_path.parent_path(), folder_error);
  Result<std::unique_ptr<store::RunStore>> opened = store::RunStore::Open(results_path.string());
  if (!opened.ok()) return FailWith(kExitUsage, opened.status().ToString());
  store::RunStore& db = **opened;
  if (Status status = db.CheckWritable(); !status.ok()) return FailWith(kExitUsage, status.ToString());

  bool created = false;
  Result<store::SweepRecord> sweep = FindOrCreateSweep(db, plan, results_path, options, created);
  if (!sweep.ok()) return FailWith(kExitRunFailed, sweep.status().ToString());
  const fs::path folder = sweep->folder;
  fs::create_directories(folder, folder_error);
  if (folder_error) return FailWith(kExitRunFailed, folder.string() + ": cannot create folder: " + folder_error.message());

  const bool on_slurm = options.executor == "slurm";
  std::map<int64_t, std::string> queued;
  if (on_slurm) {
    Result<std::map<int64_t, std::string>> listed = QueuedPoints(folder);
    if (!listed.ok()) return FailWith(kExitRunFailed, listed.status().ToString());
    queued = std::move(*listed);
    // What earlier tasks finished counts before deciding what to submit.
    if (Result<store::MergeCounts> merged = MergeSweepShards(db, folder, queued); !merged.ok()) {
      return FailWith(kExitRunFailed, merged.status().ToString());
    }
  }
  Result<std::vector<store::SweepPoint>> recorded = db.ListSweepPoints(sweep->sweep_id);
  if (!recorded.ok()) return FailWith(kExitRunFailed, recorded.status().ToString());

  const int cores = std::max(1, tbb::info::default_concurrency());
  const int jobs = std::max(1, options.jobs);
  const int threads = on_slurm ? options.slurm.cpus_per_task
                              : options.threads > 0 ? options.threads : std::max(1, cores / jobs);
  if (!on_slurm && jobs * threads > cores) {
    std::cerr << "runexp: note: " << jobs << " jobs x " << threads << " threads on " << cores
              << " cores: the points will share cores (results do not change, only the time)\n";
  }

  std::map<PointAction, int> counts;
  std::map<int64_t, PointState> states;
  for (const store::SweepPoint& point : *recorded) {
    states[point.point] = queued.count(point.point) ? PointState{PointAction::kRunningElsewhere, point.run_id}
                                                    : Decide(db, point, options.force);
    ++counts[states[point.point].action];
  }
  const int to_start = counts[PointAction::kResume] + counts[PointAction::kRun];
  say(std::string(created ? "sweep " : "continuing sweep ") + sweep->sweep_id + ": " +
      std::to_string(plan.points.size()) + " points (" + plan.mode + "); " + std::to_string(counts[PointAction::kDone]) +
      " done, " + std::to_string(counts[PointAction::kReuse]) + " reused, " +
      std::to_string(counts[PointAction::kResume]) + " to resume, " + std::to_string(counts[PointAction::kRun]) +
      " to run" +
      (to_start == 0 ? ""
       : on_slurm    ? "; on Slurm, " + std::to_string(threads) + " CPU" + (threads == 1 ? "" : "s") + " per task"
                     : "; " + std::to_string(std::min(jobs, to_start)) + " at a time, " + std::to_string(threads) +
                           " thread" + (threads == 1 ? "" : "s") + " each"));

  std::vector<PointJob> work;
  for (const auto& [index, state] : states) {
    const std::string label = "point " + std::to_string(index) + " [" +
                              AssignmentsText(plan.points[static_cast<size_t>(index)].values) + "]";
    switch (state.action) {
      case PointAction::kDone:
        break;
      case PointAction::kRunningElsewhere:
        say(label + (state.run_id ? ": run " + *state.run_id + " is running" : ": queued") +
            " in another process; not started again");
        break;
      case PointAction::kReuse:
        if (Status status = db.LinkSweepPoint(sweep->sweep_id, index, *state.run_id, true); !status.ok()) {
          return FailWith(kExitRunFailed, status.ToString());
        }
        say(label + " reused, same configuration and inputs: " + RunOutcome(db, *state.run_id));
        break;
      case PointAction::kResume:
        work.push_back({index, ResumeArguments(*state.run_id, results_path, threads, options), PointLogPath(folder, index)});
        break;
      case PointAction::kRun:
        work.push_back({index, LocalRunArguments(plan, *sweep, index, results_path, threads, options),
                        PointLogPath(folder, index)});
        break;
    }
  }

  if (on_slurm) {
    std::vector<PointToSubmit> submit;
    for (const PointJob& job : work) submit.push_back({job.point, RunArguments(plan, *sweep, job.point, options)});
    return SubmitSweepPoints(db, *sweep, submit, options.slurm, options.wait, interrupt, say);
  }

  return RunPointsHere(db, plan, *sweep, work, states, jobs, interrupt, say);
}

}  // namespace runexp::sweep
