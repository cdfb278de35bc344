// `runexp sweep FILE.toml`: run every point of a parameter sweep.
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "sweep/sweep_runner.h"

namespace runexp::cli {

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
      "Examples:\n"
      "  runexp sweep experiments/mnist_ch2_sweep.toml --jobs 2\n"
      "  runexp sweep experiments/mnist_ch2.toml --grid model.epochs=2,5 --grid 'model.optimizer.name=\"rmsprop\",\"sgd\"'\n"
      "  runexp compare --sweep SWEEP_ID");
  auto options = std::make_shared<sweep::SweepOptions>();
  auto file = std::make_shared<std::string>();
  auto results = std::make_shared<std::string>();
  auto plugin_dirs = std::make_shared<std::vector<std::string>>();
  app->add_option("file", *file, "Experiment file (TOML)")->required();
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
  registry.Add(app, [options, file, results, plugin_dirs]() {
    options->request.experiment_file = *file;
    options->command_line = InvocationLine();
    if (!results->empty()) options->results_path = *results;
    for (const std::string& dir : *plugin_dirs) options->plugin_dirs.emplace_back(dir);
    return sweep::RunSweep(*options);
  });
}

}  // namespace runexp::cli
