// `runexp sweep FILE.toml`: run every point of a parameter sweep, here or on
// Slurm; `runexp sweep status|resume ID` for a sweep on Slurm.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "results_location.h"
#include "run/interrupt.h"
#include "sweep/sweep_runner.h"
#include "sweep/sweep_slurm.h"
#include "sweep/sweep_task.h"

namespace runexp::cli {

namespace {

// The sweep a status/resume command names, in the results database.
int WithSweep(const std::string& results, const std::string& typed, StoreAccess access,
              const std::function<int(store::RunStore&, const store::SweepRecord&)>& action) {
  Result<std::unique_ptr<store::RunStore>> db = OpenResults(ResultsPath(results), access);
  if (!db.ok()) {
    std::cerr << "runexp: " << db.status().ToString() << "\n";
    return kExitUsage;
  }
  Result<std::string> id = (*db)->ResolveSweepId(typed);
  Result<store::SweepRecord> sweep = id.ok() ? (*db)->GetSweep(*id) : Result<store::SweepRecord>(id.status());
  if (!sweep.ok()) {
    std::cerr << "runexp: " << sweep.status().ToString() << "\n";
    return kExitUsage;
  }
  return action(**db, *sweep);
}

// Options that only mean something for one executor, or that would break
// how runexp tracks its Slurm jobs; "" when the combination is fine.
std::string OptionConflict(const CLI::App& app, const sweep::SweepOptions& options) {
  const bool slurm = options.executor == "slurm";
  for (const char* name : {"--partition", "--time", "--cpus-per-task", "--sbatch-arg", "--wait"}) {
    if (!slurm && app.count(name) > 0) return std::string(name) + " needs --executor slurm";
  }
  if (!slurm) return "";
  for (const char* name : {"--jobs", "--threads"}) {
    if (app.count(name) > 0) return std::string(name) + " is for local sweeps; on Slurm use --cpus-per-task";
  }
  if (options.force) return "--force is not supported with --executor slurm";
  for (const std::string& arg : options.slurm.extra_args) {
    for (const char* taken : {"-J", "--job-name", "-a", "--array"}) {
      if (arg == taken || arg.rfind(std::string(taken) + (taken[1] == '-' ? "=" : ""), 0) == 0) {
        return "--sbatch-arg " + arg + ": runexp sets the job name and array itself (it finds its tasks by them)";
      }
    }
  }
  return "";
}

void AddSweepSubcommands(CLI::App* app, std::vector<std::function<int()>>& runs) {
  CLI::App* status = app->add_subcommand("status", "Each point of a sweep: pending, running, completed, failed...");
  auto status_id = std::make_shared<std::string>();
  auto status_results = std::make_shared<std::string>();
  status->add_option("sweep", *status_id, "Sweep id (or an unambiguous prefix)")->required();
  AddResultsOption(status, *status_results);
  runs.push_back([status, status_id, status_results]() {
    if (!status->parsed()) return -1;
    return WithSweep(*status_results, *status_id, StoreAccess::kRead,
                     [](store::RunStore& db, const store::SweepRecord& sweep) {
                       return sweep::PrintSweepStatus(db, sweep);
                     });
  });

  CLI::App* resume = app->add_subcommand("resume", "Merge a Slurm sweep's shards and resubmit what failed or never ran");
  auto resume_id = std::make_shared<std::string>();
  auto resume_results = std::make_shared<std::string>();
  auto resume_wait = std::make_shared<bool>(false);
  resume->add_option("sweep", *resume_id, "Sweep id (or an unambiguous prefix)")->required();
  AddResultsOption(resume, *resume_results);
  resume->add_flag("--wait", *resume_wait, "Follow the job array to its end, then merge");
  runs.push_back([resume, resume_id, resume_results, resume_wait]() {
    if (!resume->parsed()) return -1;
    InterruptFlag interrupt;
    return WithSweep(*resume_results, *resume_id, StoreAccess::kWrite,
                     [&](store::RunStore& db, const store::SweepRecord& sweep) {
                       return sweep::ResumeSweepOnSlurm(db, sweep, *resume_wait, interrupt,
                                                        [](const std::string& line) { std::cout << line << std::endl; });
                     });
  });

  // What each Slurm array task runs; not for people.
  CLI::App* task = app->add_subcommand("task", "");
  task->group("");
  auto task_folder = std::make_shared<std::string>();
  auto task_point = std::make_shared<int64_t>(0);
  task->add_option("folder", *task_folder)->required();
  task->add_option("point", *task_point)->required()->check(CLI::NonNegativeNumber);
  runs.push_back([task, task_folder, task_point]() {
    if (!task->parsed()) return -1;
    return sweep::RunSweepTask(*task_folder, *task_point);
  });
}

}  // namespace

void RegisterSweepCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("sweep", "Run an experiment over a grid of parameter values");
  app->footer(
      "The sweep is the file's [sweep] table (docs/sweeps.md) plus any --grid. Every point is\n"
      "validated before anything runs. Each point is an ordinary run, recorded in results.db\n"
      "and linked to the sweep. A point whose configuration and inputs match an earlier\n"
      "completed run is not run again but linked to it (unless --force). Running the same\n"
      "command again continues the sweep: completed points are kept, interrupted or failed\n"
      "ones resume from their checkpoints, missing ones run. Each point's output goes to\n"
      "sweeps/SWEEP_ID/point-NNNN.log beside results.db.\n"
      "\n"
      "--executor slurm submits the points as one Slurm job array instead; each task writes\n"
      "its own results shard in the sweep's folder (which, with the data and runexp, must be\n"
      "on storage every node sees) and `runexp merge` or --wait folds them into results.db.\n"
      "\n"
      "Examples:\n"
      "  runexp sweep experiments/mnist_ch2_sweep.toml --jobs 2\n"
      "  runexp sweep experiments/mnist_ch2.toml --grid model.epochs=2,5 --grid 'model.optimizer.name=\"rmsprop\",\"sgd\"'\n"
      "  runexp sweep experiments/mnist_ch2_sweep.toml --executor slurm --partition cpu --time 1:00:00 --wait\n"
      "  runexp compare --sweep SWEEP_ID");
  app->require_subcommand(0, 1);
  auto options = std::make_shared<sweep::SweepOptions>();
  auto file = std::make_shared<std::string>();
  auto results = std::make_shared<std::string>();
  auto plugin_dirs = std::make_shared<std::vector<std::string>>();
  app->add_option("file", *file, "Experiment file (TOML)");
  app->add_option("--grid", options->request.grid,
                  "Sweep a parameter over values: KEY=V1,V2,... with TOML literals, e.g.\n"
                  "model.layers[0].units=64,256 (repeatable; replaces the file's values for KEY)");
  app->add_option("--set", options->request.overrides,
                  "Override a parameter for every point: STAGE.KEY=VALUE (repeatable)");
  app->add_option("--results", *results, "The results database to record the runs in");
  app->add_option("--plugin-dir", *plugin_dirs, "A folder of plugin libraries (*.so) to load (repeatable)");
  app->add_option("--jobs,-j", options->jobs, "Points to run at once (default 1)")->check(CLI::Range(1, 1024));
  app->add_option("--threads", options->threads,
                  "Worker threads per point (default: the cores divided among the jobs); results do not depend on it")
      ->check(CLI::Range(1, 1024));
  app->add_flag("--force", options->force,
                "Run every point anew, even those with a completed run of the same configuration");
  app->add_flag("--dry-run", options->dry_run, "Validate and list the points; run and write nothing");
  app->add_flag("-q,--quiet", options->quiet, "Print nothing but errors");
  app->add_option("--executor", options->executor, "Where points run: local (default) or slurm")
      ->check(CLI::IsMember({"local", "slurm"}));
  app->add_option("--partition", options->slurm.partition, "slurm: the partition to submit to");
  app->add_option("--time", options->slurm.time, "slurm: each task's time limit (sbatch --time)");
  app->add_option("--cpus-per-task", options->slurm.cpus_per_task, "slurm: CPUs (and threads) per point (default 1)")
      ->check(CLI::Range(1, 1024));
  app->add_option("--sbatch-arg", options->slurm.extra_args, "slurm: one more sbatch argument (repeatable)")
      ->allow_extra_args(false);
  app->add_flag("--wait", options->wait, "slurm: follow the job array to its end, then merge into results.db");

  auto subcommand_runs = std::make_shared<std::vector<std::function<int()>>>();
  AddSweepSubcommands(app, *subcommand_runs);
  registry.Add(app, [app, options, file, results, plugin_dirs, subcommand_runs]() {
    for (const auto& run : *subcommand_runs) {
      if (int code = run(); code >= 0) return code;
    }
    if (file->empty()) {
      std::cerr << "runexp sweep: an experiment file is required (or: status ID, resume ID)\n" << app->help();
      return kExitUsage;
    }
    if (std::string problem = OptionConflict(*app, *options); !problem.empty()) {
      std::cerr << "runexp sweep: " << problem << "\n";
      return kExitUsage;
    }
    options->request.experiment_file = *file;
    options->command_line = InvocationLine();
    if (!results->empty()) options->results_path = *results;
    // Absolute: a Slurm task may start in another folder.
    for (const std::string& dir : *plugin_dirs) options->plugin_dirs.push_back(std::filesystem::absolute(dir));
    return sweep::RunSweep(*options);
  });
}

}  // namespace runexp::cli
